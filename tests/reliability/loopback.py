"""A scripted HTTP/1.1 server on 127.0.0.1 for fault tests: real sockets, nothing mocked.

``Loopback.route(path, script)`` answers requests for ``path`` (query ignored) with ``script``;
``hits[path]`` counts them. Scripts are small classes with ``serve(handler)``: a canned answer
(:class:`Answer`), a streamed gzip bomb (:class:`GzipBomb`), a redirect to itself
(:class:`RedirectToSelf`), a hang past the client's timeout (:class:`Hang`), a reset
(:class:`Reset`), a body cut short (:class:`Truncated`) and a sequence of any of these
(:class:`Sequence`).
"""

from __future__ import annotations

import collections
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import urlsplit

import attrs

__all__ = [
    "Answer",
    "GzipBomb",
    "Hang",
    "Loopback",
    "RedirectToSelf",
    "Reset",
    "Script",
    "Sequence",
    "Truncated",
]


class Script(Protocol):
    def serve(self, handler: _Handler) -> None: ...


@attrs.frozen
class Answer:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def serve(self, handler: _Handler) -> None:
        handler.send_response(self.status)
        names = {name.lower() for name, _ in self.headers}
        for name, value in self.headers:
            handler.send_header(name, value)
        if "content-length" not in names:
            handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body)


@attrs.frozen
class GzipBomb:
    """A 200 whose gzip body inflates to many times the limit, sent in 64 KiB writes, chunked
    (no Content-Length to refuse it by) unless ``length`` is set."""

    compressed: bytes = attrs.field(repr=False)
    content_type: str = "application/xml"
    encoding: str = "gzip"
    length: bool = False

    def serve(self, handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", self.content_type)
        handler.send_header("Content-Encoding", self.encoding)
        if self.length:
            handler.send_header("Content-Length", str(len(self.compressed)))
        else:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            for start in range(0, len(self.compressed), 65536):
                piece = self.compressed[start : start + 65536]
                if self.length:
                    handler.wfile.write(piece)
                else:
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            if not self.length:
                handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client stopped reading at its limit: expected


@attrs.frozen
class RedirectToSelf:
    status: int = 302

    def serve(self, handler: _Handler) -> None:
        handler.send_response(self.status)
        handler.send_header("Location", handler.path)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@attrs.frozen
class Hang:
    """Read the request, then answer nothing until the server stops (or ``seconds`` pass)."""

    seconds: float = 30.0

    def serve(self, handler: _Handler) -> None:
        handler.server_ref.stopping.wait(self.seconds)
        handler.close_connection = True


@attrs.frozen
class Reset:
    """Close the connection with a TCP reset before answering."""

    def serve(self, handler: _Handler) -> None:
        handler.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        handler.close_connection = True


@attrs.frozen
class Truncated:
    """Promise ``Content-Length: declared`` and send only ``body`` before closing."""

    body: bytes
    declared: int
    content_type: str = "application/json"

    def serve(self, handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", self.content_type)
        handler.send_header("Content-Length", str(self.declared))
        handler.end_headers()
        handler.wfile.write(self.body)
        handler.wfile.flush()
        handler.close_connection = True


class Sequence:
    """Each request gets the next script; the last one repeats."""

    def __init__(self, *scripts: Script) -> None:
        self._scripts = collections.deque(scripts)
        self._lock = threading.Lock()

    def serve(self, handler: _Handler) -> None:
        with self._lock:
            script = self._scripts.popleft() if len(self._scripts) > 1 else self._scripts[0]
        script.serve(handler)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Script] = {}
        self.hits: collections.Counter[str] = collections.Counter()
        self.bodies: list[bytes] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    @property
    def server_ref(self) -> _Server:
        return self.server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.hits[path] += 1
            self.server.bodies.append(body)
        routes = self.server.routes
        script = routes.get(path) or routes.get("*") or Answer(404)
        script.serve(self)

    do_GET = do_POST = do_DELETE = _handle


class Loopback:
    """The server, running in a thread while the ``with`` block lasts."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def hits(self) -> collections.Counter[str]:
        return self._server.hits

    @property
    def total(self) -> int:
        """Requests received on every path."""
        return sum(self._server.hits.values())

    @property
    def bodies(self) -> list[bytes]:
        return self._server.bodies

    def route(self, path: str, script: Script) -> str:
        """Answer ``path`` (``"*"``: any path not routed) with ``script``; returns its URL."""
        self._server.routes[path] = script
        return self.url + path

    def __enter__(self) -> Loopback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __iter__(self) -> Iterator[str]:  # the routed paths, for debugging
        return iter(self._server.routes)
