"""The 2008 ``Flags`` bitmask, the 2008-08-01 documents' way of saying a message's direction.

Rules this module keeps:

* 1 is inbound, 2 a TwiML reply, 4 sent through the REST API (:data:`FLAG_BITS`). ``outbound-call``
  has no documented bit: it is an ``<Sms>`` produced by TwiML during a call, so it takes the
  TwiML-reply bit 2 (and reads back as ``outbound-reply``).
* Nothing falls through silently: bits above 4 are ignored (the docs warn that bits may be OR'd in
  later; clients test bits); 2|4 reads as ``outbound-api`` (bit 4 names how the message was
  created, which is what Direction records); inbound together with an outbound bit, and a value
  without any known bit, raise :class:`~compat.errors.UnexpectedDocument`. An unknown direction
  cannot be written as Flags and raises :class:`~compat.errors.InvalidParameter`.
* Some early 2010 XML wrote ``<Flags>`` as ``<Flag>`` words; :data:`FLAG_WORDS` reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from compat.errors import InvalidParameter, UnexpectedDocument
from compat.model import Direction

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "DIRECTION_TO_FLAGS",
    "FLAG_BITS",
    "FLAG_WORDS",
    "direction_from_flag_words",
    "direction_from_flags",
    "flags_from_direction",
]

#: The documented 2008 Flags bits.
FLAG_BITS: Final[Mapping[int, Direction]] = MappingProxyType({
    1: Direction.INBOUND,
    2: Direction.OUTBOUND_REPLY,
    4: Direction.OUTBOUND_API,
})

#: How each direction is written as 2008 Flags.
DIRECTION_TO_FLAGS: Final[Mapping[Direction, int]] = MappingProxyType({
    **{direction: bit for bit, direction in FLAG_BITS.items()},
    Direction.OUTBOUND_CALL: 2,
})

#: The ``<Flag>`` word sets early XML wrote inside ``<Flags>``.
FLAG_WORDS: Final[Mapping[frozenset[str], Direction]] = MappingProxyType({
    frozenset({"inbound"}): Direction.INBOUND,
    frozenset({"incoming"}): Direction.INBOUND,
    frozenset({"outbound"}): Direction.OUTBOUND_API,
})

_KNOWN_BITS: Final = 1 | 2 | 4
_DIALECT: Final = "2008-08-01"


def direction_from_flags(flags: int) -> Direction:
    """The direction a 2008 ``Flags`` value means (see the module rules)."""
    if flags < 0:
        raise UnexpectedDocument(
            f"Flags must be a non-negative integer, got {flags}", dialect=_DIALECT
        )
    bits = flags & _KNOWN_BITS
    if bits in FLAG_BITS:
        return FLAG_BITS[bits]
    if bits == 6:
        return Direction.OUTBOUND_API
    if bits == 0:
        raise UnexpectedDocument(
            f"Flags {flags} sets none of the direction bits 1, 2, 4", dialect=_DIALECT
        )
    raise UnexpectedDocument(
        f"Flags {flags} says both inbound (1) and outbound ({bits & 6})", dialect=_DIALECT
    )


def flags_from_direction(direction: Direction) -> int:
    """The 2008 ``Flags`` value for a direction; an unknown direction raises."""
    try:
        return DIRECTION_TO_FLAGS[direction]
    except KeyError:
        raise InvalidParameter(
            f"direction {direction!s} has no 2008 Flags value", parameter="direction"
        ) from None


def direction_from_flag_words(element: etree._Element, *, dialect: str) -> Direction:
    """The direction a ``<Flags>`` element of ``<Flag>`` words says (see :data:`FLAG_WORDS`);
    anything else in it raises :class:`~compat.errors.UnexpectedDocument`."""
    words: set[str] = set()
    for child in element:
        if child.tag != "Flag" or len(child):
            raise UnexpectedDocument(
                f"<{element.tag}> may hold only <Flag> words, got <{child.tag}>", dialect=dialect
            )
        words.add((child.text or "").strip())
    found = FLAG_WORDS.get(frozenset(words))
    if found is None:
        raise UnexpectedDocument(
            f"<{element.tag}> words {sorted(words)} name no direction", dialect=dialect
        )
    return found
