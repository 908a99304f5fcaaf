"""Every benchmark figure in the docs, from one command.

    python benchmarks/run_all.py [--runs 3] [--quick] [--only NAME ...] [--out DIR] [--list]

Rules this script keeps:

* Each benchmark runs in a child process of its own, one after another, never two at once (they
  would slow each other down). Each one gets the arguments its section of the docs names, so
  ``--runs 3`` reproduces the ranges there (``docs/performance.md`` and the benchmark figures of
  ``docs/migration.md``, ``docs/reliability.md`` and ``docs/client.md``).
* Output goes to the terminal as it comes and is kept in ``DIR/NAME-RUN.txt`` (``--out``,
  default ``bench-results/``); the store chart is written there too.
* ``--quick`` gives every benchmark its short form, for a look in a few minutes; the docs'
  figures are from full runs.
* Nothing here compares or judges figures: each script prints its own ratios against the floor
  it measured in the same run.

Full runs need the extras ``server``, ``test`` (the official twilio client, Playwright) and
``bench`` (matplotlib); Node and npm for the Prism comparison; Chromium for the inbox. One pass of
every benchmark took under ten minutes on a 2-core machine, most of it the 1 GB conversion and the
1,000,000-message store (built once into ``DIR/store-cache``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import attrs

HERE = Path(__file__).resolve().parent


@attrs.frozen
class Benchmark:
    """One script, with the arguments of its documented figures and of its short form."""

    name: str
    script: str
    documented: Callable[[Path], list[str]]
    quick: Callable[[Path], list[str]]
    where: str

    def arguments(self, out: Path, *, quick: bool) -> list[str]:
        return (self.quick if quick else self.documented)(out)


def _none(_out: Path) -> list[str]:
    return []


def _only_quick(_out: Path) -> list[str]:
    return ["--quick"]


def _store(out: Path) -> list[str]:
    return ["--cache", str(out / "store-cache"), "--chart", str(out / "store.png")]


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("backends", "bench_backends.py", _none, lambda _o: ["--rounds", "10"],
              "performance.md#backends-benchmarksbench_backendspy"),
    Benchmark("phone", "bench_phone.py", _none, lambda _o: ["--per-class", "60", "--rounds", "3"],
              "performance.md#phone-numbers-benchmarksbench_phonepy"),
    Benchmark("segments", "bench_segments.py", _none, _none,
              "performance.md#segments-benchmarksbench_segmentspy"),
    Benchmark("client", "bench_client.py", _none,
              lambda _o: ["--number", "300", "--creates", "200"],
              "performance.md#clients-benchmarksbench_clientpy"),
    Benchmark("emulator", "bench_emulator.py", _only_quick, _only_quick,
              "performance.md#emulator-benchmarksbench_emulatorpy"),
    Benchmark("served", "bench_served.py", _only_quick, lambda _o: ["--quick", "--rounds", "2"],
              "performance.md#served-create-against-peers-benchmarksbench_servedpy"),
    Benchmark("store", "bench_store.py", _store,
              lambda out: ["--quick", "--rounds", "50", "--chart", str(out / "store.png")],
              "performance.md#store-benchmarksbench_storepy"),
    Benchmark("inbox", "bench_inbox.py", _none, _only_quick,
              "performance.md#inbox-benchmarksbench_inboxpy"),
    Benchmark("convert", "bench_convert.py", _none, _only_quick,
              "performance.md#converting-archives-benchmarksbench_convertpy"),
    Benchmark("proxy", "bench_proxy.py", lambda _o: ["--workers", "1", "2", "4"],
              lambda _o: ["--workers", "1", "2", "--seconds", "2"],
              "migration.md"),
    Benchmark("bombs", "bench_bombs.py", _none,
              lambda _o: ["--size", str(64 << 20), "--floor-size", str(16 << 20)],
              "reliability.md"),
)


def command(benchmark: Benchmark, out: Path, *, quick: bool) -> list[str]:
    """The child process's command line."""
    return [sys.executable, str(HERE / benchmark.script),
            *benchmark.arguments(out, quick=quick)]


def run(benchmark: Benchmark, out: Path, number: int, *, quick: bool) -> tuple[int, float]:
    """Run once, echoing and keeping the output; (exit status, seconds)."""
    argv = command(benchmark, out, quick=quick)
    log = out / f"{benchmark.name}-{number}.txt"
    began = time.perf_counter()
    with log.open("w", encoding="utf-8") as kept:
        kept.write("$ " + " ".join(argv[1:]) + "\n")
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, cwd=HERE.parent)
        assert child.stdout is not None
        for line in child.stdout:
            sys.stdout.write(line)
            kept.write(line)
        status = child.wait()
    return status, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each benchmark")
    parser.add_argument("--quick", action="store_true", help="every benchmark's short form")
    parser.add_argument("--only", nargs="+", default=None, metavar="NAME",
                        choices=[b.name for b in BENCHMARKS], help="these benchmarks only")
    parser.add_argument("--out", default="bench-results", help="where outputs are kept")
    parser.add_argument("--list", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    chosen = [b for b in BENCHMARKS if args.only is None or b.name in args.only]
    if args.list:
        for benchmark in chosen:
            argv = command(benchmark, out, quick=args.quick)
            print(f"{benchmark.name:9} python {' '.join(argv[1:])}   (docs/{benchmark.where})")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    times: list[str] = []
    for number in range(1, args.runs + 1):
        for benchmark in chosen:
            print(f"\n===== {benchmark.name}, run {number} of {args.runs} =====", flush=True)
            status, seconds = run(benchmark, out, number, quick=args.quick)
            times.append(f"{benchmark.name} run {number}: {seconds:.0f} s")
            if status != 0:
                failed.append(f"{benchmark.name} run {number} (exit status {status})")
    print("\n" + "\n".join(times))
    print(f"outputs in {out}")
    if failed:
        print("failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
