"""Every client operation, every backend, sync and async, against the in-process emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from compat import ApiError, BodyTooLong, UnsupportedOperation
from compat.backends import get as get_backend
from compat.backends.base import Operation
from compat.emulator import Emulator
from compat.model import Message, Status

BACKENDS = ["2008-08-01", "2010-04-01", "2010-04-01-sms"]
TO, FROM = "+15558675310", "+15005550006"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emulator = Emulator(seed=3, mode="manual")
    yield emulator
    emulator.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_sync_operations(emulator: Emulator, backend: str) -> None:
    dialect = get_backend(backend)
    client = emulator.client(backend)
    try:
        sent = [client.messages.create(to=TO, from_=FROM, body=f"n{i}") for i in range(7)]
        assert all(m.status is Status.QUEUED for m in sent)
        assert len({m.sid for m in sent}) == 7
        assert client.messages.fetch(sent[3].sid).body == "n3"
        listed = list(client.messages.list(to=TO, page_size=3))
        assert sorted(m.sid for m in listed) == sorted(m.sid for m in sent)
        assert len(list(client.messages.list(limit=4, page_size=3))) == 4
        with pytest.raises(BodyTooLong):
            client.messages.create(to=TO, from_=FROM, body="x" * (dialect.max_body_length + 1))
        if Operation.UPDATE in dialect.operations:
            assert client.messages.redact(sent[0].sid).body == ""
            assert emulator.message(sent[0].sid).body == ""
        else:
            with pytest.raises(UnsupportedOperation):
                client.messages.redact(sent[0].sid)
        if Operation.DELETE in dialect.operations:
            with pytest.raises(ApiError) as unfinished:  # manual mode: still queued
                client.messages.delete(sent[1].sid)
            assert (unfinished.value.status, unfinished.value.code) == (409, 20009)
            emulator.finish(sent[1].sid)
            client.messages.delete(sent[1].sid)
            with pytest.raises(ApiError) as info:
                client.messages.fetch(sent[1].sid)
            assert info.value.status == 404
        else:
            with pytest.raises(UnsupportedOperation):
                client.messages.delete(sent[1].sid)
            assert len(emulator.messages) == 7
    finally:
        client.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_async_operations(emulator: Emulator, backend: str) -> None:
    dialect = get_backend(backend)

    async def scenario() -> tuple[list[Message], list[Message]]:
        async with emulator.async_client(backend) as client:
            sent = [await client.messages.create(to=TO, from_=FROM, body=f"a{i}") for i in range(5)]
            assert (await client.messages.fetch(sent[2].sid)).body == "a2"
            listed = [m async for m in client.messages.list(page_size=2)]
            if Operation.DELETE in dialect.operations:
                emulator.finish(sent[0].sid)
                await client.messages.delete(sent[0].sid)
            else:
                with pytest.raises(UnsupportedOperation):
                    await client.messages.delete(sent[0].sid)
            return sent, listed

    sent, listed = asyncio.run(scenario())
    assert sorted(m.sid for m in listed) == sorted(m.sid for m in sent)
    remaining = 4 if Operation.DELETE in dialect.operations else 5
    assert len(emulator.messages) == remaining


def test_split_policy_sends_every_piece_in_order(emulator: Emulator) -> None:
    client = emulator.client("2008-08-01")
    try:
        body = " ".join(["word"] * 80)  # 399 characters: three 2008 messages
        pieces = client.messages.create(to=TO, from_=FROM, body=body, body_policy="split")
        assert len(pieces) == 3
        assert "".join(m.body or "" for m in pieces) == body
        stored = {m.sid: m.body for m in emulator.messages}
        assert [stored[m.sid] for m in pieces] == [m.body for m in pieces]
    finally:
        client.close()


def test_api_errors_name_the_request(emulator: Emulator) -> None:
    client = emulator.client("2010-04-01")
    try:
        with pytest.raises(ApiError) as info:
            client.messages.create(to="+15005550002", from_=FROM, body="magic")
        assert info.value.code == 21612
        assert info.value.method == "POST"
        assert info.value.url is not None
        assert info.value.url.endswith("/Messages.json")
    finally:
        client.close()


def test_split_send_cut_by_a_dead_connection_says_what_was_sent(emulator: Emulator) -> None:
    import httpx

    from compat import Client, ConnectError, PartialSend, RetryPolicy
    from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN

    inner = emulator.transport()
    calls = 0

    def first_then_refused(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return inner.handle_request(request)
        raise httpx.ConnectError("connection refused", request=request)

    client = Client(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, backend="2008-08-01",
                    base_url="http://emulator.test",
                    transport=httpx.MockTransport(first_then_refused),
                    retry=RetryPolicy(max_retries=2), sleep=lambda seconds: None)
    try:
        with pytest.raises(PartialSend) as caught:
            client.messages.create(to=TO, from_=FROM, body="word " * 70, body_policy="split")
    finally:
        client.close()
    assert caught.value.pieces == 3
    assert [m.sid for m in caught.value.sent] == [m.sid for m in emulator.messages]
    assert isinstance(caught.value.error, ConnectError)
    assert calls == 1 + 3  # the second piece: first try and two retries, then given up
