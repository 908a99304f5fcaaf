"""Build tests/vectors/reference-segments.json: a boundary-heavy corpus and Twilio's answers.

    python tests/vectors/make_segment_vectors.py [--node-modules DIR] [--check-graphemes]

The corpus is built deterministically (fixed seeds) from families of bodies that sit on the places
where segment counters disagree: GSM-7 extension characters at septets 152-161 and 305-307, CR LF
straddling a boundary, UCS-2 bodies around units 67 and 70, emoji sequences of Unicode 10 and of
later versions (ZWJ sequences, flags, skin tones, tag flags), Indic conjuncts, Hangul, prepend
characters, combining marks and long combining runs, and random mixes. Each body is run through
``sms-segments-calculator`` 1.3.0 (its default options) by ``reference_segments.mjs``; the answer
(encoding and the length in code points of each segment's text) is stored with the body.

Without ``--node-modules``, the calculator is installed with npm into a temporary directory.
``--check-graphemes`` also compares compat.segments' Unicode 10 cluster pattern (and the places
it takes for sure cluster starts) with the calculator's grapheme splitter on every sequence of up
to five code points drawn from one representative of each break class (about 2.6 million
strings; a few minutes).
Needs node and npm; the test suite reads only the JSON file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from compat import _clusters

HERE = Path(__file__).parent
OUT = HERE / "reference-segments.json"
CALCULATOR = "sms-segments-calculator@1.3.0"

EXTENSION = list("\f^{}\\[~]|€")
GSM_SAMPLE = ["a", "Z", "0", " ", "@", "£", "é", "Ç", "Δ", "ß", "ñ", "\n", ".", "?"]
EMOJI_OLD = [
    "😀", "👍", "👍🏽", "👋🏻", "❤️", "☺️", "🇺🇸", "🇬🇧",
    "👨\u200d👩\u200d👧\u200d👦", "👩\u200d❤️\u200d👨", "👩\u200d❤️\u200d💋\u200d👨",
    "👨\u200d💻", "👩\u200d🚀", "🏳️\u200d🌈", "👮🏽\u200d♀️", "🤦🏻\u200d♂️",
]  # fmt: skip
EMOJI_NEW = [
    "🧑\u200d🤝\u200d🧑", "🧑🏽\u200d🤝\u200d🧑🏻", "❤️\u200d🔥", "❤️\u200d🩹", "😮\u200d💨",
    "😵\u200d💫", "🏴\u200d☠️", "🫰🏽", "🫶🏿", "🧑\u200d💻", "🧔\u200d♂️",
    "👨🏻\u200d❤️\u200d👨🏼", "🐻\u200d❄️", "🏳️\u200d⚧️", "🙂\u200d↔️", "🐦\u200d🔥",
    "🧑\u200d🧑\u200d🧒", "👁️\u200d🗨️", "🫱🏻\u200d🫲🏿", "👩🏾\u200d🦰",
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
]  # fmt: skip
INDIC = [
    "क्ष", "त्र", "ज्ञ", "श्र", "क्\u200dष", "नमस्ते", "हिन्दी", "स्त्री", "க்ஷ", "ஸ்ரீ",
    "ক্ষ", "ক্ত", "శ్రీ", "ಕ್ಷ", "ക്ഷ", "ශ්\u200dරී", "น้ำ", "ཀྵ",
]  # fmt: skip
OTHER = ["ж", "你", "م", "ש", "α", "ç", "`", "\t", "\xa0", "한", "\u1100\u1161\u11a8", "𝐀", "𠀀"]
MARKS = ["\u0301", "\u0302", "\u0323", "\u0308", "\u036f", "\u20dd"]
SPECIAL = [
    "\u0600١", "\u0600\u0600١", "\u0600🇺🇸", "\u0600\u0600🇺🇸", "🇺🇸\u0301\u0301", "🇺🇸\ufe0f\u0301",
    "🇺🇸🇬", "🇺", "👍\ufe0f🏽", "👍\ufe0f\ufe0f🏽", "a\u0301🏽", "\u200b", "\xad", "\r", "\n\r",
]  # fmt: skip


def corpus() -> list[tuple[str, str]]:
    """(id, body) pairs, in a fixed order."""
    out: list[tuple[str, str]] = []
    counts: Counter[str] = Counter()

    def add(family: str, body: str) -> None:
        out.append((f"{family}-{counts[family]:04d}", body))
        counts[family] += 1

    add("edge", "")
    add(
        "edge",
        "".join(
            sorted(
                set(
                    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
                )
            )
        ),
    )
    for ch in EXTENSION + OTHER + SPECIAL + ["\x1b", "\x00", "\u2126", "\u00e7"]:
        add("edge", ch)
    # GSM-7: an extension character at every septet around the boundaries.
    for prefix in [*range(150, 163), *range(302, 309), *range(455, 461)]:
        for ext in EXTENSION:
            for tail in (0, 6, 160):
                add("gsm-ext", "a" * prefix + ext + "b" * tail)
    for count in [*range(75, 83), *range(151, 156), 230, 240]:
        add("gsm-ext", "{" * count)
        add("gsm-ext", "€a" * (count // 2))
    # CR LF straddling, in GSM-7 and UCS-2 bodies.
    for prefix in [*range(149, 163), *range(302, 309)]:
        for tail in (0, 1, 10, 160):
            add("crlf", "a" * prefix + "\r\n" + "b" * tail)
        add("crlf", "{" + "a" * (prefix - 2) + "\r\n" + "b" * 10)
        add("crlf", "\r\n" * (prefix // 2) + "x" * 9)
    for prefix in [*range(63, 72), *range(130, 137)]:
        for tail in (0, 1, 10, 70):
            add("crlf", "ж" * prefix + "\r\n" + "ж" * tail)
        add("crlf", "😀" + "ж" * (prefix - 2) + "\r\n" + "ж" * 10)
    # UCS-2 around units 67 and 70: BMP, astral pairs, GSM characters in a UCS-2 body.
    for count in [*range(60, 76), *range(130, 141), *range(196, 206)]:
        add("ucs2", "ж" * count)
        add("ucs2", "{" * (count - 1) + "ж")
    for prefix in [*range(62, 71), *range(130, 136)]:
        for tail in (0, 1, 5, 70):
            add("ucs2", "ж" * prefix + "😀" + "ж" * tail)
    for count in (34, 35, 36, 67, 68, 100, 800):
        add("ucs2", "😀" * count)
    # Emoji, Indic and other clusters at every unit around the boundaries.
    for family, items in (("emoji-old", EMOJI_OLD), ("emoji-new", EMOJI_NEW), ("indic", INDIC)):
        for item in items:
            for prefix in range(54, 70):
                filler = "ж" if prefix % 2 else "a"
                add(family, filler * prefix + item + filler * (3 if prefix % 3 else 70))
            add(family, item * 40)
    for item in SPECIAL + OTHER:
        for prefix in range(62, 70):
            add("special", "ж" * prefix + item + "ж" * 5)
    # Regional-indicator runs of every parity.
    for count in range(1, 8):
        for prefix in (60, 63, 64, 65, 66):
            add("flags", "ж" * prefix + "🇺" * count + "ж" * 5)
    # Combining marks, up to runs longer than a whole segment.
    for run in (1, 2, 5, 30, 60, 64, 66, 67, 68, 70, 100, 200):
        for prefix in (0, 3, 10):
            for suffix in ("", "ж" * 5):
                add("marks", "ж" * prefix + "a" + "\u0301" * run + suffix)
    # Random mixes: GSM-7 only, and everything.
    rnd = random.Random(20261130)
    gsm_atoms = GSM_SAMPLE + EXTENSION + ["\r\n", "\r", "\n"]
    for _ in range(300):
        add("mix-gsm", "".join(rnd.choice(gsm_atoms) for _ in range(rnd.randint(100, 700))))
    atoms = GSM_SAMPLE * 4 + EXTENSION + EMOJI_OLD + EMOJI_NEW + INDIC + OTHER + MARKS + SPECIAL
    for _ in range(900):
        size = rnd.choice((rnd.randint(1, 80), rnd.randint(60, 220), rnd.randint(100, 600)))
        add("mix", "".join(rnd.choice(atoms) for _ in range(size)))
    return out


def install(target: Path) -> Path:
    subprocess.run(
        ["npm", "install", "--silent", "--no-save", "--prefix", str(target), CALCULATOR],
        check=True,
    )
    return target / "node_modules"


def reference(node_modules: Path, bodies: list[str]) -> list[list[object]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bodies.json"
        path.write_text(json.dumps(bodies), "utf-8")
        done = subprocess.run(
            ["node", str(HERE / "reference_segments.mjs"), str(node_modules), str(path)],
            check=True,
            capture_output=True,
        )
    results: list[list[object]] = json.loads(done.stdout)
    return results


def check_graphemes(node_modules: Path) -> None:
    """Compare the Unicode 10 cluster patterns with the reference's grapheme splitter."""
    reps = [
        "\r", "\n", "\x01", "\u0301", "\ufe0f", "\U0001f1fa", "\u0903", "\u1100", "\u1161",
        "\u11a8", "\uac00", "\uac01", "a", "\u0600", "\U0001f44d", "\U0001f3fb", "\u200d",
        "\u2764", "\U0001f468",
    ]  # fmt: skip
    strings = ["".join(t) for k in range(1, 6) for t in itertools.product(reps, repeat=k)]
    script = (
        "const {createRequire} = require('node:module');"
        f"const GS = createRequire({json.dumps(str(node_modules) + '/')})('grapheme-splitter');"
        "const gs = new GS();"
        "const lines = require('node:fs').readFileSync(0, 'utf8').split('\\n');"
        "const out = lines.filter((l) => l).map((l) => gs.splitGraphemes(JSON.parse(l))"
        ".flatMap((g) => (g === '\\r\\n' ? ['\\r', '\\n'] : [g]))"  # as the calculator does
        ".map((g) => [...g].length).join(','));"
        "process.stdout.write(out.join('\\n'));"
    )
    feed = "\n".join(json.dumps(s) for s in strings)
    done = subprocess.run(
        ["node", "-e", script], input=feed.encode(), capture_output=True, check=True
    )
    bad = 0
    for body, want in zip(strings, done.stdout.decode().split("\n"), strict=True):
        bounds = set(itertools.accumulate(map(int, want.split(",")), initial=0))
        for cluster, start in (_clusters.cluster_patterns(False), _clusters.cluster_patterns(True)):
            bad += ",".join(str(len(c)) for c in cluster.findall(body)) != want
            # a place taken for a sure cluster start is a boundary of the reference's
            bad += not {i for i in range(len(body)) if start.match(body, i)} <= bounds
    print(f"grapheme check: {len(strings)} strings, {bad} disagreements")
    if bad:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--node-modules", type=Path, help="a node_modules with the calculator")
    parser.add_argument("--check-graphemes", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        node_modules = args.node_modules or install(Path(tmp))
        if args.check_graphemes:
            check_graphemes(node_modules)
        cases = corpus()
        results = reference(node_modules, [body for _, body in cases])
    vectors = [
        {"id": ident, "body": body, "encoding": encoding, "parts": parts}
        for (ident, body), (encoding, parts) in zip(cases, results, strict=True)
    ]
    about = (
        "Bodies and the answers of Twilio's reference segment calculator, "
        "sms-segments-calculator 1.3.0 with its default options: the encoding and the length "
        "in code points of the text of each segment. Written by "
        "tests/vectors/make_segment_vectors.py; do not edit."
    )
    rows = ",\n".join(json.dumps(v, ensure_ascii=False) for v in vectors)
    OUT.write_text(f'{{"about": {json.dumps(about)},\n"vectors": [\n{rows}\n]}}\n', "utf-8")
    print(f"{len(vectors)} vectors, {OUT.stat().st_size // 1024} KiB -> {OUT}")


if __name__ == "__main__":
    main()
