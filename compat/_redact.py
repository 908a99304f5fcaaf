"""Masking phone numbers in what the client writes to logs and error messages.

Rules: in a request's query, the values of ``To`` and ``From`` and any value written as an
international number (``+`` and digits, perhaps with spaces, dots, dashes or parentheses) are
phone numbers. A number keeps its first four and last two characters; the digits in between become
``*`` (``+14155551212`` is shown as ``+141******12``). Values shorter than seven characters (short
codes) are left alone. Paths carry SIDs, never numbers, and are shown as they are. Nothing here
ever sees a credential: callers never pass headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, urlencode

__all__ = ["NUMBER_FIELDS", "mask_number", "masked_target"]

NUMBER_FIELDS = frozenset({"To", "From"})
_INTERNATIONAL = re.compile(r"\A\+[0-9][0-9().\s-]{5,}\Z")
_SHORTEST_MASKED = 7


def mask_number(value: str) -> str:
    """``value`` with its middle digits hidden (values under seven characters are kept)."""
    if len(value) < _SHORTEST_MASKED:
        return value
    return value[:4] + re.sub(r"[0-9]", "*", value[4:-2]) + value[-2:]


def _masked(key: str, value: str) -> str:
    if key in NUMBER_FIELDS or _INTERNATIONAL.match(value):
        return mask_number(value)
    return value


def masked_target(path: str, query: Iterable[tuple[str, str]], *, reveal: bool = False) -> str:
    """The request target (path and query) with numbers in the query masked unless ``reveal``."""
    pairs = list(query)
    if not pairs:
        return path
    if not reveal:
        pairs = [(key, _masked(key, value)) for key, value in pairs]
    return f"{path}?{urlencode(pairs, quote_via=quote, safe='*')}"
