"""A deadline on receiving each request, for the HTTP server (either of uvicorn's HTTP/1.1
protocols, httptools or h11).

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
* The protocol's state is read, never changed, and only what both of uvicorn's protocols keep:
  ``cycle``, the current request's (replaced when the next request's head is complete), and its
  ``more_body`` (false once the whole body has arrived). A request has arrived when the cycle is a
  new one since the deadline was armed and its body is complete. A head over
  :data:`compat._serving.MAX_HEAD` bytes is refused by :class:`compat._serving.HeadLimit`, which
  this mixin includes. It is mixed over uvicorn's protocol class and handed to uvicorn as ``http=``.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from compat._serving import HeadLimit

__all__ = ["DeadlineMixin", "guarded_protocol"]


class DeadlineMixin(HeadLimit):
    """Closes a connection whose request is not received within :attr:`read_timeout` seconds."""

    read_timeout: float = 10.0
    _deadline: asyncio.TimerHandle | None = None
    _guarded: asyncio.Transport | None = None
    _armed_after: Any = None  # the cycle in place when the deadline was armed

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._guarded = cast(asyncio.Transport, transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and (self.cycle is None or not self.cycle.more_body):
            self._arm()  # a new request begins
        super().data_received(data)
        if self._deadline is not None and self._arrived():
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arrived(self) -> bool:
        cycle = self.cycle
        return cycle is not None and cycle is not self._armed_after and not cycle.more_body

    def _arm(self) -> None:
        self._disarm()
        self._armed_after = self.cycle
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
        if not self._arrived():  # a request parsed since (h11 holds a pipelined one) is kept
            transport.close()


def guarded_protocol(base: type[asyncio.Protocol], read_timeout: float) -> type[asyncio.Protocol]:
    """``base`` (a uvicorn protocol class) with a request deadline of ``read_timeout`` s."""
    if not read_timeout > 0:
        raise ValueError(f"read_timeout must be more than 0 seconds, got {read_timeout!r}")
    name = f"Guarded{base.__name__}"
    made = type(name, (DeadlineMixin, base), {"read_timeout": float(read_timeout)})
    return cast("type[asyncio.Protocol]", made)
