"""The direct route of :func:`compat.phone.normalize`: E.164 from phonenumbers' own metadata,
without calling ``phonenumbers.parse``.

Rules this module keeps:

- It gives exactly what :func:`compat.phone._normalize_slow` gives (the same E.164, or the same
  refusal reason) or it gives nothing (``None``) and the slow path decides. It never guesses: any
  input it has no rule for (letters, a ``:`` it does not know, an opaque channel ID, 250 digits
  or more, a national-prefix transform rule with no capture to transform) is handed over.
- Numbers are read as ``phonenumbers.parse`` reads them, step by step, from the same metadata
  (:mod:`compat._phone_metadata`, read once per region): a region's international prefix, then
  its own country code at the start, then ``national_prefix_for_parsing`` and its transform rule,
  kept only when the rest is still a viable national number of a usable length. Then the
  project's structural rules, shared with the slow path (:func:`check_nanp`, possible lengths,
  15 digits, no trunk prefix left).
- Nothing is cached by input: per-region facts only.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

import phonenumbers

from compat._phone_metadata import (
    NANP_REGIONS,
    PARSE_REASONS,
    Invalid,
    Plan,
    length_reason,
    plan_for_code,
    plan_for_code_digits,
    plan_for_region,
)

__all__ = [
    "EDGE_CHARS",
    "INVISIBLE",
    "MAX_E164_DIGITS",
    "MAX_LENGTH",
    "PLUS",
    "SEPARATORS",
    "TRUNK_REASON",
    "ascii_digits",
    "check_nanp",
    "e164",
    "fast_normalize",
    "length_result",
]

MAX_LENGTH: Final = 256
MAX_E164_DIGITS: Final = 15
_MAX_NSN: Final = 17  # phonenumbers' longest national significant number
_MAX_PARSE: Final = 250  # phonenumbers' longest input string
INVISIBLE: Final = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"
#: Every character ``str.strip`` and ``\s`` treat as space (none lies above U+3000), and the
#: invisible format characters: what is stripped from a value's edges.
EDGE_CHARS: Final = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + INVISIBLE
PLUS: Final = "+\uff0b"
SEPARATORS: Final = frozenset(
    "-.()/[]"  # ASCII
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"  # dashes and minus signs
    "\uff0e\uff0f\uff08\uff09\uff3b\uff3d" + INVISIBLE  # fullwidth . / ( ) [ ]
)
TRUNK_REASON: Final = "a trunk prefix (like the 0 of 020) is left after the country code"

_URI_SCHEMES: Final = frozenset({"tel:", "sms:"})
_CHANNEL: Final = re.compile(r"([a-z][a-z0-9+.-]*):(.*)", re.DOTALL)
#: Deletes what may stand between a number's digits (separators and spaces) and reads the
#: fullwidth plus as ``+``: what is left of a number is digits (any script) after at most one
#: ``+``, exactly as the slow path's ``_digits`` accepts it.
_DROP_SEPARATORS: Final[dict[int, str | None]] = {
    **{ord(ch): None for ch in SEPARATORS | set(EDGE_CHARS)},
    **{ord(ch): "+" for ch in PLUS},
}

_POSSIBLE: Final = phonenumbers.ValidationResult.IS_POSSIBLE
_TOO_SHORT: Final = phonenumbers.ValidationResult.TOO_SHORT
_TOO_LONG: Final = phonenumbers.ValidationResult.TOO_LONG
_LOCAL_ONLY: Final = phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY
_INVALID_LENGTH: Final = phonenumbers.ValidationResult.INVALID_LENGTH
_UNUSABLE: Final = frozenset({_TOO_SHORT, _LOCAL_ONLY, _INVALID_LENGTH})
_SHORT: Final = PARSE_REASONS[phonenumbers.NumberParseException.TOO_SHORT_NSN]
_LONG: Final = PARSE_REASONS[phonenumbers.NumberParseException.TOO_LONG]
_NO_CODE: Final = PARSE_REASONS[phonenumbers.NumberParseException.INVALID_COUNTRY_CODE]


class _Defer(Exception):
    """Internal: the direct route has no rule for this input; the slow path decides."""


class _Decimals(dict[int, str]):
    """A ``str.translate`` table from any decimal digit (Unicode category Nd) to its ASCII digit:
    ASCII and fullwidth digits listed, any other script looked up in the Unicode database."""

    def __missing__(self, key: int) -> str:
        return str(unicodedata.decimal(chr(key)))


_DECIMALS: Final = _Decimals(
    {ord(d): d for d in "0123456789"} | {0xFF10 + i: str(i) for i in range(10)}
)


def ascii_digits(s: str) -> str:
    """``s`` (decimal digits of any script) in ASCII digits."""
    return s if s.isascii() else s.translate(_DECIMALS)


# ---------------------------------------------------------------------------------------------
# Text: the classification rules of compat.phone for the inputs that are numbers


def fast_normalize(value: str, region: str) -> str | None:
    """The canonical form of ``value`` in ``region`` (a supported region code, upper case), or
    None when the slow path must decide. Raises :class:`Invalid` with the slow path's reason."""
    try:
        s = value.strip(EDGE_CHARS)
        if not s or len(s) > MAX_LENGTH:
            return None
        if ":" not in s:
            return _number(s, region)[1]
        if s[:4].lower() in _URI_SCHEMES:
            rest = s[4:].strip(EDGE_CHARS)
            return _number(rest, region)[1] if rest else None
        m = _CHANNEL.fullmatch(s)
        if m is None:
            return None
        scheme, rest = m[1], m[2].strip(EDGE_CHARS)
        if not rest or ":" in rest or not (scheme == "whatsapp" or rest[0] in PLUS):
            return None  # opaque IDs, empty addresses, nested schemes: the slow path words them
        short, number = _number(rest, region)
        if short:
            raise Invalid(f"the {scheme}: address must hold a phone number")
        return f"{scheme}:{number}"
    except _Defer:
        return None


def _number(t: str, region: str) -> tuple[bool, str]:
    """(is a short code, canonical form) of ``t``, which has no ``:``; raises _Defer for what is
    not a number (letters, sender IDs, stray characters: the slow path words the reason)."""
    if 3 <= len(t) <= 8 and t.isdecimal():
        digits = ascii_digits(t)
        if not digits.startswith("00"):
            if region in NANP_REGIONS:
                if 5 <= len(digits) <= 6 and not digits.startswith("011"):
                    return True, digits
            else:  # a short code unless it is a possible full national number of the region
                try:
                    return False, e164(digits, False, region)
                except Invalid:
                    return True, digits
        return False, e164(digits, False, region)
    digits = t.translate(_DROP_SEPARATORS)
    plus = digits.startswith("+")
    if plus:
        digits = digits[1:]
    if not digits.isdecimal():
        raise _Defer  # no digits, letters, a second or late plus, stray characters
    return False, e164(ascii_digits(digits), plus, region)


# ---------------------------------------------------------------------------------------------
# Digits: phonenumbers' reading, from its metadata, then the project's validity rules


def e164(digits: str, plus: bool, region: str) -> str:
    """The E.164 form of ASCII ``digits`` (after a ``+`` when ``plus``; else national numbers of
    ``region``, with ``00`` and, in North America, ``011`` read as ``+``). Raises Invalid."""
    if not plus:
        if digits.startswith("00"):
            plus, digits = True, digits[2:]
        elif digits.startswith("011") and region in NANP_REGIONS:
            plus, digits = True, digits[3:]
    if len(digits) >= _MAX_PARSE:
        raise _Defer  # phonenumbers refuses long input before reading it: the slow path words it
    plan, nsn = _international(digits) if plus else _national(digits, region)
    code = plan.code
    if code == 1:
        check_nanp(nsn)
    else:
        result = length_result(nsn, plan)
        if result != _POSSIBLE:
            raise Invalid(length_reason(result, code))
    e164 = f"+{plan.code_digits}{nsn}"
    if len(e164) - 1 > MAX_E164_DIGITS:
        raise Invalid(f"E.164 allows at most {MAX_E164_DIGITS} digits")
    if code != 1 and plan.prefix is not None and plan.prefix.match(nsn) is not None:
        try:  # reading the result again must give the result
            again = _international(e164[1:])[1]
        except Invalid:
            again = ""
        if again != nsn:
            raise Invalid(TRUNK_REASON)
    return e164


def check_nanp(nsn: str) -> None:
    """The NANP structure of a +1 number's 10 digits (area and exchange codes from 2 to 9)."""
    if len(nsn) == 7:
        raise Invalid(
            "7 digits are a local number without its area code; a North American (+1) number "
            "has 10 digits"
        )
    if len(nsn) != 10:
        raise Invalid(
            f"a North American (+1) number has 10 digits after the country code, not {len(nsn)}"
        )
    if nsn[0] in "01":
        raise Invalid("a +1 area code cannot start with 0 or 1")
    if nsn[3] in "01":
        raise Invalid("a +1 exchange code cannot start with 0 or 1")


def length_result(nsn: str, plan: Plan) -> int:
    """``is_possible_number_with_reason``'s answer for a national number of ``plan``."""
    size = len(nsn)
    if size in plan.local:
        return _LOCAL_ONLY
    lengths = plan.lengths
    if size == lengths[0]:
        return _POSSIBLE
    if size < lengths[0]:
        return _TOO_SHORT
    if size > lengths[-1]:
        return _TOO_LONG
    return _POSSIBLE if size in lengths else _INVALID_LENGTH


def _international(digits: str) -> tuple[Plan, str]:
    """(the country code's plan, the national number) of ``+digits``, as phonenumbers parses
    it: the shortest leading 1 to 3 digits that are a country code, then the national number."""
    if len(digits) <= 2:
        raise Invalid(_SHORT)
    plan = plan_for_code_digits(digits)
    if plan is None:
        raise Invalid(_NO_CODE)
    return plan, _significant(digits[len(plan.code_digits) :], plan)


def _national(digits: str, region: str) -> tuple[Plan, str]:
    """(the country code's plan, the national number) of ``digits`` dialled in ``region``, as
    phonenumbers parses it: the region's international prefix, or its own country code, may come
    first. The national prefix is read with the region's plan; lengths with the country's."""
    if len(digits) < 2:
        raise Invalid(_SHORT)
    plan = plan_for_region(region)
    if plan.idd is not None:
        m = plan.idd.match(digits)
        if m is not None and not digits.startswith("0", m.end()):
            return _international(digits[m.end() :])
    main = plan_for_code(plan.code)
    if digits.startswith(plan.code_digits):
        after = _strip_prefix(digits[len(plan.code_digits) :], plan)
        if (not _viable(digits, plan) and _viable(after, plan)) or length_result(
            digits, plan
        ) == _TOO_LONG:
            return main, _significant(after, main)
    return main, _significant(digits, plan)


def _significant(number: str, plan: Plan) -> str:
    """The national significant number left of ``number`` once a national prefix is stripped
    (when what is left has a usable length)."""
    if len(number) < 2:
        raise Invalid(_SHORT)
    stripped = _strip_prefix(number, plan)
    if length_result(stripped, plan) not in _UNUSABLE:
        number = stripped
    if len(number) > _MAX_NSN:
        raise Invalid(_LONG)
    if len(number) < 2:
        raise _Defer
    return number


def _strip_prefix(number: str, plan: Plan) -> str:
    """``number`` without the plan's national prefix (transformed by its rule when the rule's
    capture matched), unless only the original is a viable national number."""
    if not number or plan.prefix is None:
        return number
    m = plan.prefix.match(number)
    if m is None:
        return number
    groups = m.groups()
    if plan.transform is None or (groups and groups[-1] is None):
        stripped = number[m.end() :]
    elif not groups:
        raise _Defer  # a rule with nothing to transform: no such plan today
    else:
        stripped = plan.prefix.sub(plan.transform, number, count=1)
    if _viable(number, plan) and not _viable(stripped, plan):
        return number
    return stripped


def _viable(number: str, plan: Plan) -> bool:
    return plan.general is not None and plan.general.fullmatch(number) is not None
