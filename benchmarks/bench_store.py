"""Benchmark the emulator's store: list and create latency against how many messages it holds.

For the in-memory store and for SQLite (``--db``), at 0 / 10k / 100k stored messages (and 1M for
SQLite; ``--memory-million`` adds 1M in memory), measured in one run, in-process through
``Emulator.handle`` (routing, authentication, the store, rendering: what a request costs):

* list, a page of 50 (2010-04-01 JSON): the first page unfiltered, a page deep in (the ``PA``
  token of a message half-way down), and first pages filtered by ``To``, by ``From`` and by
  ``DateSent`` (one day); also the 2008-08-01 dialect's counted first page (it shows a total);
* create: one ``POST`` of a new message (immediate mode: the whole lifecycle is taken and written);
* SQLite: the time to open a database of that size (``Emulator(db=...)``), and the time from
  starting ``twilio-compat serve --db`` on it to its first answer; with an empty store, the same
  start-up in memory.

The data are realistic and never repeat: distinct SIDs, 20 senders, 50,000 recipients (20
messages each at 1M), bodies with the message number, dates over 90 days, a price on every sent
message. A store of 100 messages is the floor: the least that fills a page of 50 twice. Every timed
request asks for something different (another recipient, sender, day or token), so no cache
of the backends' answers helps. The 1M SQLite database is written once through the store's own
schema (:data:`compat.emulator.database.INSERT`, in one transaction: the benchmark's bulk path)
and kept in ``--cache DIR`` for later runs; its open is measured with the OS file cache warm.

Run ``python benchmarks/bench_store.py [--quick] [--chart PATH] [--cache DIR]`` (``--chart`` needs
matplotlib: ``pip install 'twilio-compat[bench]'``). Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import httpx
from bytecode import write_caches

from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator
from compat.emulator.database import INSERT, Database, row
from compat.emulator.store import Record
from compat.model import Direction, ListQuery, Message, Status
from compat.wire import WireRequest, encode_form

AUTH = ("Authorization", httpx.BasicAuth(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)._auth_header)
LIST_2010 = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
LIST_2008 = f"/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages"
START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
DAYS = 90
SENDERS = 20
RECIPIENTS = 50_000


def number(n: int) -> str:
    return f"+1{200 + n // 10000}555{n % 10000:04d}"


def sender(n: int) -> str:
    return f"+1415555{n % SENDERS:04d}"


def records(count: int) -> Iterator[Record]:
    """``count`` distinct delivered messages of the test account, oldest first."""
    step = DAYS * 86400 / max(count, 1)
    for n in range(count):
        created = START + dt.timedelta(seconds=int(n * step))
        segments = 1 + n % 3
        message = Message(
            sid="SM" + hashlib.blake2b(n.to_bytes(8, "big"), digest_size=16).hexdigest(),
            account_sid=TEST_ACCOUNT_SID, to=number(n * 7919 % RECIPIENTS),
            from_=sender(n), body=f"Message {n}: your code is {n * 7919 % 1000000:06d}",
            status=Status.DELIVERED, direction=Direction.OUTBOUND_API,
            date_created=created, date_updated=created + dt.timedelta(seconds=3),
            date_sent=created + dt.timedelta(seconds=1),
            price=Decimal("-0.00790") * segments, price_unit="USD", num_segments=segments,
            num_media=0, api_version="2010-04-01",
        )
        yield Record(message=message, seq=n + 1, dialect="2010-04-01")


def fill_memory(emulator: Emulator, count: int) -> None:
    for record in records(count):
        emulator.store.add(record)


def build_database(path: Path, count: int) -> None:
    """Write ``count`` messages through the store's schema in one transaction (bench only)."""
    Emulator(db=path).close()  # the schema, the test account
    database = Database(path)
    conn = database.conn
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    batch: list[tuple[object, ...]] = []
    for record in records(count):
        batch.append(row(record))
        if len(batch) == 10000:
            conn.executemany(INSERT, batch)
            batch.clear()
    conn.executemany(INSERT, batch)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('counter', ?)", (str(count),))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()


def get(path: str, **query: str) -> WireRequest:
    return WireRequest("GET", path, tuple(query.items()), (AUTH,))


def median_ms(requests: Callable[[int], WireRequest], emulator: Emulator, rounds: int) -> float:
    """Median latency of ``emulator.handle(requests(i))`` over ``rounds`` different requests."""
    emulator.handle(requests(rounds))  # warm the code path, not the data
    times = []
    for i in range(rounds):
        request = requests(i)
        began = time.perf_counter()
        response = emulator.handle(request)
        times.append(time.perf_counter() - began)
        assert response.status in (200, 201), response.body[:200]
    return statistics.median(times) * 1e3


def measure(emulator: Emulator, count: int, rounds: int) -> dict[str, float]:
    middle = emulator.store.page(TEST_ACCOUNT_SID, _query(count), exact=False)[0]
    tokens = [r.sid for r in middle] or [""]
    stored = [r.message.to or "" for r in middle] or [number(0)]
    recipients = [stored[i % len(stored)] for i in range(rounds + 1)]
    days = [(START + dt.timedelta(days=d % DAYS)).date().isoformat() for d in range(rounds + 1)]
    senders = [sender(i) for i in range(rounds + 1)]
    form_headers = (AUTH, ("Content-Type", "application/x-www-form-urlencoded"))

    def create(i: int) -> WireRequest:
        form = {"To": number(900000 + i), "From": sender(i), "Body": f"Created {count} {i}"}
        return WireRequest("POST", LIST_2010, headers=form_headers,
                           body=encode_form(form.items()))

    return {
        "first": median_ms(lambda i: get(LIST_2010, PageSize="50"), emulator, rounds),
        "deep": median_ms(lambda i: get(LIST_2010, PageSize="50", Page="5",
                                        PageToken="PA" + tokens[i % len(tokens)]),
                          emulator, rounds),
        "to": median_ms(lambda i: get(LIST_2010, PageSize="50", To=recipients[i]),
                        emulator, rounds),
        "from": median_ms(lambda i: get(LIST_2010, PageSize="50", From=senders[i]),
                          emulator, rounds),
        "date": median_ms(lambda i: get(LIST_2010, PageSize="50", DateSent=days[i]),
                          emulator, rounds),
        "counted": median_ms(lambda i: get(LIST_2008, PageSize="50"), emulator, rounds),
        "create": median_ms(create, emulator, rounds),
    }


def _query(count: int) -> ListQuery:
    return ListQuery(page_size=50, page=max(count // 100, 0) if count else 0)


def start_to_first_answer(*extra: str, source: str | None = None) -> float:
    """Milliseconds from starting ``twilio-compat serve`` (of the package in ``source``, a folder
    holding another version's ``compat/``, if given) to its first answered list request."""
    env = dict(os.environ, PYTHONPATH=source) if source else None
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "compat", "serve", "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=source, env=env,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        with httpx.Client(base_url=url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)) as probe:
            while True:
                try:
                    probe.get(LIST_2010, params={"PageSize": "50"}).raise_for_status()
                    break
                except httpx.TransportError:
                    time.sleep(0.002)
        return (time.perf_counter() - began) * 1e3
    finally:
        process.terminate()
        process.communicate(timeout=30)


LABELS = {
    "first": "list, first page", "deep": "list, page deep in (PA token)", "to": "list, To filter",
    "from": "list, From filter", "date": "list, DateSent day", "counted": "list, 2008 counted",
    "create": "create",
}


def run(args: argparse.Namespace) -> dict[str, dict[int, dict[str, float]]]:
    sizes = [0, 100, 10_000] if args.quick else [0, 100, 10_000, 100_000]
    results: dict[str, dict[int, dict[str, float]]] = {"memory": {}, "sqlite": {}}
    cache = Path(args.cache or tempfile.mkdtemp(prefix="bench-store-"))
    cache.mkdir(parents=True, exist_ok=True)
    for count in [*sizes, *([1_000_000] if args.memory_million else [])]:
        emulator = Emulator()
        fill_memory(emulator, count)
        results["memory"][count] = measure(emulator, count, args.rounds)
        emulator.close()
        report("memory", count, results["memory"][count])
    for count in [*sizes, *([] if args.quick else [1_000_000])]:
        path = cache / f"store-{count}.db"
        if not path.exists():
            began = time.perf_counter()
            build_database(path, count)
            print(f"  (built {path.name} in {time.perf_counter() - began:.0f} s)")
        work = Path(tempfile.mkdtemp(prefix="bench-store-run-")) / path.name
        shutil.copyfile(path, work)  # the creates below change the copy, never the cache
        began = time.perf_counter()
        emulator = Emulator(db=work)
        opened = (time.perf_counter() - began) * 1e3
        figures = measure(emulator, count, args.rounds)
        emulator.close()
        figures["open"] = opened
        figures["serve"] = statistics.median(
            start_to_first_answer("--db", str(work)) for _ in range(3)
        )
        results["sqlite"][count] = figures
        report("sqlite", count, figures)
        shutil.rmtree(work.parent)
    print(write_caches())
    served = [start_to_first_answer() for _ in range(5)]
    print(f"serve start-up to first answer, in memory: median {statistics.median(served):.0f} ms "
          f"(of 5: {', '.join(f'{s:.0f}' for s in served)})")
    floors = (("python -c pass", "pass"), ("python -c 'import uvicorn'", "import uvicorn"))
    for name, code in floors:
        floor = statistics.median(process_ms(code) for _ in range(5))
        print(f"floor, {name}: median {floor:.0f} ms")
    summary(results)
    return results


def process_ms(code: str) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return (time.perf_counter() - began) * 1e3


def summary(results: dict[str, dict[int, dict[str, float]]]) -> None:
    """One line per figure: its value at every size, and the largest size's against 10,000 messages
    (by then every page asked for is full but To's: recipients have one or two messages)."""
    print("== summary (ms by stored messages; last: largest / 10,000) ==")
    for kind, by_size in results.items():
        sizes = sorted(by_size)
        print(f"  {kind:<7} {'figure':<10}" + "".join(f"{size:>10,}" for size in sizes))
        for key in by_size[sizes[0]]:
            values = "".join(f"{by_size[size][key]:>10.2f}" for size in sizes)
            base = by_size.get(10_000, by_size[sizes[-1]])[key]
            ratio = by_size[sizes[-1]][key] / base
            print(f"  {kind:<7} {key:<10}{values}   x{ratio:.2f}")


def report(kind: str, count: int, figures: dict[str, float]) -> None:
    print(f"== {kind}, {count:,} stored messages ==")
    for key, value in figures.items():
        label = LABELS.get(key, {"open": "open the database", "serve": "serve --db to first "
                                 "answer (median of 3)"}.get(key, key))
        print(f"  {label:<38} {value:8.2f} ms")


def chart(results: dict[str, dict[int, dict[str, float]]], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, (lists, creates) = pyplot.subplots(1, 2, figsize=(11, 4.2))
    for kind, marker in (("memory", "o"), ("sqlite", "s")):
        sizes = sorted(results[kind])
        xs = [max(size, 1) for size in sizes]
        for key, style in (("first", "-"), ("deep", "--"), ("to", ":"), ("date", "-.")):
            lists.plot(xs, [results[kind][s][key] for s in sizes], style, marker=marker,
                       label=f"{kind}: {LABELS[key].removeprefix('list, ')}")
        creates.plot(xs, [results[kind][s]["create"] for s in sizes], marker=marker, label=kind)
    for axes, title in ((lists, "list, a page of 50 (ms)"), (creates, "create (ms)")):
        axes.set_xscale("log")
        axes.set_xlabel("stored messages (0 drawn at 1)")
        axes.set_title(title)
        axes.set_ylim(bottom=0)
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize=7)
    figure.suptitle("twilio-compat emulator, in-process through Emulator.handle")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"chart written to {path}")


def compare_startup(source: str, rounds: int = 3) -> None:
    """Served start-up of this tree and of ``source``, interleaved, five starts each per round."""
    print(write_caches())
    print(write_caches(source))
    for _ in range(rounds):
        other = statistics.median(start_to_first_answer(source=source) for _ in range(5))
        this = statistics.median(start_to_first_answer() for _ in range(5))
        print(f"serve start-up, median of 5: this tree {this:.0f} ms, {source} {other:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="0 and 10k only, no 1M database")
    parser.add_argument("--rounds", type=int, default=200, help="requests per measurement")
    parser.add_argument("--memory-million", action="store_true", help="also 1M in memory")
    parser.add_argument("--cache", default=None, help="keep built databases in this folder")
    parser.add_argument("--chart", default=None, metavar="PATH", help="write a PNG chart")
    parser.add_argument("--startup-against", default=None, metavar="DIR",
                        help="only compare serve start-up with the compat/ package in DIR "
                        "(e.g. git archive main compat | tar -x -C DIR)")
    args = parser.parse_args()
    if args.startup_against:
        compare_startup(args.startup_against)
        return
    results = run(args)
    if args.chart:
        chart(results, args.chart)


if __name__ == "__main__":
    main()
