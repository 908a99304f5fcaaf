"""Test support for the client tests: a fake Twilio and one way to build either client.

``FakeTwilio`` is the backends' own server side (``parse_request`` and ``render_*``) over a dict,
behind ``httpx.MockTransport``: it speaks exactly the dialect under test and checks the
``Authorization`` header on every request. ``client_factory`` builds a ``Client`` or an
``AsyncClient`` behind a blocking adapter, so one test body drives both.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import attrs
import httpx

from compat import backends
from compat._http import basic_authorization
from compat.backends.base import (
    Backend,
    CreateCall,
    DeleteCall,
    FetchCall,
    ListCall,
    UpdateCall,
)
from compat.client import AsyncClient, Client
from compat.errors import ApiError
from compat.model import Message, Status
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


class Blocking:
    """An async object driven from sync code: each awaited call runs to completion on ``loop``."""

    def __init__(self, inner: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._inner = inner
        self._loop = loop

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._inner, name)
        return lambda *args, **kwargs: self._loop.run_until_complete(method(*args, **kwargs))


class BlockingMessages(Blocking):
    """AsyncMessages driven from sync code: ``list`` is awaited whole, ``stream`` iterated one
    ``__anext__`` at a time, ``messages(sid)`` gives a blocking context."""

    def stream(self, *args: Any, **filters: Any) -> Iterator[Message]:
        return self._drain(self._inner.stream(*args, **filters))  # arguments checked now

    def _drain(self, iterator: AsyncIterator[Message]) -> Iterator[Message]:
        while True:
            try:
                yield self._loop.run_until_complete(iterator.__anext__())
            except StopAsyncIteration:
                return

    def __call__(self, *args: Any, **kwargs: Any) -> Blocking:
        return Blocking(self._inner(*args, **kwargs), self._loop)


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
