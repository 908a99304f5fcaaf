"""Serving an emulator over HTTP with uvicorn: in a background thread (tests) or in the foreground.

Rules: servers bind to ``127.0.0.1`` unless told otherwise; port 0 picks a free port, and the bound
port is known before :func:`serve_in_thread` returns (the socket is bound first and handed to
uvicorn). Sockets are TCP with Nagle's algorithm off. Stopping waits for the server thread to end.
Each request must arrive whole within ``read_timeout`` seconds (default
:data:`DEFAULT_READ_TIMEOUT`) or its connection is closed (:mod:`.guard`). Servers run on
:func:`compat._serving.server_stack` (httptools on uvloop where installed, else h11 on asyncio)
unless ``stack`` names another; the guard reads only what both protocols keep.
"""

from __future__ import annotations

import socket
from typing import Any, Generic, TypeVar

from compat._serving import (
    PROTOCOLS,
    Stack,
    ThreadedServer,
    base_url,
    bind,
    head_limited,
    load_uvicorn,
    server_stack,
    uvicorn_config,
)
from compat.emulator.asgi import EmulatorApp, Host
from compat.emulator.guard import guarded_protocol

__all__ = [
    "DEFAULT_READ_TIMEOUT",
    "ServedEmulator",
    "base_url",
    "bind",
    "make_app_server",
    "make_server",
    "serve_in_thread",
]

#: Seconds a connection has to deliver a whole request (headers and body).
DEFAULT_READ_TIMEOUT = 10.0

H = TypeVar("H", bound=Host)


def _protocol(uvicorn: Any, http: str) -> Any:
    return uvicorn.importer.import_from_string(PROTOCOLS[http])


def _config(uvicorn: Any, app: Any, protocol: type[Any], stack: Stack, **options: Any) -> Any:
    """The uvicorn configuration of the emulator and the cassette server."""
    return uvicorn_config(uvicorn, app, http=protocol, loop=stack.loop, timeout_keep_alive=30,
                          **options)


def make_server(
    emulator: Host,
    *,
    log_level: str = "warning",
    access_log: bool = False,
    inbox: bool = True,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    stack: Stack | None = None,
) -> Any:
    """A configured ``uvicorn.Server`` for ``emulator`` (not started); ``inbox`` serves the inbox
    page at ``/`` (see :class:`~.asgi.EmulatorApp`); a connection whose request has not fully
    arrived ``read_timeout`` seconds after it began is closed (:mod:`.guard`). ``stack``: the
    protocol and loop, :func:`~compat._serving.server_stack` by default."""
    uvicorn = load_uvicorn("the emulator")
    stack = stack or server_stack()
    protocol = guarded_protocol(_protocol(uvicorn, stack.http), read_timeout)
    config = _config(uvicorn, EmulatorApp(emulator, inbox=inbox), protocol, stack,
                     log_level=log_level, access_log=access_log)
    return uvicorn.Server(config)


def make_app_server(app: Any, *, log_level: str = "warning", stack: Stack | None = None) -> Any:
    """A configured ``uvicorn.Server`` for another ASGI app of the package (a cassette server),
    on the same stack as the emulator, with the same head limit and no read deadline."""
    uvicorn = load_uvicorn("a cassette")
    stack = stack or server_stack()
    protocol = head_limited(_protocol(uvicorn, stack.http))
    config = _config(uvicorn, app, protocol, stack, log_level=log_level, access_log=False)
    return uvicorn.Server(config)


class ServedEmulator(Generic[H]):
    """A running server: its :attr:`url`, and :meth:`stop`. A context manager."""

    def __init__(self, emulator: H, server: Any, sock: socket.socket) -> None:
        self.emulator = emulator
        self._served = ThreadedServer(server, sock, "compat-emulator-server")
        self.host, self.port, self.url = self._served.host, self._served.port, self._served.url

    def _start(self, timeout: float) -> None:
        self._served.start(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit and wait for its thread."""
        self._served.stop(timeout)

    def __enter__(self) -> ServedEmulator[H]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ServedEmulator {self.url}>"


def serve_in_thread(
    emulator: H,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "warning",
    timeout: float = 10.0,
    inbox: bool = True,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    stack: Stack | None = None,
) -> ServedEmulator[H]:
    """Serve ``emulator`` from a background thread; returns once it accepts connections. The inbox
    page is at ``url + "/"`` unless ``inbox`` is false; ``read_timeout`` is the time a connection
    has to deliver a whole request; ``stack`` as for :func:`make_server`."""
    server = make_server(emulator, log_level=log_level, inbox=inbox, read_timeout=read_timeout,
                         stack=stack)
    sock = bind(host, port)
    served = ServedEmulator(emulator, server, sock)
    served._start(timeout)
    return served
