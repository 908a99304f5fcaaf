"""The proxy's one way out: WireRequests to the 2010-04-01 upstream over an httpx.AsyncClient.

Rules this module keeps:

* The legacy client's ``Authorization`` header is forwarded as it came and is put nowhere else:
  not on this object, not in a log line, not in an error. Log lines name the method and the target,
  with phone numbers masked (:mod:`compat._redact`).
* Retries follow :mod:`compat._retry`: GETs are re-sent after 429/502/503/504 and failed reads; a
  POST is re-sent only after a failure to connect, which means it never left. A create is never sent
  upstream twice.
* Every failure becomes an :class:`~compat.errors.ApiError` the front can render: a timeout is a
  504, anything else that prevented an answer (refused, reset, garbage) a 502, with a message that
  says what happened and, for a POST, whether the message may have been sent.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Generator

import httpcore
import httpx

from compat._http import transport_error
from compat._redact import masked_target
from compat._retry import Pause, RetryPolicy, retrying
from compat._version import __version__
from compat.errors import ApiError, ConnectError, ReadError, TransportError
from compat.wire import WireRequest, WireResponse

__all__ = ["SEND_FAILURES", "USER_AGENT", "Upstream", "bad_gateway", "gateway_timeout"]

logger = logging.getLogger("compat.proxy")

USER_AGENT = f"twilio-compat-proxy/{__version__} python-httpx/{httpx.__version__}"
_HOP_HEADERS = frozenset({"authorization", "host", "content-length", "connection",
                          "transfer-encoding", "keep-alive", "user-agent", "accept-encoding"})


# httpx maps httpcore's exceptions to its own; these are caught too, so that a failure the mapping
# misses (httpcore imported twice, as a test runner may do) is still a transport failure.
SEND_FAILURES = (httpx.RequestError, httpcore.TimeoutException, httpcore.NetworkError,
                  httpcore.ProtocolError)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpcore.ConnectError,
             httpcore.ConnectTimeout, httpcore.PoolTimeout)
_TIMEOUTS = (httpx.TimeoutException, httpcore.TimeoutException)


def _transport_failure(exc: Exception, where: str) -> TransportError:
    """The library's transport error for ``exc``, with ``exc`` as its cause."""
    failure: TransportError
    if isinstance(exc, _NOT_SENT):
        failure = ConnectError(f"{where}: could not connect ({type(exc).__name__}: {exc})")
    elif isinstance(exc, httpx.RequestError):
        mapped = transport_error(exc, where)
        failure = mapped if isinstance(mapped, TransportError) else ReadError(str(mapped))
    else:
        failure = ReadError(f"{where}: failed after connecting ({type(exc).__name__}: {exc})")
    failure.__cause__ = exc
    return failure


def bad_gateway(message: str) -> ApiError:
    return ApiError(502, f"Bad gateway: {message}")


def gateway_timeout(message: str) -> ApiError:
    return ApiError(504, f"Gateway timeout: {message}")


def _once(request: WireRequest) -> Generator[WireRequest, WireResponse, WireResponse]:
    response = yield request
    return response


class Upstream:
    """Sends WireRequests to ``base_url``; owns its ``httpx.AsyncClient`` unless given one."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: httpx.Timeout,
        retry: RetryPolicy,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url
        self.retry = retry
        if transport is None:  # Nagle off: else each small request waits for a delayed ACK
            transport = httpx.AsyncHTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
                limits=httpx.Limits(max_connections=200, max_keepalive_connections=100),
            )
        self.client = httpx.AsyncClient(transport=transport, timeout=timeout,
                                        follow_redirects=False)
        self._timeout = timeout
        self._timeouts = timeout.as_dict()

    def __repr__(self) -> str:
        return f"<Upstream {self.base_url}>"

    async def aclose(self) -> None:
        await self.client.aclose()

    async def send(self, request: WireRequest, authorization: str | None) -> WireResponse:
        """The upstream's answer to ``request`` (retried as the module rules say).

        Raises :class:`~compat.errors.ApiError` (502 or 504) when no answer came.
        """
        steps = retrying(_once(request), self.retry)
        step = next(steps)
        while True:
            outcome: WireResponse | TransportError | None
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
                outcome = None
            else:
                outcome = await self._send_once(step, authorization)
            try:
                step = steps.send(outcome)
            except StopIteration as done:
                response: WireResponse = done.value
                return response
            except TransportError as error:
                raise self._failure(request, error) from None

    async def _send_once(
        self, request: WireRequest, authorization: str | None
    ) -> WireResponse | TransportError:
        headers = [(k, v) for k, v in request.headers if k.lower() not in _HOP_HEADERS]
        headers.append(("User-Agent", USER_AGENT))
        headers.append(("Accept", "application/json"))
        if authorization is not None:
            headers.append(("Authorization", authorization))
        where = f"{request.method} {masked_target(request.path, request.query)}"
        started = time.perf_counter()
        try:
            response = await self.client.send(httpx.Request(
                request.method, self.base_url + request.target, headers=headers,
                content=request.body or None, extensions={"timeout": self._timeouts},
            ))
        except SEND_FAILURES as exc:
            failure = _transport_failure(exc, f"upstream {where}")
            logger.info("upstream %s failed: %s", where, type(exc).__name__)
            return failure
        elapsed = (time.perf_counter() - started) * 1000
        logger.debug("upstream %s -> %d in %.1f ms", where, response.status_code, elapsed)
        return WireResponse(response.status_code, response.headers.multi_items(),
                            response.content)

    def _failure(self, request: WireRequest, error: TransportError) -> ApiError:
        maybe_sent = "" if request.method == "GET" else (
            "" if isinstance(error, ConnectError)
            else " The message may have been sent: fetch or list before sending it again."
        )
        if isinstance(error.__cause__, _TIMEOUTS) and not isinstance(error.__cause__, _NOT_SENT):
            return gateway_timeout(
                f"the upstream API did not answer within {self._timeout.read:g} s.{maybe_sent}"
            )
        if isinstance(error, ConnectError):
            return bad_gateway("the upstream API could not be reached.")
        return bad_gateway(f"the connection to the upstream API failed before it answered."
                           f"{maybe_sent}")
