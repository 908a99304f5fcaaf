"""``twilio-compat convert`` over a large archive: peak memory and throughput.

Generates an archive of distinct, realistic list pages in a temporary directory (the legacy 2010
``/SMS/Messages`` resource in XML, as a 2008 app that swapped its URLs kept them: every message has
its own SID, numbers, dates, body and price), runs ``twilio-compat convert DIR --to 2010-04-01
--out OUT`` as a subprocess, and reports the child's peak RSS (``getrusage(RUSAGE_CHILDREN)``)
and its throughput in MB/s and messages/s. The target is a peak RSS under 200 MB for a ~1 GB
archive, since documents are converted one at a time.

Run by hand: ``python benchmarks/bench_convert.py`` (~1 GB) or ``--quick`` (~50 MB), or
``--size-mb N``. It prints figures; it never fails on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from compat.backends import get
from compat.model import Direction, ListQuery, Message, Status

ACCOUNT = "AC5ea872f6da5a21de157d80997a64bd33"
PAGE_SIZE = 1000
STATUSES = (Status.SENT, Status.RECEIVED, Status.FAILED, Status.QUEUED)
DIRECTIONS = (Direction.OUTBOUND_API, Direction.INBOUND, Direction.OUTBOUND_REPLY)


def page_messages(page: int) -> tuple[Message, ...]:
    start = dt.datetime(2010, 4, 1, tzinfo=dt.timezone.utc)
    items = []
    for index in range(PAGE_SIZE):
        n = page * PAGE_SIZE + index
        when = start + dt.timedelta(seconds=37 * n)
        items.append(Message(
            sid=f"SM{n:032x}",
            account_sid=ACCOUNT,
            to=f"+1415{2000000 + n % 7999999:07d}",
            from_=f"+1650{5550000 + n % 9999:07d}"[:12],
            body=f"Message {n}: meet at {when:%H:%M} by gate {n % 97} & bring the <receipt>",
            status=STATUSES[n % len(STATUSES)],
            direction=DIRECTIONS[n % len(DIRECTIONS)],
            date_created=when,
            date_updated=when + dt.timedelta(seconds=5),
            date_sent=when + dt.timedelta(seconds=4),
            price=Decimal(-(750 + n % 500)) / Decimal(100000),
            api_version="2010-04-01",
        ))
    return tuple(items)


def generate(root: Path, size_mb: float) -> tuple[int, int]:
    """Write pages until ``size_mb`` is reached; returns (bytes, messages)."""
    backend = get("2010-04-01-sms-xml")
    written = pages = 0
    goal = int(size_mb * 1024 * 1024)
    # The page count is not known up front: totals are written as a list of 10**6 messages.
    total = 10**6 * PAGE_SIZE
    while written < goal:
        page = backend.make_page(ACCOUNT, ListQuery(), page_messages(pages), page=pages,
                                 page_size=PAGE_SIZE, total=total)
        body = backend.render_page(page).body
        folder = root / f"{pages // 100:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"page-{pages:06d}.xml").write_bytes(body)
        written += len(body)
        pages += 1
    return written, pages * PAGE_SIZE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a ~50 MB archive")
    parser.add_argument("--size-mb", type=float, default=None, help="archive size in MB")
    parser.add_argument("--to", default="2010-04-01", help="target dialect")
    args = parser.parse_args()
    size = args.size_mb or (50.0 if args.quick else 1024.0)
    with tempfile.TemporaryDirectory(prefix="bench-convert-") as temp:
        archive, out = Path(temp) / "archive", Path(temp) / "out"
        archive.mkdir()
        started = time.perf_counter()
        written, messages = generate(archive, size)
        print(f"archive: {written / 1e6:.1f} MB, {messages:,} messages "
              f"({time.perf_counter() - started:.1f} s to generate)")
        command = [sys.executable, "-m", "compat", "convert", str(archive), "--to", args.to,
                   "--out", str(out)]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, check=False,
                                env={**os.environ, "PYTHONWARNINGS": "ignore"})
        elapsed = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"command: twilio-compat convert ARCHIVE --to {args.to} --out OUT "
              f"(exit {result.returncode})")
        print(result.stderr.decode().strip().splitlines()[-1] if result.stderr else "")
        print(f"time: {elapsed:.1f} s; throughput {written / 1e6 / elapsed:.1f} MB/s, "
              f"{messages / elapsed:,.0f} messages/s")
        print(f"peak RSS of the convert process: {peak_kb / 1024:.1f} MB (target < 200 MB)")
        return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
