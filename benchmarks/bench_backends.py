"""Backend hot paths against raw floors, measured in the same run.

1. Decode a 1,000-message 2008 list page into Message objects, against a raw lxml floor:
   ``etree.fromstring`` plus one dict per message of its ten element texts (tag -> text).
2. Encode the same page as 2010 JSON, against a floor of ``json.dumps`` over equivalent dicts
   (the same keys and already-formatted values).

Targets: decode at most 1.5, encode at most 1.3. The script prints ratios; it never fails on
timings (run it by hand: ``python benchmarks/bench_backends.py [--rounds N]``). Each pair is timed
in alternating rounds so a busy machine slows both sides alike; the ratio is the median of
per-round ratios. The decode line also shows the hardened parser's share. The data is realistic:
every message has its own SID, numbers, dates, body and price, and nothing in the library caches
values, so every run reads and writes every value afresh.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from lxml import etree

from compat._xml import parse_xml
from compat.backends.v2008 import Backend2008
from compat.backends.v2010 import Backend2010
from compat.model import Direction, ListQuery, Message, MessagePage, Status
from compat.wire import WireResponse

ACCOUNT = "AC5ea872f6da5a21de157d80997a64bd33"
COUNT = 1000
FIELDS = ("Sid", "DateCreated", "DateUpdated", "DateSent", "AccountSid", "To", "From", "Body",
          "Status", "Flags")


def sample_messages(count: int = COUNT) -> tuple[Message, ...]:
    """Messages like a busy account's: every SID, number pair, body, time and price distinct."""
    start = dt.datetime(2009, 10, 4, 3, 48, 8, tzinfo=dt.timezone.utc)
    directions = (Direction.OUTBOUND_API, Direction.INBOUND, Direction.OUTBOUND_REPLY)
    messages = []
    for n in range(count):
        when = start + dt.timedelta(seconds=37 * n)
        messages.append(Message(
            sid=f"SM{n:032x}",
            account_sid=ACCOUNT,
            to=f"+1{415 + n % 300}{867 + n % 97}{n % 10000:04d}",
            from_=f"+1{650 + n % 200}555{(n * 7919) % 10000:04d}",
            body=f"Message {n}: Hi there Jenny! Why didn't you call me back?",
            status=Status.SENT if n % 7 else Status.DELIVERED,
            direction=directions[n % 3],
            date_created=when,
            date_updated=when + dt.timedelta(seconds=2),
            date_sent=when + dt.timedelta(seconds=2),
            price=Decimal(f"-0.{750 + n:05d}"),
            price_unit="USD",
            num_segments=1,
            num_media=0,
            api_version="2010-04-01",
        ))
    return tuple(messages)


def _once(run: Callable[[], object]) -> float:
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


def compare(ours: Callable[[], object], floor: Callable[[], object], rounds: int
            ) -> tuple[float, float, float]:
    """Time ``ours`` and ``floor`` in alternating rounds, so a busy machine slows both alike.

    Returns the fastest quartile's median of each, in seconds, and the median of the per-round
    ratios.
    """
    ours(), floor()  # warm up: imports, caches, allocator
    mine, base, ratios = [], [], []
    for _ in range(rounds):
        a, b = _once(ours), _once(floor)
        mine.append(a)
        base.append(b)
        ratios.append(a / b)
    keep = max(1, rounds // 4)
    return (statistics.median(sorted(mine)[:keep]), statistics.median(sorted(base)[:keep]),
            statistics.median(ratios))


def decode_floor(body: bytes) -> list[dict[str, str | None]]:
    root = etree.fromstring(body)
    return [{child.tag: child.text for child in message} for message in root[0]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    old, new = Backend2008(), Backend2010()
    messages = sample_messages()
    page_2008 = old.make_page(ACCOUNT, ListQuery(), messages, page=0, page_size=COUNT,
                              total=COUNT)
    body = old.render_page(page_2008).body
    response = WireResponse(200, (("Content-Type", "application/xml"),), body)

    # 1. decode 2008 ---------------------------------------------------------------------------
    parsed = old.parse_page(response)
    assert len(parsed) == COUNT
    assert len(decode_floor(body)) == COUNT
    decode, floor, ratio = compare(lambda: old.parse_page(response), lambda: decode_floor(body),
                                   args.rounds)
    print(f"decode 2008 page of {COUNT}: {decode * 1e3:7.2f} ms   "
          f"lxml floor {floor * 1e3:7.2f} ms   ratio {ratio:4.2f} (target <= 1.5)")

    parse, raw, parse_ratio = compare(lambda: parse_xml(body, dialect="2008-08-01"),
                                      lambda: etree.fromstring(body), args.rounds)
    print(f"  of which the hardened parser: {parse * 1e3:7.2f} ms   "
          f"etree.fromstring {raw * 1e3:7.2f} ms   ratio {parse_ratio:4.2f}")

    # 2. encode 2010 ---------------------------------------------------------------------------
    page_2010: MessagePage = new.make_page(ACCOUNT, ListQuery(), parsed.items, page=0,
                                           page_size=COUNT, total=COUNT)
    equivalent = json.loads(new.render_page(page_2010).body)
    encode, dumps, ratio = compare(lambda: new.render_page(page_2010),
                                   lambda: json.dumps(equivalent).encode("ascii"), args.rounds)
    print(f"encode 2010 page of {COUNT}: {encode * 1e3:7.2f} ms   "
          f"json.dumps floor {dumps * 1e3:7.2f} ms   ratio {ratio:4.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
