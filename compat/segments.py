"""GSM-7 / UCS-2 analysis of a message body, and splitting a body for dialects with a hard limit.

:func:`analyze` tells how Twilio sends a body as SMS; :func:`split` cuts a body into pieces for
the dialects that refuse long bodies (2008-08-01 and the 2010 ``/SMS/Messages`` resource: 160
characters).

Rules :func:`analyze` keeps (Twilio's, as its segment calculator and glossary state them):

* **Encoding.** A body whose every code point is in the GSM 03.38 basic table or its extension table
  is ``"GSM-7"``. One code point outside both switches the *whole* body to ``"UCS-2"``.
* **Units.** GSM-7 counts septets: a basic character is 1, an extension character (form feed
  ``^ { } \\ [ ~ ] |`` and ``€``) is 2 (escape + character). UCS-2 counts UTF-16 code units: an
  astral character (most emoji) is 2; GSM characters in a UCS-2 body are 1 unit each.
* **Segments.** A body of at most 160 septets / 70 units is one segment. A longer body is packed
  greedily into segments of 153 septets / 67 units (the rest of each 140-octet PDU carries the
  concatenation header), by actually packing, not by dividing: a grapheme cluster (``regex``
  ``\\X``: ZWJ emoji sequences, flags, skin tones, combining marks, CR LF) never straddles two
  segments, so an escape and its character, and a surrogate pair, never part either.
* **Oversized clusters.** A cluster larger than a whole segment (say, a letter with 70 combining
  marks) cannot be kept whole; it alone is cut between code points, still packed greedily from
  where the previous segment stopped. An escape pair or surrogate pair is never cut.
* **Empty body.** ``analyze("")`` is GSM-7, 0 units and **1** segment: a zero-length SMS is still
  one PDU, Twilio reports ``num_segments`` ``"1"`` for media-only messages, and its calculator
  gives 1.

Rules :func:`split` keeps:

* A *character* is a Python code point (``len(body)``). That is the unit the 160-character dialects
  are checked in throughout this library; it never splits a code point, so an astral emoji counts 1.
* Each piece holds at most ``limit`` characters and ends on a grapheme-cluster boundary. When the
  last half of the window holds a breakable whitespace character (not a no-break space), the piece
  ends just after the last one, so the next piece starts with a word.
* ``"".join(split(body, limit)) == body``: nothing is dropped, trimmed or added. Every piece is
  non-empty; ``split("")`` is ``[]`` (there is nothing to send).
* A grapheme cluster longer than ``limit`` characters cannot be sent whole under that limit:
  :class:`~compat.errors.InvalidParameter` names its position and length.

Both functions raise :class:`~compat.errors.InvalidParameter` for a body that is not a ``str``.
"""

from __future__ import annotations

import bisect
import re
from typing import Final, Literal

import attrs
import regex  # type: ignore[import-untyped,unused-ignore]

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

_GSM_COST: Final[dict[str, int]] = dict.fromkeys(GSM7_BASIC, 1) | dict.fromkeys(GSM7_EXTENSION, 2)
_NON_GSM: Final = re.compile("[^" + "".join(f"\\u{ord(ch):04x}" for ch in sorted(_GSM_COST)) + "]")
_EXTENSION_CHARS: Final = tuple(sorted(GSM7_EXTENSION))
_GRAPHEME: Final = regex.compile(r"\X")
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
    """Encoding, segment count and units of ``body`` by Twilio's rules (module docstring)."""
    _require_str(body)
    non_gsm = tuple(dict.fromkeys(_NON_GSM.findall(body)))
    encoding: Encoding
    if non_gsm:
        encoding, single, multi = UCS2, UCS2_SINGLE, UCS2_MULTI
        units = len(body.encode("utf-16-le", "surrogatepass")) // 2
    else:
        encoding, single, multi = GSM7, GSM7_SINGLE, GSM7_MULTI
        units = len(body) + sum(body.count(ch) for ch in _EXTENSION_CHARS)
    if units <= single:
        return SegmentInfo(
            encoding=encoding,
            segments=1,
            units=units,
            characters=len(body),
            per_segment=single,
            remaining=single - units,
            non_gsm=non_gsm,
            parts=(body,),
        )
    parts, fill = _pack(body, encoding, units, multi)
    return SegmentInfo(
        encoding=encoding,
        segments=len(parts),
        units=units,
        characters=len(body),
        per_segment=multi,
        remaining=multi - fill,
        non_gsm=non_gsm,
        parts=tuple(parts),
    )


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
    clusters: list[str] = _GRAPHEME.findall(body)
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


def _pack(body: str, encoding: Encoding, units: int, capacity: int) -> tuple[list[str], int]:
    """Pack clusters greedily into segments of ``capacity`` units: texts, and the last fill."""
    gsm = encoding == GSM7
    clusters = _clusters(body, gsm)
    if units == len(clusters) == len(body):  # one unit per code point, one code point per cluster
        parts = [body[i : i + capacity] for i in range(0, len(body), capacity)]
        return parts, len(parts[-1])
    parts = []
    start = pos = fill = 0
    for cluster in clusters:
        if len(cluster) == 1:
            cost = _GSM_COST[cluster] if gsm else (1 if cluster < "\U00010000" else 2)
        elif gsm:
            cost = sum(_GSM_COST[ch] for ch in cluster)
        else:
            cost = len(cluster.encode("utf-16-le", "surrogatepass")) // 2
        if cost <= capacity:
            if fill + cost > capacity:
                parts.append(body[start:pos])
                start, fill = pos, 0
            fill += cost
            pos += len(cluster)
            continue
        for ch in cluster:  # a cluster larger than a segment: cut between code points
            cost = _GSM_COST[ch] if gsm else (1 if ch < "\U00010000" else 2)
            if fill + cost > capacity:
                parts.append(body[start:pos])
                start, fill = pos, 0
            fill += cost
            pos += 1
    parts.append(body[start:])
    return parts, fill
