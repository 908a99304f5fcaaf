"""Property tests: every dialect's two sides agree, and 2008 survives a trip through 2010.

* Round trip per dialect: Message -> wire -> Message gives the message as the hand-written tables
  in ``tests/expected.py`` say the dialect keeps it (XML 1.0 characters only for 2008,
  whole-second dates, mapped statuses and directions, the fields the dialect lacks emptied), and
  ``backend.restrict`` says the same.
* Cross-version: a canonical 2008 document -> Message -> 2010 JSON -> Message -> 2008 document is
  the same bytes.
* Server and client agree: what the server renders the client parses back equal; what the client
  builds the server parses back to the same call.
* Anything at all on the wire ends in a documented error, never a stray exception.
"""

from __future__ import annotations

import contextlib
import json
import re
import string

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat import phone
from compat.backends import get
from compat.backends.base import (
    Backend,
    CreateCall,
    DeleteCall,
    FetchCall,
    ListCall,
    UpdateCall,
)
from compat.backends.v2008 import Backend2008
from compat.backends.v2010 import Backend2010
from compat.errors import ApiError, ResponseError
from compat.model import ListQuery, Message, MessagePage, MessageUpdate, NewMessage
from compat.wire import WireRequest, WireResponse, encode_form
from tests import strategies as ms
from tests.expected import DIALECTS, XML_DIALECTS, after_trip

AC = "AC" + "0123456789abcdef" * 2
XML_LIMITS = {dialect: dialect in XML_DIALECTS for dialect in DIALECTS}


def messages_for(dialect: str) -> st.SearchStrategy[Message]:
    """XML 1.0 carries no control characters; only 2008 Flags need a known direction."""
    return ms.messages(xml_safe=XML_LIMITS[dialect], known_directions=dialect == "2008-08-01")


def restricted_page(dialect: str, page: MessagePage) -> MessagePage:
    return attrs.evolve(page, items=tuple(after_trip(m, dialect) for m in page.items))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_message_round_trip(dialect: str) -> None:
    backend = get(dialect)

    @given(messages_for(dialect), st.booleans())
    def check(message: Message, created: bool) -> None:
        response = backend.render_message(message, created=created)
        assert response.status == (201 if created else 200)
        parsed = backend.parse_message(response)
        assert parsed == after_trip(message, dialect)
        assert backend.restrict(message) == parsed
        # Restriction is idempotent: what came back survives another trip unchanged.
        assert backend.parse_message(backend.render_message(parsed)) == parsed

    check()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_page_round_trip(dialect: str) -> None:
    backend = get(dialect)

    @given(st.lists(messages_for(dialect), max_size=4), ms.list_queries(dialect=dialect),
           st.integers(0, 30), st.integers(1, 1000), st.integers(0, 5000))
    def check(items: list[Message], query: ListQuery, number: int, size: int,
              extra: int) -> None:
        size = max(size, len(items))
        total = number * size + len(items) + (extra if items else 0)
        page = backend.make_page(AC, query, tuple(items), page=number, page_size=size,
                                 total=total)
        parsed = backend.parse_page(backend.render_page(page))
        assert parsed == restricted_page(dialect, page)
        following = backend.build_next_page(AC, query, parsed)
        assert (following is not None) == (bool(items) and (number + 1) * size < total)

    check()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_error_round_trip(dialect: str) -> None:
    backend = get(dialect)

    @given(ms.api_errors(xml_safe=XML_LIMITS[dialect]))
    def check(error: ApiError) -> None:
        response = backend.render_error(error)
        assert response.status == error.status
        assert backend.parse_error(response) == error
        with pytest.raises(ApiError) as caught:
            backend.parse_message(response)
        assert caught.value == error

    check()


@given(ms.messages(xml_safe=True, known_directions=True))
def test_2008_document_survives_a_trip_through_2010(message: Message) -> None:
    old, new = Backend2008(), Backend2010()
    document = old.render_message(message).body
    through_new = new.parse_message(new.render_message(old.parse_message(
        WireResponse(200, (), document)
    )))
    assert old.render_message(through_new).body == document


@given(st.lists(ms.messages(xml_safe=True, known_directions=True), max_size=3))
def test_2008_page_survives_a_trip_through_2010(items: list[Message]) -> None:
    old, new = Backend2008(), Backend2010()
    page = old.make_page(AC, ListQuery(), tuple(items), page=0, page_size=50, total=len(items))
    document = old.render_page(page).body
    parsed = old.parse_page(WireResponse(200, (), document))
    again = new.parse_page(new.render_page(new.make_page(
        AC, ListQuery(), parsed.items, page=0, page_size=50, total=len(items)
    )))
    back = old.make_page(AC, ListQuery(), again.items, page=0, page_size=50, total=len(items))
    assert old.render_page(back).body == document


@pytest.mark.parametrize("dialect", DIALECTS)
def test_client_create_parses_back_on_the_server(dialect: str) -> None:
    backend = get(dialect)

    @given(ms.new_messages(dialect=dialect))
    def check(message: NewMessage) -> None:
        request = backend.build_create(AC, message)
        assert backend.parse_request(request) == CreateCall(AC, message)

    check()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_client_list_parses_back_on_the_server(dialect: str) -> None:
    backend = get(dialect)

    @given(ms.list_queries(dialect=dialect, whole_seconds=True))
    def check(query: ListQuery) -> None:
        request = backend.build_list(AC, query)
        assert backend.parse_request(request) == ListCall(AC, query)
        # And through the request line, as a real server receives it.
        again = WireRequest.from_target(request.method, request.target)
        assert backend.parse_request(again) == ListCall(AC, query)

    check()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_client_fetch_parses_back_on_the_server(dialect: str) -> None:
    backend = get(dialect)

    @given(ms.message_sids())
    def check(sid: str) -> None:
        assert backend.parse_request(backend.build_fetch(AC, sid)) == FetchCall(AC, sid)

    check()


@given(ms.message_sids(), ms.message_updates())
def test_client_update_and_delete_parse_back_on_the_2010_server(
    sid: str, update: MessageUpdate
) -> None:
    backend = Backend2010()
    assert backend.parse_request(backend.build_update(AC, sid, update)) == UpdateCall(
        AC, sid, update
    )
    assert backend.parse_request(backend.build_delete(AC, sid)) == DeleteCall(AC, sid)
    assert backend.parse_deleted(backend.render_deleted()) is None


# -- anything on the wire ends in a documented error ---------------------------------------------

def _outcome(backend: Backend, request: WireRequest) -> object:
    """The call a request makes, or the ApiError it is refused with."""
    try:
        return backend.parse_request(request)
    except ApiError as error:
        return error


_XML_UNCARRIED = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FORM_NAMES = st.sampled_from(
    ["To", "From", "Body", "MediaUrl", "MessagingServiceSid", "StatusCallback", "ValidityPeriod",
     "SendAt", "ScheduleType", "SmartEncoded", "MaxPrice", "ContentSid", "Attempt", "Status",
     "ContentRetention", "FallbackFrom", "PersistentAction", "ApplicationSid", "Junk"]
)
_FORM_VALUES = st.one_of(
    st.text(max_size=30),
    ms.phone_numbers(),
    st.sampled_from(["", "true", "fixed", "2030-01-01T00:00:00Z", "MG" + "a" * 32, "0", "-1"]),
)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_any_create_form_is_a_call_or_an_api_error(dialect: str) -> None:
    backend = get(dialect)
    path = backend.build_create(AC, NewMessage(to="+14155551212", from_="+14155550000",
                                               body="x")).path

    @given(st.lists(st.tuples(_FORM_NAMES, _FORM_VALUES), max_size=8))
    def check(form: list[tuple[str, str]]) -> None:
        outcome = _outcome(backend, WireRequest("POST", path, body=encode_form(form)))
        if isinstance(outcome, ApiError):
            assert outcome.status == 400
            expected = outcome
            if XML_LIMITS[dialect]:  # XML 1.0 carries no control characters: U+FFFD stands in
                expected = ApiError(outcome.status, _XML_UNCARRIED.sub("\ufffd", outcome.message),
                                    outcome.code, outcome.more_info)
            assert backend.parse_error(backend.render_error(outcome)) == expected
        else:
            assert isinstance(outcome, CreateCall)

    check()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_any_query_is_a_list_call_or_an_api_error(dialect: str) -> None:
    backend = get(dialect)
    path = backend.build_list(AC, ListQuery()).path
    names = st.sampled_from(["To", "From", "DateSent", "DateSent<", "DateSent>", "PageSize",
                             "num", "Page", "PageToken", "Other"])

    @given(st.lists(st.tuples(names, st.text(string.printable, max_size=25)), max_size=6))
    def check(query: list[tuple[str, str]]) -> None:
        outcome = _outcome(backend, WireRequest("GET", path, query=query))
        if isinstance(outcome, ApiError):
            assert outcome.status == 400
        else:
            assert isinstance(outcome, ListCall)

    check()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_any_bytes_are_a_model_value_or_a_documented_error(dialect: str) -> None:
    backend = get(dialect)

    @given(st.binary(max_size=200))
    def check(body: bytes) -> None:
        for parse in (backend.parse_message, backend.parse_page):
            with contextlib.suppress(ResponseError, ApiError):
                result = parse(WireResponse(200, (), body))
                assert isinstance(result, (Message, MessagePage))

    check()


def _json_nesting(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return (
        _JSON_SCALARS
        | st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    )


# JSON values nested up to three levels deep, built without st.recursive's heuristics.
_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_JSON = _json_nesting(_json_nesting(_JSON_SCALARS))
_MESSAGE_KEYS = st.sampled_from(
    ["sid", "account_sid", "status", "to", "from", "body", "date_sent", "price", "num_segments",
     "error_code", "direction", "uri"]
)


@pytest.mark.parametrize("dialect", ["2010-04-01", "2010-04-01-sms"])
def test_any_json_message_is_a_message_or_unexpected(dialect: str) -> None:
    backend = get(dialect)

    @given(st.dictionaries(_MESSAGE_KEYS, _JSON, max_size=8))
    def check(document: dict[str, object]) -> None:
        response = WireResponse(200, (), json.dumps(document).encode())
        try:
            message = backend.parse_message(response)
        except ResponseError:
            return
        assert isinstance(message, Message)

    check()


# -- the create path across generations ----------------------------------------------------------


def _through(dialect: str, message: NewMessage) -> NewMessage:
    """A create built by ``dialect``'s client side, as its server side reads it back."""
    backend = get(dialect)
    call = backend.parse_request(backend.build_create(AC, message))
    assert isinstance(call, CreateCall)
    return call.message


@given(ms.new_messages(dialect="2008-08-01"))
def test_a_create_survives_2010_then_2008_then_2010(message: NewMessage) -> None:
    """What both generations carry (to, from, body up to 160, status callback) is kept whole."""
    assert _through("2010-04-01", _through("2008-08-01", _through("2010-04-01", message))) \
        == message


@given(ms.new_messages(dialect="2008-08-01"))
def test_a_create_survives_2008_then_2010_then_2008(message: NewMessage) -> None:
    assert _through("2008-08-01", _through("2010-04-01", _through("2008-08-01", message))) \
        == message


def test_a_served_create_normalizes_each_number_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = phone.normalize

    def counting(value: str, *args: object, **kwargs: object) -> str:
        calls.append(value)
        return real(value, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(phone, "normalize", counting)
    for dialect in DIALECTS:
        built = get(dialect).build_create(AC, NewMessage(to="+15558675310", from_="+15005550006",
                                                         body="hi"))
        request = attrs.evolve(built, body=b"To=%28555%29+867-5310&From=5005550006&Body=hi")
        calls.clear()
        call = get(dialect).parse_request(request)
        assert isinstance(call, CreateCall)
        assert (call.message.to, call.message.from_) == ("+15558675310", "+15005550006")
        assert sorted(calls) == ["(555) 867-5310", "5005550006"], dialect


@pytest.mark.parametrize("dialect", ["2010-04-01", "2010-04-01-sms"])
def test_rendered_text_does_not_depend_on_what_was_rendered_before(dialect: str) -> None:
    """Equal prices written differently stay as written, whatever the process rendered first."""
    backend = get(dialect)
    base = Message(sid="SM" + "a" * 32, account_sid=AC)
    for text in ("-0.0075", "-0.00750", "-0.0075", "-0.007500"):
        rendered = json.loads(backend.render_message(attrs.evolve(base, price=text)).body)
        assert rendered["price"] == text
