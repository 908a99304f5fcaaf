"""The golden cases drive both sides of every backend, in all four directions:

client build == request, server parse(request) == call, server render(result) == response (byte
for byte when the response is our canonical rendering), client parse(response) == result.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given

from compat import errors, fixtures
from compat._resources import data_root
from compat.backends import get
from compat.backends.base import (
    CreateCall,
    DeleteCall,
)
from compat.errors import ApiError
from compat.fixtures import GoldenCase, Refusal
from compat.model import Message, MessagePage
from compat.testing.golden import build_request
from tests import strategies as ms
from tests.expected import DIALECTS

ALL = [case for dialect in DIALECTS for case in fixtures.cases(dialect)]


def _ids(case: GoldenCase) -> str:
    return f"{case.dialect}/{case.name}"



def test_every_dialect_has_its_cases() -> None:
    assert set(DIALECTS) <= set(fixtures.dialects())
    for dialect in DIALECTS:
        names = {case.name for case in fixtures.cases(dialect)}
        required = {"create", "fetch", "fetch-unicode", "fetch-null-fields", "list-first",
                    "list-middle", "list-last", "list-empty", "error-missing-to",
                    "error-missing-from", "error-missing-body", "error-invalid-to",
                    "error-invalid-from", "error-body-too-long", "error-not-found"}
        assert required <= names, required - names


@pytest.mark.parametrize("case", [c for c in ALL if c.built], ids=_ids)
def test_client_builds_the_request(case: GoldenCase) -> None:
    assert case.request is not None
    built = build_request(get(case.dialect), case.call)
    assert (built.method, built.target, built.body) == (
        case.request.method, case.request.target, case.request.body
    )


@pytest.mark.parametrize("case", [c for c in ALL if c.request is not None], ids=_ids)
def test_server_parses_the_request_into_the_call(case: GoldenCase) -> None:
    assert case.request is not None
    backend = get(case.dialect)
    if isinstance(case.call, ApiError):
        with pytest.raises(ApiError) as caught:
            backend.parse_request(case.request)
        assert caught.value == case.call
    else:
        assert backend.parse_request(case.request) == case.call


@pytest.mark.parametrize("case", [c for c in ALL if c.canonical], ids=_ids)
def test_server_renders_the_result_byte_for_byte(case: GoldenCase) -> None:
    backend = get(case.dialect)
    result = case.result
    if isinstance(result, Message):
        response = backend.render_message(result, created=case.response.status == 201)
    elif isinstance(result, MessagePage):
        response = backend.render_page(result)
    elif isinstance(result, ApiError):
        response = backend.render_error(result)
    else:
        assert case.result_kind == "deleted"
        response = backend.render_deleted()
    assert response.status == case.response.status
    assert response.content_type == case.response.content_type
    assert response.body == case.response.body


@pytest.mark.parametrize("case", ALL, ids=_ids)
def test_client_parses_the_response_into_the_result(case: GoldenCase) -> None:
    backend = get(case.dialect)
    response, result = case.response, case.result
    if isinstance(result, Refusal):
        error = getattr(errors, result.error)
        parse = backend.parse_page if result.as_ == "page" else backend.parse_message
        with pytest.raises(error):
            parse(response)
    elif isinstance(result, Message):
        assert backend.parse_message(response) == result
    elif isinstance(result, MessagePage):
        assert backend.parse_page(response) == result
    elif isinstance(result, ApiError):
        assert backend.parse_error(response) == result
        with pytest.raises(ApiError) as caught:
            backend.parse_message(response)
        assert caught.value == result
    else:
        assert backend.parse_deleted(response) is None


@pytest.mark.parametrize("case", [c for c in ALL if c.canonical and c.request is not None],
                         ids=_ids)
def test_server_call_and_result_agree(case: GoldenCase) -> None:
    """An error call renders the error result; a create answers 201, other reads 200."""
    if isinstance(case.call, ApiError):
        assert case.result == case.call
    elif isinstance(case.call, CreateCall):
        assert case.response.status == 201
    elif isinstance(case.call, DeleteCall):
        assert case.response.status == 204


def _documents(dialect: str) -> Iterator[str]:
    folder = data_root("fixtures").joinpath(dialect).joinpath("docs")
    for entry in folder.iterdir():
        if entry.name.endswith(".xml"):
            yield f"docs/{entry.name}"


def test_every_documented_2008_payload_has_a_case() -> None:
    import json

    folder = data_root("fixtures").joinpath("2008-08-01")
    used = set()
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            used.add(data["response"].get("body_file"))
    assert set(_documents("2008-08-01")) <= used
    assert len(set(_documents("2008-08-01"))) == 7


def test_twiml_samples_are_kept_verbatim_for_the_converter() -> None:
    folder = data_root("fixtures").joinpath("twiml-2008")
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".xml"))
    assert len(names) == 6
    broken = folder.joinpath("twiml-sms-ex1-simple.xml").read_bytes()
    assert b"</SMS>" in broken  # not well-formed as published, and kept that way
    for name in names:
        assert b"<Response" in folder.joinpath(name).read_bytes()


def test_twiml_is_not_a_rest_document() -> None:
    backend = get("2008-08-01")
    folder = data_root("fixtures").joinpath("twiml-2008")
    from compat.wire import WireResponse

    for entry in folder.iterdir():
        if entry.name.endswith(".xml"):
            with pytest.raises(errors.ResponseError):
                backend.parse_message(WireResponse(200, (), entry.read_bytes()))


def test_load_by_name_and_unknown_names() -> None:
    case = fixtures.load("2010-04-01", "delete")
    assert case.result_kind == "deleted"
    with pytest.raises(ValueError, match="no golden case"):
        fixtures.load("2010-04-01", "nope")
    with pytest.raises(ValueError, match="no golden cases for dialect"):
        fixtures.cases("1999-01-01")


@given(ms.messages())
def test_plain_codec_round_trips_messages(message: Message) -> None:
    assert fixtures.from_plain("message", fixtures.to_plain(message)) == message


@given(ms.message_pages(max_items=3))
def test_plain_codec_round_trips_pages(page: MessagePage) -> None:
    assert fixtures.from_plain("page", fixtures.to_plain(page)) == page


@given(ms.new_messages())
def test_plain_codec_round_trips_new_messages(message: object) -> None:
    assert fixtures.from_plain("new_message", fixtures.to_plain(message)) == message


@given(ms.list_queries())
def test_plain_codec_round_trips_queries(query: object) -> None:
    assert fixtures.from_plain("query", fixtures.to_plain(query)) == query


@given(ms.api_errors())
def test_plain_codec_round_trips_errors(error: ApiError) -> None:
    assert fixtures.from_plain("error", fixtures.to_plain(error)) == error


def test_plain_codec_round_trips_calls() -> None:
    for case in ALL:
        if case.call is not None and not isinstance(case.call, ApiError):
            assert fixtures.from_plain("call", fixtures.to_plain(case.call)) == case.call


def test_plain_codec_refuses_what_is_not_a_model_value() -> None:
    with pytest.raises(TypeError):
        fixtures.to_plain(object())
    with pytest.raises(ValueError, match="unknown kind"):
        fixtures.from_plain("gizmo", {})
