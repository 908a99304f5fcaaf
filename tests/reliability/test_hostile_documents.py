"""The hostile corpus through every reader that takes bytes: the parser, each XML and JSON
backend (message, page and error readers), TwiML and the webhook parameter readers.

Each case raises the error the corpus names, from compat.errors only, with no file content in the
message; nothing outside the library's tree escapes.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat import backends, twiml, webhooks
from compat._xml import parse_xml
from compat.backends import JsonBackend, XmlBackend
from compat.backends._json import load_json
from compat.errors import (
    ApiError,
    CompatError,
    HostileDocument,
    ResponseError,
    UnexpectedDocument,
)
from compat.model import Message
from compat.wire import WireResponse
from tests.reliability.corpus import Case, json_cases, xml_cases

XML_DIALECTS = [n for n in backends.names() if isinstance(backends.get(n), XmlBackend)]
JSON_DIALECTS = [n for n in backends.names() if isinstance(backends.get(n), JsonBackend)]
MESSAGE = Message(
    sid="SM" + "1" * 32, account_sid="AC" + "2" * 32, to="+15558675309", from_="+14155551212",
    body="hello", date_created=dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc),
)


def _valid_xml() -> bytes:
    return backends.get(XML_DIALECTS[0]).render_message(MESSAGE).body


XML = xml_cases(_valid_xml())
TWIML = xml_cases(twiml.render([twiml.MessageVerb(body="hello", to="+15558675309")]))
JSON = json_cases()


def _ids(cases: list[Case]) -> list[str]:
    return [case.name for case in cases]


def _no_leak(error: BaseException) -> None:
    text = f"{error} {error!r}"
    assert "root:" not in text  # nothing from /etc/passwd
    assert "lxml" not in text
    assert "Traceback" not in text


@pytest.mark.parametrize("case", XML, ids=_ids(XML))
def test_the_parser_refuses_the_xml_corpus(case: Case) -> None:
    if case.parser is None:
        parse_xml(case.data, dialect="x")  # well-formed: refused by the readers below
        return
    with pytest.raises(case.parser) as caught:
        parse_xml(case.data, dialect="x")
    assert type(caught.value) is case.parser
    _no_leak(caught.value)


@pytest.mark.parametrize("dialect", XML_DIALECTS)
@pytest.mark.parametrize("case", XML, ids=_ids(XML))
def test_xml_backends_refuse_the_corpus(dialect: str, case: Case) -> None:
    backend = backends.get(dialect)
    response = WireResponse(200, [("Content-Type", "application/xml")], case.data)
    for parse in (backend.parse_message, backend.parse_page):
        with pytest.raises(case.reader) as caught:
            parse(response)
        assert type(caught.value) is case.reader
        assert caught.value.dialect == dialect
        _no_leak(caught.value)
    if case.data.strip():  # an empty error body is the HTTP status alone
        failed = WireResponse(400, [("Content-Type", "application/xml")], case.data)
        with pytest.raises(case.reader):
            backend.parse_error(failed)


@pytest.mark.parametrize("dialect", JSON_DIALECTS)
@pytest.mark.parametrize("case", JSON, ids=_ids(JSON))
def test_json_backends_refuse_the_corpus(dialect: str, case: Case) -> None:
    backend = backends.get(dialect)
    if case.parser is not None:
        with pytest.raises(case.parser):
            load_json(case.data, dialect=dialect)
    response = WireResponse(200, [("Content-Type", "application/json")], case.data)
    for parse in (backend.parse_message, backend.parse_page):
        with pytest.raises(case.reader) as caught:
            parse(response)
        assert type(caught.value) is case.reader
        _no_leak(caught.value)


@pytest.mark.parametrize("case", TWIML, ids=_ids(TWIML))
def test_twiml_refuses_the_corpus(case: Case) -> None:
    with pytest.raises(case.reader) as caught:
        twiml.parse(case.data)
    assert type(caught.value) is case.reader
    _no_leak(caught.value)


@pytest.mark.parametrize("dialect", XML_DIALECTS + JSON_DIALECTS)
@pytest.mark.parametrize(
    "body",
    [b'<!DOCTYPE html><html><body>Welcome to our portal</body></html>', b"", b"<p>hi</p>"],
    ids=["html-doctype", "empty", "fragment"],
)
def test_a_2xx_html_page_is_an_unexpected_document_by_its_type(dialect: str, body: bytes) -> None:
    backend = backends.get(dialect)
    response = WireResponse(200, [("Content-Type", "text/html; charset=utf-8")], body)
    for parse in (backend.parse_message, backend.parse_page):
        with pytest.raises(UnexpectedDocument, match="text/html"):
            parse(response)


@pytest.mark.parametrize("dialect", XML_DIALECTS + JSON_DIALECTS)
def test_an_html_error_page_is_the_http_status(dialect: str) -> None:
    page = WireResponse(503, [("Content-Type", "text/html")], b"<!DOCTYPE html><h1>down</h1>")
    with pytest.raises(ApiError) as caught:
        backends.get(dialect).parse_message(page)
    assert caught.value.status == 503


def test_the_size_limit_is_checked_before_anything_else() -> None:
    over = b"<!DOCTYPE r>" + b" " * (16 * 1024 * 1024)
    with pytest.raises(HostileDocument, match="limit"):
        parse_xml(over, dialect="x")


# -- webhooks: form parameters from the network ----------------------------------------------

PARAMS = st.lists(
    st.tuples(
        st.sampled_from(["SmsSid", "MessageSid", "AccountSid", "From", "To", "Body", "NumMedia",
                         "MediaUrl0", "MediaUrl9", "MediaUrl99999999", "SmsStatus",
                         "MessageStatus", "ApiVersion", "ErrorCode", "NumSegments",
                         "MediaUrl" + "9" * 5000])
        | st.text(max_size=20),
        st.text(max_size=50) | st.sampled_from(["", "9" * 5000, "-1", "1e9", "\x00", "\ud800"]),
    ),
    max_size=20,
)


@given(PARAMS)
def test_webhook_readers_raise_only_library_errors(params: list[tuple[str, str]]) -> None:
    for read in (webhooks.parse_incoming_message, webhooks.parse_status_callback):
        with contextlib.suppress(CompatError):
            read(params)


@given(st.text(max_size=300), PARAMS)
def test_signature_validation_never_raises_on_hostile_input(
    url: str, params: list[tuple[str, str]]
) -> None:
    with contextlib.suppress(CompatError):
        assert webhooks.validate_signature("token", url, params, "x" * 28) is False


def test_a_huge_webhook_is_read_without_blowing_up() -> None:
    params = [("MessageSid", "SM" + "1" * 32), ("AccountSid", "AC" + "2" * 32),
              ("From", "+14155551212"), ("To", "+15558675309"), ("Body", "x" * 1_000_000),
              ("NumMedia", "999999999")]
    with contextlib.suppress(CompatError):
        webhooks.parse_incoming_message(params)


def test_every_refusal_is_a_response_error_and_a_value_error() -> None:
    for case in (*XML, *JSON):
        assert issubclass(case.reader, ResponseError)
        assert issubclass(case.reader, ValueError)


def test_huge_numbers_in_webhooks_are_refused_or_ignored_not_crashed_on() -> None:
    base = [("MessageSid", "SM" + "1" * 32), ("AccountSid", "AC" + "2" * 32),
            ("MessageStatus", "failed")]
    with pytest.raises(UnexpectedDocument, match="ErrorCode"):
        webhooks.parse_status_callback([*base, ("ErrorCode", "9" * 5000)])
    message = webhooks.parse_incoming_message([*base, ("MediaUrl" + "9" * 5000, "https://x/y")])
    assert message.media_urls == ()
