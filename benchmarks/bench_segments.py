"""Benchmark compat.segments: analyze() and split() against a floor measured in the same run.

The floor is one ``regex`` ``\\X`` pass over the body (``findall``): the least work any
grapheme-aware segment counter does. Ratios below 1 mean the fast paths skip that pass.
Run ``python benchmarks/bench_segments.py``. Timings are printed, never asserted.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

import regex

from compat.segments import analyze, split

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
BODIES = {
    "ascii 160": "Your code is 123456. " * 7 + "Thanks x",
    "ascii 1600": ("The quick brown fox jumps over the lazy dog. " * 36)[:1600],
    "gsm+ext 1600": ("Price: 5€ {promo} [now] " * 67)[:1600],
    "cyrillic 1600": ("Привет, как дела? " * 89)[:1600],
    "emoji mix 1600": (f"ok {FAMILY} 🇺🇸 👍🏽 café " * 80)[:1600],
}
GRAPHEME = regex.compile(r"\X")


def best(fn: Callable[[], object], number: int = 2000) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def main() -> None:
    print(f"{'body':<16}{'floor µs':>10}{'analyze':>10}{'ratio':>8}{'split':>10}{'ratio':>8}")
    for name, body in BODIES.items():
        floor = best(lambda body=body: GRAPHEME.findall(body))
        a = best(lambda body=body: analyze(body))
        s = best(lambda body=body: split(body, 160))
        print(
            f"{name:<16}{floor * 1e6:>10.1f}{a * 1e6:>10.1f}{a / floor:>8.2f}"
            f"{s * 1e6:>10.1f}{s / floor:>8.2f}"
        )


if __name__ == "__main__":
    main()
