"""ASGI plumbing the package's apps share (the emulator, the proxy, the cassette server).

Rules this module keeps:

* A request body is read whole or not at all (:func:`read_body`): a body over the limit or cut
  short by a disconnect is never handed on in part, so no request is acted on from half a body.
* One call is routed by :func:`route`: ``http`` scopes to the app, ``lifespan`` scopes through the
  lifespan protocol (the app's start and stop hooks awaited at those events), anything else
  refused with ``RuntimeError``.
* Plain ASGI: no server and no event loop is imported here, so the apps run in-process too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["BodyTooLarge", "ClientGone", "Receive", "Scope", "Send", "read_body", "route"]

Scope = MutableMapping[str, Any]
Event = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Event]]
Send = Callable[[Event], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


async def route(
    scope: Scope,
    receive: Receive,
    send: Send,
    http: Callable[[Scope, Receive, Send], Awaitable[None]],
    *,
    serves: str,
    start: Hook = _nothing,
    stop: Hook = _nothing,
) -> None:
    """Answer one ASGI call (see the module rules); ``serves`` names the app in the refusal."""
    kind = scope["type"]
    if kind == "http":
        await http(scope, receive, send)
    elif kind == "lifespan":
        while True:
            event = await receive()
            if event["type"] == "lifespan.startup":
                await start()
                await send({"type": "lifespan.startup.complete"})
            elif event["type"] == "lifespan.shutdown":
                await stop()
                await send({"type": "lifespan.shutdown.complete"})
                return
    else:
        raise RuntimeError(f"{serves} serves HTTP only, not {kind!r}")


class BodyTooLarge(Exception):
    """A request body over the reader's limit (the app answers 413)."""


class ClientGone(Exception):
    """The client disconnected before its request's body arrived whole (no answer is due)."""


async def read_body(receive: Receive, limit: int) -> bytes:
    """An ASGI request's whole body; :class:`BodyTooLarge` past ``limit`` bytes,
    :class:`ClientGone` when the client leaves first."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
