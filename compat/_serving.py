"""Serving an ASGI app of the package on a socket of its own: binding, and a uvicorn server run in
a background thread.

Rules this module keeps:

* Sockets are TCP with Nagle's algorithm off: asyncio only turns it off (``TCP_NODELAY``) on
  sockets whose proto is ``IPPROTO_TCP``, and with Nagle on every small answer waits about 40 ms
  for a delayed ACK. The socket is bound before the server starts, so its URL is known first.
* A threaded server returns from :meth:`ThreadedServer.start` only once it accepts connections,
  and :meth:`ThreadedServer.stop` waits for its thread. uvicorn, an optional extra, is imported
  on first use (:func:`load_uvicorn`), by this module alone; every served app has the same
  configuration (:func:`uvicorn_config`).
* Every server runs on one stack, :func:`server_stack`: uvicorn's httptools protocol on uvloop
  when those are installed (the ``server`` extra installs them; ``benchmarks/bench_served.py``
  measured them faster), else its h11 protocol on asyncio. The protocol-specific code is uvicorn's
  alone: what this package adds to a protocol (:class:`HeadLimit`, the emulator's read deadline,
  the proxy's head deadline) reads only what both of uvicorn's protocols have, ``cycle`` (the
  current request's, ``None`` before the first head is complete), its ``more_body`` and
  ``response_complete``, and the transport.
* A request head over :data:`MAX_HEAD` bytes is refused with a 431 and the connection closed, on
  either stack (h11's own limit is set to the same number).
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import threading
import time
from typing import Any, NamedTuple

from compat.errors import ConfigurationError

__all__ = [
    "MAX_HEAD",
    "PROTOCOLS",
    "HeadLimit",
    "Stack",
    "ThreadedServer",
    "base_url",
    "bind",
    "head_limited",
    "load_uvicorn",
    "server_stack",
    "uvicorn_config",
]

#: The longest request head (request line and headers) a server accepts, in bytes.
MAX_HEAD = 64 * 1024

#: uvicorn's HTTP/1.1 protocol classes, as import strings for ``uvicorn.importer``.
PROTOCOLS = {
    "httptools": "uvicorn.protocols.http.httptools_impl:HttpToolsProtocol",
    "h11": "uvicorn.protocols.http.h11_impl:H11Protocol",
}


class Stack(NamedTuple):
    """What uvicorn serves with: ``http`` a key of :data:`PROTOCOLS`, ``loop`` its loop name."""

    http: str
    loop: str


def load_uvicorn(serving: str) -> Any:
    """The ``uvicorn`` module; :class:`~compat.errors.ConfigurationError` saying how to install it
    when it is absent (``serving`` names what needed it: "the emulator", "the proxy")."""
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - depends on the installation
        raise ConfigurationError(
            f"serving {serving} needs uvicorn: pip install 'twilio-compat[server]'"
        ) from None
    return uvicorn


def uvicorn_config(uvicorn: Any, app: Any, *, http: Any, loop: str, **options: Any) -> Any:
    """The ``uvicorn.Config`` every served app shares: the lifespan protocol on, no websockets,
    ``http`` (a protocol class or its import string) on ``loop``, request heads capped at
    :data:`MAX_HEAD` on h11 too; ``options`` add the rest."""
    return uvicorn.Config(app, lifespan="on", ws="none", http=http, loop=loop,
                          h11_max_incomplete_event_size=MAX_HEAD, **options)


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def server_stack() -> Stack:
    """httptools and uvloop where installed, else h11 and asyncio (each chosen on its own)."""
    return Stack("httptools" if _installed("httptools") else "h11",
                 "uvloop" if _installed("uvloop") else "asyncio")


_HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 24\r\nconnection: close\r\n\r\nRequest head too large.\n"
)


class HeadLimit(asyncio.Protocol):
    """A mixin over a uvicorn HTTP protocol class: a request head still incomplete after
    :attr:`head_limit` bytes gets a 431 and the connection is closed. Bytes count from the end of
    the previous response (or the connection's opening) until the head is complete."""

    head_limit: int = MAX_HEAD
    cycle: Any  # the protocol's current request/response cycle
    transport: Any
    _head_bytes: int = 0

    def data_received(self, data: bytes) -> None:
        before = self.cycle
        waiting = before is None or before.response_complete
        super().data_received(data)
        if self.cycle is not before:
            self._head_bytes = 0
        elif waiting:
            self._head_bytes += len(data)
            if self._head_bytes > self.head_limit and not self.transport.is_closing():
                self.transport.write(_HEAD_TOO_LARGE)
                self.transport.close()


def head_limited(base: type[asyncio.Protocol]) -> type[asyncio.Protocol]:
    """``base`` (one of uvicorn's protocol classes) with :class:`HeadLimit`."""
    return type(f"HeadLimited{base.__name__}", (HeadLimit, base), {})


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one), Nagle's algorithm off.

    Raises :class:`OSError` (or :class:`OverflowError` for a port out of range) when it cannot.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except (OSError, OverflowError):
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket) -> str:
    """The ``http://host:port`` URL of a bound socket (an IPv6 host in brackets)."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class ThreadedServer:
    """A configured ``uvicorn.Server`` running on ``sock`` in a daemon thread named ``name``."""

    def __init__(self, server: Any, sock: socket.socket, name: str) -> None:
        self._server = server
        self.sock = sock
        self.name = name
        self.host, self.port = sock.getsockname()[:2]
        self.url = base_url(sock)
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True
        )

    def start(self, timeout: float) -> None:
        """Start the thread and wait until the server accepts connections; on failure, stop and
        raise :class:`RuntimeError`."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                self.stop()
                raise RuntimeError(f"{self.name} stopped while starting")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start within {timeout} s")
            time.sleep(0.005)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to exit, wait for its thread, close the socket."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.sock.close()
