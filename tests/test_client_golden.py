"""Every client operation against the golden fixtures of every dialect, sync and async.

The transport serves the golden cases themselves: a request the client sends must be the request
of a golden case (method, path, form body, and the same query parameters; their order is not
compared, as no server compares it), and it is answered with that case's response. The client's
result must equal the case's result. Listing from a first page must walk the golden pages in
order. Then each operation is answered with the dialect's golden error
document, and must raise that ApiError, naming the request.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx
import pytest

from compat import backends, fixtures
from compat.backends.base import CreateCall, DeleteCall, FetchCall, ListCall, UpdateCall
from compat.errors import ApiError
from compat.fixtures import GoldenCase
from compat.model import Message, MessagePage, NewMessage, Status
from compat.wire import WireRequest
from tests.fake_twilio import client_factory

TOKEN = "golden-token"


RequestKey = tuple[str, str, tuple[tuple[str, str], ...], bytes]


def request_key(request: WireRequest) -> RequestKey:
    return (request.method, request.path, tuple(sorted(request.query)), request.body)


class GoldenServer:
    """Answers each request with the golden case whose request it is; records the case names.
    An unknown request is recorded and answered 404 (so the test fails)."""

    def __init__(self, dialect: str, *, override: httpx.Response | None = None) -> None:
        self.by_request: dict[RequestKey, GoldenCase] = {
            request_key(case.request): case
            for case in fixtures.cases(dialect)
            if case.request is not None and case.built
        }
        self.served: list[str] = []
        self.unknown: list[str] = []
        self.override = override

    def __call__(self, request: httpx.Request) -> httpx.Response:
        wire = WireRequest.from_target(request.method, request.url.raw_path.decode("ascii"),
                                       body=request.content)
        case = self.by_request.get(request_key(wire))
        if case is None:
            self.unknown.append(f"{request.method} {request.url} {request.content!r}")
            return httpx.Response(404)
        self.served.append(case.name)
        if self.override is not None:
            return self.override
        response = case.response
        return httpx.Response(response.status, headers=list(response.headers),
                              content=response.body)


def built_cases(*kinds: type) -> list[Any]:
    return [
        pytest.param(case, id=f"{case.dialect}/{case.name}")
        for dialect in fixtures.dialects() if dialect in backends.names()
        for case in fixtures.cases(dialect)
        if case.built and isinstance(case.call, kinds)
    ]


def first_page_case(case: GoldenCase) -> bool:
    call = case.call
    return isinstance(call, ListCall) and call.query.page is None and call.query.page_token is None


def operation(case: GoldenCase) -> Callable[[Any], Any]:
    """What a user calls to make the case's request (a listing returns the lazy iterator)."""
    call = case.call
    if isinstance(call, CreateCall):
        values = {field.name: getattr(call.message, field.name)
                  for field in attrs.fields(NewMessage)
                  if getattr(call.message, field.name) not in (None, ())}
        values["media_url"] = values.pop("media_urls", None)
        return lambda client: client.messages.create(**values)
    if isinstance(call, FetchCall):
        return lambda client: client.messages.fetch(call.sid)
    if isinstance(call, DeleteCall):
        return lambda client: client.messages.delete(call.sid)
    if isinstance(call, UpdateCall):
        if call.update.status == Status.CANCELED:
            return lambda client: client.messages.cancel(call.sid)
        return lambda client: client.messages.redact(call.sid)
    assert isinstance(call, ListCall)
    query = call.query
    return lambda client: client.messages.stream(
        to=query.to, from_=query.from_, date_sent=query.date_sent,
        date_sent_before=query.date_sent_before, date_sent_after=query.date_sent_after,
        page_size=query.page_size,
    )


@pytest.fixture(params=["sync", "async"])
def golden_client(request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    with client_factory(request.param) as make:

        def build(case: GoldenCase, server: GoldenServer) -> Any:
            assert isinstance(case.call, (CreateCall, FetchCall, ListCall, UpdateCall,
                                          DeleteCall))
            return make(case.call.account_sid, TOKEN, backend=case.dialect,
                        transport=httpx.MockTransport(server))

        yield build


def test_the_golden_fixtures_cover_every_operation_of_every_backend() -> None:
    covered = {(case.values[0].dialect, type(case.values[0].call).__name__)
               for case in built_cases(CreateCall, FetchCall, ListCall, UpdateCall, DeleteCall)}
    for name in backends.names():
        operations = {op.value for op in backends.get(name).operations}
        expected = {f"{op.capitalize()}Call" for op in operations}
        assert {kind for dialect, kind in covered if dialect == name} == expected, name


@pytest.mark.parametrize("case", built_cases(CreateCall, FetchCall, UpdateCall, DeleteCall))
def test_each_operation_sends_the_golden_request_and_returns_the_golden_result(
    case: GoldenCase, golden_client: Callable[..., Any]
) -> None:
    server = GoldenServer(case.dialect)
    result = operation(case)(golden_client(case, server))
    assert server.unknown == []
    assert server.served == [case.name]
    if case.result_kind == "deleted":
        assert result is None
    else:
        assert isinstance(result, Message)
        assert result == case.result


FIRST_PAGES = [p for p in built_cases(ListCall) if first_page_case(p.values[0])]
CHAINS = [p for p in FIRST_PAGES if p.values[0].name == "list-first"]


@pytest.mark.parametrize("case", FIRST_PAGES)
def test_listing_returns_the_golden_first_page(
    case: GoldenCase, golden_client: Callable[..., Any]
) -> None:
    page = case.result
    assert isinstance(page, MessagePage)
    server = GoldenServer(case.dialect)
    listing = operation(case)(golden_client(case, server))
    listed = list(itertools.islice(listing, len(page.items)))
    if not page.has_next:
        assert next(listing, None) is None
    assert server.unknown == []
    assert server.served == [case.name]
    assert listed == list(page.items)


@pytest.mark.parametrize("case", CHAINS)
def test_listing_walks_the_golden_pages_in_order(
    case: GoldenCase, golden_client: Callable[..., Any]
) -> None:
    server = GoldenServer(case.dialect)
    listed = list(operation(case)(golden_client(case, server)))
    assert server.unknown == []
    assert server.served == ["list-first", "list-middle", "list-last"]
    pages = [fixtures.load(case.dialect, name).result for name in server.served]
    assert listed == [m for page in pages if isinstance(page, MessagePage) for m in page.items]
    assert isinstance(pages[-1], MessagePage)
    assert not pages[-1].has_next


@pytest.mark.parametrize("case", CHAINS)
def test_page_and_next_page_walk_the_golden_pages(
    case: GoldenCase, golden_client: Callable[..., Any]
) -> None:
    server = GoldenServer(case.dialect)
    client = golden_client(case, server)
    query = case.call.query
    page = client.messages.page(to=query.to, from_=query.from_, date_sent=query.date_sent,
                                date_sent_before=query.date_sent_before,
                                date_sent_after=query.date_sent_after, page_size=query.page_size)
    walked = [page]
    while (page := client.messages.next_page(page)) is not None:
        walked.append(page)
    assert server.unknown == []
    assert server.served == ["list-first", "list-middle", "list-last"]
    golden = [fixtures.load(case.dialect, name).result for name in server.served]
    assert [p.items for p in walked] == [g.items for g in golden if isinstance(g, MessagePage)]
    for got, expected in zip(walked, golden, strict=True):
        assert isinstance(expected, MessagePage)
        # Pages keep every fact the dialect gave; a dialect without page URIs gets them filled in.
        if expected.next_page_uri is not None:
            assert got == expected
        else:
            assert got.page == expected.page
            assert (got.next_page_uri is None) == (not expected.has_next)


def test_every_dialect_has_a_golden_chain_to_walk() -> None:
    assert {p.values[0].dialect for p in CHAINS} == set(backends.names())


def to_the_end(result: Any) -> Any:
    """The result, with a listing iterated to its end."""
    return list(result) if isinstance(result, Iterator) else result


def golden_error(dialect: str) -> tuple[httpx.Response, ApiError]:
    case = fixtures.load(dialect, "error-not-found")
    assert isinstance(case.result, ApiError)
    response = case.response
    return (httpx.Response(response.status, headers=list(response.headers),
                           content=response.body), case.result)


@pytest.mark.parametrize(
    "case", [*built_cases(CreateCall, FetchCall, UpdateCall, DeleteCall), *FIRST_PAGES]
)
def test_each_operation_raises_the_golden_api_error(
    case: GoldenCase, golden_client: Callable[..., Any]
) -> None:
    response, expected = golden_error(case.dialect)
    server = GoldenServer(case.dialect, override=response)
    client = golden_client(case, server)
    with pytest.raises(ApiError) as caught:
        to_the_end(operation(case)(client))
    assert caught.value == expected
    assert case.request is not None
    assert caught.value.method == case.request.method
    assert (caught.value.url or "").startswith(f"https://api.twilio.com{case.request.path}")
    assert server.served == [case.name]
