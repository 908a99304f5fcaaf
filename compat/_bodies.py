"""Reading an ASGI request's body: whole or not at all.

Rules: a body over the limit or cut short by a disconnect is never handed on in part, so no
request is acted on from half a body. Plain ASGI, no server and no event loop imported: the
emulator's and the proxy's apps read with it in-process too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["BodyTooLarge", "ClientGone", "read_body"]


class BodyTooLarge(Exception):
    """A request body over the reader's limit (the app answers 413)."""


class ClientGone(Exception):
    """The client disconnected before its request's body arrived whole (no answer is due)."""


async def read_body(
    receive: Callable[[], Awaitable[MutableMapping[str, Any]]], limit: int
) -> bytes:
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
