"""The HTTP edge: how a WireRequest travels through httpx and its answer comes back.

When to re-send is :mod:`compat._retry`'s decision; this module sends. Rules it keeps:

* **httpx exceptions stop here.** :func:`transport_error` maps every ``httpx.RequestError`` to the
  library's tree: connect failures and pool timeouts to ``ConnectError``, everything after the
  connection was made to ``ReadError``, an undecodable body to ``MalformedDocument``, a bad URL
  scheme to ``ConfigurationError``, a redirect loop (a caller's client that follows redirects) to
  ``UnexpectedDocument``, which is never retried: the server answered, with no end. The httpx
  exception stays as ``__cause__``.
* **Bodies are read under the limit while they stream.** Responses are sent for with
  ``stream=True`` and read by :func:`compat._limits.read_limited`: a body (decoded) over
  :data:`~compat._limits.MAX_RESPONSE_BYTES` is refused with ``HostileDocument`` at the chunk that
  crosses the limit, so a compression bomb never inflates in memory. Not retried.
* **A caller's httpx client keeps its defaults.** Requests for a caller's client go through its
  ``build_request`` (its headers, cookies and event hooks apply); for a client we made, which has no
  defaults, they are built directly. The library's timeout applies either way.
* **A request we build directly is the one httpx would build.** :meth:`Edge.request` gives
  ``httpx.Request`` its headers whole (``Host`` and ``Content-Length`` as httpx adds them, in its
  order; the client's fixed headers are one ``httpx.Headers`` made with the client, copied for a
  request with no headers and no body) and its body as a stream that is read at once, so that
  httpx neither merges nor re-derives them. A test holds the two equal, header for header.
* **Fixed URLs are parsed once.** The client's own collection URL (where every create and every
  first list page goes) is parsed into an ``httpx.URL`` when the client is made; other targets
  (a message's SID, a next page) are parsed per request.
* **Secrets stay in headers.** The ``Authorization`` value is built once and only ever put in
  request headers; logs and error messages name the method and the target, with phone numbers
  masked unless the caller opted in (:mod:`compat._redact`).
"""

from __future__ import annotations

import base64
import functools
import logging
import time
from collections.abc import Callable, Iterable

import httpx

from compat._limits import MAX_RESPONSE_BYTES, aread_limited, read_limited
from compat._redact import masked_target
from compat._version import __version__
from compat.errors import (
    CompatError,
    ConfigurationError,
    ConnectError,
    MalformedDocument,
    ReadError,
    ResponseError,
    UnexpectedDocument,
)
from compat.wire import WireRequest, WireResponse

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncSender",
    "Edge",
    "SyncSender",
    "basic_authorization",
    "transport_error",
]

logger = logging.getLogger("compat")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""Five seconds to connect, thirty to write, read or wait for a pooled connection."""

_OWN_CLIENT_HEADERS = (("Accept", "*/*"), ("Accept-Encoding", "gzip, deflate"))
"""What httpx.Client adds by default, added by hand when we build requests for our own client."""

_LENGTH_METHODS = frozenset({"POST", "PUT", "PATCH"})
"""Methods httpx gives ``Content-Length: 0`` when they have no body."""

USER_AGENT = f"twilio-compat/{__version__} python-httpx/{httpx.__version__}"


# -- the httpx edge ----------------------------------------------------------------------------


def basic_authorization(username: str, password: str) -> str:
    """The ``Authorization`` header value for HTTP basic auth."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def transport_error(exc: httpx.RequestError, where: str) -> CompatError:
    """The library's error for an httpx failure while sending ``where`` (method and target)."""
    if isinstance(exc, httpx.UnsupportedProtocol):
        return ConfigurationError(f"{where}: the base URL's scheme is not http or https")
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout,
                        httpx.ProxyError)):
        return ConnectError(f"{where}: could not connect ({type(exc).__name__}: {exc})")
    if isinstance(exc, httpx.DecodingError):
        return MalformedDocument(f"{where}: the response could not be decoded: {exc}")
    if isinstance(exc, httpx.TooManyRedirects):
        return UnexpectedDocument(f"{where}: the server redirected too many times (a loop?)")
    return ReadError(f"{where}: failed after connecting ({type(exc).__name__}: {exc})")


class Edge:
    """What turns a WireRequest into an httpx request and an httpx response back: base URL,
    headers, timeout, the response size limit and logging. Holds the credentials, so its only
    public attribute is the limit and its repr shows none of them."""

    def __init__(
        self,
        *,
        base_url: str,
        authorization: str,
        timeout: httpx.Timeout,
        reveal_numbers: bool,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        fixed_targets: Iterable[str] = (),
    ) -> None:
        self._base_url = base_url
        self._urls = {target: httpx.URL(base_url + target) for target in fixed_targets}
        self._headers = (("Authorization", authorization), ("User-Agent", USER_AGENT))
        self._own_headers = (*self._headers, *_OWN_CLIENT_HEADERS)
        #: Every target is under the base URL, so every request names the same host.
        self._host = ("Host", httpx.URL(base_url).netloc.decode("ascii"))
        #: The whole header set of a request without headers or body (a GET): copied, not built.
        self._plain_headers = httpx.Headers((self._host, *self._own_headers))
        self._timeout = timeout
        self._timeouts = timeout.as_dict()
        self._reveal = reveal_numbers
        self.max_response_bytes = max_response_bytes

    def __repr__(self) -> str:
        return f"<Edge {self._base_url}>"

    def where(self, request: WireRequest) -> str:
        return f"{request.method} {masked_target(request.path, request.query, reveal=self._reveal)}"

    def request(self, request: WireRequest) -> httpx.Request:
        """The httpx request for a client we made: it has no defaults to merge, so the request is
        built directly (``build_request``'s merging is a measurable share of a create), with the
        headers and body httpx would give it (see the module rules)."""
        target = request.target
        method = request.method.upper()
        body = request.body
        if request.headers or body or method in _LENGTH_METHODS:
            headers = self._headers_for(method, request.headers, body)
        else:
            headers = self._plain_headers
        built = httpx.Request(
            method,
            self._urls.get(target) or self._base_url + target,
            headers=headers,
            stream=httpx.ByteStream(body),
            extensions={"timeout": dict(self._timeouts)},
        )
        built.read()  # as httpx reads a body given as content: request.content is there
        return built

    def _headers_for(
        self, method: str, given: tuple[tuple[str, str], ...], body: bytes
    ) -> httpx.Headers:
        """The headers ``httpx.Request(content=body)`` ends with, in its order: ``Host`` and an
        empty POST's ``Content-Length: 0`` first, then the request's headers and the client's,
        then a body's ``Content-Length``; a header the request sets itself is not added."""
        named = {name.lower() for name, _ in given}
        headers: list[tuple[str, str]] = []
        if "host" not in named:
            headers.append(self._host)
        sized = "content-length" in named or "transfer-encoding" in named
        if not body and not sized and method in _LENGTH_METHODS:
            headers.append(("Content-Length", "0"))
        headers += given
        headers += self._own_headers
        if body and "content-length" not in named:
            headers.append(("Content-Length", str(len(body))))
        return httpx.Headers(headers)

    def merged_request(
        self, client: httpx.Client | httpx.AsyncClient, request: WireRequest
    ) -> httpx.Request:
        """The httpx request for a caller's client, with its default headers and cookies."""
        target = request.target
        return client.build_request(
            request.method,
            self._urls.get(target) or self._base_url + target,
            headers=request.headers + self._headers,
            content=request.body or None,
            timeout=self._timeout,
        )

    def builder(
        self, client: httpx.Client | httpx.AsyncClient, *, owned: bool
    ) -> Callable[[WireRequest], httpx.Request]:
        """How requests for ``client`` are built, chosen once per client (see the module rules)."""
        if owned:
            return self.request
        return functools.partial(self.merged_request, client)

    def received(
        self, request: WireRequest, response: httpx.Response, body: bytes, started: float
    ) -> WireResponse:
        """Log the answer to ``request`` and hand it over as a WireResponse."""
        self._log(request, str(response.status_code), started)
        return WireResponse(response.status_code, response.headers.multi_items(), body)

    def refused(self, request: WireRequest, exc: ResponseError, started: float) -> ResponseError:
        """Log a body refused while it was read (over the limit, corrupt compression) and name
        the request in the error."""
        self._log(request, type(exc).__name__, started)
        return type(exc)(f"{self.where(request)}: {exc}", dialect=exc.dialect)

    def failed(self, request: WireRequest, exc: httpx.RequestError, started: float) -> CompatError:
        """Log the failure of ``request`` and return the library's error for it."""
        self._log(request, type(exc).__name__, started)
        return transport_error(exc, self.where(request))

    def _log(self, request: WireRequest, result: str, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug("%s -> %s in %.1f ms", self.where(request), result, elapsed)


class SyncSender:
    """Sends WireRequests through an ``httpx.Client``: the caller's, left open, or one made here
    (over ``transport``) and closed by :meth:`close`."""

    def __init__(
        self,
        edge: Edge,
        client: httpx.Client | None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._edge = edge
        self._owned = client is None
        self._client = httpx.Client(transport=transport) if client is None else client
        self._build = edge.builder(self._client, owned=self._owned)

    def send(self, request: WireRequest) -> WireResponse:
        edge = self._edge
        started = time.perf_counter()
        try:
            response = self._client.send(self._build(request), stream=True)
            body = read_limited(response, edge.max_response_bytes)
        except httpx.RequestError as exc:
            raise edge.failed(request, exc, started) from exc
        except ResponseError as exc:
            raise edge.refused(request, exc, started) from None
        return edge.received(request, response, body, started)

    def close(self) -> None:
        if self._owned:
            self._client.close()


class AsyncSender:
    """Sends WireRequests through an ``httpx.AsyncClient``: the caller's, left open, or one made
    here (over ``transport``) and closed by :meth:`aclose`."""

    def __init__(
        self,
        edge: Edge,
        client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._edge = edge
        self._owned = client is None
        self._client = httpx.AsyncClient(transport=transport) if client is None else client
        self._build = edge.builder(self._client, owned=self._owned)

    async def send(self, request: WireRequest) -> WireResponse:
        edge = self._edge
        started = time.perf_counter()
        try:
            response = await self._client.send(self._build(request), stream=True)
            body = await aread_limited(response, edge.max_response_bytes)
        except httpx.RequestError as exc:
            raise edge.failed(request, exc, started) from exc
        except ResponseError as exc:
            raise edge.refused(request, exc, started) from None
        return edge.received(request, response, body, started)

    async def aclose(self) -> None:
        if self._owned:
            await self._client.aclose()
