"""GSM-7 / UCS-2 analysis of a message body, and splitting a body for dialects with a hard limit.

:func:`analyze` tells how Twilio sends a body as SMS, in agreement with Twilio's reference segment
calculator (``sms-segments-calculator`` 1.3.0, default options); :func:`split` cuts a body into
pieces for the dialects that refuse long bodies (2008-08-01 and the 2010 ``/SMS/Messages``
resource: 160 characters).

Rules :func:`analyze` keeps:

* **Encoding.** A body whose every code point is in the GSM 03.38 basic table or its extension table
  is ``"GSM-7"``. One code point outside both switches the *whole* body to ``"UCS-2"``.
* **Units.** GSM-7 counts septets: a basic character is 1, an extension character (form feed
  ``^ { } \\ [ ~ ] |`` and ``€``) is 2 (escape + character). UCS-2 counts UTF-16 code units: an
  astral character (most emoji) is 2; GSM characters in a UCS-2 body are 1 unit each.
* **Segments.** A body of at most 160 septets / 70 units is one segment. A longer body is packed
  greedily into segments of 153 septets / 67 units (the rest of each 140-octet PDU carries the
  concatenation header). What is packed are the reference's *characters*: grapheme clusters by the
  Unicode 10.0.0 rules (UAX #29 as of 2017, the version its grapheme splitter implements, with
  that splitter's handling of flags followed by marks and of skin tones after marks), except that
  CR LF counts as two characters. A character never straddles two segments, so an escape never
  parts from its character and a surrogate pair is never split; CR and LF may be cut apart, and
  emoji sequences and Indic conjuncts that Unicode 10 did not join may be too.
* **Oversized clusters** (more units than a whole segment: a letter with 70 combining marks, say)
  are where we deliberately differ: the reference puts such a cluster whole into one segment
  larger than a PDU can carry; we cut it between code points, packing on from where the previous
  cluster stopped (an escape pair or surrogate pair is still never cut). Nor do we overfill the
  second segment, as the reference does when the first segment's tail, moved to make room for
  its header, holds such a long cluster.
* **Empty body.** ``analyze("")`` is GSM-7, 0 units and **1** segment, as in the reference.

Rules :func:`split` keeps:

* A *character* is a Python code point (``len(body)``). That is the unit the 160-character dialects
  are checked in throughout this library; it never splits a code point, so an astral emoji counts 1.
* Each piece holds at most ``limit`` characters and ends on a grapheme-cluster boundary by the
  current Unicode rules (``regex`` ``\\X``, CR LF kept together): what the recipient sees as one
  character is never cut. When the last half of the window holds a breakable whitespace
  character (not a no-break space), the piece ends just after the last one, so the next piece
  starts with a word.
* ``"".join(split(body, limit)) == body``: nothing is dropped, trimmed or added. Every piece is
  non-empty; ``split("")`` is ``[]`` (there is nothing to send).
* A grapheme cluster longer than ``limit`` characters cannot be sent whole under that limit:
  :class:`~compat.errors.InvalidParameter` names its position and length.

Both functions raise :class:`~compat.errors.InvalidParameter` for a body that is not a ``str``.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Any, Final, Literal

import attrs

from compat._clusters import RARE_ASTRAL, cluster_patterns
from compat.errors import InvalidParameter

__all__ = [
    "GSM7",
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "GSM7_MULTI",
    "GSM7_SINGLE",
    "UCS2",
    "UCS2_MULTI",
    "UCS2_SINGLE",
    "Encoding",
    "SegmentInfo",
    "analyze",
    "split",
]

Encoding = Literal["GSM-7", "UCS-2"]
GSM7: Final = "GSM-7"
UCS2: Final = "UCS-2"

GSM7_SINGLE: Final = 160
"""Septets in a body sent as one segment."""
GSM7_MULTI: Final = 153
"""Septets per segment of a concatenated body."""
UCS2_SINGLE: Final = 70
"""UTF-16 units in a body sent as one segment."""
UCS2_MULTI: Final = 67
"""UTF-16 units per segment of a concatenated body."""

# GSM 03.38 (3GPP TS 23.038) default alphabet, in septet order 0x00..0x7F; 0x1B is the escape and
# stands for no character, so it is left out of the set.
_BASIC_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
GSM7_BASIC: Final = frozenset(_BASIC_TABLE) - {"\x1b"}
"""Characters of the GSM 03.38 basic table: one septet each."""
GSM7_EXTENSION: Final = frozenset("\f^{}\\[~]|€")
"""Characters of the GSM 03.38 extension table: two septets each (escape + character)."""

_GSM: Final = GSM7_BASIC | GSM7_EXTENSION
_NON_GSM: Final = re.compile("[^" + "".join(f"\\u{ord(ch):04x}" for ch in sorted(_GSM)) + "]")
_EXTENSION: Final = re.compile("[" + re.escape("".join(sorted(GSM7_EXTENSION))) + "]")
_EXTENSION_CHARS: Final = tuple(sorted(GSM7_EXTENSION))
_ESCAPE: Final = "\x1b"  # never in a GSM-7 body: it stands for the escape septet below
_ASTRAL: Final = re.compile("[\U00010000-\U0010ffff]")
_HIGH_SURROGATE: Final = bytes(range(0xD8, 0xDC))  # high bytes of a UTF-16 high surrogate


@functools.cache
def _grapheme() -> Any:
    """``regex``'s ``\\X``, imported on first need: only :func:`split` uses it."""
    import regex  # type: ignore[import-untyped,unused-ignore]

    return regex.compile(r"\X")


_CRLF_OR_CHAR: Final = re.compile(r"\r\n|.", re.DOTALL)
# Whitespace that must not become a line break: no-break space, figure space, narrow no-break space.
_NO_BREAK: Final = frozenset("\u00a0\u2007\u202f")

@attrs.frozen(kw_only=True)
class SegmentInfo:
    """How Twilio sends a body as SMS.

    ``units`` are septets for GSM-7 and UTF-16 code units for UCS-2. ``per_segment`` is the
    capacity that applied (160 or 153 for GSM-7, 70 or 67 for UCS-2) and ``remaining`` the units
    still free in the last segment. ``non_gsm`` lists the distinct code points that forced UCS-2, in
    order of first appearance. ``parts`` is the text of each segment; ``"".join(parts) == body``.
    """

    encoding: Encoding
    segments: int
    units: int
    characters: int
    per_segment: int
    remaining: int
    non_gsm: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()


def analyze(body: str) -> SegmentInfo:
    """Encoding, segment count, units and segment texts of ``body`` (module docstring)."""
    _require_str(body)
    if _NON_GSM.search(body) is None:
        return _analyze_gsm(body)
    return _analyze_ucs2(body)


def _info(
    encoding: Encoding, body: str, units: int, parts: list[str], fill: int, non_gsm: tuple[str, ...]
) -> SegmentInfo:
    capacity = (
        (GSM7_MULTI if encoding == GSM7 else UCS2_MULTI)
        if len(parts) > 1
        else (GSM7_SINGLE if encoding == GSM7 else UCS2_SINGLE)
    )
    return SegmentInfo(
        encoding=encoding,
        segments=len(parts),
        units=units,
        characters=len(body),
        per_segment=capacity,
        remaining=capacity - fill,
        non_gsm=non_gsm,
        parts=tuple(parts),
    )


def _analyze_gsm(body: str) -> SegmentInfo:
    """GSM-7: every code point is a character of its own (CR LF included), so cut by septets."""
    if _EXTENSION.search(body) is None:
        units = len(body)
        if units <= GSM7_SINGLE:
            return _info(GSM7, body, units, [body], units, ())
        parts = [body[i : i + GSM7_MULTI] for i in range(0, units, GSM7_MULTI)]
        return _info(GSM7, body, units, parts, len(parts[-1]), ())
    counts = list(map(body.count, _EXTENSION_CHARS))
    units = len(body) + sum(counts)
    if units <= GSM7_SINGLE:
        return _info(GSM7, body, units, [body], units, ())
    septets = body  # one character per septet: an extension character after an escape
    for char, count in zip(_EXTENSION_CHARS, counts, strict=True):
        if count:
            septets = septets.replace(char, _ESCAPE + char)
    parts = []
    start = 0
    while units - start > GSM7_MULTI:
        end = start + GSM7_MULTI
        if septets[end - 1] == _ESCAPE:  # the escape never parts from its character
            end -= 1
        parts.append(septets[start:end].replace(_ESCAPE, ""))
        start = end
    parts.append(septets[start:].replace(_ESCAPE, ""))
    return _info(GSM7, body, units, parts, units - start, ())


def _analyze_ucs2(body: str) -> SegmentInfo:
    """UCS-2: pack Unicode 10 clusters (CR LF apart) into 67-unit segments; see the docstring."""
    non_gsm = tuple([ch for ch in dict.fromkeys(body) if ch not in _GSM])
    size = len(body)
    data = body.encode("utf-16-le", "surrogatepass") if _ASTRAL.search(body) else None
    units = size if data is None else len(data) // 2
    if units <= UCS2_SINGLE:
        return _info(UCS2, body, units, [body], units, non_gsm)
    cluster, starts = cluster_patterns(RARE_ASTRAL.search(body) is not None)
    parts = []
    start = done = known = reach = 0  # code points, units packed; a cluster known to start, end
    while units - done > UCS2_MULTI:
        taken = UCS2_MULTI
        if data is None:
            end = start + taken
        else:  # 67 units, less a surrogate pair that would straddle; less a unit per pair inside
            if 0xD8 <= data[2 * (done + taken) - 1] <= 0xDB:
                taken -= 1
            high = data[2 * done + 1 : 2 * (done + taken) : 2]  # the high byte of each unit
            end = start + taken - (len(high) - len(high.translate(None, _HIGH_SURROGATE)))
        if end < reach:  # still inside the oversized cluster cut last time
            pass
        elif starts.match(body, end) is not None:
            known = end
        else:  # ``end`` may cut a cluster: find it
            known, reach = _cluster_at(body, end, known, cluster, starts)
            # Move the cluster whole to the next segment, unless it is larger than a segment (then
            # it alone is cut, packing on from here) or began before this segment (already cut).
            if start < known < end and _units(body[known:reach]) <= UCS2_MULTI:
                taken -= _units(body[known:end])
                end = known
        parts.append(body[start:end])
        start, done = end, done + taken
    parts.append(body[start:])
    return _info(UCS2, body, units, parts, units - done, non_gsm)


def _cluster_at(
    body: str, index: int, known: int, cluster: re.Pattern[str], starts: re.Pattern[str]
) -> tuple[int, int]:
    """Start and end of the Unicode 10 cluster that ``index`` falls inside, or ``(index, index)``
    when a cluster starts at ``index``; ``known`` (at most ``index``) is where one starts."""
    origin = index - 1
    while origin > known and starts.match(body, origin) is None:
        origin -= 1
    for match in cluster.finditer(body, origin):
        if match.end() > index:
            return match.start(), match.end()
        if match.end() == index:
            break
    return index, index  # a cluster starts at ``index`` after all


def _units(text: str) -> int:
    """UTF-16 code units of ``text``."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split(body: str, limit: int = 160) -> list[str]:
    """Cut ``body`` into pieces of at most ``limit`` characters (code points).

    Pieces end on grapheme-cluster boundaries, after whitespace when the last half of the window
    holds any; they join back to ``body`` exactly. See the module docstring for the rules.
    """
    _require_str(body)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise InvalidParameter(
            f"split() limit must be an int, not {type(limit).__name__}", parameter="limit"
        )
    if limit < 1:
        raise InvalidParameter(f"split() limit must be at least 1, not {limit}", parameter="limit")
    size = len(body)
    if size <= limit:
        return [body] if body else []
    bounds = _cluster_bounds(body)
    least = (limit + 1) // 2  # a word break must leave the piece at least half the limit long
    pieces: list[str] = []
    start = 0
    while size - start > limit:
        if bounds is None:
            hard_index, hard = -1, start + limit
        else:
            hard_index = bisect.bisect_right(bounds, start + limit) - 1
            hard = bounds[hard_index]
            if hard <= start:
                end = bounds[hard_index + 1]
                raise InvalidParameter(
                    f"the body has a grapheme cluster of {end - start} characters at index "
                    f"{start}, longer than the limit of {limit}; it cannot be split",
                    parameter="body",
                )
        pieces.append(body[start : _word_break(body, bounds, start, hard, hard_index, least)])
        start += len(pieces[-1])
    pieces.append(body[start:])
    return pieces


def _require_str(body: object) -> None:
    if not isinstance(body, str):
        raise InvalidParameter(
            f"the message body must be a str, not {type(body).__name__}", parameter="body"
        )


def _clusters(body: str, gsm: bool) -> str | list[str]:
    """The grapheme clusters of ``body``: the body itself when every code point is one.

    GSM-7 and ASCII characters form no clusters but CR LF (they are neither marks, joiners, regional
    indicators nor Hangul jamo), so those bodies skip the ``\\X`` pass.
    """
    if gsm or body.isascii():
        return _CRLF_OR_CHAR.findall(body) if "\r\n" in body else body
    clusters: list[str] = _grapheme().findall(body)
    return clusters


def _cluster_bounds(body: str) -> list[int] | None:
    """Ascending cluster boundaries, 0 and ``len(body)`` included; ``None``: every index is one."""
    clusters = _clusters(body, not _NON_GSM.search(body))
    if clusters is body:
        return None
    bounds = [0]
    end = 0
    for cluster in clusters:
        end += len(cluster)
        bounds.append(end)
    return bounds


def _word_break(
    body: str, bounds: list[int] | None, start: int, hard: int, hard_index: int, least: int
) -> int:
    """The last boundary in ``[start + least, hard]`` after breakable whitespace, else ``hard``."""
    floor = start + least
    if bounds is None:
        for cut in range(hard, floor - 1, -1):
            if body[cut - 1].isspace():
                return cut
        return hard
    index = hard_index
    while index >= 0 and bounds[index] >= floor:
        cut = bounds[index]
        last = body[cut - 1]
        if last.isspace() and last not in _NO_BREAK:
            return cut
        index -= 1
    return hard
