"""compat.segments: hand-worked vectors, the reference calculator's answers on a boundary-heavy
corpus (with the differences we keep on purpose), properties against a model of the calculator,
refusals."""

from __future__ import annotations

import json
import math
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import assume, given
from hypothesis import strategies as st

from compat import _clusters
from compat.errors import InvalidParameter
from compat.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    SegmentInfo,
    analyze,
    split,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "segments.json").read_text("utf-8"))


def _body(parts: list[list[Any]]) -> str:
    return "".join(text * repeat for text, repeat in parts)


REFERENCE = json.loads(
    (Path(__file__).parent / "vectors" / "reference-segments.json").read_text("utf-8")
)["vectors"]

# Vectors on which we differ from the reference calculator on purpose (docs/segments.md, "Where we
# differ"). Each reason is checked to hold, and each listed vector to really differ.
OVERSIZED = (
    "a cluster of more than 67 units: the reference puts it whole into one segment larger than a "
    "PDU (after an empty first segment when it comes first); we cut it between code points"
)
OVERFULL = (
    "the reference's header reflow moves the first segment's tail and the next cluster into a "
    "second segment of more than 67 units; we never fill a segment past 67"
)
ALLOWED_DIFFERENCES = {
    "marks-0033": OVERFULL, "marks-0039": OVERFULL,
    **dict.fromkeys([f"marks-{n:04d}" for n in (*range(43, 48), *range(49, 72))], OVERSIZED),
}  # fmt: skip


# --- an independent model of the reference calculator ---------------------------------------------
# GSM 03.38 as septet values: the index in this string is the septet (0x1B, the escape, is no
# character); the extension table maps to the septet that follows the escape.
REF_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
REF_EXTENSION = {
    "\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F,
    "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65,
}  # fmt: skip
PDU_BITS, HEADER_BITS = 1120, 48  # 140 octets; a 6-octet concatenation header


def ref_septets(text: str) -> list[int] | None:
    """The GSM-7 septets of ``text``, or None when a character has none."""
    out: list[int] = []
    for ch in text:
        if ch in REF_EXTENSION:
            out += [0x1B, REF_EXTENSION[ch]]
        elif ch != "\x1b" and ch in REF_BASIC:
            out.append(REF_BASIC.index(ch))
        else:
            return None
    return out


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def unicode10_clusters(body: str) -> list[str]:
    """Unicode 10 clusters with CR LF apart: the compiled patterns, which the generator checks
    against the reference's grapheme splitter exhaustively over short sequences."""
    return list(_clusters.cluster_patterns(True)[0].findall(body))


def reference_model(body: str) -> list[str]:
    """Segment texts as the calculator builds them: characters go into 1,120-bit segments; when one
    does not fit, a new segment opens with a 48-bit header, and the first time that happens the
    first segment gets its header too, handing the characters that no longer fit to the new one."""
    gsm = ref_septets(body) is not None
    chars = list(body) if gsm else unicode10_clusters(body)

    def bits(text: str) -> int:
        return 7 * len(ref_septets(text) or []) if gsm else 16 * utf16(text)

    segs: list[list[str]] = [[]]
    used = 0  # bits in the last segment, its header included
    for ch in chars:
        size = bits(ch)
        if PDU_BITS - used < size:
            handed: list[str] = []
            if len(segs) == 1:  # the first segment gets its header now, and gives back its tail
                first = segs[0]
                kept = sum(map(bits, first)) + HEADER_BITS
                while kept > PDU_BITS:
                    handed.insert(0, first.pop())
                    kept -= bits(handed[0])
            segs.append(handed)
            used = HEADER_BITS + sum(map(bits, handed))
        segs[-1].append(ch)
        used += size
    return ["".join(seg) for seg in segs]


def sendable(body: str, parts: list[str]) -> bool:
    """Every segment holds some text and fits its PDU."""
    gsm = ref_septets(body) is not None
    cap = (160 if gsm else 70) if len(parts) == 1 else (153 if gsm else 67)
    cost = [len(ref_septets(p) or []) if gsm else utf16(p) for p in parts]
    return len(parts) == 1 or all(0 < c <= cap for c in cost)


def cluster_bounds(body: str) -> set[int]:
    """Current-Unicode cluster boundaries (``split`` keeps these)."""
    ends = {0}
    for match in regex.finditer(r"\X", body):
        ends.add(match.end())
    return ends


# --- strategies ----------------------------------------------------------------------------------
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
ATOMS = [
    "a", "b", " ", "\n", "\r", "\r\n", "{", "€", "\f", "é", "Ç", "ç", "`", "ж", "😀", FAMILY,
    "🇺🇸", "\U0001f1fa", "👍🏽", "\u0301", "e\u0301", "\u200d", "\xa0", "\t", "\x00",
    "❤️\u200d🔥", "🧑\u200d🤝\u200d🧑", "🫰🏽", "क्ष", "ශ්\u200dරී", "\u0600", "한",
    "\u1100\u1161\u11a8", "👍\ufe0f🏽", "\ufe0f", "🏴\U000e0067\U000e0062\U000e007f", "𝐀",
    "a" + "\u0301" * 70,
]  # fmt: skip
GSM_ALPHABET = sorted(GSM7_BASIC | GSM7_EXTENSION)

atom_runs = st.lists(st.tuples(st.sampled_from(ATOMS), st.integers(1, 90)), max_size=6).map(
    lambda runs: "".join(text * n for text, n in runs)
)
bodies = st.one_of(
    st.text(max_size=300),
    atom_runs,
    st.lists(st.one_of(st.sampled_from(ATOMS), st.text(max_size=3)), max_size=400).map("".join),
)
gsm_bodies = st.one_of(
    st.text(alphabet=GSM_ALPHABET, max_size=500),
    st.lists(
        st.tuples(st.sampled_from(["a", "{", "€", "\r\n", " ", "\f"]), st.integers(1, 120)),
        max_size=5,
    ).map(lambda runs: "".join(text * n for text, n in runs)),
)


# --- vectors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", VECTORS["analyze"], ids=[c["name"] for c in VECTORS["analyze"]])
def test_analyze_vector(case: dict[str, Any]) -> None:
    body = _body(case["body"])
    info = analyze(body)
    assert (info.encoding, info.segments, info.units) == (
        case["encoding"],
        case["segments"],
        case["units"],
    )
    assert info.characters == len(body)
    assert "".join(info.parts) == body
    assert len(info.parts) == info.segments
    if "parts" in case:
        assert [len(p) for p in info.parts] == case["parts"]
    if "non_gsm" in case:
        assert list(info.non_gsm) == case["non_gsm"]
    assert (info.encoding == "GSM-7") == (info.non_gsm == ())


@pytest.mark.parametrize("case", VECTORS["split"], ids=[c["name"] for c in VECTORS["split"]])
def test_split_vector(case: dict[str, Any]) -> None:
    body = _body(case["body"])
    pieces = split(body, case["limit"])
    assert [len(p) for p in pieces] == case["pieces"]
    assert "".join(pieces) == body


def test_vectors_cover_the_required_cases() -> None:
    names = {c["name"] for c in VECTORS["analyze"]}
    bodies_ = {_body(c["body"]) for c in VECTORS["analyze"]}
    for required in [
        "a" * 160, "a" * 161, "a" * 152 + "{" + "b" * 152, "{" * 80, "{" * 81,
        "ж" * 70, "ж" * 71, "😀" * 35, "😀" * 36,
    ]:  # fmt: skip
        assert required in bodies_
    assert len(names) == len(VECTORS["analyze"])  # names are unique ids


def test_segment_info_fields() -> None:
    info = analyze("a" * 161)
    assert info == SegmentInfo(
        encoding="GSM-7",
        segments=2,
        units=161,
        characters=161,
        per_segment=153,
        remaining=145,
        non_gsm=(),
        parts=("a" * 153, "a" * 8),
    )
    single = analyze("ж€")
    assert (single.per_segment, single.remaining, single.non_gsm) == (70, 68, ("ж",))
    with pytest.raises(AttributeError):
        info.segments = 3  # type: ignore[misc]


def test_non_gsm_is_distinct_in_order() -> None:
    assert analyze("жaж😀b\u0301ж").non_gsm == ("ж", "😀", "\u0301")


def test_gsm_tables() -> None:
    assert len(GSM7_BASIC) == 127  # 128 septets less the escape
    assert set(REF_EXTENSION) == GSM7_EXTENSION
    assert not GSM7_BASIC & GSM7_EXTENSION
    assert {"@", "$", "£", "¥", "¤", "\n", "\r", "Δ", "É", "§", "¿", "à"} <= GSM7_BASIC
    assert not {"`", "\x1b", "ç", "\t", "\u2126"} & GSM7_BASIC


# --- the reference calculator's answers --------------------------------------------------------
def _disagrees(vector: dict[str, Any]) -> bool:
    info = analyze(vector["body"])
    return (info.encoding, [len(p) for p in info.parts]) != (vector["encoding"], vector["parts"])


def test_reference_vectors_agree() -> None:
    """Encoding, segment count and segment texts as the calculator's, on every vector not listed."""
    assert len(REFERENCE) > 3000
    wrong = [v["id"] for v in REFERENCE if v["id"] not in ALLOWED_DIFFERENCES and _disagrees(v)]
    assert wrong == []


@pytest.mark.parametrize("ident", sorted(ALLOWED_DIFFERENCES))
def test_allowed_differences_hold(ident: str) -> None:
    """Each listed vector really differs, for the listed reason, and our answer can be sent."""
    (vector,) = [v for v in REFERENCE if v["id"] == ident]
    body, theirs = vector["body"], vector["parts"]
    assert _disagrees(vector)
    texts, start = [], 0
    for length in theirs:
        texts.append(body[start : start + length])
        start += length
    assert not sendable(body, texts)  # the reference built a segment no PDU can carry
    oversized = any(utf16(c) > 67 for c in unicode10_clusters(body))
    assert oversized == (ALLOWED_DIFFERENCES[ident] == OVERSIZED)
    assert texts == reference_model(body)  # the model explains the reference here too
    assert sendable(body, list(analyze(body).parts))


def test_reference_vectors_cover_the_families() -> None:
    families = {v["id"].rsplit("-", 1)[0] for v in REFERENCE}
    assert {
        "gsm-ext",
        "crlf",
        "ucs2",
        "emoji-old",
        "emoji-new",
        "indic",
        "flags",
        "marks",
    } <= families
    assert {v["encoding"] for v in REFERENCE} == {"GSM-7", "UCS-2"}


def test_reference_model_reproduces_the_vectors() -> None:
    """The model used by the properties below gives the calculator's answer on every vector."""
    for vector in REFERENCE:
        lengths = [len(p) for p in reference_model(vector["body"])]
        assert lengths == vector["parts"], vector["id"]


# --- properties: analyze -------------------------------------------------------------------------
@given(bodies)
def test_analyze_matches_reference_model(body: str) -> None:
    info = analyze(body)
    parts = reference_model(body)
    assert info.encoding == ("GSM-7" if ref_septets(body) is not None else "UCS-2")
    if sendable(body, parts):  # where the calculator's answer can be sent, ours is the same
        assert list(info.parts) == parts
    else:  # only a cluster of 33 units or more makes the calculator build an unsendable segment
        assert any(utf16(c) >= 33 for c in unicode10_clusters(body))
        assert sendable(body, list(info.parts))
    assert info.segments == len(info.parts)


@given(bodies)
def test_sure_cluster_starts_are_boundaries(body: str) -> None:
    """Where ``_CLUSTER_START`` matches, a Unicode 10 cluster starts: segments may be cut there
    without looking further back."""
    bounds = set(accumulate(map(len, unicode10_clusters(body)), initial=0))
    for index in range(len(body)):
        if _clusters.cluster_patterns(True)[1].match(body, index):
            assert index in bounds


@given(bodies)
def test_emoji_plane_patterns_match_the_full_ones(body: str) -> None:
    """Without astral code points outside the emoji plane, the lighter patterns do the same."""
    assume(_clusters.RARE_ASTRAL.search(body) is None)
    assert _clusters.cluster_patterns(False)[0].findall(body) == unicode10_clusters(body)
    for index in range(len(body) + 1):
        fast = _clusters.cluster_patterns(False)[1].match(body, index)
        assert bool(fast) == bool(_clusters.cluster_patterns(True)[1].match(body, index))


@given(gsm_bodies)
def test_gsm_units_are_septets(body: str) -> None:
    septets = ref_septets(body)
    assert septets is not None
    info = analyze(body)
    assert info.encoding == "GSM-7"
    assert info.units == len(septets)


@given(bodies)
def test_ucs2_units_are_utf16_units(body: str) -> None:
    info = analyze(body)
    assume(info.encoding == "UCS-2")
    assert info.units == len(body.encode("utf-16-le")) // 2
    assert set(info.non_gsm) == {ch for ch in body if ref_septets(ch) is None}


@given(bodies, st.one_of(st.sampled_from(ATOMS), st.characters()))
def test_segments_monotone_when_appending(body: str, extra: str) -> None:
    assert analyze(body + extra).segments >= analyze(body).segments


@given(bodies)
def test_segments_are_packed(body: str) -> None:
    info = analyze(body)
    assert "".join(info.parts) == body
    assert info.segments == len(info.parts) >= 1
    assert info.segments >= math.ceil(info.units / info.per_segment)
    if info.segments == 1:
        assert info.per_segment == (160 if info.encoding == "GSM-7" else 70)

    def unit_of(text: str) -> int:
        if info.encoding == "GSM-7":
            return len(ref_septets(text) or [])
        return len(text.encode("utf-16-le")) // 2

    costs = [unit_of(p) for p in info.parts]
    assert all(0 < c <= info.per_segment for c in costs) or body == ""
    assert info.remaining == info.per_segment - costs[-1]
    clusters = unicode10_clusters(body)
    cuts = {sum(len(p) for p in info.parts[:i]) for i in range(info.segments + 1)}
    bounds = set(accumulate(map(len, clusters), initial=0))
    if all(unit_of(c) <= info.per_segment for c in clusters):
        assert cuts <= bounds  # characters (Unicode 10 clusters, CR and LF apart) are never cut
    for cut in cuts - bounds:  # only a cluster larger than a segment is cut, never a code point
        start = max(b for b in bounds if b < cut)
        end = min(b for b in bounds if b > cut)
        assert unit_of(body[start:end]) > info.per_segment


# --- properties: split ---------------------------------------------------------------------------
@given(bodies, st.integers(1, 200))
def test_split_properties(body: str, limit: int) -> None:
    clusters = regex.findall(r"\X", body)
    if any(len(c) > limit for c in clusters):
        with pytest.raises(InvalidParameter, match="grapheme cluster"):
            split(body, limit)
        return
    pieces = split(body, limit)
    assert "".join(pieces) == body
    assert all(0 < len(p) <= limit for p in pieces)
    bounds = cluster_bounds(body)
    least = (limit + 1) // 2

    def breakable(b: int) -> bool:  # boundary ``b`` comes right after breakable whitespace
        return body[b - 1].isspace() and body[b - 1] not in "\xa0\u2007\u202f"

    start = 0
    for piece in pieces[:-1]:
        end = start + len(piece)
        assert end in bounds
        hard_cut = min(b for b in bounds if b > end) > start + limit  # longest aligned prefix
        word = breakable(end) and len(piece) >= least
        assert word or hard_cut
        if word:  # the last breakable boundary in the window was taken
            assert not [b for b in bounds if end < b <= start + limit and breakable(b)]
        else:  # a hard cut only when the second half of the window has no breakable boundary
            assert not [b for b in bounds if start + least <= b <= end and breakable(b)]
        start = end
    if len(body) <= limit:
        assert pieces == ([body] if body else [])


@given(st.text(alphabet=" ab\n", max_size=600), st.integers(1, 200))
def test_split_ascii_fast_path_matches_general(body: str, limit: int) -> None:
    # "é" at the end forces the general (non-ASCII) path; its last piece differs only by the "é".
    fast = split(body, limit)
    general = split(body + "é", limit)
    assert "".join(general) == body + "é"
    if len(body) + 1 <= limit:
        assert general == [body + "é"]
    else:
        assert general[: len(fast) - 1] == fast[:-1]


# --- refusals ------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [None, b"hello", 160, ["a"], bytearray(b"a")])
def test_non_str_body_is_refused(bad: object) -> None:
    with pytest.raises(InvalidParameter, match="must be a str") as analyzed:
        analyze(bad)  # type: ignore[arg-type]
    assert analyzed.value.parameter == "body"
    with pytest.raises(InvalidParameter, match="must be a str"):
        split(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [0, -1, -160])
def test_limit_below_one_is_refused(limit: int) -> None:
    with pytest.raises(InvalidParameter, match="at least 1") as raised:
        split("hello", limit)
    assert raised.value.parameter == "limit"
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("limit", [True, 1.5, "160", None])
def test_limit_of_wrong_type_is_refused(limit: object) -> None:
    with pytest.raises(InvalidParameter, match="must be an int"):
        split("hello", limit)  # type: ignore[arg-type]


def test_oversized_cluster_is_refused_with_its_position() -> None:
    body = "ok " + "a" + "\u0301" * 160
    with pytest.raises(InvalidParameter, match="161 characters at index 3") as raised:
        split(body, 160)
    assert raised.value.parameter == "body"
    assert split(body, 161) == ["ok ", "a" + "\u0301" * 160]
