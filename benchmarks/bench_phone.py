"""Benchmark: compat.phone.normalize against raw phonenumbers on one mixed corpus, in one run.

The floor is what a caller would otherwise write: ``phonenumbers.parse(value, "US")`` then
``format_number(..., E164)``. Both run over the same corpus (US E.164, North American national
formats, international numbers with a plus, a few invalid values), best of several timeit repeats.
The outputs must be identical on the valid inputs. Target: normalize at least 3x faster.

    python benchmarks/bench_phone.py
"""

from __future__ import annotations

import contextlib
import random
import sys
import timeit

import phonenumbers

from compat.errors import InvalidPhoneNumber
from compat.phone import normalize

E164 = phonenumbers.PhoneNumberFormat.E164
REPEATS = 7


def build_corpus(size: int = 2000, seed: int = 2008) -> tuple[list[str], list[str]]:
    """(valid, invalid) values. Roughly: 40% US E.164, 35% NANP national formats, 20%
    international with a plus (E.164 and spaced), 5% invalid."""
    rng = random.Random(seed)

    def nanp() -> tuple[str, str, str]:
        npa = str(rng.randint(2, 9)) + f"{rng.randint(0, 99):02d}"
        nxx = str(rng.randint(2, 9)) + f"{rng.randint(0, 99):02d}"
        return npa, nxx, f"{rng.randint(0, 9999):04d}"

    national = [
        "{0}{1}{2}",
        "({0}) {1}-{2}",
        "{0}-{1}-{2}",
        "1-{0}-{1}-{2}",
        "+1 {0} {1} {2}",
        "1{0}{1}{2}",
        "{0}.{1}.{2}",
    ]
    international = [
        "+44 20 7946 {0:04d}",
        "+4420794{0:05d}",
        "+33 1 23 45 {0:04d}",
        "+336123{0:05d}",
        "+49 30 1234{0:04d}",
        "+4915112{0:05d}",
        "+61 2 9374 {0:04d}",
        "+6141234{0:04d}",
        "+91 98765 {0:05d}",
        "+8613800{0:06d}",
        "+52 55 1234 {0:04d}",
        "+5511987{0:06d}",
    ]
    invalid = [
        "12",
        "+1 415 555 12",
        "+999 123 4567",
        "555 1212",
        "1-800-FLOWERS",
        "+1 (415) 055-1212",
        "not a number",
        "",
    ]
    valid: list[str] = []
    bad: list[str] = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.40:
            valid.append("+1{}{}{}".format(*nanp()))
        elif roll < 0.75:
            valid.append(rng.choice(national).format(*nanp()))
        elif roll < 0.95:
            valid.append(rng.choice(international).format(rng.randint(0, 9999)))
        else:
            bad.append(rng.choice(invalid))
    return valid, bad


def run_normalize(corpus: list[str]) -> None:
    for value in corpus:
        with contextlib.suppress(InvalidPhoneNumber):
            normalize(value)


def run_phonenumbers(corpus: list[str]) -> None:
    for value in corpus:
        with contextlib.suppress(phonenumbers.NumberParseException):
            phonenumbers.format_number(phonenumbers.parse(value, "US"), E164)


def best(func: object, corpus: list[str], number: int) -> float:
    times = timeit.repeat(lambda: func(corpus), repeat=REPEATS, number=number)  # type: ignore[operator]
    return min(times) / number


def main() -> int:
    valid, invalid = build_corpus()
    corpus = valid + invalid
    random.Random(1).shuffle(corpus)

    mismatches = []
    for value in valid:
        ours = normalize(value)
        theirs = phonenumbers.format_number(phonenumbers.parse(value, "US"), E164)
        if ours != theirs:
            mismatches.append((value, ours, theirs))
    for value, ours, theirs in mismatches[:10]:
        print(f"MISMATCH {value!r}: normalize {ours!r}, phonenumbers {theirs!r}")
    refused = 0
    for value in invalid:
        try:
            normalize(value)
        except InvalidPhoneNumber:
            refused += 1

    ours = best(run_normalize, corpus, number=5)
    floor = best(run_phonenumbers, corpus, number=5)
    n = len(corpus)
    print(f"corpus: {n} values ({len(valid)} valid, {len(invalid)} invalid; {refused} refused)")
    print(f"outputs identical on valid inputs: {not mismatches} ({len(mismatches)} mismatches)")
    print(f"phonenumbers parse+format: {floor * 1e3:8.2f} ms  ({floor / n * 1e6:6.2f} us/value)")
    print(f"compat.phone.normalize:    {ours * 1e3:8.2f} ms  ({ours / n * 1e6:6.2f} us/value)")
    ratio = floor / ours
    print(f"ratio: normalize is {ratio:.1f}x faster (target >= 3x)")
    return 0 if not mismatches and ratio >= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
