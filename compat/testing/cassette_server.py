"""A cassette served over loopback HTTP, for code that does not use httpx (the official ``twilio``
library, other languages): ``twilio-compat serve --cassette PATH`` or :func:`serve_cassette`.

Rules this module keeps:

* The ASGI app (:class:`CassetteApp`) answers every request through one
  :class:`~compat.testing.replay.CassetteSession`: recorded requests in the order they were
  recorded, and in a recording mode, what nothing matches is sent on to ``upstream`` (Twilio by
  default) and recorded.
* A request nothing answers is refused in the error format of the dialect its path belongs to
  (HTTP 404, no Twilio code), its message the same closest-match diagnostics
  :class:`~compat.errors.NoMatchingExchange` carries; every refusal is kept in the session's
  ``misses``.
* Work that may block (scrubbing, saving the cassette, calling upstream) runs on a worker thread,
  never on the event loop. Servers bind ``127.0.0.1`` on a free port unless told otherwise, and
  are started by :mod:`compat.emulator.server`'s helpers.
"""

from __future__ import annotations

import threading
from typing import Any

import anyio.to_thread
import httpx

from compat import backends
from compat._asgi import BodyTooLarge, ClientGone, Receive, Scope, Send, read_body, route
from compat._serving import ThreadedServer, bind
from compat.emulator.asgi import MAX_BODY
from compat.emulator.server import make_app_server
from compat.errors import ApiError, CompatError, NoMatchingExchange
from compat.testing.replay import CassetteSession
from compat.wire import WireRequest, WireResponse, decode_form

__all__ = ["DEFAULT_UPSTREAM", "CassetteApp", "ServedCassette", "refusal", "serve_cassette"]

DEFAULT_UPSTREAM = "https://api.twilio.com"
_DROPPED = frozenset({"host", "content-length", "connection", "transfer-encoding",
                      "accept-encoding"})


def _owner(request: WireRequest) -> backends.Backend:
    """The dialect a request's path belongs to (by its parse, else its API version, else 2010)."""
    installed = [backends.get(name) for name in backends.names()]
    for backend in installed:
        try:
            if backend.parse_request(request) is not None:
                return backend
        except CompatError:
            return backend
    for backend in installed:
        if request.path.startswith(f"/{backend.api_version}/"):
            return backend
    return backends.get("2010-04-01")


def refusal(request: WireRequest, miss: NoMatchingExchange) -> WireResponse:
    """The answer to a request no recorded exchange matches, in its dialect's error format."""
    return _owner(request).render_error(ApiError(404, str(miss)))


class CassetteApp:
    """``uvicorn.run(CassetteApp(CassetteSession(path)))``; see the module docstring."""

    def __init__(
        self,
        session: CassetteSession,
        *,
        upstream: str = DEFAULT_UPSTREAM,
        real: httpx.BaseTransport | None = None,
    ) -> None:
        self.session = session
        self.upstream = upstream.rstrip("/")
        self._real = real
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await route(scope, receive, send, self._http, serves="the cassette server")

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        try:
            body = await read_body(receive, MAX_BODY)
        except ClientGone:
            return
        except BodyTooLarge:
            request = WireRequest(scope["method"], scope["path"])
            response = _owner(request).render_error(
                ApiError(413, f"The request body is over the {MAX_BODY}-byte limit.")
            )
        else:
            query: bytes = scope.get("query_string", b"")
            response = await anyio.to_thread.run_sync(
                self.handle, scope["method"], scope["path"], query, headers, body
            )
        out = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers
               if k.lower() not in _DROPPED]
        out.append((b"content-length", str(len(response.body)).encode("ascii")))
        await send({"type": "http.response.start", "status": response.status, "headers": out})
        await send({"type": "http.response.body", "body": response.body})

    def handle(
        self, method: str, path: str, query: bytes, headers: list[tuple[str, str]], body: bytes
    ) -> WireResponse:
        """Answer one request (blocking: called on a worker thread)."""
        try:
            pairs = decode_form(query) if query else []
        except CompatError:
            pairs = []
        live = WireRequest(method.upper(), path, pairs, headers, body)
        try:
            answer = self.session.answer(live)
        except NoMatchingExchange as miss:
            return refusal(self.session.cassette.scrubber.request(live), miss)
        if answer is not None:
            return answer
        return self._forward(live, query)

    def _forward(self, live: WireRequest, query: bytes) -> WireResponse:
        with self._lock:
            if self._real is None:
                self._real = httpx.HTTPTransport()
            real = self._real
        url = self.upstream + live.path + (f"?{query.decode('latin-1')}" if query else "")
        headers = [(k, v) for k, v in live.headers if k.lower() not in _DROPPED]
        request = httpx.Request(live.method, url, headers=headers, content=live.body)
        response = real.handle_request(request)
        try:
            response.read()
        finally:
            response.close()
        kept = [(k, v) for k, v in response.headers.multi_items()
                if k.lower() not in _DROPPED and k.lower() != "content-encoding"]
        answer = WireResponse(response.status_code, kept, response.content)
        self.session.record(live, answer)
        return answer

    def close(self) -> None:
        if self._real is not None:
            self._real.close()


class ServedCassette:
    """A running cassette server: :attr:`url`, :attr:`misses`, :meth:`stop`."""

    def __init__(self, app: CassetteApp, server: Any, sock: Any) -> None:
        self.app = app
        self.session = app.session
        self._served = ThreadedServer(server, sock, "compat-cassette-server")
        self.url = self._served.url

    def _start(self, timeout: float) -> None:
        self._served.start(timeout)

    @property
    def misses(self) -> list[NoMatchingExchange]:
        return list(self.session.misses)

    def stop(self, timeout: float = 10.0) -> None:
        self._served.stop(timeout)
        self.app.close()

    def __enter__(self) -> ServedCassette:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ServedCassette {self.url} {self.session.cassette.path}>"


def serve_cassette(
    session: CassetteSession,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    upstream: str = DEFAULT_UPSTREAM,
    timeout: float = 10.0,
) -> ServedCassette:
    """Serve ``session`` from a background thread; returns once it accepts connections."""
    app = CassetteApp(session, upstream=upstream)
    sock = bind(host, port)
    served = ServedCassette(app, make_app_server(app), sock)
    served._start(timeout)
    return served
