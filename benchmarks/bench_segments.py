"""Benchmark compat.segments: analyze() and split() against a floor measured in the same run.

The floor is one ``regex`` ``\\X`` pass over the body (``findall``): the least work any
grapheme-aware segment counter does. Ratios below 1 mean the fast paths skip that pass.

It also times ``analyze`` over a realistic mixed corpus of 2,000 distinct bodies (``mixed_corpus``:
mostly short GSM-7 notifications, some with extension characters or CR LF, UCS-2 text in several
scripts, Hindi, and text with emoji; a tenth of them concatenated, some 1,200 characters long) and
prints the mean per body, and per kind of body the ratio against one ``\\X`` pass over the same
bodies. ``analyze`` keeps no cache, so every body is analysed from scratch in every round.

Times are CPU time of this process (``time.process_time``), best of five rounds, so that other work
on a shared machine inflates them less than wall-clock time would.

Run ``python benchmarks/bench_segments.py``. Timings are printed, never asserted.
"""

from __future__ import annotations

import random
import time
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

WORDS = [
    "your", "order", "has", "shipped", "and", "will", "arrive", "soon", "track", "it", "here",
    "thanks", "for", "shopping", "with", "us",
]  # fmt: skip
CYRILLIC = [
    "ваш", "заказ", "отправлен", "и", "скоро", "будет", "доставлен", "спасибо", "за", "покупку",
]  # fmt: skip
GREEK_CJK_ARABIC = ["καλημέρα", "ευχαριστώ", "您的订单已发货", "谢谢", "طلبك", "شكرا", "注文"]
HINDI = ["आपका", "ऑर्डर", "भेज", "दिया", "गया", "है", "धन्यवाद", "क्षमा", "स्त्री"]
EMOJI = [
    "😀", "🎉", "❤️", "👍🏽", "🙏", "🔥", "😂", "🇺🇸", "🇩🇪", FAMILY, "👩\u200d💻",
    "❤️\u200d🔥", "🧑\u200d🤝\u200d🧑", "👋🏻", "✅", "🚀", "☺️",
]  # fmt: skip
EXTENSION = ["€", "{", "}", "[", "]", "~", "^", "|", "\\"]


def mixed_corpus(count: int = 2000, seed: int = 12) -> dict[str, list[str]]:
    """Distinct SMS-like bodies by kind: mostly short, a tail of long concatenated ones."""
    rnd = random.Random(seed)

    def length() -> int:
        return rnd.choice([rnd.randint(20, 160)] * 6 + [rnd.randint(160, 480)] * 3 + [1200])

    def text(words: list[str], extra: list[str], rate: float) -> str:
        size, out = length(), [f"#{len(seen)}"]  # a serial number keeps every body distinct
        while sum(map(len, out)) + len(out) < size:
            out.append(rnd.choice(extra) if extra and rnd.random() < rate else rnd.choice(words))
        return " ".join(out)[:size]

    kinds: dict[str, tuple[float, Callable[[], str]]] = {
        "gsm": (0.55, lambda: text([*WORDS, "Ref:", "OK.", "@home", "£5"], [], 0)),
        "gsm+ext": (0.10, lambda: text(WORDS, [*EXTENSION, "\r\n"], 0.15)),
        "ucs2 text": (0.12, lambda: text(CYRILLIC + GREEK_CJK_ARABIC, [], 0)),
        "indic": (0.05, lambda: text(HINDI, [], 0)),
        "emoji": (0.18, lambda: text(WORDS, EMOJI, 0.2)),
    }
    corpus: dict[str, list[str]] = {kind: [] for kind in kinds}
    seen: set[str] = set()
    names, weights = list(kinds), [share for share, _ in kinds.values()]
    while len(seen) < count:
        kind = rnd.choices(names, weights)[0]
        body = kinds[kind][1]()
        if body not in seen:
            seen.add(body)
            corpus[kind].append(body)
    return corpus


def best(fn: Callable[[], object], number: int = 2000) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5, timer=time.process_time)) / number


def per_body(bodies: list[str], fn: Callable[[str], object]) -> float:
    """Mean seconds per body of ``fn`` over ``bodies``, best of five rounds."""

    def run() -> None:
        for body in bodies:
            fn(body)

    return min(timeit.repeat(run, number=1, repeat=5, timer=time.process_time)) / len(bodies)


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
    corpus = mixed_corpus()
    everything = [body for bodies in corpus.values() for body in bodies]
    random.Random(0).shuffle(everything)
    mean = per_body(everything, analyze)
    print(f"\nmixed corpus: {len(everything)} distinct bodies, mean {mean * 1e6:.1f} µs per body")
    for kind, bodies in corpus.items():
        ours, floor = per_body(bodies, analyze), per_body(bodies, GRAPHEME.findall)
        print(
            f"  {kind:<10}{len(bodies):>5} bodies  analyze {ours * 1e6:6.1f} µs"
            f"  \\X pass {floor * 1e6:6.1f} µs  ratio {ours / floor:.2f}"
        )


if __name__ == "__main__":
    main()
