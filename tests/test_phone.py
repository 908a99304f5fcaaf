"""compat.phone: classification, normalization, per-dialect rendering, and the fast path's agreement
with the phonenumbers path."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st
from phonenumbers.phonemetadata import PhoneMetadata

from compat import _phone_fast as fast
from compat import phone
from compat._phone_metadata import PARSE_REASONS, Invalid
from compat.errors import InvalidParameter, InvalidPhoneNumber
from compat.phone import NumberKind, NumberStyle, classify, normalize, parse_wire, render

NANP, E164 = NumberStyle.NANP_DIGITS, NumberStyle.E164

SID = "MG" + "0123456789abcdef" * 2

# ------------------------------------------------------------------------------------------------
# classify


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("+14155551212", NumberKind.E164),
        ("+442079460958", NumberKind.E164),
        ("\u00a0+14155551212 ", NumberKind.E164),
        ("4155551212", NumberKind.NUMBER),
        ("(415) 555-1212", NumberKind.NUMBER),
        ("+1 415 555 1212", NumberKind.NUMBER),
        ("0044 20 7946 0958", NumberKind.NUMBER),
        ("tel:+14155551212", NumberKind.NUMBER),
        ("12 345", NumberKind.NUMBER),  # formatted: not a short code
        ("123456789", NumberKind.NUMBER),  # 9 digits: too long for a short code
        ("12345", NumberKind.SHORT_CODE),
        ("123456", NumberKind.SHORT_CODE),
        ("123", NumberKind.NUMBER),  # US short codes have 5 or 6 digits
        ("12345678", NumberKind.NUMBER),  # a local number missing its area code
        ("5551212", NumberKind.NUMBER),
        ("01144", NumberKind.NUMBER),  # 011 is the US international prefix
        ("sms:+14155551212", NumberKind.NUMBER),  # sms: is a URI scheme, not a channel
        ("SMS:12345", NumberKind.SHORT_CODE),
        ("５５５５５", NumberKind.SHORT_CODE),
        ("tel:12345", NumberKind.SHORT_CODE),
        ("ACME123", NumberKind.ALPHANUMERIC),
        ("ACME", NumberKind.ALPHANUMERIC),
        ("A", NumberKind.ALPHANUMERIC),
        ("My Shop", NumberKind.ALPHANUMERIC),
        ("Tea&Co_UK-1", NumberKind.ALPHANUMERIC),  # 11 characters, Twilio's + - _ &
        ("whatsapp:+14155551212", NumberKind.CHANNEL),
        ("messenger:1234567890123456", NumberKind.CHANNEL),
        ("rcs:acme_agent", NumberKind.CHANNEL),
        (SID, NumberKind.SERVICE_SID),
        (SID.upper(), NumberKind.SERVICE_SID),
    ],
)
def test_classify(value: str, kind: NumberKind) -> None:
    assert classify(value) is kind


def test_classify_is_region_aware_for_bare_digits() -> None:
    # 8 digits is a whole Danish number; in North America a local number without its area code.
    assert classify("12345678", "DK") is NumberKind.NUMBER
    assert classify("12345678", "US") is NumberKind.NUMBER
    assert classify("12345", "DK") is NumberKind.SHORT_CODE
    assert classify("123", "GB") is NumberKind.SHORT_CODE  # 3-8 digits outside North America


@pytest.mark.parametrize("value", ["5551212", "555 1212", "555-1212", "tel:5551212"])
@pytest.mark.parametrize("region", ["US", "CA"])
def test_seven_digits_in_north_america_ask_for_the_area_code(value: str, region: str) -> None:
    with pytest.raises(InvalidPhoneNumber, match="without its area code"):
        normalize(value, region)
    assert classify(value, region) is NumberKind.NUMBER


@pytest.mark.parametrize("value", ["011", "01144", "011441", "0114420"])
def test_011_is_an_international_prefix_in_north_america_not_a_short_code(value: str) -> None:
    assert classify(value, "US") is NumberKind.NUMBER
    with pytest.raises(InvalidPhoneNumber):
        normalize(value, "US")
    assert normalize("011 44 20 7946 0958", "US") == "+442079460958"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sms:+14155551212", "+14155551212"),
        ("SMS:415-555-1212", "+14155551212"),
        ("sms:12345", "12345"),
        ("sms: +44 20 7946 0958", "+442079460958"),
    ],
)
def test_sms_uris_are_a_prefix_not_a_channel(value: str, expected: str) -> None:
    assert classify(value) is not NumberKind.CHANNEL
    assert normalize(value) == expected
    assert phone._normalize_slow(value) == expected


@pytest.mark.parametrize("value", ["sms:", "sms:+14155551212?body=hi", "sms:abc"])
def test_an_sms_uri_must_hold_a_number(value: str) -> None:
    with pytest.raises(InvalidPhoneNumber, match="sms:"):
        normalize(value)


@pytest.mark.parametrize("value", ["", "   ", "Zeus The Mighty", "1-800-FLOWERS", "415*555*1212"])
def test_classify_refuses_what_fits_no_kind(value: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as info:
        classify(value)
    assert info.value.value == value


def test_phonenumbers_alone_gets_these_wrong() -> None:
    """Why classification comes first: phonenumbers silently turns these into numbers."""
    e164 = phonenumbers.PhoneNumberFormat.E164
    assert phonenumbers.format_number(phonenumbers.parse("ACME123", "US"), e164) == "+1123"
    assert phonenumbers.format_number(phonenumbers.parse("12345", "US"), e164) == "+112345"
    assert normalize("ACME123") == "ACME123"
    assert normalize("12345") == "12345"
    assert normalize("0044 20 7946 0958") == "+442079460958"
    assert normalize("whatsapp:+14155551212") == "whatsapp:+14155551212"


# ------------------------------------------------------------------------------------------------
# normalize: successes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the 2008 docs: any format, a leading 1 or +1, 555 numbers
        ("555-867-5309", "+15558675309"),
        ("415-555-1212", "+14155551212"),
        ("(415) 555-1212", "+14155551212"),
        ("(415)555-1212", "+14155551212"),
        ("415.555.1212", "+14155551212"),
        ("4155551212", "+14155551212"),
        ("14155551212", "+14155551212"),
        ("1-415-555-1212", "+14155551212"),
        ("+1 415 555 1212", "+14155551212"),
        ("+1 (415) 555-1212", "+14155551212"),
        ("+14155551212", "+14155551212"),
        # Twilio's magic test numbers
        ("+15005550006", "+15005550006"),
        ("+15005550001", "+15005550001"),
        ("+15005550009", "+15005550009"),
        ("5005550006", "+15005550006"),
        # international
        ("+44 20 7946 0958", "+442079460958"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("011 44 20 7946 0958", "+442079460958"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("+39 06 1234 5678", "+390612345678"),  # Italian leading zero kept
        ("+86 138 0013 8000", "+8613800138000"),
        ("+800 1234 5678", "+80012345678"),  # non-geographic
        # Unicode: fullwidth digits and plus, NBSP, thin space, dashes, invisible characters
        ("４１５５５５１２１２", "+14155551212"),
        ("＋１ ４１５ ５５５ １２１２", "+14155551212"),
        ("415\u00a0555\u00a01212", "+14155551212"),
        ("\u2009415\u202f555\u20071212\u3000", "+14155551212"),
        ("415\u2013555\u20111212", "+14155551212"),
        ("\ufeff\u200b+14155551212\u200e", "+14155551212"),
        ("٤١٥٥٥٥١٢١٢", "+14155551212"),  # Arabic-Indic digits
        # tel: URIs
        ("tel:+1-415-555-1212", "+14155551212"),
        ("TEL:4155551212", "+14155551212"),
        ("tel:+44-20-7946-0958", "+442079460958"),
        # short codes, sender IDs, service SIDs: kept (outer spaces stripped, digits to ASCII)
        ("12345", "12345"),
        (" 55555 ", "55555"),
        ("１２３４５", "12345"),
        ("tel:894546", "894546"),
        ("ACME123", "ACME123"),
        (" My Shop ", "My Shop"),
        ("800-FLOWERS", "800-FLOWERS"),  # fits Twilio's sender ID rule, so it is one
        (SID, SID),
        # channels: prefix kept, number part normalized, opaque IDs kept
        ("whatsapp:+14155551212", "whatsapp:+14155551212"),
        ("whatsapp:(415) 555-1212", "whatsapp:+14155551212"),
        ("whatsapp: +44 20 7946 0958", "whatsapp:+442079460958"),
        ("whatsapp:tel:+14155551212", "whatsapp:+14155551212"),
        ("rcs:+1 415 555 1212", "rcs:+14155551212"),
        ("rcs:acme_agent", "rcs:acme_agent"),
        ("messenger:1234567890123456", "messenger:1234567890123456"),
    ],
)
def test_normalize(value: str, expected: str) -> None:
    assert normalize(value) == expected
    assert phone._normalize_slow(value) == expected


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("020 7946 0958", "GB", "+442079460958"),
        ("020 7946 0958", "gb", "+442079460958"),
        ("+14155551212", "GB", "+14155551212"),  # + numbers ignore the region
        ("12 34 56 78", "DK", "+4512345678"),
        ("12345678", "DK", "+4512345678"),
        ("12345", "DK", "12345"),
        ("00 1 415 555 1212", "DE", "+14155551212"),
        ("(415) 555-1212", "CA", "+14155551212"),
        ("011 44 20 7946 0958", "CA", "+442079460958"),
    ],
)
def test_normalize_in_region(value: str, region: str, expected: str) -> None:
    assert normalize(value, region) == expected


def test_normalize_keeps_the_signature() -> None:
    assert normalize("4155551212", "US", field="To") == "+14155551212"


# ------------------------------------------------------------------------------------------------
# normalize: refusals


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty"),
        (" \u00a0 ", "empty"),
        ("+1", "too short"),
        ("4", "too short"),
        ("+44", "too short"),
        ("41", "10 digits"),
        ("415555121", "10 digits"),
        ("555 1212", "10 digits"),  # a local number without its area code
        ("+1 415 555 12120", "10 digits"),
        ("1234567890", "area code"),
        ("+1 415 055 1212", "exchange code"),
        ("+44 20", "too short for country code +44"),
        ("+44 20 7946 0958 1234 5", "too long"),
        ("+999 123 4567", "country code does not exist"),
        ("+0 415 555 1212", "country code does not exist"),
        ("+4915112345678901", "at most 15 digits"),
        ("+3100000000", "trunk prefix"),  # phonenumbers strips a 0, and would strip the next one
        ("1-800-FLOWERS", "letters"),
        ("Zeus The Mighty", "at most 11 characters"),
        ("+1 800 FLOWERS", "letters"),
        ("+1ACME", "letters"),
        ("415-555-1212 ext. 12", "letters"),
        ("415*555*1212", "'*'"),
        ("++14155551212", "'+'"),
        ("415+5551212", "'+'"),
        ("WhatsApp:+14155551212", "lower-case"),
        ("whatsapp:", "empty"),
        ("whatsapp:ACME", "must hold a phone number"),
        ("whatsapp:12345", "must hold a phone number"),
        ("whatsapp:+1 415", "10 digits"),
        ("messenger:has space", "spaces"),
        ("tel:", "no number"),
        ("tel:ACME", "tel:"),
        ("MG" + "0" * 33, "at most 11 characters"),  # one hex digit too many for a service SID
        ("MG" + "g" * 32, "at most 11 characters"),  # not hex
        ("9" * 300, "longer than 256"),
    ],
)
def test_normalize_refuses(value: str, reason: str) -> None:
    for func in (normalize, phone._normalize_slow):
        with pytest.raises(InvalidPhoneNumber) as info:
            func(value, field="To")
        error = info.value
        assert error.value == value
        assert error.field == "To"
        assert reason in error.reason
        assert repr(value) in str(error)
        assert "'To'" in str(error)
        assert error.__cause__ is None
        assert error.__suppress_context__


def test_refusal_without_field_names_the_number() -> None:
    with pytest.raises(InvalidPhoneNumber, match=r"The number '12' is not a valid phone number"):
        normalize("12")


def test_refusal_is_a_value_error_and_not_a_phonenumbers_error() -> None:
    with pytest.raises(ValueError, match="country code") as info:
        normalize("+999 123 4567")
    assert not isinstance(info.value, phonenumbers.NumberParseException)
    assert isinstance(info.value, InvalidPhoneNumber)


@pytest.mark.parametrize("value", [None, 4155551212, b"4155551212", ["+14155551212"]])
def test_non_string_is_refused_clearly(value: object) -> None:
    with pytest.raises(InvalidParameter, match=type(value).__name__) as info:
        normalize(value, field="From")  # type: ignore[arg-type]
    assert info.value.parameter == "From"
    with pytest.raises(InvalidParameter):
        classify(value)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameter):
        phone._normalize_slow(value)


@pytest.mark.parametrize("region", ["XX", "USA", "", "ZZ"])
def test_unknown_region_is_refused(region: str) -> None:
    for value in ("+14155551212", "4155551212", "ACME"):
        with pytest.raises(InvalidParameter, match="unknown region") as info:
            normalize(value, region)
        assert info.value.parameter == "region"


# ------------------------------------------------------------------------------------------------
# render and parse_wire


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        ("+15558675309", NANP, "5558675309"),
        ("555-867-5309", NANP, "5558675309"),
        ("+15005550006", NANP, "5005550006"),
        ("+442079460958", NANP, "+442079460958"),
        ("12345", NANP, "12345"),
        ("ACME", NANP, "ACME"),
        ("whatsapp:+14155551212", NANP, "whatsapp:+14155551212"),
        (SID, NANP, SID),
        ("5558675309", E164, "+15558675309"),
        ("+442079460958", E164, "+442079460958"),
        ("(555) 867-5309", E164, "+15558675309"),
        ("12345", E164, "12345"),
        ("whatsapp:(415) 555-1212", E164, "whatsapp:+14155551212"),
    ],
)
def test_render(value: str, style: NumberStyle, expected: str) -> None:
    assert render(value, style) == expected


def test_2008_docs_example() -> None:
    """The 2008 docs: From=415-555-1212&To=555-867-5309 comes back as <To>5558675309</To> and
    <From>4155551212</From>."""
    assert render("415-555-1212", NANP) == "4155551212"
    assert render("555-867-5309", NANP) == "5558675309"
    assert parse_wire("5558675309") == "+15558675309"
    assert parse_wire("4155551212", field="From") == "+14155551212"


@pytest.mark.parametrize("style", ["2008-08-01", "e164 ", "", None])
def test_unknown_style_is_refused(style: object) -> None:
    with pytest.raises(InvalidParameter, match="unknown number style") as info:
        render("+14155551212", style)  # type: ignore[arg-type]
    assert info.value.parameter == "style"


def test_render_refuses_what_normalize_refuses() -> None:
    with pytest.raises(InvalidPhoneNumber):
        render("Zeus The Mighty", E164)


# ------------------------------------------------------------------------------------------------
# the fast path


FAST_SHAPES = [
    "+14155551212",
    "4155551212",
    "14155551212",
    "(415) 555-1212",
    "415-555-1212",
    "415.555.1212",
    "1-415-555-1212",
    "+1 415 555 1212",
    "+442079460958",
    "+44 20 7946 0958",
]


@pytest.mark.parametrize("value", FAST_SHAPES)
def test_fast_path_does_not_call_phonenumbers(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = normalize(value)

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("phonenumbers.parse called")

    monkeypatch.setattr(phonenumbers, "parse", boom)
    assert normalize(value) == expected
    with pytest.raises(AssertionError, match=r"phonenumbers\.parse called"):
        phone._normalize_slow(value)


def test_every_region_example_number_agrees() -> None:
    """For the example number of every region and non-geographic code, in E.164 and in
    international format: the fast path and the slow path give the same E.164."""
    numbers = [phonenumbers.example_number(r) for r in phonenumbers.SUPPORTED_REGIONS]
    numbers += [
        phonenumbers.example_number_for_non_geo_entity(code)
        for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS
    ]
    checked = 0
    for number in numbers:
        if number is None:
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        intl = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        for value in (e164, intl):
            assert _outcome(normalize, value) == _outcome(phone._normalize_slow, value), value
        if len(e164) <= 16:
            assert normalize(e164) == e164
            assert normalize(intl) == e164
        checked += 1
    assert checked > 200


def test_international_fast_path_agrees_near_national_prefixes() -> None:
    """For every country code, numbers whose national part starts with each digit (where a
    national prefix phonenumbers would strip hides) at every possible length and one either side:
    the fast path and the slow path agree."""
    rng = random.Random(20080801)
    checked = 0
    for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        region = phonenumbers.region_code_for_country_code(code)
        meta = PhoneMetadata.metadata_for_region_or_calling_code(code, region)
        assert meta is not None
        assert meta.general_desc is not None
        lengths = set(meta.general_desc.possible_length)
        lengths |= {min(lengths) - 1, max(lengths) + 1}
        for length in sorted(n for n in lengths if n >= 2):
            for first in ("0", "00", "1", "15", "8", "9"):
                rest = "".join(rng.choice(DIGITS) for _ in range(length))
                value = f"+{code}{(first + rest)[:length]}"
                assert _outcome(normalize, value) == _outcome(phone._normalize_slow, value), value
                checked += 1
    assert checked > 3000


# ------------------------------------------------------------------------------------------------
# properties

DIGITS = "0123456789"
FULLWIDTH = str.maketrans(DIGITS, "０１２３４５６７８９")


def _outcome(func: object, value: str, region: str = "US") -> tuple[str, str]:
    try:
        return ("ok", func(value, region))  # type: ignore[operator]
    except InvalidPhoneNumber as exc:
        return ("invalid", str(exc))


@st.composite
def nanp_parts(draw: st.DrawFn) -> tuple[str, str, str]:
    npa = draw(st.sampled_from("23456789")) + draw(st.text(DIGITS, min_size=2, max_size=2))
    nxx = draw(st.sampled_from("23456789")) + draw(st.text(DIGITS, min_size=2, max_size=2))
    line = draw(st.text(DIGITS, min_size=4, max_size=4))
    return npa, nxx, line


SEPARATORS = st.sampled_from(["", " ", "-", ".", "\u00a0", "\u2011", "\u2013", "  ", " - "])
PREFIXES = st.sampled_from(["", "1", "+1", "1 ", "+1 ", "+1-", "001 ", "011 1 ", "tel:+1", "tel:"])
SPACES = st.sampled_from(["", " ", "\u00a0", "\t", "\u3000", "\u200b"])


@st.composite
def nanp_variants(draw: st.DrawFn) -> tuple[str, str]:
    npa, nxx, line = draw(nanp_parts())
    sep1, sep2 = draw(SEPARATORS), draw(SEPARATORS)
    area = f"({npa}) " if draw(st.booleans()) else npa + sep1
    text = draw(PREFIXES) + area + nxx + sep2 + line
    if draw(st.booleans()):
        text = text.translate(FULLWIDTH)
    text = draw(SPACES) + text + draw(SPACES)
    if draw(st.booleans()):
        text = "whatsapp:" + text
        return text, f"whatsapp:+1{npa}{nxx}{line}"
    return text, f"+1{npa}{nxx}{line}"


@given(nanp_variants())
def test_every_variant_of_a_nanp_number_normalizes_the_same(case: tuple[str, str]) -> None:
    text, expected = case
    assert normalize(text) == expected
    assert phone._normalize_slow(text) == expected


COUNTRY_CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


@st.composite
def international(draw: st.DrawFn) -> str:
    code = draw(st.sampled_from(COUNTRY_CODES))
    groups = draw(st.lists(st.text(DIGITS, min_size=1, max_size=5), min_size=1, max_size=4))
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    return f"+{code}{sep}{sep.join(groups)}"


@st.composite
def number_like(draw: st.DrawFn) -> str:
    """Inputs near the fast path's shapes: right and wrong lengths, odd separators, prefixes."""
    prefix = draw(st.sampled_from(["", "+", "+1", "1", "00", "011", "+0", "tel:", " ", "++"]))
    groups = draw(st.lists(st.text(DIGITS, min_size=0, max_size=5), min_size=1, max_size=5))
    seps = draw(st.lists(st.sampled_from(["", " ", "-", ".", "(", ")", ") ", "  "]), min_size=5))
    body = "".join(g + s for g, s in zip(groups, seps, strict=False))
    return prefix + body


@st.composite
def fast_shapes(draw: st.DrawFn) -> str:
    """The fast path's own shapes with any digits: area and exchange codes starting with 0 or 1,
    and groups one digit short or long."""
    sizes = draw(st.sampled_from([(3, 3, 4)] * 5 + [(2, 3, 4), (3, 2, 4), (3, 3, 3), (4, 3, 4)]))
    npa, nxx, line = (draw(st.text(DIGITS, min_size=n, max_size=n)) for n in sizes)
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    area = f"({npa}) " if draw(st.booleans()) else npa + sep
    return draw(st.sampled_from(["", "1", "+1", "1-", "+1 ", "+"])) + area + nxx + sep + line


ANY_INPUT = st.one_of(
    fast_shapes(),
    nanp_variants().map(lambda case: case[0]),
    international(),
    number_like(),
    st.text(alphabet="0123456789 +-().", max_size=20),
    st.text(max_size=20),
)
ANY_REGION = st.sampled_from(["US", "CA", "GB", "DK", "DE", "IN", "us", "AR"])


@given(ANY_INPUT, ANY_REGION)
def test_fast_path_agrees_with_phonenumbers_path(text: str, region: str) -> None:
    assert _outcome(normalize, text, region) == _outcome(phone._normalize_slow, text, region)


@given(ANY_INPUT, ANY_REGION)
def test_normalize_is_idempotent(text: str, region: str) -> None:
    try:
        once = normalize(text, region)
    except InvalidPhoneNumber:
        return
    assert normalize(once, region) == once
    if classify(once, region) is not NumberKind.SHORT_CODE:
        # canonical forms do not depend on the region, short codes aside: "010" is one in GB,
        # and too short for a number in the US, where short codes have 5 or 6 digits
        assert normalize(once) == once


@given(st.one_of(nanp_variants().map(lambda case: case[1]), international()))
def test_render_2008_then_normalize_gives_back_the_e164(text: str) -> None:
    try:
        e164 = normalize(text)
    except InvalidPhoneNumber:
        return
    wire = render(e164, NANP)
    if e164.startswith("+1"):
        assert wire == e164[2:]
        assert len(wire) == 10
        assert wire.isdigit()
    assert normalize(wire) == e164
    assert parse_wire(wire) == e164
    assert parse_wire(render(e164, E164)) == e164


@given(st.text(alphabet="ABCXYZabcxyz0123456789 +-_&", min_size=1, max_size=11))
def test_sender_id_rule(text: str) -> None:
    has_letter = any(ch.isalpha() for ch in text)
    stripped = text.strip()
    if not stripped:
        return
    if has_letter and not stripped.startswith("+"):
        assert classify(text) is NumberKind.ALPHANUMERIC
        assert normalize(text) == stripped
    else:
        try:
            kind = classify(text)
        except InvalidPhoneNumber:
            return
        assert kind is not NumberKind.ALPHANUMERIC


# ------------------------------------------------------------------------------------------------
# the direct route (compat._phone_fast): phonenumbers' reading, from its metadata

ALL_REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
NUMBER_TYPES = [
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.VOIP,
    phonenumbers.PhoneNumberType.UAN,
    phonenumbers.PhoneNumberType.PAGER,
]
#: (region, its country code, a national significant number of the region) for every example
#: number of every type of every region: the seeds the generated numbers are varied from.
EXAMPLES = [
    (region, number.country_code, phonenumbers.national_significant_number(number))
    for region in ALL_REGIONS
    for kind in NUMBER_TYPES
    if (number := phonenumbers.example_number_for_type(region, kind)) is not None
]
FORMATS = [
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.RFC3966,
]


def _read_by_phonenumbers(text: str, region: str | None) -> tuple[str, object]:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        return ("refused", PARSE_REASONS[exc.error_type])
    return ("ok", (number.country_code, phonenumbers.national_significant_number(number)))


def _read_directly(digits: str, plus: bool, region: str) -> tuple[str, object] | None:
    try:
        plan, nsn = fast._international(digits) if plus else fast._national(digits, region)
    except Invalid as exc:
        return ("refused", exc.reason)
    except fast._Defer:
        return None
    return ("ok", (plan.code, nsn))


@st.composite
def varied_numbers(draw: st.DrawFn) -> tuple[str, bool, str]:
    """(ASCII digits, after a plus, region): an example number of some region with digits
    replaced, dropped or added, and prefixes where phonenumbers decides what to strip (national
    prefixes, the country code, international prefixes), read in its own region or another."""
    region, code, nsn = draw(st.sampled_from(EXAMPLES))
    digits = list(nsn)
    for _ in range(draw(st.integers(0, 3))):
        digits[draw(st.integers(0, len(digits) - 1))] = draw(st.sampled_from(DIGITS))
    cut = draw(st.integers(-3, 3))
    text = "".join(digits[:cut] if cut < 0 else digits) + "".join(
        draw(st.sampled_from(DIGITS)) for _ in range(max(cut, 0))
    )
    prefix = draw(st.sampled_from(["", "", "0", "1", "8", "9", "00", "01", "011", "15", str(code)]))
    plus = draw(st.booleans())
    text = prefix + text
    if plus:
        text = str(code) + text if draw(st.booleans()) else text
    elif draw(st.booleans()):
        region = draw(st.sampled_from(ALL_REGIONS))
    return text, plus, region


@given(varied_numbers())
def test_direct_reading_agrees_with_phonenumbers(case: tuple[str, bool, str]) -> None:
    """The direct route reads ``+digits`` and national digits exactly as phonenumbers.parse does
    (the same country code and national number, or the same refusal), or hands over."""
    digits, plus, region = case
    direct = _read_directly(digits, plus, region)
    if direct is not None:
        assert direct == _read_by_phonenumbers(
            ("+" if plus else "") + digits, None if plus else region
        )


@given(varied_numbers())
def test_direct_e164_agrees_with_the_phonenumbers_path(case: tuple[str, bool, str]) -> None:
    """With the project's validity rules on top: the same E.164 or the same reason."""
    digits, plus, region = case
    text = ("+" if plus else "") + digits
    try:
        direct: tuple[str, str] | None = ("ok", fast.e164(digits, plus, region))
    except Invalid as exc:
        direct = ("refused", exc.reason)
    except fast._Defer:
        direct = None
    if direct is not None:
        try:
            slow = ("ok", phone._to_e164(text, region))
        except Invalid as exc:
            slow = ("refused", exc.reason)
        assert direct == slow


def test_direct_reading_agrees_on_every_region() -> None:
    """A sweep, not a sample: every example number of every region, as it is and varied around
    its national prefix and length, read in its own region and with a plus; few hand over."""
    rng = random.Random(20100401)
    checked = deferred = 0
    for region, code, nsn in EXAMPLES:
        for prefix in ("", "0", "1", "00", "8", str(code)):
            for cut in (0, -1, 1):
                body = nsn[:cut] if cut < 0 else nsn + rng.choice(DIGITS) * cut
                for digits, plus in ((prefix + body, False), (f"{code}{prefix}{body}", True)):
                    direct = _read_directly(digits, plus, region)
                    checked += 1
                    if direct is None:
                        deferred += 1
                        continue
                    expected = _read_by_phonenumbers(
                        ("+" if plus else "") + digits, None if plus else region
                    )
                    assert direct == expected, (digits, plus, region)
    assert checked > 20_000
    assert deferred < checked / 1000


@st.composite
def decorated_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(text, region): a number of any region written as people and systems write them."""
    region, code, nsn = draw(st.sampled_from(EXAMPLES))
    digits = list(nsn)
    for _ in range(draw(st.integers(0, 2))):
        digits[draw(st.integers(0, len(digits) - 1))] = draw(st.sampled_from(DIGITS))
    number = phonenumbers.PhoneNumber(
        country_code=code,
        national_number=int("".join(digits)),
        italian_leading_zero=digits[0] == "0",
    )
    text = phonenumbers.format_number(number, draw(st.sampled_from(FORMATS)))
    if text.startswith("+") and draw(st.booleans()):
        text = draw(st.sampled_from(["00", "011 ", "00 "])) + text[1:]
        region = draw(st.sampled_from(ALL_REGIONS))
    if draw(st.booleans()):
        text = text.translate(FULLWIDTH).replace("+", "＋")
    text = draw(SPACES) + text + draw(SPACES)
    if draw(st.booleans()):
        text = draw(st.sampled_from(["whatsapp:", "rcs:", "tel:", "sms:"])) + text
    return text, draw(st.sampled_from([region, region.lower(), "US", "GB", "DE", "AR", "BR"]))


@given(decorated_numbers())
def test_fast_path_agrees_with_phonenumbers_path_in_every_region(case: tuple[str, str]) -> None:
    text, region = case
    assert _outcome(normalize, text, region) == _outcome(phone._normalize_slow, text, region)


@pytest.mark.parametrize(
    ("value", "region"),
    [
        ("020 7946 0958", "GB"),
        ("030 123456", "DE"),
        ("011 15 2345 6789", "AR"),
        ("0044 20 7946 0958", "FR"),
        ("011 44 20 7946 0958", "US"),
        ("tel:+44-20-7946-0958", "US"),
        ("０２０ ７９４６ ０９５８", "GB"),
        ("＋４４ ２０ ７９４６ ０９５８", "US"),
        ("whatsapp:+44 20 7946 0958", "US"),
        ("\u00a0 +44 20 7946 0958\t", "US"),
        ("+44 (0)20 7946 0958", "US"),
        ("12345678", "DK"),
        ("12345", "DK"),
    ],
)
def test_direct_route_does_not_call_phonenumbers(
    value: str, region: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = phone._normalize_slow(value, region)

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("phonenumbers.parse called")

    monkeypatch.setattr(phonenumbers, "parse", boom)
    assert normalize(value, region) == expected


def test_edge_characters_are_every_space() -> None:
    """What the direct route strips and drops is what the slow path's ``\\s`` means."""
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert spaces <= set(fast.EDGE_CHARS)
    assert set(fast.EDGE_CHARS) - spaces == set(fast.INVISIBLE)


@given(ANY_INPUT, ANY_REGION)
def test_classify_takes_e164_at_once_as_the_rules_would(text: str, region: str) -> None:
    """What every normalized number looks like is classified without the rules; they agree."""

    def outcome(classify_: Callable[[str, str], object]) -> object:
        try:
            return classify_(text, region.upper())
        except Invalid as exc:
            return exc.reason

    assert outcome(phone._classify) == outcome(phone._classify_by_rules)


@given(st.from_regex(r"\+[1-9][0-9]{1,14}", fullmatch=True), ANY_REGION)
def test_every_e164_string_is_e164_by_the_rules(text: str, region: str) -> None:
    assert phone._classify_by_rules(text, region.upper()) == (NumberKind.E164, text)
    assert classify(text, region) is NumberKind.E164
