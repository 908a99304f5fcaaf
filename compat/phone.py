"""Classify and normalize phone numbers, short codes and sender IDs; render them per dialect.

The 2008-08-01 API writes North American numbers as 10 bare digits (``5558675309``); the 2010-04-01
API writes E.164 (``+15558675309``). The model holds one canonical form, made by :func:`normalize`;
the backends turn it into wire form with :func:`render`, in the :class:`NumberStyle` their dialect
hands it, and read it back with :func:`parse_wire`.

Rules, applied in this order to the value with its outer whitespace (including NBSP and other
Unicode spaces, and invisible format characters such as U+200B and U+FEFF) stripped:

1. Empty -> rejected. Longer than 256 characters -> rejected.
2. ``MG`` + 32 hex digits -> ``SERVICE_SID`` (a Messaging Service SID), kept as it is.
3. ``tel:`` or ``sms:`` (any case: URI schemes, not Twilio channels) -> a prefix, stripped;
   what follows must be a number or a short code.
4. Another lower-case scheme and a colon (``whatsapp:``, ``messenger:``, ``rcs:`` ...) ->
   ``CHANNEL``.
   The scheme is kept. For ``whatsapp:`` the rest is always a phone number and is normalized; for
   any other scheme the rest is normalized when it starts with ``+``, and is otherwise an opaque
   ID (a Messenger page-scoped ID, an RCS agent ID) kept as it is (no spaces allowed).
5. Bare digits (no ``+``, no spaces or punctuation, not starting with ``00``) -> ``SHORT_CODE``,
   kept as ASCII digits: in North American regions 5 or 6 digits not starting with ``011`` (the
   international prefix there), since 7 or 8 digits are a local number missing its area code;
   elsewhere 3 to 8 digits, unless they form a possible full national number of the region
   (8-digit numbers in Denmark, say).
6. 1 to 11 characters of ASCII letters, digits, space and ``+ - _ &`` with at least one letter and
   not starting with ``+`` -> ``ALPHANUMERIC`` sender ID (Twilio's own rule), kept as it is.
7. Anything else must be a phone number: digits (any script, fullwidth included), an optional
   leading ``+`` and separators (Unicode spaces, dashes, dots, slashes, parentheses). Letters are
   refused (no vanity-number translation). Exactly ``+`` then 2 to 15 ASCII digits -> ``E164``;
   any other number format -> ``NUMBER``.

A value that is exactly E.164 (every normalized number) is classified at once: no rule before 7
can take it, and 7 makes it ``E164``.

Numbers become E.164. ``00`` in front of a number means ``+`` in every region, and so does ``011``
in North American regions; other numbers are read as national numbers of ``region`` (default US, so
a leading ``1`` is the country code). Validity is structural, not ``is_valid_number``: the 2008
docs' own example ``555-867-5309`` is invalid to phonenumbers (unassigned exchange), and Twilio's
magic test numbers (``+15005550006`` ...) must work whatever the metadata says. So: ``+1``
numbers need exactly 10 digits with area and exchange codes not starting with 0 or 1; other
countries need a length phonenumbers calls possible for the whole country (not a local-only
length); the country code must exist; at most 15 digits in all; and no trunk prefix left for
phonenumbers to strip again (so normalizing twice changes nothing).

:func:`normalize` reads numbers without calling phonenumbers: one regular expression for the
common North American shapes (``4155551212``, ``(415) 555-1212``, ``1-415-555-1212``,
``+1 415 555 1212``), then the direct route of :mod:`compat._phone_fast`, which reads every other
number (national, international, ``00``/``011``, ``tel:``, fullwidth, ``whatsapp:``) from the
metadata phonenumbers itself parses with. Both return exactly what the slow path
:func:`_normalize_slow` (classification, then ``phonenumbers.parse``) returns, result or reason,
or hand the value over to it.

Every refusal is :class:`compat.errors.InvalidPhoneNumber` naming the value, the reason and the
field; a value that is not a string, an unknown region or an unknown number style is
:class:`compat.errors.InvalidParameter`. No phonenumbers exception escapes.
"""

from __future__ import annotations

import enum
import re
import unicodedata

import phonenumbers

from compat._phone_fast import (
    INVISIBLE,
    MAX_E164_DIGITS,
    MAX_LENGTH,
    PLUS,
    SEPARATORS,
    TRUNK_REASON,
    ascii_digits,
    check_nanp,
    fast_normalize,
)
from compat._phone_metadata import (
    NANP_REGIONS,
    PARSE_REASONS,
    REGIONS,
    length_reason,
    plan_for_code,
)
from compat._phone_metadata import Invalid as _Invalid
from compat.errors import InvalidParameter, InvalidPhoneNumber

__all__ = ["NumberKind", "NumberStyle", "classify", "normalize", "parse_wire", "render"]


class NumberStyle(str, enum.Enum):
    """How a dialect writes numbers on the wire; each backend names its own."""

    E164 = "e164"  # every number as E.164 (2010-04-01)
    NANP_DIGITS = "nanp-digits"  # North American numbers as 10 bare digits, others E.164 (2008)


class NumberKind(str, enum.Enum):
    """What a To/From value is. See the module docstring for the rules."""

    E164 = "e164"  # exactly "+" and digits: already canonical in shape
    NUMBER = "number"  # a phone number in any other format (national, spaced, tel:, 00 ...)
    SHORT_CODE = "short_code"
    ALPHANUMERIC = "alphanumeric"  # alphanumeric sender ID
    CHANNEL = "channel"  # whatsapp:+1..., messenger:..., rcs:...
    SERVICE_SID = "service_sid"  # MG + 32 hex


_EDGES = re.compile(rf"^[\s{INVISIBLE}]+|[\s{INVISIBLE}]+$")
_SERVICE_SID = re.compile(r"MG[0-9a-fA-F]{32}")
_CHANNEL = re.compile(r"([a-z][a-z0-9+.-]*):(.*)", re.DOTALL)
_ANY_CASE_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SENDER_ID = re.compile(r"(?!\+)(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9 +\-_&]{1,11}")
_SENDER_ID_CHARS = re.compile(r"[A-Za-z0-9 +\-_&]+")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_URI_SCHEMES = frozenset({"tel:", "sms:"})  # prefixes, not channels: what follows is a number

# The North American fast shapes. ASCII digits only: [0-9], never \d (which matches any script).
_FAST_NANP = re.compile(
    r"(?:(\+)?1[ .-]?)?"  # optional country code: +1, 1, with one separator
    r"(?:\(([2-9][0-9]{2})\) ?|([2-9][0-9]{2})[ .-]?)"  # area code, (415) or 415
    r"([2-9][0-9]{2})[ .-]?([0-9]{4})"  # exchange and line
)


# ---------------------------------------------------------------------------------------------
# Public API


def classify(value: str, region: str = "US") -> NumberKind:
    """What kind of address ``value`` is, decided before any parsing.

    Structural only: a ``NUMBER`` or ``CHANNEL`` may still fail :func:`normalize` (too short, an
    unknown country code). Raises :class:`InvalidPhoneNumber` when the value fits no kind at all
    (empty, letters in a number, stray characters).
    """
    text = _require_str(value, None)
    region_code = _check_region(region)
    try:
        return _classify(text, region_code)[0]
    except _Invalid as exc:
        raise InvalidPhoneNumber(text, exc.reason) from None


def normalize(value: str, region: str = "US", *, field: str | None = None) -> str:
    """The canonical form of a To/From value: E.164 for numbers, everything else kept as it is
    (a channel address with its number part normalized). National numbers are read in ``region``.

    ``field`` (``"To"``, ``"From"``) is named in the error when the value is refused.
    """
    if value.__class__ is str and region.__class__ is str:
        m = _FAST_NANP.fullmatch(value)
        if m is not None and (region in NANP_REGIONS or (m[1] is not None and region in REGIONS)):
            return f"+1{m[2] or m[3]}{m[4]}{m[5]}"
        code = region if region in REGIONS else region.upper()
        if code in REGIONS:
            try:
                result = fast_normalize(value, code)
            except _Invalid as exc:
                raise InvalidPhoneNumber(value, exc.reason, field=field) from None
            if result is not None:
                return result
    return _normalize_slow(value, region, field=field)


def render(value: str, style: NumberStyle) -> str:
    """``value`` (any form :func:`normalize` accepts, region US) written in ``style``.

    :attr:`NumberStyle.NANP_DIGITS` (2008-08-01): North American (+1) numbers as 10 bare digits;
    other numbers as E.164 with the plus, the form the 2008 docs ask callers to use for them.
    :attr:`NumberStyle.E164` (2010-04-01): E.164. Short codes, sender IDs, service SIDs and
    channel addresses are written as normalized in every style.
    """
    if not isinstance(style, NumberStyle):
        raise InvalidParameter(
            f"unknown number style {style!r}: expected a compat.phone.NumberStyle",
            parameter="style",
        )
    canonical = normalize(value)
    if style is NumberStyle.NANP_DIGITS and canonical.startswith("+1") and len(canonical) == 12:
        return canonical[2:]
    return canonical


def parse_wire(value: str, *, field: str | None = None) -> str:
    """Read a number as any dialect wrote it back into canonical form: the inverse of
    :func:`render` for every style. Bare 10-digit numbers are North American (region US)."""
    return normalize(value, "US", field=field)


# ---------------------------------------------------------------------------------------------
# The slow path: classification first, phonenumbers only for numbers


def _normalize_slow(value: object, region: str = "US", *, field: str | None = None) -> str:
    """:func:`normalize` without the fast path (kept callable so tests can compare the two)."""
    text = _require_str(value, field)
    region_code = _check_region(region)
    try:
        return _canonical(text, region_code)
    except _Invalid as exc:
        raise InvalidPhoneNumber(text, exc.reason, field=field) from None


def _canonical(text: str, region: str) -> str:
    kind, s = _classify(text, region)
    if kind is NumberKind.SHORT_CODE:
        return ascii_digits(_strip_tel(s))
    if kind in (NumberKind.E164, NumberKind.NUMBER):
        return _to_e164(_strip_tel(s), region)
    if kind is NumberKind.CHANNEL:
        return _channel(s, region)
    return s  # ALPHANUMERIC, SERVICE_SID


def _classify(text: str, region: str) -> tuple[NumberKind, str]:
    """The kind and the value with its outer whitespace stripped."""
    if _E164.fullmatch(text):  # every normalized number: rules 1 to 6 cannot take it, 7 does
        return NumberKind.E164, text
    return _classify_by_rules(text, region)


def _classify_by_rules(text: str, region: str) -> tuple[NumberKind, str]:
    """:func:`_classify` applying every rule in order (kept callable so tests can compare)."""
    s = _EDGES.sub("", text)
    if not s:
        raise _Invalid("it is empty")
    if len(s) > MAX_LENGTH:
        raise _Invalid(f"it is longer than {MAX_LENGTH} characters")
    if _SERVICE_SID.fullmatch(s):
        return NumberKind.SERVICE_SID, s
    scheme = s[:4].lower()
    if scheme in _URI_SCHEMES:
        rest = _EDGES.sub("", s[4:])
        if not rest:
            raise _Invalid(f"the {scheme} URI holds no number")
        if _is_short_code(rest, region):
            return NumberKind.SHORT_CODE, s
        try:
            _digits(rest)
        except _Invalid:
            raise _Invalid(f"the {scheme} URI must hold a phone number or a short code") from None
        return NumberKind.NUMBER, s
    if _CHANNEL.fullmatch(s):
        return NumberKind.CHANNEL, s
    if _is_short_code(s, region):
        return NumberKind.SHORT_CODE, s
    if _SENDER_ID.fullmatch(s):
        return NumberKind.ALPHANUMERIC, s
    _digits(s)
    return (NumberKind.E164 if _E164.fullmatch(s) else NumberKind.NUMBER), s


def _is_short_code(s: str, region: str) -> bool:
    if not 3 <= len(s) <= 8 or not s.isdecimal():
        return False
    digits = ascii_digits(s)
    if digits.startswith("00"):
        return False
    if region in NANP_REGIONS:
        # 5-6 digits; 7 or 8 are a local number without its area code; 011 dials abroad.
        return 5 <= len(digits) <= 6 and not digits.startswith("011")
    try:
        _to_e164(digits, region)
    except _Invalid:
        return True
    return False


def _channel(s: str, region: str) -> str:
    m = _CHANNEL.fullmatch(s)
    assert m is not None
    scheme, rest = m[1], _EDGES.sub("", m[2])
    if not rest:
        raise _Invalid(f"the {scheme}: address is empty")
    if scheme == "whatsapp" or rest[0] in PLUS:
        kind, part = _classify(rest, region)
        if kind not in (NumberKind.E164, NumberKind.NUMBER):
            raise _Invalid(f"the {scheme}: address must hold a phone number")
        return f"{scheme}:{_to_e164(_strip_tel(part), region)}"
    if not rest.isprintable() or any(ch.isspace() for ch in rest):
        raise _Invalid(f"the {scheme}: address contains spaces or control characters")
    return f"{scheme}:{rest}"


def _digits(s: str) -> tuple[bool, str]:
    """(has a leading plus, the ASCII digits) of a number, or a reason to refuse it."""
    plus = False
    out: list[str] = []
    for ch in s:
        if "0" <= ch <= "9":
            out.append(ch)
        elif ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
        elif ch in PLUS:
            if plus or out:
                raise _Invalid("a '+' may only come first")
            plus = True
        elif ch in SEPARATORS or ch.isspace():
            continue
        elif ch.isalpha():
            raise _Invalid(_letters_reason(s))
        else:
            raise _Invalid(f"a phone number cannot contain {ch!r}")
    return plus, "".join(out)


def _letters_reason(s: str) -> str:
    if _ANY_CASE_SCHEME.match(s):
        return "a channel prefix must be lower-case, like 'whatsapp:'"
    if _SENDER_ID_CHARS.fullmatch(s) and not s.startswith("+"):
        return (
            "it contains letters, so it could only be an alphanumeric sender ID, and those have "
            "at most 11 characters"
        )
    return "a phone number cannot contain letters"


def _to_e164(s: str, region: str) -> str:
    plus, digits = _digits(s)
    if not digits:
        raise _Invalid("it contains no digits")
    if not plus:
        if digits.startswith("00"):
            plus, digits = True, digits[2:]
        elif digits.startswith("011") and region in NANP_REGIONS:
            plus, digits = True, digits[3:]
    try:
        number = phonenumbers.parse("+" + digits if plus else digits, None if plus else region)
    except phonenumbers.NumberParseException as exc:
        raise _Invalid(PARSE_REASONS.get(exc.error_type, "it is not a phone number")) from None
    code = number.country_code or 0
    nsn = phonenumbers.national_significant_number(number)
    if code == 1:
        check_nanp(nsn)
    else:
        result = phonenumbers.is_possible_number_with_reason(number)
        if result != phonenumbers.ValidationResult.IS_POSSIBLE:
            raise _Invalid(length_reason(result, code))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if len(e164) - 1 > MAX_E164_DIGITS:
        raise _Invalid(f"E.164 allows at most {MAX_E164_DIGITS} digits")
    if code != 1:
        _check_stable(e164, code, nsn)
    return e164


def _check_stable(e164: str, code: int, nsn: str) -> None:
    """Refuse a result phonenumbers would change again: after stripping one trunk prefix
    (``+31 0 0…``) another may follow, and then normalizing would not be idempotent."""
    prefix = plan_for_code(code).prefix
    if prefix is None or prefix.match(nsn) is None:
        return  # nothing phonenumbers could strip: stable (the fast path's own condition)
    try:
        again = phonenumbers.format_number(
            phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.E164
        )
    except phonenumbers.NumberParseException:
        again = ""
    if again != e164:
        raise _Invalid(TRUNK_REASON)


# ---------------------------------------------------------------------------------------------
# Helpers


def _require_str(value: object, field: str | None) -> str:
    if not isinstance(value, str):
        what = f"{field} number" if field else "a phone number"
        raise InvalidParameter(
            f"{what} must be a string, got {type(value).__name__}", parameter=field
        )
    return value


def _check_region(region: object) -> str:
    if isinstance(region, str) and region.upper() in REGIONS:
        return region.upper()
    raise InvalidParameter(
        f"unknown region {region!r}: use an ISO 3166 code such as 'US' or 'GB'",
        parameter="region",
    )


def _strip_tel(s: str) -> str:
    return _EDGES.sub("", s[4:]) if s[:4].lower() in _URI_SCHEMES else s
