"""uvicorn's HTTP/1.1 protocol with a deadline for request heads: a stalled connection is dropped.

Rules: uvicorn closes idle keep-alive connections (``timeout_keep_alive``) but waits forever for a
request head that never finishes, because any byte received cancels that timer. This protocol arms
one more timer when a connection opens and after each response: if no complete request head has
arrived when it fires (no request being handled), the connection is closed. The deadline is the
``compat_header_timeout`` attribute :mod:`compat.proxy.server` sets on uvicorn's config (it travels
to worker processes with the config); under the ``uvicorn`` command, ``COMPAT_PROXY_HEADER_TIMEOUT``
or 10 seconds. Heads over :data:`compat._serving.MAX_HEAD` bytes are refused
(:class:`compat._serving.HeadLimit`).

The base is the protocol of :func:`compat._serving.server_stack` (httptools where installed, else
h11); the mixin reads only what both keep (``cycle``, ``on_response_complete``, the transport).
Loaded by uvicorn through its import string only; nothing in the package imports this module,
which needs uvicorn.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, cast

from uvicorn.importer import import_from_string

from compat._serving import PROTOCOLS, HeadLimit, server_stack

__all__ = [
    "DEFAULT_HEADER_TIMEOUT", "HeaderDeadlineMixin", "HeaderDeadlineProtocol", "header_deadline",
]

DEFAULT_HEADER_TIMEOUT = 10.0
ENV_HEADER_TIMEOUT = "COMPAT_PROXY_HEADER_TIMEOUT"


class HeaderDeadlineMixin(HeadLimit):
    """See the module docstring."""

    config: Any
    loop: asyncio.AbstractEventLoop
    logger: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        timeout = getattr(self.config, "compat_header_timeout", None)
        if timeout is None:  # served by the uvicorn command: the environment says
            timeout = os.environ.get(ENV_HEADER_TIMEOUT) or DEFAULT_HEADER_TIMEOUT
        self.header_timeout = float(timeout)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _expire(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered; the app's body timeout covers its body
        self.logger.info("closing a connection whose request head did not arrive within %g s",
                         self.header_timeout)
        self.transport.close()


def header_deadline(http: str) -> type[asyncio.Protocol]:
    """The protocol named ``http`` (a key of :data:`compat._serving.PROTOCOLS`) with the head
    deadline."""
    base = import_from_string(PROTOCOLS[http])
    made = type("HeaderDeadlineProtocol", (HeaderDeadlineMixin, base), {"__module__": __name__})
    return cast("type[asyncio.Protocol]", made)


#: What the proxy serves with (:data:`compat.proxy.server.PROTOCOL` names it).
HeaderDeadlineProtocol = header_deadline(server_stack().http)
