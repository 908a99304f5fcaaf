"""A real loopback HTTP server standing in for your application's webhook and callback URLs.

Rules: it binds ``127.0.0.1`` on a free port and serves from a daemon thread until :meth:`close`.
Every request is recorded (method, path, query, headers, form) before it is answered. Answers come
from a table keyed by path (:meth:`Receiver.reply`), defaulting to an empty 204. :meth:`wait` blocks
until a number of requests arrived, with a timeout, so tests never sleep.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import attrs

from compat.emulator.callbacks import HttpReply
from compat.testing.recorder import canned_reply

__all__ = ["Received", "Receiver"]


@attrs.frozen
class Received:
    """One request the receiver got. ``url`` is the full URL as the sender requested it."""

    method: str
    url: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    @property
    def form(self) -> list[tuple[str, str]]:
        """The form body's pairs (POST) or the query's (GET)."""
        if self.method == "GET":
            return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)
        return parse_qsl(self.body.decode("utf-8"), keep_blank_values=True)

    @property
    def params(self) -> dict[str, str]:
        return dict(self.form)


_NO_ANSWER = HttpReply(204, (("Content-Type", "text/plain"),))


class Receiver:
    """``with Receiver() as hooks: hooks.url("/status")``; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._received: list[Received] = []
        self._answers: dict[str, HttpReply] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                host = self.headers.get("Host") or f"127.0.0.1:{receiver.port}"
                item = Received(
                    method=self.command,
                    url=f"http://{host}{self.path}",
                    path=urlsplit(self.path).path,
                    headers=tuple(self.headers.items()),
                    body=body,
                )
                answer = receiver._record(item)
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="compat-receiver",
            daemon=True,
        )
        self._thread.start()

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this receiver."""
        return f"http://127.0.0.1:{self.port}{path}"

    def reply(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        content_type: str = "text/xml",
        status: int = 200,
    ) -> None:
        """Answer requests to ``path`` with ``body``."""
        answer = canned_reply(body, content_type=content_type, status=status)
        with self._lock:
            self._answers[path] = answer

    def _record(self, item: Received) -> HttpReply:
        with self._lock:
            self._received.append(item)
            self._lock.notify_all()
            return self._answers.get(item.path, _NO_ANSWER)

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    def wait(self, count: int, *, path: str | None = None, timeout: float = 5.0) -> list[Received]:
        """The requests (to ``path``, if given) once at least ``count`` arrived; ``TimeoutError``
        if they did not within ``timeout`` seconds."""

        def ready() -> bool:
            found = [r for r in self._received if path is None or r.path == path]
            return len(found) >= count

        with self._lock:
            if not self._lock.wait_for(ready, timeout):
                raise TimeoutError(f"{count} requests did not arrive within {timeout} s")
        return self.requests if path is None else self.to(path)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Receiver {self.url()} {len(self._received)} requests>"
