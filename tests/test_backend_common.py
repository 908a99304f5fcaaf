"""The pieces the backends share: dates, filter dates, numbers, paths and the strict JSON reader."""

from __future__ import annotations

import datetime as dt
import email.utils

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat.backends._json import get_int, get_str, load_json
from compat.backends.dates import (
    format_filter_date,
    format_rfc2822,
    parse_filter_date,
    parse_rfc2822,
)
from compat.backends.numbers import read_number, render_number, write_number
from compat.backends.routes import Routes
from compat.errors import HostileDocument, MalformedDocument, UnexpectedDocument
from compat.phone import NumberStyle
from tests import strategies as ms

UTC = dt.timezone.utc


@given(ms.aware_datetimes())
def test_rfc2822_round_trip_keeps_the_instant_to_the_second(value: dt.datetime) -> None:
    text = format_rfc2822(value)
    assert text.endswith(" +0000")
    assert len(text) == 31
    assert parse_rfc2822(text) == value.replace(microsecond=0)
    # The standard library agrees with what we write.
    assert email.utils.parsedate_to_datetime(text) == value.replace(microsecond=0)


@given(ms.aware_datetimes(whole_seconds=True))
def test_any_offset_parses_on_both_paths(value: dt.datetime) -> None:
    text = email.utils.format_datetime(value)  # keeps the value's own offset
    parsed = parse_rfc2822(text)
    assert parsed == value
    assert parsed.utcoffset() == value.utcoffset()
    # The slow path (extra spaces defeat the fixed-position fast path) reads the same instant.
    assert parse_rfc2822(text.replace(" ", "  ", 1)) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sun, 04 Oct 2009 03:48:08 -0700",
         dt.datetime(2009, 10, 4, 3, 48, 8, tzinfo=dt.timezone(dt.timedelta(hours=-7)))),
        ("4 Oct 2009 03:48 GMT", dt.datetime(2009, 10, 4, 3, 48, tzinfo=UTC)),
        ("Wed, 19 Jun 2019 22:04:00 -0000", dt.datetime(2019, 6, 19, 22, 4, tzinfo=UTC)),
        ("Fri, 13 Aug 2010 01:16:24 UT", dt.datetime(2010, 8, 13, 1, 16, 24, tzinfo=UTC)),
        (" Fri, 13 Aug 2010 01:16:24 +0530 ",
         dt.datetime(2010, 8, 13, 1, 16, 24, tzinfo=dt.timezone(dt.timedelta(hours=5,
                                                                                minutes=30)))),
    ],
)
def test_rfc2822_forms(text: str, expected: dt.datetime) -> None:
    parsed = parse_rfc2822(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "2009-10-04T03:48:08Z", "Xyz, 04 Oct 2009 03:48:08 -0700",
     "Sun, 31 Feb 2009 03:48:08 -0700", "Sun, 04 Oct 2009 03:48:08 +2460",
     "Sun, 04 Oct 2009 03:48:08 0700x", "Sun, 04 Okt 2009 03:48:08 +0000",
     "Sun, ٠٤ Oct 2009 03:48:08 +0000"],
)
def test_rfc2822_refusals(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the backends name the field themselves
        parse_rfc2822(text)


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")


def _constructed(day: str, month: str, year: str, hour: str, minute: str, second: str | None,
                 zone: str) -> dt.datetime:
    """The date as the datetime constructor makes it from the fields (the reference)."""
    if zone in ("GMT", "UT", "UTC", "Z", "+0000", "-0000"):
        tz = UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        hours, minutes = int(zone[1:3]), int(zone[3:])
        if hours > 23 or minutes > 59:
            raise ValueError(f"time zone offset {zone!r} is out of range")
        tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    return dt.datetime(int(year), _MONTH_NAMES.index(month) + 1, int(day), int(hour), int(minute),
                       int(second or 0), tzinfo=tz)


@given(
    day=st.integers(0, 39).map(str) | st.integers(0, 39).map("{:02d}".format),
    month=st.sampled_from(_MONTH_NAMES),
    year=st.integers(0, 9999).map("{:04d}".format),
    hour=st.integers(0, 29).map("{:02d}".format),
    minute=st.integers(0, 69).map("{:02d}".format),
    second=st.none() | st.integers(0, 69).map("{:02d}".format),
    zone=st.sampled_from(["GMT", "UT", "UTC", "Z", "+0000", "-0000"])
    | st.tuples(st.sampled_from("+-"), st.integers(0, 29), st.integers(0, 69)).map(
        lambda z: f"{z[0]}{z[1]:02d}{z[2]:02d}"),
    day_name=st.booleans(),
)
def test_rfc2822_reads_as_the_datetime_constructor(
    day: str, month: str, year: str, hour: str, minute: str, second: str | None, zone: str,
    day_name: bool,
) -> None:
    """Twilio's UTC form is read by datetime's ISO parser: the same values and the same refusals
    (out-of-range days, hours, seconds, years) as the constructor, and the UTC singleton."""
    time = f"{hour}:{minute}" if second is None else f"{hour}:{minute}:{second}"
    text = f"{'Sun, ' if day_name else ''}{day} {month} {year} {time} {zone}"
    refusal: str | None = None
    try:
        expected = _constructed(day, month, year, hour, minute, second, zone)
    except ValueError as exc:
        refusal = str(exc)
    if refusal is not None:
        with pytest.raises(ValueError) as raised:  # noqa: PT011 - the backends name the field
            parse_rfc2822(text)
        assert str(raised.value) == refusal
        return
    parsed = parse_rfc2822(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()
    assert (parsed.tzinfo is UTC) == (expected.tzinfo is UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2008-01-02", dt.date(2008, 1, 2)),
        ("2019-06-11T22:05:25Z", dt.datetime(2019, 6, 11, 22, 5, 25, tzinfo=UTC)),
        ("2019-06-11T22:05:25+02:00",
         dt.datetime(2019, 6, 11, 22, 5, 25, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
        ("2019-06-11 22:05:25.000", dt.datetime(2019, 6, 11, 22, 5, 25, tzinfo=UTC)),
        ("2019-06-11T22:05", dt.datetime(2019, 6, 11, 22, 5, tzinfo=UTC)),
        ("Wed, 19 Jun 2019 22:04:00 -0000", dt.datetime(2019, 6, 19, 22, 4, tzinfo=UTC)),
    ],
)
def test_filter_dates(text: str, expected: dt.date) -> None:
    assert parse_filter_date(text) == expected


@pytest.mark.parametrize("text", ["06/11/2019 22:05:25 MST", "2019-13-01", "tomorrow", ""])
def test_filter_date_refusals(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the backends turn it into a 400
        parse_filter_date(text)


@given(st.one_of(st.dates(), ms.aware_datetimes(whole_seconds=True)))
def test_filter_dates_round_trip(value: dt.date) -> None:
    assert parse_filter_date(format_filter_date(value)) == value


@pytest.mark.parametrize(
    ("model", "v2008", "v2010"),
    [
        ("+14158675309", "4158675309", "+14158675309"),
        ("+447400123456", "+447400123456", "+447400123456"),
        ("12345", "12345", "12345"),
        ("MyBrand", "MyBrand", "MyBrand"),
        ("whatsapp:+14158675309", "whatsapp:+14158675309", "whatsapp:+14158675309"),
        ("not a number!", "not a number!", "not a number!"),
    ],
)
def test_numbers_per_style(model: str, v2008: str, v2010: str) -> None:
    assert render_number(model, NumberStyle.NANP_DIGITS) == v2008
    assert render_number(model, NumberStyle.E164) == v2010
    assert write_number(model, NumberStyle.NANP_DIGITS) == v2008
    assert write_number(model, NumberStyle.E164) == model  # documents carry the model's form
    assert read_number(v2008, NumberStyle.NANP_DIGITS) == model
    assert read_number(v2010, NumberStyle.E164) == v2010


def test_national_numbers_read_as_nanp() -> None:
    nanp = NumberStyle.NANP_DIGITS
    assert read_number("4158675309", nanp) == "+14158675309"
    assert read_number(" 4158675309 ", nanp) == "+14158675309"
    assert read_number("(415) 867-5309", nanp) == "+14158675309"
    assert read_number("   ", nanp) is None


ROUTES = Routes("/2010-04-01/Accounts/", "/Messages", ".json")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/2010-04-01/Accounts/AC1/Messages.json", ("AC1", None)),
        ("/2010-04-01/Accounts/AC1/Messages/SM2.json", ("AC1", "SM2")),
        ("/2010-04-01/Accounts/AC1/Messages", None),
        ("/2010-04-01/Accounts/AC1/Messages/SM2", None),
        ("/2010-04-01/Accounts/AC1/Messages/.json", None),
        ("/2010-04-01/Accounts/AC1/Messages/SM2/Media.json", None),
        ("/2010-04-01/Accounts/AC1/MessagesX.json", None),
        ("/2010-04-01/Accounts//Messages.json", None),
        ("/2010-04-01/Accounts/AC1", None),
        ("/2008-08-01/Accounts/AC1/Messages.json", None),
    ],
)
def test_routes_match_only_their_paths(path: str, expected: tuple[str, str | None] | None
                                       ) -> None:
    assert ROUTES.match(path) == expected


def test_routes_build_what_they_match() -> None:
    assert ROUTES.match(ROUTES.list_path("AC9")) == ("AC9", None)
    assert ROUTES.match(ROUTES.instance_path("AC9", "SM8")) == ("AC9", "SM8")


# -- strict JSON -----------------------------------------------------------------------------------


def test_json_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from compat.backends import _json

    monkeypatch.setattr(_json, "MAX_DOCUMENT_BYTES", 10)
    with pytest.raises(HostileDocument, match="over the 10-byte limit"):
        load_json(b'{"a": "0123456789"}', dialect="t")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b'{"a": Infinity}', MalformedDocument),
        (b'{"a": -Infinity}', MalformedDocument),
        (b"", MalformedDocument),
        (b'{"a": 1}{"b": 2}', MalformedDocument),
        (b'{"n": ' + b"9" * 5000 + b"}", MalformedDocument),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, HostileDocument),
    ],
)
def test_json_refusals(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        load_json(data, dialect="t")


def test_typed_getters_name_key_and_type() -> None:
    obj = {"s": 1, "i": "1", "b": True, "n": None}
    with pytest.raises(UnexpectedDocument, match="'s' must be a string or null, got a number"):
        get_str(obj, "s", where="w", dialect="t")
    with pytest.raises(UnexpectedDocument, match="'i' must be an integer or null, got a string"):
        get_int(obj, "i", where="w", dialect="t")
    with pytest.raises(UnexpectedDocument, match="got a boolean"):
        get_int(obj, "b", where="w", dialect="t")
    with pytest.raises(UnexpectedDocument, match="'n' must be a string, got null"):
        get_str(obj, "n", where="w", dialect="t", required=True)
    assert get_str(obj, "missing", where="w", dialect="t") is None


def test_ten_digits_that_are_not_nanp_are_kept_as_written() -> None:
    nanp = NumberStyle.NANP_DIGITS
    # An area code or exchange starting with 0 or 1 is no NANP number: keep what the API wrote
    # instead of inventing a +1 number that normalize would refuse.
    assert read_number("1234567890", nanp) == "1234567890"
    assert read_number("4151234567", nanp) == "4151234567"


@given(ms.aware_datetimes())
def test_dates_render_the_same_whatever_was_rendered_before(value: dt.datetime) -> None:
    # No value cache: an equal instant in another offset renders the same text, and the text
    # of one value never depends on what was rendered earlier in the process.
    shifted = value.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    first = format_rfc2822(value)
    assert format_rfc2822(shifted) == first
    assert format_rfc2822(value) == first
