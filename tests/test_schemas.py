"""Every document a backend renders is valid against its schema (XSD for 2008, JSON Schema for
2010), the documented 2008 payloads are too, and the schemas are strict enough to refuse the
mistakes they exist to catch."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from lxml import etree
from referencing import Registry, Resource

from compat import fixtures
from compat._resources import data_root
from compat._xml import parse_xml
from compat.backends import get
from compat.backends.base import Backend
from compat.errors import ApiError
from compat.model import ListQuery, Message, MessagePage
from compat.wire import WireResponse
from tests import strategies as ms

AC = "AC" + "0123456789abcdef" * 2
JSON_DIALECTS = ("2010-04-01", "2010-04-01-sms")
SCHEMA_NAMES = {
    ("2010-04-01", "message"): "message.schema.json",
    ("2010-04-01", "page"): "message-page.schema.json",
    ("2010-04-01", "error"): "error.schema.json",
    ("2010-04-01-sms", "message"): "sms-message.schema.json",
    ("2010-04-01-sms", "page"): "sms-message-page.schema.json",
    ("2010-04-01-sms", "error"): "error.schema.json",
}


XSDS = {
    "2008-08-01": ("v2008", "twilio-response.xsd"),
    "2010-04-01-xml": ("v2010", "messages.xsd"),
    "2010-04-01-sms-xml": ("v2010", "sms-messages.xsd"),
}
XML_DIALECTS = tuple(XSDS)


@cache
def xsd(dialect: str = "2008-08-01") -> etree.XMLSchema:
    folder, name = XSDS[dialect]
    data = data_root("schemas").joinpath(folder).joinpath(name).read_bytes()
    return etree.XMLSchema(parse_xml(data, dialect="xsd"))


@cache
def json_schemas() -> dict[str, dict[str, Any]]:
    folder = data_root("schemas").joinpath("v2010")
    return {
        entry.name: json.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir() if entry.name.endswith(".schema.json")
    }


@cache
def validator(name: str) -> Draft202012Validator:
    schemas = json_schemas()
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return Draft202012Validator(schemas[name], registry=registry)


def check_xml(body: bytes, dialect: str = "2008-08-01") -> None:
    document = parse_xml(body, dialect=dialect)
    schema = xsd(dialect)
    assert schema.validate(document), schema.error_log.last_error


def check_json(dialect: str, kind: str, body: bytes) -> None:
    errors = list(validator(SCHEMA_NAMES[(dialect, kind)]).iter_errors(json.loads(body)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def check(dialect: str, kind: str, response: WireResponse) -> None:
    if dialect in XSDS:
        check_xml(response.body, dialect)
    else:
        check_json(dialect, kind, response.body)


def test_schemas_are_well_formed() -> None:
    for dialect in XSDS:
        assert isinstance(xsd(dialect), etree.XMLSchema)
    schemas = json_schemas()
    assert set(schemas) == set(SCHEMA_NAMES.values())
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)


# -- golden responses ------------------------------------------------------------------------------

CANONICAL = [
    case for dialect in (*XML_DIALECTS, *JSON_DIALECTS) for case in fixtures.cases(dialect)
    if case.canonical and case.result_kind != "deleted"
]


@pytest.mark.parametrize("case", CANONICAL, ids=lambda c: f"{c.dialect}/{c.name}")
def test_golden_responses_are_valid(case: fixtures.GoldenCase) -> None:
    check(case.dialect, case.result_kind, case.response)


DOCUMENTS = ["sms-instance-get.xml", "sms-create-post-response.xml", "sms-list-get.xml",
             "error-404.xml", "error-400-calls-missing-called.xml"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documented_2008_payloads_are_valid(name: str) -> None:
    folder = data_root("fixtures").joinpath("2008-08-01").joinpath("docs")
    check_xml(folder.joinpath(name).read_bytes())


@pytest.mark.parametrize("name", ["calls-list-paging-example.xml",
                                  "ref2010-sms-instance-response-doc.xml"])
def test_other_documents_are_not_2008_sms_documents(name: str) -> None:
    folder = data_root("fixtures").joinpath("2008-08-01").joinpath("docs")
    document = parse_xml(folder.joinpath(name).read_bytes(), dialect="2008-08-01")
    assert not xsd().validate(document)


def test_twilio_fetch_example_is_valid_against_the_message_schema() -> None:
    case = fixtures.load("2010-04-01", "twilio-fetch-example")
    check_json("2010-04-01", "message", case.response.body)


# -- everything the backends render ----------------------------------------------------------------


def _messages(dialect: str) -> st.SearchStrategy[Message]:
    return ms.messages(xml_safe=dialect in XSDS, known_directions=dialect == "2008-08-01")


@pytest.mark.parametrize("dialect", [*XML_DIALECTS, *JSON_DIALECTS])
def test_rendered_messages_are_valid(dialect: str) -> None:
    backend = get(dialect)

    @given(_messages(dialect), st.booleans())
    def run(message: Message, created: bool) -> None:
        check(dialect, "message", backend.render_message(message, created=created))

    run()


@pytest.mark.parametrize("dialect", [*XML_DIALECTS, *JSON_DIALECTS])
def test_rendered_pages_are_valid(dialect: str) -> None:
    backend: Backend = get(dialect)

    @given(st.lists(_messages(dialect), max_size=3), ms.list_queries(dialect=dialect),
           st.integers(0, 20), st.integers(1, 1000), st.integers(0, 100))
    def run(items: list[Message], query: ListQuery, number: int, size: int, extra: int) -> None:
        size = max(size, len(items))
        page = backend.make_page(AC, query, tuple(items), page=number, page_size=size,
                                 total=number * size + len(items) + extra)
        check(dialect, "page", backend.render_page(page))

    run()


@pytest.mark.parametrize("dialect", [*XML_DIALECTS, *JSON_DIALECTS])
def test_rendered_errors_are_valid(dialect: str) -> None:
    backend = get(dialect)

    @given(ms.api_errors(xml_safe=dialect in XSDS))
    def run(error: ApiError) -> None:
        check(dialect, "error", backend.render_error(error))

    run()


# -- the schemas refuse what they should -----------------------------------------------------------


SMS = (
    "<Sid>SM872fb94e3b358913777cdb313f25b46f</Sid><DateCreated/><DateUpdated/><DateSent/>"
    "<AccountSid>AC5ea872f6da5a21de157d80997a64bd33</AccountSid><To/><From/><Body/>"
    "<Status>sent</Status><Flags>2</Flags>"
)


@pytest.mark.parametrize(
    "inner",
    [
        f"<SMSMessage>{SMS.replace('<Flags>2</Flags>', '<Flags>two</Flags>')}</SMSMessage>",
        f"<SMSMessage>{SMS.replace('<DateSent/>', '<DateSent>2009-10-04</DateSent>')}</SMSMessage>",
        f"<SMSMessage>{SMS.replace('<To/><From/>', '<From/><To/>')}</SMSMessage>",
        f"<SMSMessage>{SMS}<Price/></SMSMessage>",
        f'<SMSMessages page="0" numpages="1" pagesize="50" total="1" start="0"><SMSMessage>{SMS}'
        "</SMSMessage></SMSMessages>",
        "<RestException><Message>oops</Message></RestException>",
    ],
)
def test_xsd_refuses_broken_2008_documents(inner: str) -> None:
    document = parse_xml(f"<TwilioResponse>{inner}</TwilioResponse>".encode(), dialect="x")
    assert xsd().validate(document) is False
    # ...while the unbroken message is valid.
    assert xsd().validate(parse_xml(f"<TwilioResponse><SMSMessage>{SMS}</SMSMessage>"
                                    "</TwilioResponse>".encode(), dialect="x"))


@pytest.mark.parametrize(
    "change",
    [{"num_segments": 1}, {"price": -0.0075}, {"error_code": "30007"}, {"sid": "SM1"},
     {"date_sent": "2019-05-24T17:18:28Z"}, {"extra": 1}, {"status": ""}],
)
def test_message_schema_refuses_wrong_types(change: dict[str, Any]) -> None:
    body = get("2010-04-01").render_message(Message(sid="SM" + "a" * 32, account_sid=AC)).body
    document = {**json.loads(body), **change}
    assert not validator("message.schema.json").is_valid(document)


def test_legacy_schema_refuses_a_2010_message() -> None:
    body = get("2010-04-01").render_message(Message(sid="SM" + "a" * 32, account_sid=AC)).body
    assert not validator("sms-message.schema.json").is_valid(json.loads(body))


def test_page_schema_refuses_a_legacy_page() -> None:
    legacy = get("2010-04-01-sms")
    page = legacy.make_page(AC, ListQuery(), (), page=0, page_size=50, total=0)
    document = json.loads(legacy.render_page(page).body)
    assert validator("sms-message-page.schema.json").is_valid(document)
    assert not validator("message-page.schema.json").is_valid(document)
    assert not validator("message-page.schema.json").is_valid({**document, "messages": []})


def test_an_empty_2010_page_is_valid() -> None:
    backend = get("2010-04-01")
    page = backend.make_page(AC, ListQuery(), (), page=0, page_size=50, total=0)
    assert isinstance(page, MessagePage)
    check_json("2010-04-01", "page", backend.render_page(page).body)


@pytest.mark.parametrize(
    ("dialect", "inner"),
    [
        ("2010-04-01-xml", "<Message><Sid>SM1</Sid></Message>"),
        ("2010-04-01-xml", '<Messages page="0" pagesize="50" start="0" end="0"/>'),
        ("2010-04-01-xml", "<SMSMessage/>"),
        ("2010-04-01-sms-xml", '<SMSMessages page="0" pagesize="50" start="0" end="0" uri=""'
                               ' firstpageuri="" previouspageuri="" nextpageuri=""/>'),
        ("2010-04-01-sms-xml", "<Message/>"),
    ],
)
def test_2010_xsds_refuse_broken_documents(dialect: str, inner: str) -> None:
    document = parse_xml(f"<TwilioResponse>{inner}</TwilioResponse>".encode(), dialect="x")
    assert xsd(dialect).validate(document) is False


@pytest.mark.parametrize("dialect", ["2010-04-01-xml", "2010-04-01-sms-xml"])
def test_an_empty_2010_xml_page_writes_its_blank_uris_and_is_valid(dialect: str) -> None:
    backend = get(dialect)
    body = backend.render_page(backend.make_page(AC, ListQuery(), (), page=0, page_size=50,
                                                 total=0)).body
    assert b'previouspageuri=""' in body
    assert b'nextpageuri=""' in body
    check_xml(body, dialect)
