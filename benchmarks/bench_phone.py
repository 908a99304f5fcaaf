"""Benchmark: compat.phone.normalize against phonenumbers parse + format E.164, in one run, on a
broad corpus of distinct numbers from 50 regions.

The floor is what a caller would otherwise write for each value: ``phonenumbers.parse(value,
region)`` then ``format_number(..., E164)`` (for a channel address, the same on the part after
the ``scheme:``, joined back). The corpus holds real-shaped numbers that phonenumbers calls valid
(example numbers of each region with their last digits varied, every value distinct), written in
one of these classes:

    nanp           North American national shapes: (415) 555-1212, 415-555-1212, 1-415-...
    national       a region's own national format, read with that region (020 7946 0958, GB)
    international  international format with the plus (+44 20 7946 0958)
    e164           +442079460958
    idd-00         00 44 20 7946 0958, read in a region whose international prefix is 00
    idd-011        011 44 20 7946 0958, read in a North American region
    tel            RFC 3966 URIs (tel:+44-20-7946-0958)
    fullwidth      national or international format in fullwidth digits (and plus)
    channel        whatsapp:+44..., in E.164 or international format
    whitespace     national or international format inside spaces, NBSP, tabs, U+3000
    invalid        too short, too long, an unknown country code, a bad +1 area code

Outputs must be identical on every valid input (asserted here, not in tests), and every invalid
one refused. Each class and the whole shuffled corpus are timed in alternating rounds (ours, then
the floor) and the best round of each is kept. Nothing is cached by value: every round normalizes
every value afresh. Target: the whole corpus at least 3x faster, and no class slower (ratio >= 1).

    python benchmarks/bench_phone.py [--per-class N] [--rounds N] [--seed N]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import time
from collections.abc import Callable

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType

from compat.errors import InvalidPhoneNumber
from compat.phone import normalize

E164 = PhoneNumberFormat.E164
REGIONS = [
    "US", "CA", "GB", "DE", "FR", "IT", "ES", "NL", "BE", "CH", "AT", "SE", "NO", "DK", "FI",
    "PL", "PT", "IE", "GR", "CZ", "HU", "RO", "RU", "UA", "TR", "IL", "AE", "SA", "EG", "ZA",
    "NG", "KE", "MA", "IN", "PK", "CN", "HK", "JP", "KR", "TW", "SG", "MY", "TH", "ID", "PH",
    "AU", "NZ", "BR", "AR", "MX",
]  # fmt: skip
#: Regions whose international prefix is exactly 00, where phonenumbers reads 00 as we do.
IDD_00 = [r for r in REGIONS if PhoneMetadata.metadata_for_region(r).international_prefix == "00"]
NANP = ["US", "CA"]
SPACES = [" ", "\u00a0", "\t", "\u3000", "\u2009", "  ", "\n"]
FULLWIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")
TYPES = (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE)

Item = tuple[str, str, bool]  # (value, region, is a channel address)


def valid_numbers(rng: random.Random, per_region: int) -> dict[str, list[phonenumbers.PhoneNumber]]:
    """Distinct numbers phonenumbers calls valid, per region: example numbers of a few types
    with their last four digits varied."""
    pools: dict[str, list[phonenumbers.PhoneNumber]] = {}
    for region in REGIONS:
        examples = [phonenumbers.example_number_for_type(region, t) for t in TYPES]
        nsns = [phonenumbers.national_significant_number(e) for e in examples if e is not None]
        code = phonenumbers.country_code_for_region(region)
        seen: set[str] = set()
        pool: list[phonenumbers.PhoneNumber] = []
        for _ in range(per_region * 50):
            if len(pool) == per_region:
                break
            nsn = rng.choice(nsns)
            nsn = nsn[:-4] + f"{rng.randrange(10_000):04d}"
            if nsn in seen:
                continue
            number = phonenumbers.PhoneNumber(
                country_code=code, national_number=int(nsn), italian_leading_zero=nsn[0] == "0"
            )
            if phonenumbers.is_valid_number_for_region(number, region):
                seen.add(nsn)
                pool.append(number)
        pools[region] = pool
    return pools


def build_corpus(per_class: int, seed: int) -> tuple[dict[str, list[Item]], set[Item]]:
    """(items per class, the invalid items)."""
    rng = random.Random(seed)
    pools = valid_numbers(rng, per_region=11 * per_class // len(REGIONS) + 10)

    def fmt(number: phonenumbers.PhoneNumber, how: int) -> str:
        return phonenumbers.format_number(number, how)

    def pick(regions: list[str] = REGIONS) -> tuple[str, phonenumbers.PhoneNumber]:
        region = rng.choice([r for r in regions if pools[r]])
        return region, pools[region].pop()

    def nanp() -> str:
        npa = str(rng.randint(2, 9)) + f"{rng.randrange(100):02d}"
        nxx = str(rng.randint(2, 9)) + f"{rng.randrange(100):02d}"
        shape = rng.choice(
            [
                "{0}{1}{2}",
                "({0}) {1}-{2}",
                "{0}-{1}-{2}",
                "1-{0}-{1}-{2}",
                "+1 {0} {1} {2}",
                "1{0}{1}{2}",
                "{0}.{1}.{2}",
            ]
        )
        return shape.format(npa, nxx, f"{rng.randrange(10_000):04d}")

    def international_or_national(number: phonenumbers.PhoneNumber) -> str:
        how = rng.choice([PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL])
        return fmt(number, how)

    classes: dict[str, list[Item]] = {
        name: []
        for name in (
            "nanp",
            "national",
            "international",
            "e164",
            "idd-00",
            "idd-011",
            "tel",
            "fullwidth",
            "channel",
            "whitespace",
            "invalid",
        )
    }
    invalid: set[Item] = set()
    for _ in range(per_class):
        classes["nanp"].append((nanp(), rng.choice(NANP), False))
        region, number = pick()
        classes["national"].append((fmt(number, PhoneNumberFormat.NATIONAL), region, False))
        region, number = pick()
        classes["international"].append(
            (fmt(number, PhoneNumberFormat.INTERNATIONAL), rng.choice(REGIONS), False)
        )
        region, number = pick()
        classes["e164"].append((fmt(number, E164), rng.choice(REGIONS), False))
        region, number = pick()
        intl = fmt(number, PhoneNumberFormat.INTERNATIONAL)
        classes["idd-00"].append(("00 " + intl[1:], rng.choice(IDD_00), False))
        region, number = pick([r for r in REGIONS if r not in NANP])
        intl = fmt(number, PhoneNumberFormat.INTERNATIONAL)
        classes["idd-011"].append(("011 " + intl[1:], rng.choice(NANP), False))
        region, number = pick()
        classes["tel"].append((fmt(number, PhoneNumberFormat.RFC3966), region, False))
        region, number = pick()
        text = international_or_national(number).translate(FULLWIDTH)
        classes["fullwidth"].append((text, region, False))
        region, number = pick()
        how = rng.choice([E164, PhoneNumberFormat.INTERNATIONAL])
        classes["channel"].append(("whatsapp:" + fmt(number, how), region, True))
        region, number = pick()
        text = rng.choice(SPACES) + international_or_national(number) + rng.choice(SPACES)
        classes["whitespace"].append((text, region, False))
        for _ in range(100):  # a refusal phonenumbers agrees with: impossible or unparsable
            region, number = pick()
            e164, national = fmt(number, E164), fmt(number, PhoneNumberFormat.NATIONAL)
            bad = rng.choice(
                [
                    e164[:-3],  # too short for its country
                    e164 + f"{rng.randrange(1000):03d}",  # too long
                    "+999" + e164[3:],  # no such country code
                    "+0" + e164[1:],
                    national[:-3],
                ]
            )
            if rng.random() < 0.15:  # a +1 area code starting with 0 or 1: possible, not valid
                area = f"{rng.randint(0, 1)}{rng.randrange(100):02d}"
                bad = f"+1 {area} 555 {rng.randrange(10**4):04d}"
            elif not refused_by_phonenumbers(bad, region):
                continue
            item = (bad, region, False)
            if item not in invalid:
                classes["invalid"].append(item)
                invalid.add(item)
                break
    return classes, invalid


def refused_by_phonenumbers(value: str, region: str) -> bool:
    """phonenumbers cannot parse ``value``, or calls it impossible (a length no number has)."""
    try:
        return not phonenumbers.is_possible_number(phonenumbers.parse(value, region))
    except phonenumbers.NumberParseException:
        return True


def run_ours(items: list[Item]) -> None:
    for value, region, _ in items:
        with contextlib.suppress(InvalidPhoneNumber):
            normalize(value, region)


def floor_one(value: str, region: str, channel: bool) -> str:
    if channel:
        scheme, _, rest = value.partition(":")
        return scheme + ":" + phonenumbers.format_number(phonenumbers.parse(rest, region), E164)
    return phonenumbers.format_number(phonenumbers.parse(value, region), E164)


def run_floor(items: list[Item]) -> None:
    for value, region, channel in items:
        with contextlib.suppress(phonenumbers.NumberParseException):
            floor_one(value, region, channel)


def timed(func: Callable[[list[Item]], None], items: list[Item]) -> float:
    start = time.perf_counter()
    func(items)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2008)
    args = parser.parse_args()

    classes, invalid = build_corpus(args.per_class, args.seed)
    corpus = [item for items in classes.values() for item in items]
    assert len(set(corpus)) == len(corpus), "values must be distinct"
    random.Random(args.seed).shuffle(corpus)

    mismatches, accepted = [], []
    for item in corpus:
        value, region, channel = item
        try:
            ours: str | None = normalize(value, region)
        except InvalidPhoneNumber:
            ours = None
        if item in invalid:
            if ours is not None:
                accepted.append((value, region, ours))
            continue
        theirs = floor_one(value, region, channel)
        if ours != theirs:
            mismatches.append((value, region, ours, theirs))
    for value, region, ours, theirs in mismatches[:10]:
        print(f"MISMATCH {value!r} ({region}): normalize {ours!r}, phonenumbers {theirs!r}")
    for value, region, ours in accepted[:10]:
        print(f"ACCEPTED invalid {value!r} ({region}) as {ours!r}")

    best: dict[str, list[float]] = {name: [float("inf")] * 2 for name in ["(all)", *classes]}
    for _ in range(args.rounds):
        for name, items in [("(all)", corpus), *classes.items()]:
            best[name][0] = min(best[name][0], timed(run_ours, items))
            best[name][1] = min(best[name][1], timed(run_floor, items))

    print(
        f"corpus: {len(corpus)} distinct values, {len(REGIONS)} regions, {len(classes)} classes "
        f"of up to {args.per_class}; {len(invalid)} invalid, all refused: {not accepted}"
    )
    print(f"outputs identical on valid inputs: {not mismatches} ({len(mismatches)} mismatches)")
    print(f"{'class':<14} {'normalize':>12} {'phonenumbers':>13} {'ratio':>7}")
    ratios = {}
    for name, (ours_t, floor_t) in best.items():
        n = len(corpus) if name == "(all)" else len(classes[name])
        ratios[name] = floor_t / ours_t
        print(
            f"{name:<14} {ours_t / n * 1e6:9.2f} µs {floor_t / n * 1e6:10.2f} µs "
            f"{ratios[name]:6.1f}x"
        )
    worst = min((r, name) for name, r in ratios.items() if name != "(all)")
    print(
        f"overall: normalize is {ratios['(all)']:.1f}x faster (target >= 3x); "
        f"slowest class {worst[1]} at {worst[0]:.1f}x (target >= 1x)"
    )
    ok = not mismatches and not accepted and ratios["(all)"] >= 3 and worst[0] >= 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
