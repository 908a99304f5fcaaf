"""The official twilio library's shapes on both clients: ``list()`` a list, ``stream()`` lazy,
``page()`` / ``get_page()`` / ``next_page()`` one page at a time, ``messages(sid)`` a context; the
async ``list()`` both awaited and iterated; ``base_url`` from ``TWILIO_BASE_URL``.

Most tests run every body against Client and AsyncClient (through the blocking adapter of
:mod:`tests.fake_twilio`) on every registered backend.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from twilio.rest.api.v2010.account.message import MessageList

from compat import backends
from compat.async_messages import AsyncMessageContext, AsyncMessageListing, AsyncMessages
from compat.backends.base import Operation
from compat.client import AsyncClient, Client
from compat.emulator import Emulator
from compat.errors import ConfigurationError, InvalidParameter, UnsupportedOperation
from compat.messages import MessageContext, Messages
from compat.model import Message, MessagePage, Status
from tests.fake_twilio import ACCOUNT, BACKENDS, JENNY, ME, TOKEN, FakeTwilio, client_factory


@pytest.fixture(params=["sync", "async"])
def make_client(request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    with client_factory(request.param) as make:
        yield make


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest) -> FakeTwilio:
    return FakeTwilio(backends.get(request.param))


@pytest.fixture(autouse=True)
def no_base_url_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_BASE_URL", raising=False)


# -- list, stream ------------------------------------------------------------------------------


def test_list_returns_a_list_with_every_page_fetched(server: FakeTwilio, make_client: Any) -> None:
    server.seed(25)
    client = make_client(backend=server.backend.name, transport=server.transport())
    listed = client.messages.list(page_size=10)
    assert type(listed) is list
    assert server.list_requests == 3
    assert [m.sid for m in listed] == list(server.messages)


def test_list_keeps_the_meaning_of_limit(server: FakeTwilio, make_client: Any) -> None:
    server.seed(25)
    client = make_client(backend=server.backend.name, transport=server.transport())
    assert [m.sid for m in client.messages.list(limit=12, page_size=5)] == list(
        server.messages)[:12]
    assert server.list_requests == 3
    assert client.messages.list(limit=0) == []


def test_stream_is_lazy_and_stops_at_the_limit(server: FakeTwilio, make_client: Any) -> None:
    server.seed(30)
    client = make_client(backend=server.backend.name, transport=server.transport())
    stream = client.messages.stream(limit=15, page_size=10)
    assert server.requests == []
    first = next(stream)
    assert server.list_requests == 1
    rest = list(stream)
    assert [first, *rest] == client.messages.list(limit=15, page_size=10)
    assert len(rest) == 14


# -- page, get_page, next_page -----------------------------------------------------------------


def test_page_returns_one_page_and_next_page_walks_the_rest(
    server: FakeTwilio, make_client: Any
) -> None:
    server.seed(23, to=JENNY)
    server.seed(4, to="+15550001111")
    client = make_client(backend=server.backend.name, transport=server.transport())
    page = client.messages.page(to=JENNY, page_size=10)
    assert isinstance(page, MessagePage)
    assert server.list_requests == 1
    assert len(page) == 10
    assert page.next_page_uri is not None, "every dialect's first page links to the next"
    pages = [page]
    while (page := client.messages.next_page(page)) is not None:
        pages.append(page)
    assert [len(p) for p in pages] == [10, 10, 3]
    assert [p.page for p in pages] == [0, 1, 2]
    assert pages[-1].next_page_uri is None
    assert [m.sid for p in pages for m in p] == list(server.messages)[:23]
    assert server.list_requests == 3


def test_get_page_follows_a_page_uri_relative_or_absolute(
    server: FakeTwilio, make_client: Any
) -> None:
    server.seed(12)
    client = make_client(backend=server.backend.name, transport=server.transport())
    first = client.messages.page(page_size=5)
    assert first.next_page_uri is not None
    second = client.messages.get_page(first.next_page_uri)
    again = client.messages.get_page("https://api.twilio.com" + first.next_page_uri)
    assert [m.sid for m in second] == [m.sid for m in again] == list(server.messages)[5:10]
    assert first.uri is not None
    assert [m.sid for m in client.messages.get_page(first.uri)] == [m.sid for m in first]


def test_page_number_picks_a_page(server: FakeTwilio, make_client: Any) -> None:
    server.seed(12)
    client = make_client(backend=server.backend.name, transport=server.transport())
    page = client.messages.page(page_number=2, page_size=5)
    assert page.page == 2
    assert [m.sid for m in page] == list(server.messages)[10:]


@pytest.mark.parametrize("target", [
    "/2010-04-01/Accounts/AC" + "e" * 32 + "/Messages.json",  # another account
    "https://evil.example/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json",  # another host
    "//evil.example/x",
    "/2010-04-01/Accounts/" + ACCOUNT + "/Messages/SM" + "0" * 32 + ".json",  # not a list
    "not a uri",
    "",
])
def test_get_page_refuses_what_is_not_a_page_of_this_account(
    target: str, make_client: Any
) -> None:
    server = FakeTwilio(backends.get("2010-04-01"))
    client = make_client(transport=server.transport())
    with pytest.raises(InvalidParameter, match="is not a page of account"):
        client.messages.get_page(target)
    assert server.requests == []


def test_another_dialects_page_uri_is_refused(make_client: Any) -> None:
    server = FakeTwilio(backends.get("2008-08-01"))
    client = make_client(backend="2008-08-01", transport=server.transport())
    with pytest.raises(InvalidParameter, match="2008-08-01"):
        client.messages.get_page(f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=5")
    assert server.requests == []


def test_next_page_of_a_last_page_is_none_without_a_request(make_client: Any) -> None:
    server = FakeTwilio(backends.get("2010-04-01"))
    server.seed(3)
    client = make_client(transport=server.transport())
    page = client.messages.page()
    assert client.messages.next_page(page) is None
    assert server.list_requests == 1
    with pytest.raises(InvalidParameter, match="MessagePage"):
        client.messages.next_page("/2010-04-01/...")


@pytest.mark.parametrize("dialect", BACKENDS)
def test_paging_through_the_emulator_in_every_dialect(dialect: str) -> None:
    with Emulator() as emulator, emulator.client(dialect) as client:
        sent = [client.messages.create(to=JENNY, from_=ME, body=f"n{n}").sid for n in range(7)]
        page = client.messages.page(page_size=3)
        pages = [page]
        while (page := client.messages.next_page(page)) is not None:
            pages.append(page)
        assert [len(p) for p in pages] == [3, 3, 1]
        assert sorted(m.sid for p in pages for m in p) == sorted(sent)
        assert pages[1].uri is not None
        assert [m.sid for m in client.messages.get_page(pages[1].uri)] == [
            m.sid for m in pages[1]]
        assert sorted(m.sid for m in client.messages.list(page_size=2)) == sorted(sent)


# -- messages(sid) -----------------------------------------------------------------------------


def test_a_message_context_fetches_updates_and_deletes(
    server: FakeTwilio, make_client: Any
) -> None:
    client = make_client(backend=server.backend.name, transport=server.transport())
    sid = client.messages.create(to=JENNY, from_=ME, body="context").sid
    message = client.messages(sid)
    assert message.fetch().body == "context"
    if Operation.UPDATE not in server.backend.operations:
        with pytest.raises(UnsupportedOperation, match="'redact'"):
            message.redact()
        with pytest.raises(UnsupportedOperation, match="'delete'"):
            message.delete()
        return
    assert message.update(body="").body == ""
    assert message.cancel().status == Status.CANCELED
    assert message.redact().body == ""
    assert message.update(status="canceled").status == Status.CANCELED
    assert message.delete() is True
    assert sid not in server.messages


def test_a_message_context_refuses_a_bad_sid_at_once(make_client: Any) -> None:
    server = FakeTwilio(backends.get("2010-04-01"))
    client = make_client(transport=server.transport())
    with pytest.raises(InvalidParameter, match="not a message SID"):
        client.messages("../Calls")
    with pytest.raises(InvalidParameter, match="update"):
        client.messages("SM" + "0" * 32).update("", status="canceled")
    assert server.requests == []


@pytest.mark.parametrize("call", [
    lambda m: m.page(limit=5),
    lambda m: m.stream(page_token="x"),
    lambda m: m.list(page_number=1),
    lambda m: m.get_page(),
    lambda m: m.next_page(),
    lambda m: m(),
])
def test_arguments_that_do_not_fit_raise_invalid_parameter(
    call: Callable[[Any], Any], make_client: Any
) -> None:
    server = FakeTwilio(backends.get("2010-04-01"))
    client = make_client(transport=server.transport())
    with pytest.raises(InvalidParameter):
        call(client.messages)
    assert server.requests == []


def test_reprs_name_the_backend_and_the_sid() -> None:
    with Client(ACCOUNT, TOKEN, backend="2008-08-01",
                transport=FakeTwilio(backends.get("2008-08-01")).transport()) as client:
        assert repr(client.messages) == "<Messages backend='2008-08-01'>"
        assert repr(client.messages("SM" + "a" * 32)) == f"<MessageContext sid='SM{'a' * 32}'>"


# -- native async ------------------------------------------------------------------------------


def test_async_list_can_be_awaited_or_iterated() -> None:
    server = FakeTwilio(backends.get("2010-04-01"))
    server.seed(7)

    async def scenario() -> tuple[list[Message], list[Message], list[Message]]:
        async with AsyncClient(ACCOUNT, TOKEN, transport=server.transport()) as client:
            listing = client.messages.list(page_size=3)
            assert isinstance(listing, AsyncMessageListing)
            awaited = await client.messages.list(page_size=3)
            iterated = [m async for m in client.messages.list(page_size=3)]
            half = client.messages.list(page_size=3)
            head = [await half.__anext__(), await half.__anext__()]
            tail = await half  # the messages not yet iterated
            await listing.aclose()
            return awaited, iterated, head + tail

    awaited, iterated, combined = asyncio.run(scenario())
    assert type(awaited) is list
    assert [m.sid for m in awaited] == [m.sid for m in iterated] == [m.sid for m in combined]
    assert len(awaited) == 7


def test_async_stream_page_and_contexts() -> None:
    server = FakeTwilio(backends.get("2010-04-01"))
    server.seed(5)

    async def scenario() -> None:
        async with AsyncClient(ACCOUNT, TOKEN, transport=server.transport()) as client:
            stream = client.messages.stream(page_size=2)
            assert server.requests == []
            assert len([m async for m in stream]) == 5
            page = await client.messages.page(page_size=2)
            following = await client.messages.next_page(page)
            assert following is not None
            assert following.page == 1
            assert page.next_page_uri is not None
            assert (await client.messages.get_page(page.next_page_uri)) == following
            context = client.messages(page.items[0].sid)
            assert isinstance(context, AsyncMessageContext)
            assert (await context.fetch()).sid == page.items[0].sid
            assert (await context.redact()).body == ""
            assert await context.delete() is True
            with pytest.raises(InvalidParameter):
                client.messages.stream(limit=-1)

    asyncio.run(scenario())


def test_sync_and_async_messages_offer_the_same_operations() -> None:
    def public(cls: type) -> set[str]:
        return {n for n in vars(cls) if not n.startswith("_") or n == "__call__"}

    assert public(Messages) == public(AsyncMessages)
    assert public(MessageContext) == public(AsyncMessageContext)
    assert not issubclass(AsyncMessages, Messages)
    assert not issubclass(AsyncMessageContext, MessageContext)


def test_names_follow_the_official_library() -> None:
    for name in ("list", "stream", "page", "get_page", "create"):
        theirs = set(inspect.signature(getattr(MessageList, name)).parameters) - {"self"}
        ours = set(inspect.signature(getattr(Messages, name)).parameters) - {"self", "options",
                                                                            "body_policy"}
        if name == "create":
            assert ours <= theirs, ours - theirs
        else:
            assert ours == theirs, (name, ours ^ theirs)


# -- base_url from the environment -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_base_url_comes_from_the_environment(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_BASE_URL", "http://127.0.0.1:9/mount/")
    client = (Client(ACCOUNT, TOKEN) if kind == "sync" else AsyncClient(ACCOUNT, TOKEN))
    assert "base_url='http://127.0.0.1:9/mount'" in repr(client)
    argument = (Client(ACCOUNT, TOKEN, base_url="https://api.twilio.com") if kind == "sync"
                else AsyncClient(ACCOUNT, TOKEN, base_url="https://api.twilio.com"))
    assert "base_url='https://api.twilio.com'" in repr(argument)


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_BASE_URL", "")
    assert "base_url='https://api.twilio.com'" in repr(Client(ACCOUNT, TOKEN))


@pytest.mark.parametrize("bad", ["api.twilio.com", "ftp://h", "https://h/?q=1", "http://[::1"])
def test_a_bad_variable_is_a_configuration_error_naming_it(
    bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_BASE_URL", bad)
    with pytest.raises(ConfigurationError, match="TWILIO_BASE_URL"):
        Client(ACCOUNT, TOKEN)


@pytest.mark.parametrize("url", ["https://user:s3cr3t@api.twilio.com",
                                 "http://AC1:s3cr3t@127.0.0.1"])
def test_a_base_url_carrying_credentials_is_refused_without_echoing_them(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigurationError, match="user name or password") as caught:
        Client(ACCOUNT, TOKEN, base_url=url)
    assert "s3cr3t" not in str(caught.value)
    monkeypatch.setenv("TWILIO_BASE_URL", url)
    with pytest.raises(ConfigurationError, match="TWILIO_BASE_URL"):
        Client(ACCOUNT, TOKEN)
