"""The operation flows, driven by hand against a small fake dialect: no httpx, no sockets.

What is proven here holds for both clients, since both only drive these flows: refusals come before
the first request, split bodies go in order, API errors name their request, and listing follows the
pages it is given, no further than asked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator
from typing import Any

import pytest

from compat import segments
from compat.backends.base import Operation
from compat.errors import (
    ApiError,
    BodyTooLong,
    InvalidParameter,
    PartialSend,
    UnexpectedDocument,
    UnsupportedOperation,
)
from compat.flows import Context, Listing, create, delete, fetch, update
from compat.model import ListQuery, Message, MessagePage, MessageUpdate, NewMessage
from compat.wire import WireRequest, WireResponse, encode_form

ACCOUNT = "AC" + "a" * 32
SID = "SM" + "b" * 32


def sid(n: int) -> str:
    return f"SM{n:032x}"


class FakeBackend:
    """Just enough of a dialect for flows: JSON bodies, a 10-character body limit."""

    name = "fake"
    api_version = "fake"
    max_body_length = 10
    body_too_long_code = 21605

    def __init__(self, operations: frozenset[Operation] = frozenset(Operation)) -> None:
        self.operations = operations

    def _path(self, account_sid: str, sid: str = "") -> str:
        return f"/fake/{account_sid}/Messages" + (f"/{sid}" if sid else "")

    def build_create(self, account_sid: str, message: NewMessage) -> WireRequest:
        form = encode_form([("To", message.to), ("Body", message.body or "")])
        return WireRequest("POST", self._path(account_sid), body=form)

    def build_fetch(self, account_sid: str, sid: str) -> WireRequest:
        return WireRequest("GET", self._path(account_sid, sid))

    def build_list(self, account_sid: str, query: ListQuery) -> WireRequest:
        pairs = [("PageSize", str(query.page_size or 50))]
        if query.to:
            pairs.append(("To", query.to))
        return WireRequest("GET", self._path(account_sid), query=pairs)

    def build_next_page(
        self, account_sid: str, query: ListQuery, page: MessagePage
    ) -> WireRequest | None:
        if not page.next_page_uri:
            return None
        return WireRequest.from_target("GET", page.next_page_uri)

    def build_update(self, account_sid: str, sid: str, update: MessageUpdate) -> WireRequest:
        return WireRequest("POST", self._path(account_sid, sid), body=encode_form([("Body", "")]))

    def build_delete(self, account_sid: str, sid: str) -> WireRequest:
        return WireRequest("DELETE", self._path(account_sid, sid))

    def _raise_for(self, response: WireResponse) -> None:
        if response.status >= 400:
            raise self.parse_error(response)

    def parse_message(self, response: WireResponse) -> Message:
        self._raise_for(response)
        return Message(**json.loads(response.body))

    def parse_page(self, response: WireResponse) -> MessagePage:
        self._raise_for(response)
        data = json.loads(response.body)
        items = [Message(**item) for item in data.pop("items")]
        return MessagePage(items=items, **data)

    def parse_deleted(self, response: WireResponse) -> None:
        self._raise_for(response)

    def parse_error(self, response: WireResponse) -> ApiError:
        data = json.loads(response.body)
        return ApiError(response.status, data["message"], data.get("code"))


def context(**options: Any) -> Context:
    backend = options.pop("backend", None) or FakeBackend()
    return Context(backend, ACCOUNT, "https://api.example", **options)


def message_response(sid: str, body: str | None = None, status: int = 201) -> WireResponse:
    data = {"sid": sid, "account_sid": ACCOUNT, "body": body}
    return WireResponse(status, [("Content-Type", "application/json")], json.dumps(data).encode())


def page_response(first: int, count: int, next_uri: str | None) -> WireResponse:
    items = [{"sid": sid(n), "account_sid": ACCOUNT} for n in range(first, first + count)]
    data = {"items": items, "next_page_uri": next_uri}
    return WireResponse(200, [("Content-Type", "application/json")], json.dumps(data).encode())


def error_response(status: int, message: str, code: int) -> WireResponse:
    body = json.dumps({"message": message, "code": code}).encode()
    return WireResponse(status, [("Content-Type", "application/json")], body)


T = Any


def drive(
    flow: Generator[WireRequest, WireResponse, T],
    answer: Callable[[WireRequest], WireResponse],
    sent: list[WireRequest] | None = None,
) -> T:
    """Run a flow to the end, answering each request; record the requests in ``sent``."""
    sent = [] if sent is None else sent
    try:
        request = next(flow)
        while True:
            sent.append(request)
            request = flow.send(answer(request))
    except StopIteration as done:
        return done.value


def created_echo(request: WireRequest) -> WireResponse:
    body = dict(request.form())["Body"]
    return message_response(sid(len(body)), body)


# -- create ------------------------------------------------------------------------------------


def test_create_sends_one_request_and_returns_the_parsed_message() -> None:
    sent: list[WireRequest] = []
    result = drive(create(context(), NewMessage(to="+15558675309", from_="+14155551212",
                                                body="Hi Jenny!")), created_echo, sent)
    assert [m.body for m in result] == ["Hi Jenny!"]
    assert [r.method for r in sent] == ["POST"]


def test_a_body_over_the_limit_is_refused_before_any_request() -> None:
    flow = create(context(), NewMessage(to="+15558675309", from_="+14155551212",
                                        body="x" * 11))
    with pytest.raises(BodyTooLong) as caught:
        next(flow)
    assert (caught.value.length, caught.value.limit, caught.value.dialect) == (11, 10, "fake")


def test_a_body_at_the_limit_is_sent_whole_even_when_splitting() -> None:
    sent: list[WireRequest] = []
    body = "y" * 10
    result = drive(create(context(), NewMessage(to="+15558675309", from_="+14155551212",
                                                body=body), split=True), created_echo, sent)
    assert len(sent) == 1
    assert [m.body for m in result] == [body]


def test_split_sends_every_piece_in_order_and_returns_every_message() -> None:
    body = "one two three four five six seven"
    sent: list[WireRequest] = []
    result = drive(create(context(), NewMessage(to="+15558675309", from_="+14155551212",
                                                body=body), split=True), created_echo, sent)
    pieces = segments.split(body, limit=10)
    assert len(pieces) > 2
    assert [dict(r.form())["Body"] for r in sent] == pieces
    assert [m.body for m in result] == pieces
    assert "".join(m.body or "" for m in result) == body


def test_a_failing_piece_stops_the_split_and_raises() -> None:
    body = "one two three four five six seven"
    sent: list[WireRequest] = []

    def second_fails(request: WireRequest) -> WireResponse:
        if len(sent) == 2:
            return error_response(429, "Too many requests", 20429)
        return created_echo(request)

    with pytest.raises(PartialSend) as caught:
        drive(create(context(), NewMessage(to="+15558675309", from_="+14155551212", body=body),
                     split=True), second_fails, sent)
    assert len(sent) == 2
    assert caught.value.pieces > 2
    assert [m.body for m in caught.value.sent] == ["one two "]
    assert isinstance(caught.value.error, ApiError)
    assert caught.value.error.status == 429
    assert caught.value.__cause__ is caught.value.error


def test_a_failing_first_piece_raises_its_own_error() -> None:
    sent: list[WireRequest] = []
    with pytest.raises(ApiError) as caught:
        drive(create(context(), NewMessage(to="+15558675309", from_="+14155551212",
                                           body="one two three four five six seven"), split=True),
              lambda request: error_response(400, "Message body is required.", 21602), sent)
    assert len(sent) == 1
    assert caught.value.code == 21602


# -- refusals ----------------------------------------------------------------------------------

NEW = NewMessage(to="+15558675309", from_="+14155551212", body="hi")
UNSUPPORTED_CASES = [
    ("create", Operation.CREATE, lambda ctx: create(ctx, NEW)),
    ("fetch", Operation.FETCH, lambda ctx: fetch(ctx, SID)),
    ("update", Operation.UPDATE, lambda ctx: update(ctx, SID, MessageUpdate(body=""))),
    ("redact", Operation.UPDATE,
     lambda ctx: update(ctx, SID, MessageUpdate(body=""), name="redact")),
    ("cancel", Operation.UPDATE,
     lambda ctx: update(ctx, SID, MessageUpdate(status="canceled"), name="cancel")),
    ("delete", Operation.DELETE, lambda ctx: delete(ctx, SID)),
]


@pytest.mark.parametrize(("name", "operation", "start"), UNSUPPORTED_CASES)
def test_an_unsupported_operation_is_refused_before_any_request(
    name: str, operation: Operation, start: Callable[[Context], Generator[Any, Any, Any]]
) -> None:
    ctx = context(backend=FakeBackend(frozenset(Operation) - {operation}))
    with pytest.raises(UnsupportedOperation) as caught:
        next(start(ctx))
    assert (caught.value.backend, caught.value.operation) == ("fake", name)
    assert "fake" in str(caught.value)
    assert repr(name) in str(caught.value)


def test_an_unsupported_list_is_refused_when_the_listing_is_made() -> None:
    ctx = context(backend=FakeBackend(frozenset(Operation) - {Operation.LIST}))
    with pytest.raises(UnsupportedOperation, match="'list'"):
        Listing(ctx, ListQuery())


@pytest.mark.parametrize(
    "bad_sid", ["", "SM123", "../../Calls/CA" + "0" * 32, "SM" + "g" * 32, "sm" + "a" * 32]
)
@pytest.mark.parametrize(
    "start",
    [
        lambda ctx, s: fetch(ctx, s),
        lambda ctx, s: update(ctx, s, MessageUpdate(body="")),
        lambda ctx, s: delete(ctx, s),
    ],
)
def test_a_malformed_sid_is_refused_before_any_request(
    bad_sid: str, start: Callable[[Context, str], Generator[Any, Any, Any]]
) -> None:
    with pytest.raises(InvalidParameter, match="not a message SID"):
        next(start(context(), bad_sid))


# -- API errors --------------------------------------------------------------------------------


def test_an_api_error_names_the_method_and_url() -> None:
    with pytest.raises(ApiError) as caught:
        drive(fetch(context(), SID), lambda _r: error_response(404, "not found", 20404))
    error = caught.value
    assert (error.status, error.code, error.message) == (404, 20404, "not found")
    assert error.method == "GET"
    assert error.url == f"https://api.example/fake/{ACCOUNT}/Messages/{SID}"
    assert f"GET {error.url}" in str(error)


def test_a_failing_list_page_raises_api_error_with_its_url() -> None:
    listing = Listing(context(), ListQuery(to="+15558675309"))
    flow = listing.next_page()
    assert flow is not None
    with pytest.raises(ApiError) as caught:
        drive(flow, lambda _r: error_response(400, "bad filter", 20001))
    assert caught.value.method == "GET"
    assert caught.value.url is not None
    assert "5558675309" not in caught.value.url
    assert "%2B155******09" in caught.value.url


def test_error_urls_show_numbers_when_the_caller_opted_in() -> None:
    listing = Listing(context(reveal_numbers=True), ListQuery(to="+15558675309"))
    flow = listing.next_page()
    assert flow is not None
    with pytest.raises(ApiError) as caught:
        drive(flow, lambda _r: error_response(400, "bad filter", 20001))
    assert "%2B15558675309" in (caught.value.url or "")


def test_delete_returns_none_after_an_empty_success() -> None:
    sent: list[WireRequest] = []
    assert drive(delete(context(), SID), lambda _r: WireResponse(204), sent) is None
    assert [r.method for r in sent] == ["DELETE"]


# -- listing -----------------------------------------------------------------------------------


def serve_pages(total: int, size: int) -> Callable[[WireRequest], WireResponse]:
    """A paged server: ``?Page=n`` gives items ``n*size`` onwards, with a next link until total."""

    def answer(request: WireRequest) -> WireResponse:
        page = int(dict(request.query).get("Page", "0"))
        first = page * size
        count = max(0, min(size, total - first))
        has_more = first + count < total
        next_uri = f"/fake/{ACCOUNT}/Messages?Page={page + 1}" if has_more else None
        return page_response(first, count, next_uri)

    return answer


def list_all(listing: Listing, answer: Callable[[WireRequest], WireResponse],
             sent: list[WireRequest]) -> list[Message]:
    messages: list[Message] = []
    while (flow := listing.next_page()) is not None:
        messages.extend(drive(flow, answer, sent))
    return messages


def test_listing_follows_next_links_to_the_end() -> None:
    sent: list[WireRequest] = []
    messages = list_all(Listing(context(), ListQuery()), serve_pages(23, 10), sent)
    assert [m.sid for m in messages] == [sid(n) for n in range(23)]
    assert len(sent) == 3


def test_listing_stops_at_the_limit_without_asking_for_more_pages() -> None:
    sent: list[WireRequest] = []
    messages = list_all(Listing(context(), ListQuery(page_size=10), limit=15),
                        serve_pages(100, 10), sent)
    assert [m.sid for m in messages] == [sid(n) for n in range(15)]
    assert len(sent) == 2


def test_a_limit_sets_the_page_size_when_none_was_given() -> None:
    sent: list[WireRequest] = []
    list_all(Listing(context(), ListQuery(), limit=7), serve_pages(100, 7), sent)
    assert dict(sent[0].query)["PageSize"] == "7"
    sent.clear()
    list_all(Listing(context(), ListQuery(), limit=5000), serve_pages(3, 1000), sent)
    assert dict(sent[0].query)["PageSize"] == "1000"


def test_limit_zero_sends_nothing() -> None:
    assert Listing(context(), ListQuery(), limit=0).next_page() is None


@pytest.mark.parametrize("limit", [-1, 1.5, "10", True])
def test_a_bad_limit_is_refused_when_the_listing_is_made(limit: Any) -> None:
    with pytest.raises(InvalidParameter, match="limit"):
        Listing(context(), ListQuery(), limit=limit)


def test_an_empty_page_ends_the_listing_even_with_a_next_link() -> None:
    sent: list[WireRequest] = []
    answer = lambda _r: page_response(0, 0, f"/fake/{ACCOUNT}/Messages?Page=1")  # noqa: E731
    assert list_all(Listing(context(), ListQuery()), answer, sent) == []
    assert len(sent) == 1


def test_a_page_naming_itself_as_next_is_refused_instead_of_looping() -> None:
    target = f"/fake/{ACCOUNT}/Messages?PageSize=50"
    sent: list[WireRequest] = []
    with pytest.raises(UnexpectedDocument, match="page after itself"):
        list_all(Listing(context(), ListQuery()), lambda _r: page_response(0, 2, target), sent)
    assert len(sent) == 1
