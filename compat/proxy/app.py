"""The legacy proxy as an ASGI application, with no web framework: bytes in, translation, bytes out.

Rules this module keeps:

* ``http`` scopes: the body is read within ``body_timeout`` seconds and up to ``max_body`` bytes.
  A body that stalls (shorter than its Content-Length, or a client that stops sending) is answered
  408 with ``Connection: close`` and the connection is dropped; a larger one is a 413. Both speak
  the first front's error format.
* A request goes to the first front dialect whose server side claims its path; a path no front
  claims is the first front's 404; ``/webhooks/incoming`` and ``/webhooks/status`` are the webhook
  side (:mod:`compat.proxy.hooks`); ``GET /__proxy/health`` answers ``ok`` for load balancers.
* ``lifespan`` scopes close the app's ``httpx.AsyncClient`` at shutdown. The app keeps no other
  state between requests, so it scales out as any ASGI app: several workers, several hosts.
* Nothing raised escapes as a traceback: an unexpected error is a 500 in the front's format,
  logged without headers (the ``Authorization`` header is only ever forwarded upstream).
"""

from __future__ import annotations

import logging

import anyio
import httpx

from compat import backends
from compat._asgi import BodyTooLarge, ClientGone, Receive, Scope, Send, read_body, route
from compat._redact import masked_target
from compat.backends.base import Backend
from compat.errors import ApiError, CompatError
from compat.proxy.api import Translator
from compat.proxy.config import ProxyConfig
from compat.proxy.hooks import Hooks, is_hook
from compat.proxy.upstream import Upstream
from compat.wire import WireRequest, WireResponse

__all__ = ["HEALTH_PATH", "ProxyApp"]

logger = logging.getLogger("compat.proxy")

HEALTH_PATH = "/__proxy/health"



class _Stalled(Exception):
    pass


class ProxyApp:
    """``uvicorn.run(ProxyApp(config))``; see the module docstring.

    ``transport`` replaces the network under the upstream client (an ``httpx.MockTransport`` or an
    emulator's async transport, in tests).
    """

    def __init__(
        self, config: ProxyConfig, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self.backend: Backend = backends.get(config.upstream_dialect)
        self.fronts: tuple[Backend, ...] = tuple(backends.get(n) for n in config.front_names())
        if not self.fronts:
            raise CompatError("the proxy has no front dialect to serve")
        timeout = httpx.Timeout(config.upstream_timeout, connect=config.connect_timeout)
        self.upstream = Upstream(config.upstream, timeout=timeout, retry=config.retry,
                                 transport=transport)
        self.translator = Translator(config, self.backend, self.upstream)
        self.hooks = Hooks(config, self.upstream.client)

    def __repr__(self) -> str:
        names = ", ".join(front.name for front in self.fronts)
        return f"<ProxyApp {names} -> {self.backend.name} at {self.config.upstream}>"

    async def aclose(self) -> None:
        await self.upstream.aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await route(scope, receive, send, self._http, serves="the proxy", stop=self.aclose)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        fallback = self.fronts[0]
        try:
            body = await self._read_body(receive)
        except _Stalled:
            logger.info("dropped %s %s: the body stalled", scope["method"], path)
            error = ApiError(408, f"Request timeout: the request body did not arrive "
                             f"within {self.config.body_timeout:g} s.")
            await _send(send, fallback.render_error(error), close=True)
            return
        except BodyTooLarge:
            error = ApiError(413, f"The request body is over the {self.config.max_body}"
                             "-byte limit.")
            await _send(send, fallback.render_error(error), close=True)
            return
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        target = path
        query: bytes = scope.get("query_string", b"")
        if query:
            target += "?" + query.decode("latin-1")
        try:
            request = WireRequest.from_target(scope["method"], target, headers, body)
        except CompatError as exc:
            error = ApiError(400, f"The query string could not be read: {exc}")
            await _send(send, fallback.render_error(error))
            return
        response = await self.respond(request, _url(scope, headers, target))
        await _send(send, response)

    async def respond(self, request: WireRequest, url: str = "") -> WireResponse:
        """The proxy's answer to ``request`` (``url``: as the client called it, for webhooks)."""
        if request.path == HEALTH_PATH and request.method == "GET":
            return WireResponse(200, (("Content-Type", "text/plain"),), b"ok\n")
        if is_hook(request.path):
            return await self.hooks.handle(request, url)
        try:
            response = await self._answer(request)
        except Exception:
            logger.exception("internal error answering %s %s", request.method,
                             masked_target(request.path, request.query))
            error = ApiError(500, "Internal proxy error.")
            response = self.fronts[0].render_error(error)
        logger.debug("%s %s -> %d", request.method, masked_target(request.path, request.query),
                     response.status)
        return response

    async def _answer(self, request: WireRequest) -> WireResponse:
        for front in self.fronts:
            try:
                call = front.parse_request(request)
            except ApiError as error:
                return front.render_error(error)
            except CompatError as error:
                return front.render_error(front.error_for(error))
            if call is not None:
                return await self.translator.answer(
                    front, call, request.path, request.header("authorization")
                )
        fallback = self.fronts[0]
        return fallback.render_error(fallback.not_found(request.path))

    async def _read_body(self, receive: Receive) -> bytes:
        with anyio.move_on_after(self.config.body_timeout):
            try:
                return await read_body(receive, self.config.max_body)
            except ClientGone:
                raise _Stalled from None
        raise _Stalled



def _url(scope: Scope, headers: list[tuple[str, str]], target: str) -> str:
    host = next((v for k, v in headers if k.lower() == "host"), None)
    if host is None:
        server = scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{target}"


async def _send(send: Send, response: WireResponse, *, close: bool = False) -> None:
    headers = [
        (k.lower().encode("latin-1"), v.encode("latin-1"))
        for k, v in response.headers
        if k.lower() not in ("content-length", "connection")
    ]
    headers.append((b"content-length", str(len(response.body)).encode("ascii")))
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
