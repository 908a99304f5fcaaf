"""Serving the proxy with uvicorn: from a background thread (tests), or as the ``proxy`` command.

Rules: servers bind to ``127.0.0.1`` unless told otherwise; port 0 picks a free port, known before
:func:`serve_in_thread` returns (the socket is bound first and handed to uvicorn). Every server
uses :class:`compat.proxy._protocol.HeaderDeadlineProtocol` (request heads within
``header_timeout``) on the loop of :func:`compat._serving.server_stack` (uvloop where installed),
``timeout_keep_alive`` = ``keep_alive``, and the app's own body deadline, so a
stalled connection never holds a worker. With several workers, each process builds its app from
the ``COMPAT_PROXY_*`` variables (:func:`compat.proxy.from_environment`), which :func:`run` sets
from the configuration; the auth token variable is inherited, never written.
"""

from __future__ import annotations

import os
import socket
from typing import Any, TextIO

from compat._serving import (
    ThreadedServer,
    base_url,
    bind,
    load_uvicorn,
    server_stack,
    uvicorn_config,
)
from compat.errors import ConfigurationError
from compat.proxy.app import ProxyApp
from compat.proxy.config import ProxyConfig

__all__ = [
    "PROTOCOL", "ServedProxy", "base_url", "bind", "make_server", "run", "serve_in_thread",
]

PROTOCOL = "compat.proxy._protocol:HeaderDeadlineProtocol"
FACTORY = "compat.proxy:from_environment"


def _config(app: Any, config: ProxyConfig, *, log_level: str, **extra: Any) -> Any:
    server_config = uvicorn_config(
        load_uvicorn("the proxy"), app, http=PROTOCOL, loop=server_stack().loop,
        log_level=log_level, access_log=False, timeout_keep_alive=config.keep_alive, **extra,
    )
    server_config.compat_header_timeout = config.header_timeout
    return server_config


def make_server(app: ProxyApp, *, log_level: str = "warning") -> Any:
    """A configured ``uvicorn.Server`` for ``app`` (not started)."""
    return load_uvicorn("the proxy").Server(_config(app, app.config, log_level=log_level))


class ServedProxy:
    """A proxy served from a background thread: its :attr:`url` and :meth:`stop`."""

    def __init__(self, app: ProxyApp, server: Any, sock: socket.socket) -> None:
        self.app = app
        self._served = ThreadedServer(server, sock, "compat-proxy-server")
        self.url = self._served.url

    def _start(self, timeout: float) -> None:
        self._served.start(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        self._served.stop(timeout)

    def __enter__(self) -> ServedProxy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ServedProxy {self.url}>"


def serve_in_thread(app: ProxyApp, host: str = "127.0.0.1", port: int = 0, *,
                    sock: socket.socket | None = None, timeout: float = 10.0) -> ServedProxy:
    """Serve ``app`` from a background thread; returns once it accepts connections. ``sock``, a
    socket from :func:`bind`, lets the caller know the URL before making the app."""
    sock = bind(host, port) if sock is None else sock
    served = ServedProxy(app, make_server(app), sock)
    served._start(timeout)
    return served


def run(config: ProxyConfig, *, host: str, port: int, workers: int = 1,
        log_level: str = "warning", out: TextIO) -> int:
    """Serve until interrupted (the ``proxy`` command). Returns the exit status."""
    uvicorn = load_uvicorn("the proxy")
    try:
        sock = bind(host, port)
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise ConfigurationError(f"cannot listen on {host}:{port}: {reason}") from None
    fronts = ", ".join(config.front_names())
    out.write(f"twilio-compat proxy at {base_url(sock)} -> {config.upstream} "
              f"({config.upstream_dialect}); fronts: {fronts}; workers: {workers}\n")
    out.flush()
    try:
        if workers > 1:
            os.environ.update(config.to_environment())
            server_config = _config(FACTORY, config, log_level=log_level, factory=True,
                                    workers=workers)
            uvicorn.supervisors.Multiprocess(server_config, sockets=[sock]).run()
        else:
            app = ProxyApp(config)
            uvicorn.Server(_config(app, config, log_level=log_level)).run(sockets=[sock])
    except KeyboardInterrupt:  # pragma: no cover - uvicorn normally handles the signal itself
        pass
    finally:
        sock.close()
    return 0
