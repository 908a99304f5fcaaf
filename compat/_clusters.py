"""Grapheme clusters as Twilio's reference segment calculator draws them: Unicode 10.0 rules.

Rules: the cluster pattern reproduces the reference's splitter (grapheme-splitter 1.0.4) code point
for code point, CR and LF apart; it is checked against that splitter on every sequence of up to five
code points drawn from the 18 break classes (``tests/vectors/make_segment_vectors.py``). Patterns
are compiled on first need, once for bodies with rare astral code points and once for the rest.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from compat import _unicode10

__all__ = ["RARE_ASTRAL", "cluster_patterns"]

_LV: Final = "".join(chr(cp) for cp in range(0xAC00, 0xD7A4, 28))  # Hangul syllables without T
_LVT: Final = "".join(f"{chr(cp + 1)}-{chr(cp + 27)}" for cp in range(0xAC00, 0xD7A4, 28))


def _class(spec: str, rare: bool) -> str:
    """Regex class items for ``spec`` (hex code points and ``FIRST-LAST`` ranges). Without ``rare``,
    only those in the BMP and the emoji plane 1F000-1FFFF: sre tests astral ranges one by one, and
    nearly every SMS has no other astral code point (``RARE_ASTRAL``)."""
    regions = [(0, 0x10FFFF)] if rare else [(0, 0xFFFF), (0x1F000, 0x1FFFF)]
    items = []
    for item in spec.split():
        first, _, last = item.partition("-")
        for low, high in regions:
            low, high = max(low, int(first, 16)), min(high, int(last or first, 16))
            if low <= high:
                items.append(f"\\U{low:08x}-\\U{high:08x}")
    return "".join(items)


def _patterns(rare: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(one Unicode 10 cluster, a position where a cluster surely starts); see ``_class``.

    The cluster pattern is checked against the reference's splitter on every sequence of up to
    five code points drawn from the 18 break classes (``tests/vectors/make_segment_vectors.py``).
    """
    u = _unicode10
    ctl, ext = _class(u.CONTROL, rare) + "\\r\\n", _class(u.EXTEND, rare)
    sm, pre, mod = _class(u.SPACING_MARK, rare), _class(u.PREPEND, rare), _class(u.E_MODIFIER, rare)
    base = _class(u.E_BASE + " " + u.E_BASE_GAZ, rare)
    glue = _class(u.GLUE_AFTER_ZWJ + " " + u.E_BASE_GAZ, rare)
    ri, zwj = "\U0001f1e6-\U0001f1ff", "\u200d"
    lead, vowel = "\u1100-\u115f\ua960-\ua97c", "\u1160-\u11a7\ud7b0-\ud7c6"
    trail = "\u11a8-\u11ff\ud7cb-\ud7fb"
    # After the first character: marks and joiners always attach; a glue character attaches after
    # ZWJ; a skin tone after an emoji base while no Extend has been seen, or after base + Extend.
    before_extend = f"(?:[{sm}{zwj}]|(?<={zwj})[{glue}]|(?<=[{base}])[{mod}])*"
    after_extend = f"(?:[{ext}{sm}{zwj}]|(?<={zwj})[{glue}]|(?<=[{base}][{ext}])[{mod}])*"
    tail = f"{before_extend}(?:[{ext}]{after_extend})?"
    hangul = f"[{lead}]*(?:[{vowel}]+|[{_LV}][{vowel}]*|[{_LVT}])[{trail}]*|[{lead}]+|[{trail}]+"
    mark = f"[{ext}{zwj}{sm}]"
    cluster = (
        f"[{ctl}]"  # CR LF is one cluster in Unicode, but the reference counts CR and LF apart
        # a flag (or one prepend + RI) takes one mark at most
        f"|[{ri}][{ri}]{mark}?|[{pre}][{ri}]{mark}?"
        f"|[{pre}]*(?:(?:{hangul}){tail}|[{ext}]{after_extend}|[^{ctl}]{tail})"
    )
    # No rule joins a character that is none of these to what precedes it, unless that is a
    # prepend or a ZWJ.
    joining = f"{ext}{sm}{zwj}{mod}{ri}{lead}{vowel}{trail}{_LV}{_LVT}"
    return re.compile(cluster), re.compile(f"(?<![{pre}{zwj}])[^{joining}]")


RARE_ASTRAL: Final = re.compile("[\U00010000-\U0001efff\U00020000-\U0010ffff]")


@functools.cache
def cluster_patterns(rare: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """:func:`_patterns`, compiled on first need (a UCS-2 body over one segment), not at import."""
    return _patterns(rare)
