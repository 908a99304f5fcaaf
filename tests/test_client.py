"""Every operation, on every registered backend, through Client and AsyncClient alike.

The server is the backends' own server side (``parse_request`` and ``render_*``) over a dict, behind
``httpx.MockTransport``: a fake Twilio that speaks exactly the dialect under test and checks the
``Authorization`` header on every request. The async client is driven by the same test bodies
through a small adapter that runs each call on a private event loop; a few tests use ``async for``
and ``async with`` natively through ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ClassVar

import attrs
import httpx
import pytest

from compat import backends, segments
from compat._http import basic_authorization
from compat.backends.base import (
    Backend,
    CreateCall,
    DeleteCall,
    FetchCall,
    ListCall,
    Operation,
    UpdateCall,
)
from compat.client import AsyncClient, Client
from compat.errors import ApiError, BodyTooLong, UnsupportedOperation
from compat.model import Message, MessagePage, Status
from compat.wire import WireRequest, WireResponse

ACCOUNT = "AC" + "0123456789abcdef" * 2
TOKEN = "secret-token-value"
JENNY = "+15558675309"
ME = "+14155551212"
BACKENDS = backends.names()
NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)


class FakeTwilio:
    """A stateful fake API made of one backend's server side. ``requests`` records what came in;
    ``fail_list_page`` makes that zero-based list request answer 500. ``mount`` is the path the
    API is served under (``/proxy`` for ``http://host/proxy``)."""

    def __init__(
        self, backend: Backend, *, authorization: str | None = None, mount: str = ""
    ) -> None:
        self.backend = backend
        self.mount = mount
        self.authorization = authorization or basic_authorization(ACCOUNT, TOKEN)
        self.messages: dict[str, Message] = {}
        self.requests: list[httpx.Request] = []
        self.list_requests = 0
        self.fail_list_page: int | None = None

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def seed(self, count: int, *, to: str = JENNY) -> None:
        for _ in range(count):
            self._store(to=to, from_=ME, body="seeded")

    def _store(self, **fields: Any) -> Message:
        sid = f"SM{len(self.messages) + 1:032x}"
        message = Message(sid=sid, account_sid=ACCOUNT, status=Status.QUEUED,
                          direction="outbound-api", date_created=NOW, date_updated=NOW,
                          api_version=self.backend.api_version, **fields)
        self.messages[sid] = message
        return message

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        target = request.url.raw_path.decode("ascii")
        wire = WireRequest.from_target(request.method, target.removeprefix(self.mount),
                                       request.headers.multi_items(), request.content)
        try:
            if not target.startswith(self.mount):
                raise ApiError(404, f"nothing is mounted at {target}", 20404)
            answer = self._answer(wire, request.headers.get("authorization"))
        except ApiError as error:
            answer = self.backend.render_error(error)
        return httpx.Response(answer.status, headers=list(answer.headers), content=answer.body)

    def _answer(self, request: WireRequest, authorization: str | None) -> WireResponse:
        if authorization != self.authorization:
            raise ApiError(401, "Authenticate", 20003)
        call = self.backend.parse_request(request)
        if call is None:
            raise ApiError(404, f"no route for {request.path}", 20404)
        if isinstance(call, CreateCall):
            new = call.message
            created = self._store(to=new.to, from_=new.from_, body=new.body)
            return self.backend.render_message(created, created=True)
        if isinstance(call, ListCall):
            return self._page(call)
        if call.sid not in self.messages:
            raise ApiError(404, f"The requested resource {request.path} was not found", 20404)
        if isinstance(call, FetchCall):
            return self.backend.render_message(self.messages[call.sid])
        if isinstance(call, UpdateCall):
            change = {"body": call.update.body} if call.update.body is not None else {}
            if call.update.status is not None:
                change["status"] = call.update.status
            updated = attrs.evolve(self.messages[call.sid], **change)
            self.messages[call.sid] = updated
            return self.backend.render_message(updated)
        assert isinstance(call, DeleteCall)
        del self.messages[call.sid]
        return self.backend.render_deleted()

    def _page(self, call: ListCall) -> WireResponse:
        index = self.list_requests
        self.list_requests += 1
        if index == self.fail_list_page:
            raise ApiError(500, "Internal Server Error", 20500)
        query = call.query
        matching = [m for m in self.messages.values()
                    if query.to in (None, m.to) and query.from_ in (None, m.from_)]
        number, size = query.page or 0, query.page_size or 50
        items = tuple(matching[number * size:(number + 1) * size])
        page = self.backend.make_page(call.account_sid, query, items, page=number,
                                      page_size=size, total=len(matching))
        return self.backend.render_page(page)


# -- one test body for both clients ------------------------------------------------------------


class BlockingMessages:
    """AsyncMessages driven from sync code: each call runs to completion on ``loop``."""

    def __init__(self, messages: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._messages = messages
        self._loop = loop

    def list(self, **filters: Any) -> Iterator[Message]:
        iterator: AsyncIterator[Message] = self._messages.list(**filters)
        while True:
            try:
                yield self._loop.run_until_complete(iterator.__anext__())
            except StopAsyncIteration:
                return

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._messages, name)
        return lambda *args, **kwargs: self._loop.run_until_complete(method(*args, **kwargs))


class BlockingClient:
    def __init__(self, client: AsyncClient, loop: asyncio.AbstractEventLoop) -> None:
        self.inner = client
        self.messages = BlockingMessages(client.messages, loop)


@contextlib.contextmanager
def client_factory(kind: str) -> Iterator[Callable[..., Any]]:
    """Yields ``make(*args, **options)`` building a Client (``kind="sync"``) or an AsyncClient
    behind the blocking adapter (``"async"``); closes every client made when the block ends."""
    loop = asyncio.new_event_loop()
    opened: list[Client | AsyncClient] = []

    def make(*args: Any, **options: Any) -> Any:
        args = args or (ACCOUNT, TOKEN)
        if kind == "sync":
            client = Client(*args, **options)
            opened.append(client)
            return client
        async_client = AsyncClient(*args, **options)
        opened.append(async_client)
        return BlockingClient(async_client, loop)

    try:
        yield make
    finally:
        for client in opened:
            if isinstance(client, Client):
                client.close()
            else:
                loop.run_until_complete(client.aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


@pytest.fixture(params=["sync", "async"])
def make_client(request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    with client_factory(request.param) as make:
        yield make


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest) -> FakeTwilio:
    return FakeTwilio(backends.get(request.param))


def supports(server: FakeTwilio, operation: Operation) -> bool:
    return operation in server.backend.operations


# -- the registry ------------------------------------------------------------------------------


def test_the_three_built_in_backends_are_all_tested() -> None:
    assert {"2008-08-01", "2010-04-01", "2010-04-01-sms"} <= set(BACKENDS)


# -- create, fetch, list -----------------------------------------------------------------------


def test_create_sends_the_message_and_returns_it(server: FakeTwilio, make_client: Any) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    message = client.messages.create(to="(555) 867-5309", from_=ME, body="Hi Jenny!")
    assert isinstance(message, Message)
    assert (message.to, message.from_, message.body) == (JENNY, ME, "Hi Jenny!")
    assert list(server.messages) == [message.sid]
    [sent] = server.requests
    assert sent.method == "POST"
    assert sent.url.host == "api.twilio.com"


def test_fetch_returns_the_stored_message(server: FakeTwilio, make_client: Any) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    created = client.messages.create(to=JENNY, from_=ME, body="fetch me")
    fetched = client.messages.fetch(created.sid)
    assert (fetched.sid, fetched.body, fetched.to) == (created.sid, "fetch me", JENNY)
    assert [r.method for r in server.requests] == ["POST", "GET"]


def test_fetching_a_missing_message_raises_api_error_naming_the_request(
    server: FakeTwilio, make_client: Any
) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    missing = "SM" + "f" * 32
    with pytest.raises(ApiError) as caught:
        client.messages.fetch(missing)
    error = caught.value
    assert error.status == 404
    assert error.method == "GET"
    assert error.url is not None
    assert error.url.startswith(f"https://api.twilio.com/{server.backend.api_version}/Accounts/")
    assert missing in error.url


def test_list_filters_and_pages_through_everything(server: FakeTwilio, make_client: Any) -> None:
    server.seed(23, to=JENNY)
    server.seed(5, to="+15550001111")
    client = make_client(backend=server.backend.name, transport=server.transport())
    listed = list(client.messages.list(to="(555) 867-5309", page_size=10))
    assert len(listed) == 23
    assert {m.to for m in listed} == {JENNY}
    assert len({m.sid for m in listed}) == 23
    assert server.list_requests == 3


def test_list_stops_at_the_limit(server: FakeTwilio, make_client: Any) -> None:
    server.seed(40)
    client = make_client(backend=server.backend.name, transport=server.transport())
    listed = list(client.messages.list(limit=25, page_size=10))
    assert [m.sid for m in listed] == list(server.messages)[:25]
    assert server.list_requests == 3


def test_list_sends_date_filters(server: FakeTwilio, make_client: Any) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    assert list(client.messages.list(date_sent_after=dt.date(2024, 5, 1))) == []
    [sent] = server.requests
    assert "2024-05-01" in sent.url.query.decode()


def test_a_failing_list_page_raises_api_error(server: FakeTwilio, make_client: Any) -> None:
    server.seed(30)
    server.fail_list_page = 1
    client = make_client(backend=server.backend.name, transport=server.transport())
    received: list[Message] = []
    with pytest.raises(ApiError) as caught:
        received.extend(client.messages.list(page_size=10))
    assert len(received) == 10
    assert caught.value.status == 500
    assert caught.value.method == "GET"
    assert caught.value.url is not None
    assert "/Accounts/" in caught.value.url


# -- update, redact, cancel, delete ------------------------------------------------------------


def test_redact_blanks_the_body_or_is_refused_before_sending(
    server: FakeTwilio, make_client: Any
) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    sid = client.messages.create(to=JENNY, from_=ME, body="secret plans").sid
    if not supports(server, Operation.UPDATE):
        with pytest.raises(UnsupportedOperation) as caught:
            client.messages.redact(sid)
        assert (caught.value.backend, caught.value.operation) == (server.backend.name, "redact")
        assert server.backend.name in str(caught.value)
        assert len(server.requests) == 1
        return
    redacted = client.messages.redact(sid)
    assert redacted.body == ""
    assert server.messages[sid].body == ""


def test_cancel_sets_the_status_or_is_refused_before_sending(
    server: FakeTwilio, make_client: Any
) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    sid = client.messages.create(to=JENNY, from_=ME, body="later").sid
    if not supports(server, Operation.UPDATE):
        with pytest.raises(UnsupportedOperation, match="'cancel'"):
            client.messages.cancel(sid)
        assert len(server.requests) == 1
        return
    assert client.messages.cancel(sid).status == Status.CANCELED
    assert server.messages[sid].status == Status.CANCELED


def test_update_applies_a_redaction_or_is_refused_before_sending(
    server: FakeTwilio, make_client: Any
) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    sid = client.messages.create(to=JENNY, from_=ME, body="x").sid
    if not supports(server, Operation.UPDATE):
        with pytest.raises(UnsupportedOperation, match="'update'"):
            client.messages.update(sid, body="")
        assert len(server.requests) == 1
        return
    assert client.messages.update(sid, body="").body == ""


def test_delete_removes_the_message_or_is_refused_before_sending(
    server: FakeTwilio, make_client: Any
) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    sid = client.messages.create(to=JENNY, from_=ME, body="bye").sid
    if not supports(server, Operation.DELETE):
        with pytest.raises(UnsupportedOperation) as caught:
            client.messages.delete(sid)
        assert (caught.value.backend, caught.value.operation) == (server.backend.name, "delete")
        assert len(server.requests) == 1
        return
    assert client.messages.delete(sid) is None
    assert sid not in server.messages
    assert server.requests[-1].method == "DELETE"


def test_2008_has_no_delete_or_redact() -> None:
    operations = backends.get("2008-08-01").operations
    assert Operation.DELETE not in operations
    assert Operation.UPDATE not in operations


# -- body length -------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_rejected_before_sending(
    server: FakeTwilio, make_client: Any
) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    limit = server.backend.max_body_length
    with pytest.raises(BodyTooLong) as caught:
        client.messages.create(to=JENNY, from_=ME, body="a" * (limit + 1))
    assert (caught.value.length, caught.value.limit) == (limit + 1, limit)
    assert caught.value.dialect == server.backend.name
    assert server.requests == []


def test_split_sends_the_pieces_in_order_and_returns_every_message(
    server: FakeTwilio, make_client: Any
) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    limit = server.backend.max_body_length
    body = " ".join(f"word{n}" for n in range(limit // 2))
    assert len(body) > 2 * limit
    sent = client.messages.create(to=JENNY, from_=ME, body=body, body_policy="split")
    expected = segments.split(body, limit=limit)
    assert [m.body for m in sent] == expected
    assert [m.sid for m in sent] == list(server.messages)
    assert "".join(m.body for m in sent) == body


def test_split_returns_a_one_item_list_when_the_body_fits(
    server: FakeTwilio, make_client: Any
) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    sent = client.messages.create(to=JENNY, from_=ME, body="short", body_policy="split")
    assert [m.body for m in sent] == ["short"]


# -- auto-paging holds one page ----------------------------------------------------------------


def counting(backend: Backend) -> Any:
    """The same backend, recording a weak reference to every page and message it parses."""

    class Counting(type(backend)):  # type: ignore[misc]
        pages: ClassVar[weakref.WeakSet[MessagePage]] = weakref.WeakSet()
        parsed: ClassVar[weakref.WeakSet[Message]] = weakref.WeakSet()
        total_parsed: ClassVar[int] = 0

        def parse_page(self, response: WireResponse) -> MessagePage:
            page = super().parse_page(response)
            type(self).pages.add(page)
            type(self).parsed.update(page.items)
            type(self).total_parsed += len(page.items)
            return page

    return Counting()


@pytest.mark.parametrize("name", ["2010-04-01", "2008-08-01"])
def test_listing_ten_thousand_messages_holds_one_page_at_a_time(
    name: str, make_client: Any
) -> None:
    server = FakeTwilio(backends.get(name))
    server.seed(10_000)
    backend = counting(server.backend)
    client = make_client(backend=backend, transport=server.transport())
    page_size = 200
    most_alive = seen = 0
    for index, message in enumerate(client.messages.list(page_size=page_size)):
        seen += 1
        most_alive = max(most_alive, len(backend.parsed))
        assert len(backend.pages) <= 1
        assert server.list_requests == index // page_size + 1, "pages must be fetched lazily"
        del message
    assert seen == 10_000
    assert backend.total_parsed == 10_000
    assert most_alive <= page_size
    assert server.list_requests == 10_000 // page_size


def test_pages_are_not_fetched_before_they_are_needed(make_client: Any) -> None:
    server = FakeTwilio(backends.get("2010-04-01"))
    server.seed(100)
    client = make_client(transport=server.transport())
    iterator = client.messages.list(page_size=10)
    assert server.requests == []
    next(iterator)
    assert server.list_requests == 1
    for _ in range(9):
        next(iterator)
    assert server.list_requests == 1
    next(iterator)
    assert server.list_requests == 2


# -- native async ------------------------------------------------------------------------------


def test_async_client_works_with_async_with_and_async_for() -> None:
    server = FakeTwilio(backends.get("2010-04-01"))

    async def scenario() -> list[str | None]:
        async with AsyncClient(ACCOUNT, TOKEN, transport=server.transport()) as client:
            for n in range(3):
                await client.messages.create(to=JENNY, from_=ME, body=f"n{n}")
            return [m.body async for m in client.messages.list(page_size=2)]

    assert asyncio.run(scenario()) == ["n0", "n1", "n2"]
    assert server.list_requests == 2


def test_async_list_checks_its_arguments_on_the_call() -> None:
    server = FakeTwilio(backends.get("2008-08-01"))

    async def scenario() -> None:
        async with AsyncClient(ACCOUNT, TOKEN, backend="2008-08-01",
                               transport=server.transport()) as client:
            with pytest.raises(ValueError, match="limit"):
                client.messages.list(limit=-1)

    asyncio.run(scenario())
    assert server.requests == []


def test_async_operations_run_concurrently_on_one_client() -> None:
    server = FakeTwilio(backends.get("2010-04-01"))

    async def scenario() -> list[Message]:
        async with AsyncClient(ACCOUNT, TOKEN, transport=server.transport()) as client:
            return list(await asyncio.gather(*(
                client.messages.create(to=JENNY, from_=ME, body=f"m{n}") for n in range(20)
            )))

    created = asyncio.run(scenario())
    assert sorted(m.body or "" for m in created) == sorted(f"m{n}" for n in range(20))
    assert len(server.messages) == 20
