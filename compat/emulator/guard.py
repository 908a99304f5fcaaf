"""A deadline on receiving each request, for the HTTP server (uvicorn's h11 protocol).

Rules this module keeps:

* A connection must deliver each request, its headers and its whole body, within
  ``read_timeout`` seconds: timed from the connection's opening for its first request, from the
  first byte of each later one. A connection that does not (headers that never end, a body
  shorter than its ``Content-Length``, a chunk that never arrives) is closed without an answer;
  the request it was sending is never acted on (:mod:`.asgi` drops a body cut short).
* Idle keep-alive connections between requests are uvicorn's business (``timeout_keep_alive``);
  the deadline runs only while a request is being received.
* One timer on the event loop per connection and nothing else: stalled connections take no thread
  and never delay other requests.
* The protocol's state is read, never changed: the guard looks at the h11 connection's
  ``their_state`` (``IDLE`` or ``SEND_BODY``: the request is still arriving) and closes the
  transport. It is a mixin over uvicorn's h11 protocol class, handed to uvicorn as ``http=``.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import h11

__all__ = ["DeadlineMixin", "guarded_protocol"]

#: The client's h11 states in which its request has not fully arrived.
_RECEIVING = frozenset({h11.IDLE, h11.SEND_BODY})


class DeadlineMixin(asyncio.Protocol):
    """Closes a connection whose request is not received within :attr:`read_timeout` seconds."""

    read_timeout: float = 10.0
    conn: Any  # the h11.Connection of the protocol this is mixed into
    _deadline: asyncio.TimerHandle | None = None
    _guarded: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._guarded = cast(asyncio.Transport, transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and self.conn.their_state is h11.IDLE:
            self._arm()  # a new request begins
        super().data_received(data)
        if self.conn.their_state not in _RECEIVING:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(self.read_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        transport = self._guarded
        if transport is None or transport.is_closing():
            return
        if self.conn.their_state in _RECEIVING:
            transport.close()


def guarded_protocol(base: type[asyncio.Protocol], read_timeout: float) -> type[asyncio.Protocol]:
    """``base`` (uvicorn's h11 protocol class) with a request deadline of ``read_timeout`` s."""
    if not read_timeout > 0:
        raise ValueError(f"read_timeout must be more than 0 seconds, got {read_timeout!r}")
    name = f"Guarded{base.__name__}"
    made = type(name, (DeadlineMixin, base), {"read_timeout": float(read_timeout)})
    return cast("type[asyncio.Protocol]", made)
