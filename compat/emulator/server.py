"""Serving an emulator over HTTP with uvicorn: in a background thread (tests) or in the foreground.

Rules: servers bind to ``127.0.0.1`` unless told otherwise; port 0 picks a free port, and the bound
port is known before :func:`serve_in_thread` returns (the socket is bound first and handed to
uvicorn). Sockets are TCP with Nagle's algorithm off. Stopping waits for the server thread to end.
Each request must arrive whole within ``read_timeout`` seconds (default
:data:`DEFAULT_READ_TIMEOUT`) or its connection is closed (:mod:`.guard`); the protocol is always
uvicorn's h11 one, so the guard knows what it reads. uvicorn is imported only here.
"""

from __future__ import annotations

import socket
from typing import Any, Generic, TypeVar

from compat._serving import ThreadedServer, base_url, bind
from compat.emulator.asgi import EmulatorApp, Host
from compat.emulator.guard import guarded_protocol
from compat.errors import ConfigurationError

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


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - depends on the installation
        raise ConfigurationError(
            "serving the emulator needs uvicorn: pip install 'twilio-compat[server]'"
        ) from None
    return uvicorn


def _guarded_h11(uvicorn: Any, read_timeout: float) -> type[Any]:
    base = uvicorn.importer.import_from_string("uvicorn.protocols.http.h11_impl:H11Protocol")
    return guarded_protocol(base, read_timeout)


def make_server(
    emulator: Host,
    *,
    log_level: str = "warning",
    access_log: bool = False,
    inbox: bool = True,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> Any:
    """A configured ``uvicorn.Server`` for ``emulator`` (not started); ``inbox`` serves the inbox
    page at ``/`` (see :class:`~.asgi.EmulatorApp`); a connection whose request has not fully
    arrived ``read_timeout`` seconds after it began is closed (:mod:`.guard`)."""
    uvicorn = _uvicorn()
    config = uvicorn.Config(
        EmulatorApp(emulator, inbox=inbox),
        lifespan="on",
        log_level=log_level,
        access_log=access_log,
        ws="none",
        http=_guarded_h11(uvicorn, read_timeout),
        timeout_keep_alive=30,
    )
    return uvicorn.Server(config)


def make_app_server(app: Any, *, log_level: str = "warning") -> Any:
    """A configured ``uvicorn.Server`` for another ASGI app of the package (a cassette server)."""
    uvicorn = _uvicorn()
    config = uvicorn.Config(
        app, lifespan="on", log_level=log_level, access_log=False, ws="none", timeout_keep_alive=30
    )
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
) -> ServedEmulator[H]:
    """Serve ``emulator`` from a background thread; returns once it accepts connections. The inbox
    page is at ``url + "/"`` unless ``inbox`` is false; ``read_timeout`` is the time a connection
    has to deliver a whole request."""
    server = make_server(emulator, log_level=log_level, inbox=inbox, read_timeout=read_timeout)
    sock = bind(host, port)
    served = ServedEmulator(emulator, server, sock)
    served._start(timeout)
    return served
