"""Every operation, on every registered backend, through Client and AsyncClient alike.

The server is the backends' own server side (``parse_request`` and ``render_*``) over a dict, behind
``httpx.MockTransport``: a fake Twilio that speaks exactly the dialect under test and checks the
``Authorization`` header on every request. The async client is driven by the same test bodies
through a small adapter that runs each call on a private event loop; a few tests use ``async for``
and ``async with`` natively through ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import weakref
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest

from compat import backends, segments
from compat.backends.base import (
    Backend,
    Operation,
)
from compat.client import AsyncClient
from compat.errors import ApiError, BodyTooLong, UnsupportedOperation
from compat.model import Message, MessagePage, Status
from compat.wire import WireResponse
from tests.fake_twilio import (
    ACCOUNT,
    BACKENDS,
    JENNY,
    ME,
    TOKEN,
    FakeTwilio,
    client_factory,
)


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
        received.extend(client.messages.stream(page_size=10))
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


# -- stream() holds one page ------------------------------------------------------------------


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
def test_streaming_ten_thousand_messages_holds_one_page_at_a_time(
    name: str, make_client: Any
) -> None:
    server = FakeTwilio(backends.get(name))
    server.seed(10_000)
    backend = counting(server.backend)
    client = make_client(backend=backend, transport=server.transport())
    page_size = 200
    most_alive = seen = 0
    for index, message in enumerate(client.messages.stream(page_size=page_size)):
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
    iterator = client.messages.stream(page_size=10)
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
