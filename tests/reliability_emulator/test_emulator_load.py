"""A load run against a served emulator in its own process: 50 concurrent keep-alive clients
creating messages. Nothing is lost, no SID is given twice, nothing answers 5xx; throughput and
p99 latency are printed (``pytest -s``). Quick by default; ``RELIABILITY=thorough`` makes 10,000
creates."""

from __future__ import annotations

import statistics
import threading
import time

import httpx
from emusupport import AUTH, JENNY, LIST, ME, THOROUGH, served_process

CLIENTS = 50
CREATES = 10_000 if THOROUGH else 1_000


def _client_loop(url: str, count: int, index: int, results: list[tuple[int, str | None, float]],
                 lock: threading.Lock, start: threading.Event) -> None:
    mine: list[tuple[int, str | None, float]] = []
    with httpx.Client(base_url=url, auth=AUTH, timeout=30) as client:
        start.wait()
        for n in range(count):
            began = time.perf_counter()
            try:
                answer = client.post(LIST, data={"To": JENNY, "From": ME,
                                                 "Body": f"load {index}-{n}"})
                sid = answer.json().get("sid") if answer.status_code == 201 else None
                mine.append((answer.status_code, sid, time.perf_counter() - began))
            except httpx.HTTPError:
                mine.append((0, None, time.perf_counter() - began))
    with lock:
        results.extend(mine)


def test_concurrent_creates_lose_nothing_and_duplicate_nothing() -> None:
    with served_process("--clock", "system") as (_process, url):
        results: list[tuple[int, str | None, float]] = []
        lock = threading.Lock()
        start = threading.Event()
        share, extra = divmod(CREATES, CLIENTS)
        threads = [
            threading.Thread(target=_client_loop,
                             args=(url, share + (i < extra), i, results, lock, start))
            for i in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        start.set()
        for thread in threads:
            thread.join(600)
        elapsed = time.perf_counter() - began
        statuses = [status for status, _, _ in results]
        sids = [sid for _, sid, _ in results if sid is not None]
        stored = httpx.get(f"{url}/__admin/messages").json()["messages"]
    latencies = sorted(latency for _, _, latency in results)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(
        f"\nload: {CREATES} creates by {CLIENTS} clients in {elapsed:.2f} s = "
        f"{CREATES / elapsed:.0f}/s; latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
    )
    assert len(results) == CREATES
    assert [s for s in statuses if s >= 500 or s == 0] == []  # no 5xx, no transport failure
    assert statuses.count(201) == CREATES
    assert len(set(sids)) == len(sids) == CREATES  # no duplicate SIDs
    assert {m["sid"] for m in stored} == set(sids)  # none lost, none extra
    assert len(stored) == CREATES
