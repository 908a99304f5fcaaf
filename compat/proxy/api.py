"""One legacy request through the proxy: the front's call, made upstream, answered in the front.

Rules this module keeps:

* The front backend reads the request (its validation, its 404 and 405 answers, its 160-character
  limit) and renders the answer; the upstream backend builds the upstream request and reads its
  answer. Nothing here knows a dialect by name.
* A create's ``StatusCallback`` is routed through the proxy's ``/webhooks/status`` when a public
  URL is configured (the legacy URL rides along as ``to``), so the legacy application hears 2008
  callbacks.
* The account in the path is the account upstream; the legacy client's credentials go upstream
  unchanged (see :mod:`compat.proxy.upstream`).
* Upstream errors come back in the front's format with the upstream's status, code, message and
  ``more_info``. A 404 is always the front's own 404 for the front's path, so no upstream URL
  leaks; any upstream path in another message is replaced by the front's. An upstream 5xx is a
  502 naming it; an upstream success the upstream backend cannot read is a 502 too.
"""

from __future__ import annotations

import attrs

from compat.backends.base import (
    Backend,
    CreateCall,
    DeleteCall,
    FetchCall,
    ListCall,
    ServerCall,
    UpdateCall,
)
from compat.errors import ApiError, RequestError, ResponseError, UnsupportedOperation
from compat.model import Message, MessagePage
from compat.proxy.config import ProxyConfig
from compat.proxy.hooks import STATUS_PATH, via_proxy
from compat.proxy.paging import counts, walk
from compat.proxy.upstream import Upstream, bad_gateway
from compat.wire import WireRequest, WireResponse

__all__ = ["Translator"]


@attrs.define
class _Exchange:
    """One front request's dealings with the upstream: who it is for and what it asked."""

    translator: Translator
    front: Backend
    front_path: str
    authorization: str | None
    upstream_path: str = ""
    retry_after: str | None = None
    authenticate: str | None = None

    async def send(self, request: WireRequest) -> WireResponse:
        self.upstream_path = request.path
        response = await self.translator.upstream.send(request, self.authorization)
        if response.status >= 400:
            raise self.upstream_error(response)
        return response

    def upstream_error(self, response: WireResponse) -> ApiError:
        backend = self.translator.backend
        self.retry_after = response.header("retry-after")
        self.authenticate = response.header("www-authenticate")
        try:
            error = backend.parse_error(response)
        except ResponseError as exc:
            error = ApiError(response.status, f"HTTP {response.status}: {exc}")
        if response.status == 404:
            return self.front.not_found(self.front_path)
        if response.status >= 500:
            return bad_gateway(
                f"the upstream API answered HTTP {response.status} ({error.message})."
            )
        message = error.message.replace(self.upstream_path, self.front_path)
        return ApiError(error.status, message, error.code, error.more_info)

    def read(self, parse: type[Message] | type[MessagePage], response: WireResponse) -> object:
        backend = self.translator.backend
        try:
            if parse is MessagePage:
                return backend.parse_page(response)
            return backend.parse_message(response)
        except ResponseError as exc:
            raise bad_gateway(
                f"the upstream API's answer is not a {backend.name} document: {exc}"
            ) from None

    async def message(self, request: WireRequest) -> Message:
        found = self.read(Message, await self.send(request))
        assert isinstance(found, Message)
        return found

    async def page(self, request: WireRequest) -> MessagePage:
        found = self.read(MessagePage, await self.send(request))
        assert isinstance(found, MessagePage)
        return found


class Translator:
    """Makes a front's :data:`~compat.backends.base.ServerCall` against the upstream."""

    def __init__(self, config: ProxyConfig, backend: Backend, upstream: Upstream) -> None:
        self.config = config
        self.backend = backend
        self.upstream = upstream
        self._counted: dict[str, bool] = {}

    def counted(self, front: Backend) -> bool:
        if front.name not in self._counted:
            self._counted[front.name] = counts(front)
        return self._counted[front.name]

    async def answer(
        self, front: Backend, call: ServerCall, path: str, authorization: str | None
    ) -> WireResponse:
        """The front's answer to ``call`` (made at ``path``); never raises."""
        exchange = _Exchange(self, front, path, authorization)
        try:
            return await self._answer(exchange, call)
        except ApiError as error:
            response = front.render_error(error)
            extra = [(name, value) for name, value in (
                ("Retry-After", exchange.retry_after if error.status in (429, 502, 503) else None),
                ("WWW-Authenticate", exchange.authenticate if error.status == 401 else None),
            ) if value]
            return attrs.evolve(response, headers=response.headers + tuple(extra))
        except UnsupportedOperation:
            return front.render_error(front.method_not_allowed("POST", path))
        except RequestError as error:
            return front.render_error(front.error_for(error))

    async def _answer(self, exchange: _Exchange, call: ServerCall) -> WireResponse:
        backend, front = self.backend, exchange.front
        if isinstance(call, CreateCall):
            message = call.message
            public = self.config.public_url
            if public and message.status_callback:
                routed = via_proxy(public, STATUS_PATH, message.status_callback)
                message = attrs.evolve(message, status_callback=routed)
            request = backend.build_create(call.account_sid, message)
            return front.render_message(await exchange.message(request), created=True)
        if isinstance(call, FetchCall):
            request = backend.build_fetch(call.account_sid, call.sid)
            return front.render_message(await exchange.message(request))
        if isinstance(call, UpdateCall):
            request = backend.build_update(call.account_sid, call.sid, call.update)
            return front.render_message(await exchange.message(request))
        if isinstance(call, DeleteCall):
            response = await exchange.send(backend.build_delete(call.account_sid, call.sid))
            try:
                backend.parse_deleted(response)
            except ResponseError as exc:
                raise bad_gateway(f"the upstream API's answer to a delete: {exc}") from None
            return front.render_deleted()
        return await self._list(exchange, call)

    async def _list(self, exchange: _Exchange, call: ListCall) -> WireResponse:
        config, front = self.config, exchange.front
        query = call.query
        page_size = query.page_size or config.default_page_size
        number = query.page or 0
        window = await walk(
            self.backend, call.account_sid, query, exchange.page,
            page=number, page_size=page_size, counted=self.counted(front),
            count_limit=config.count_limit, walk_page_size=config.walk_page_size,
        )
        page = front.make_page(call.account_sid, query, window.items, page=number,
                               page_size=page_size, total=window.total)
        return front.render_page(page)
