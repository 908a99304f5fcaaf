"""Converting archived documents: detection from content, every kind of document, properties
for the lossless pairs, and hostile or malformed input ending in a compat error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import compat
from compat import fixtures, twiml
from compat._resources import data_root
from compat.backends import get
from compat.convert import Detected, convert_document, detect
from compat.errors import CompatError, InvalidParameter, MalformedDocument
from compat.model import ListQuery, Message
from compat.webhooks import incoming_message_params, status_callback_params
from compat.wire import decode_form, encode_form
from tests import strategies as ms
from tests.expected import DIALECTS, XML_DIALECTS

AC = "AC" + "0123456789abcdef" * 2
REST = [case for dialect in DIALECTS for case in fixtures.cases(dialect)
        if case.canonical and case.result_kind in ("message", "page")]


def test_the_api_is_exported_from_the_top() -> None:
    assert compat.convert_document is convert_document
    assert compat.detect is detect


@pytest.mark.parametrize("case", REST, ids=lambda c: f"{c.dialect}/{c.name}")
def test_every_golden_document_is_detected_as_its_dialect(case: fixtures.GoldenCase) -> None:
    assert detect(case.response.body) == Detected(case.dialect, case.result_kind)


@pytest.mark.parametrize("case", [c for c in REST if c.response.status == 200],
                         ids=lambda c: f"{c.dialect}/{c.name}")
def test_converting_to_its_own_dialect_gives_back_the_bytes(case: fixtures.GoldenCase) -> None:
    """(A create answer is archived as a message: it converts to the fetch form.)"""
    assert convert_document(case.response.body, to=case.dialect) == case.response.body


def _messages(dialect: str) -> st.SearchStrategy[Message]:
    return ms.messages(xml_safe=dialect in XML_DIALECTS, known_directions=True)


@pytest.mark.parametrize(
    ("json_dialect", "xml_dialect"),
    [("2010-04-01", "2010-04-01-xml"), ("2010-04-01-sms", "2010-04-01-sms-xml")],
)
def test_json_and_xml_twins_convert_losslessly(json_dialect: str, xml_dialect: str) -> None:
    json_backend, xml_backend = get(json_dialect), get(xml_dialect)

    @given(ms.messages(xml_safe=True), st.lists(ms.messages(xml_safe=True), max_size=3),
           st.integers(0, 5), st.integers(0, 5))
    def check(message: Message, items: list[Message], page: int, extra: int) -> None:
        # Only what both write survives; restrict first, as a real archive already is.
        message = json_backend.restrict(xml_backend.restrict(message))
        document = json_backend.render_message(message).body
        there = convert_document(document, to=xml_dialect)
        assert convert_document(there, to=json_dialect) == document
        kept = tuple(json_backend.restrict(xml_backend.restrict(m)) for m in items)
        size = max(len(kept), 1)
        made = json_backend.make_page(AC, ListQuery(), kept, page=page, page_size=size,
                                      total=page * size + len(kept) + (extra if kept else 0))
        listing = json_backend.render_page(made).body
        back = convert_document(convert_document(listing, to=xml_dialect), to=json_dialect)
        assert back == listing

    check()


@given(ms.messages(xml_safe=True, known_directions=True))
def test_a_2008_document_survives_2010_xml_and_back(message: Message) -> None:
    old = get("2008-08-01")
    document = old.render_message(message).body
    for middle in ("2010-04-01", "2010-04-01-xml", "2010-04-01-sms-xml"):
        assert convert_document(convert_document(document, to=middle), to="2008-08-01") \
            == document


def test_a_page_without_totals_becomes_counted_only_when_it_is_the_last() -> None:
    newer = fixtures.load("2010-04-01", "list-last").response.body
    counted = convert_document(newer, to="2008-08-01")
    page = get("2008-08-01").parse_page(compat.wire.WireResponse(200, (), counted))
    assert (page.total, page.num_pages) == (page.start + len(page.items), page.page + 1)
    middle = fixtures.load("2010-04-01", "list-middle").response.body
    with pytest.raises(InvalidParameter, match="next page and no total"):
        convert_document(middle, to="2010-04-01-sms-xml")
    # Between uncounted dialects the links survive, filters and tokens included.
    assert convert_document(convert_document(middle, to="2010-04-01-xml"), to="2010-04-01") \
        == middle


def test_errors_convert_between_every_dialect() -> None:
    error = get("2010-04-01").render_error(compat.ApiError(400, "No", 21604, "https://x/y")).body
    for dialect in DIALECTS:
        there = convert_document(error, to=dialect)
        assert get(dialect).parse_error(compat.wire.WireResponse(400, (), there)) == \
            compat.ApiError(400, "No", 21604, "https://x/y")
        assert detect(there).kind == "error"


@given(ms.messages(xml_safe=True, known_directions=True))
def test_incoming_webhooks_convert_between_generations(message: Message) -> None:
    message = Message(sid=message.sid, account_sid=message.account_sid, to="+14155551212",
                      from_="+14155550000", body=message.body or "hi")
    old = encode_form(incoming_message_params(message, api_version="2008-08-01"))
    assert detect(old) == Detected("2008-08-01", "incoming")
    new = convert_document(old, to="2010-04-01")
    assert detect(new) == Detected("2010-04-01", "incoming")
    assert dict(decode_form(new))["From"] == "+14155550000"
    assert convert_document(new, to="2008-08-01") == old


def test_status_callbacks_convert_and_refuse_what_2010_needs() -> None:
    message = Message(sid="SM" + "a" * 32, account_sid=AC, status="delivered", to="+14155551212")
    new = encode_form(status_callback_params(message, api_version="2010-04-01"))
    assert detect(new) == Detected("2010-04-01", "status")
    old = convert_document(new, to="2008-08-01")
    assert decode_form(old) == [("SmsSid", message.sid), ("SmsStatus", "sent")]
    with pytest.raises(InvalidParameter, match="AccountSid"):
        convert_document(old, to="2010-04-01")


def test_twiml_converts_both_ways() -> None:
    folder = data_root("fixtures").joinpath("twiml-2008")
    sample = folder.joinpath("twiml-sms-multiple.xml").read_bytes()
    assert detect(sample) == Detected("2008-08-01", "twiml")
    newer = convert_document(sample, to="2010-04-01-xml")
    assert detect(newer) == Detected("2010-04-01", "twiml")
    bodies = [m.body for m in twiml.parse(sample).messages]
    assert [m.body for m in twiml.parse(newer).messages] == bodies
    assert {m.verb for m in twiml.parse(newer).messages} == {"Message"}
    assert convert_document(newer, to="2008-08-01").count(b"<Sms") == 2


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"[1, 2]", b'{"hello": 1}', b"<Calls/>", b"To=1&From=2",
     b"<TwilioResponse><Calls/></TwilioResponse>", b"<TwilioResponse/>", b"\xff\xfe<x/>",
     b'<!DOCTYPE r [<!ENTITY e "x">]><TwilioResponse>&e;</TwilioResponse>',
     b"{" * 5000, b"<a>" * 200],
)
def test_what_is_not_a_document_is_a_compat_error(data: bytes) -> None:
    with pytest.raises(CompatError):
        convert_document(data, to="2010-04-01")


@given(st.binary(max_size=300))
def test_any_bytes_convert_or_raise_a_compat_error(data: bytes) -> None:
    try:
        converted = convert_document(data, to="2010-04-01-xml")
    except CompatError:
        return
    assert isinstance(converted, bytes)


def test_a_given_source_overrides_detection() -> None:
    body = fixtures.load("2010-04-01-sms", "fetch").response.body
    with pytest.raises(MalformedDocument):  # read as XML, as told: JSON is not XML
        convert_document(body, to="2008-08-01", source="2010-04-01-xml")
    assert convert_document(body, to="2010-04-01", source="2010-04-01-sms") == \
        convert_document(body, to="2010-04-01")
