"""compat._asgi: a request body is read whole or not at all, for every app of the package (the
cassette server used to hand a truncated body on as the request), and every app answers the
lifespan protocol and refuses other scope types alike."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import pytest

from compat._asgi import BodyTooLarge, ClientGone, read_body, route
from compat.emulator import Emulator
from compat.emulator.asgi import MAX_BODY, EmulatorApp
from compat.proxy import ProxyApp, ProxyConfig
from compat.testing.cassette_server import CassetteApp
from compat.testing.replay import CassetteSession


def _receiver(*messages: dict[str, Any]) -> Callable[[], Awaitable[MutableMapping[str, Any]]]:
    queue = list(messages)

    async def receive() -> MutableMapping[str, Any]:
        return queue.pop(0)

    return receive


def _read(limit: int, *messages: dict[str, Any]) -> bytes:
    return asyncio.run(read_body(_receiver(*messages), limit))


def test_a_body_in_pieces_is_joined() -> None:
    assert _read(10, {"type": "http.request", "body": b"To=", "more_body": True},
                 {"type": "http.request", "body": b"+1"}) == b"To=+1"


def test_a_body_over_the_limit_is_refused_not_cut() -> None:
    with pytest.raises(BodyTooLarge):
        _read(4, {"type": "http.request", "body": b"abc", "more_body": True},
              {"type": "http.request", "body": b"de"})


def test_a_body_cut_short_by_a_disconnect_is_never_handed_on() -> None:
    with pytest.raises(ClientGone):
        _read(100, {"type": "http.request", "body": b"To=%2B1555", "more_body": True},
              {"type": "http.disconnect"})


def test_the_cassette_server_refuses_an_oversized_body(tmp_path: Any) -> None:
    session = CassetteSession(tmp_path / "empty.json", mode="none")
    app = CassetteApp(session)
    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/2010-04-01/Accounts/AC1/Messages.json",
             "query_string": b"",
             "headers": [(b"content-type", b"application/x-www-form-urlencoded")]}
    receive = _receiver({"type": "http.request", "body": b"x" * (MAX_BODY + 1)})
    try:
        asyncio.run(app(scope, receive, send))
    finally:
        app.close()
    assert sent[0]["status"] == 413
    assert not session.misses  # nothing was matched or recorded from a cut body


def _lifespan(app: Callable[..., Awaitable[None]]) -> list[str]:
    sent: list[str] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message["type"])

    receive = _receiver({"type": "lifespan.startup"}, {"type": "lifespan.shutdown"})
    asyncio.run(app({"type": "lifespan"}, receive, send))
    return sent


def test_route_runs_the_hooks_in_the_lifespan_protocol() -> None:
    seen: list[str] = []

    async def start() -> None:
        seen.append("start")

    async def stop() -> None:
        seen.append("stop")

    async def http(*_: object) -> None:
        seen.append("http")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await route(scope, receive, send, http, serves="the app", start=start, stop=stop)

    assert _lifespan(app) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert seen == ["start", "stop"]
    asyncio.run(app({"type": "http"}, _receiver(), _receiver()))
    assert seen == ["start", "stop", "http"]


def _app(name: str, tmp_path: Any) -> Any:
    if name == "the emulator":
        return EmulatorApp(Emulator())
    if name == "the proxy":
        return ProxyApp(ProxyConfig(upstream="http://127.0.0.1:9"))
    return CassetteApp(CassetteSession(tmp_path / "empty.json", mode="none"))


@pytest.mark.parametrize("name", ["the emulator", "the proxy", "the cassette server"])
def test_every_app_answers_the_lifespan_and_refuses_other_scopes(name: str, tmp_path: Any) -> None:
    app = _app(name, tmp_path)
    assert _lifespan(app) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    with pytest.raises(RuntimeError, match=f"{name} serves HTTP only, not 'websocket'"):
        asyncio.run(app({"type": "websocket"}, _receiver(), _receiver()))
