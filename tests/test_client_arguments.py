"""Client methods refuse arguments that do not fit them with InvalidParameter, before any request,
sync and async alike; a TypeError raised inside a method is not disguised."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from compat import AsyncClient, Client, InvalidParameter, flows

AC, TOKEN = "AC" + "0" * 32, "secret-token"
SM = "SM" + "1" * 32


def _unreachable(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request may be sent, got {request.method} {request.url}")


def _sync() -> Client:
    return Client(AC, TOKEN, transport=httpx.MockTransport(_unreachable))


def _async() -> AsyncClient:
    return AsyncClient(AC, TOKEN, transport=httpx.MockTransport(_unreachable))


CALLS: list[tuple[str, Callable[[Any], Any], str | None]] = [
    ("create-unknown", lambda m: m.create(to="+15558675310", from_="+15005550006", body="x",
                                          colour="red"), "colour"),
    ("create-media-urls", lambda m: m.create(to="+15558675310", from_="+15005550006",
                                             media_urls=["https://example.com/a.png"]),
     "media_urls"),
    ("create-missing-to", lambda m: m.create(from_="+15005550006", body="x"), "to"),
    ("fetch-unknown", lambda m: m.fetch(SM, expand=True), "expand"),
    ("fetch-positional", lambda m: m.fetch(SM, SM), None),
    ("list-unknown", lambda m: m.list(sender="+15005550006"), "sender"),
    ("update-unknown", lambda m: m.update(SM, price="1"), "price"),
    ("redact-unknown", lambda m: m.redact(SM, body=""), "body"),
    ("cancel-unknown", lambda m: m.cancel(SM, reason="late"), "reason"),
    ("delete-unknown", lambda m: m.delete(SM, force=True), "force"),
]


@pytest.mark.parametrize(("name", "call", "parameter"), CALLS, ids=[c[0] for c in CALLS])
def test_sync_methods_refuse_bad_arguments(name: str, call: Callable[[Any], Any],
                                           parameter: str | None) -> None:
    with _sync() as client, pytest.raises(InvalidParameter) as caught:
        call(client.messages)
    assert caught.value.parameter == parameter
    assert not isinstance(caught.value, TypeError)


@pytest.mark.parametrize(("name", "call", "parameter"), CALLS, ids=[c[0] for c in CALLS])
def test_async_methods_refuse_bad_arguments(name: str, call: Callable[[Any], Any],
                                            parameter: str | None) -> None:
    async def invoke(messages: Any) -> None:
        result = call(messages)  # a binding error raises here, before any coroutine exists
        if asyncio.iscoroutine(result):
            await result  # options of create are read when it runs

    async def run() -> None:
        async with _async() as client:
            with pytest.raises(InvalidParameter) as caught:
                await invoke(client.messages)
            assert caught.value.parameter == parameter

    asyncio.run(run())


def test_a_type_error_inside_a_method_is_not_disguised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise TypeError("raised inside the method")

    monkeypatch.setattr(flows, "fetch", broken)
    with _sync() as client, pytest.raises(TypeError, match="inside the method") as caught:
        client.messages.fetch(SM)
    assert not isinstance(caught.value, InvalidParameter)
