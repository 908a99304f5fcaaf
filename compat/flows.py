"""Each client operation, written once as a flow that Client and AsyncClient both drive.

A flow is a generator (httpx's ``Auth.auth_flow`` pattern): it yields a
:class:`~compat.wire.WireRequest`, is sent the :class:`~compat.wire.WireResponse`, and finally
returns the operation's result. The drivers in :mod:`compat.client` do the sending; retries wrap a
flow from outside (:func:`compat._retry.retrying`).

Rules this module keeps:

* **No I/O, no clock, no httpx.** Flows only call the backend's pure ``build_*`` and ``parse_*``.
* **Refusals come before the first request.** An operation the backend lacks
  (:class:`~compat.errors.UnsupportedOperation`), a malformed SID, a body over the dialect's limit
  (:class:`~compat.errors.BodyTooLong`, unless splitting) are raised before anything is yielded.
* **Every API error names its request.** An :class:`~compat.errors.ApiError` from a ``parse_*``
  call is re-raised with the method and URL (phone numbers masked unless the caller opted in).
* **A split send never hides what it sent.** When a piece after the first fails,
  :class:`~compat.errors.PartialSend` carries the messages already sent and the error.
* **A page links to the next.** :func:`page` and :func:`page_at` return a page whose
  ``next_page_uri`` is set whenever another page follows, also in dialects whose documents carry no
  URIs (2008 counts pages): the backend's ``build_next_page`` writes it. :func:`page_at` follows
  only a list URI of this account in this dialect (the backend's server side reads it back), so a
  URI cannot send the credentials to another resource.
* **Listing holds one page.** :class:`Listing` keeps the request for the next page, never the page
  it came from, and hands each page's messages out as a tuple the caller drops before asking for
  the next page.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

import attrs

from compat import segments
from compat._redact import masked_target
from compat.backends.base import Backend, ListCall, Operation
from compat.errors import (
    ApiError,
    BodyTooLong,
    CompatError,
    InvalidParameter,
    PartialSend,
    UnexpectedDocument,
    UnsupportedOperation,
)
from compat.model import MESSAGE_SID, ListQuery, Message, MessagePage, MessageUpdate, NewMessage
from compat.wire import WireRequest, WireResponse

__all__ = [
    "MAX_PAGE_SIZE",
    "Context",
    "Flow",
    "Listing",
    "checked_sid",
    "create",
    "delete",
    "fetch",
    "page",
    "page_at",
    "update",
]

T = TypeVar("T")

Flow = Generator[WireRequest, WireResponse, T]
"""A flow yields requests, is sent their responses, and returns a ``T``."""

MAX_PAGE_SIZE = 1000
"""The largest page either API generation serves; auto-paging asks for at most this many."""


@attrs.frozen
class Context:
    """What every flow needs: the dialect, the account, and how to name a failed request."""

    backend: Backend
    account_sid: str
    base_url: str
    reveal_numbers: bool = False

    def url_for(self, request: WireRequest) -> str:
        """The request's URL as errors show it."""
        target = masked_target(request.path, request.query, reveal=self.reveal_numbers)
        return self.base_url + target

    def require(self, operation: Operation, name: str) -> None:
        """Refuse ``name`` (as the user called it) when the backend lacks ``operation``."""
        if operation not in self.backend.operations:
            raise UnsupportedOperation(self.backend.name, name)


def _exchange(
    ctx: Context, request: WireRequest, parse: Callable[[WireResponse], T]
) -> Flow[T]:
    response = yield request
    try:
        return parse(response)
    except ApiError as error:
        raise error.with_request(request.method, ctx.url_for(request)) from None


def checked_sid(sid: object) -> str:
    """``sid`` when it is a message SID; else :class:`InvalidParameter` (so that a SID can never
    rewrite a request path)."""
    if not isinstance(sid, str) or not MESSAGE_SID.match(sid):
        raise InvalidParameter(
            f"{sid!r} is not a message SID (SM or MM followed by 32 hex digits)", parameter="sid"
        )
    return sid


def _bodies(ctx: Context, body: str | None, *, split: bool) -> list[str | None]:
    limit = ctx.backend.max_body_length
    if body is None or len(body) <= limit:
        return [body]
    if not split:
        raise BodyTooLong(len(body), limit, ctx.backend.name)
    return list(segments.split(body, limit=limit))


def create(ctx: Context, message: NewMessage, *, split: bool = False) -> Flow[list[Message]]:
    """Send ``message``; with ``split``, a body over the limit goes as several messages in order."""
    ctx.require(Operation.CREATE, "create")
    bodies = _bodies(ctx, message.body, split=split)
    sent: list[Message] = []
    for body in bodies:
        piece = message if body == message.body else attrs.evolve(message, body=body)
        request = ctx.backend.build_create(ctx.account_sid, piece)
        try:
            sent.append((yield from _exchange(ctx, request, ctx.backend.parse_message)))
        except CompatError as error:
            if not sent:
                raise
            raise PartialSend(tuple(sent), len(bodies), error) from error
    return sent


def fetch(ctx: Context, sid: str) -> Flow[Message]:
    ctx.require(Operation.FETCH, "fetch")
    request = ctx.backend.build_fetch(ctx.account_sid, checked_sid(sid))
    return (yield from _exchange(ctx, request, ctx.backend.parse_message))


def update(ctx: Context, sid: str, change: MessageUpdate, *, name: str = "update") -> Flow[Message]:
    """Apply ``change``; ``name`` is the operation as the user called it (redact, cancel)."""
    ctx.require(Operation.UPDATE, name)
    request = ctx.backend.build_update(ctx.account_sid, checked_sid(sid), change)
    return (yield from _exchange(ctx, request, ctx.backend.parse_message))


def delete(ctx: Context, sid: str) -> Flow[None]:
    ctx.require(Operation.DELETE, "delete")
    request = ctx.backend.build_delete(ctx.account_sid, checked_sid(sid))
    yield from _exchange(ctx, request, ctx.backend.parse_deleted)


def page(ctx: Context, query: ListQuery) -> Flow[MessagePage]:
    """One page of the messages ``query`` matches (its ``page`` and ``page_token`` pick which)."""
    ctx.require(Operation.LIST, "page")
    request = ctx.backend.build_list(ctx.account_sid, query)
    return (yield from _linked_page(ctx, request, query))


def page_at(ctx: Context, uri: str, *, name: str = "get_page") -> Flow[MessagePage]:
    """The page at ``uri``: a page's ``next_page_uri`` (or another of its URIs), relative to the
    API host or absolute under the client's base URL. ``name`` is the operation as called."""
    ctx.require(Operation.LIST, name)
    request, query = _list_target(ctx, uri, name)
    return (yield from _linked_page(ctx, request, query))


def _list_target(ctx: Context, uri: object, name: str) -> tuple[WireRequest, ListQuery]:
    target = uri if isinstance(uri, str) else ""
    if target.startswith(ctx.base_url + "/"):
        target = target[len(ctx.base_url):]
    refused = InvalidParameter(
        f"{name}(): {uri!r} is not a page of account {ctx.account_sid}'s messages in the "
        f"{ctx.backend.name} dialect", parameter="target_url",
    )
    if not target.startswith("/") or target.startswith("//"):
        raise refused
    request = WireRequest.from_target("GET", target)
    try:
        call = ctx.backend.parse_request(request)
    except CompatError:
        raise refused from None
    if not isinstance(call, ListCall) or call.account_sid != ctx.account_sid:
        raise refused
    return request, call.query


def _linked_page(ctx: Context, request: WireRequest, query: ListQuery) -> Flow[MessagePage]:
    page = yield from _exchange(ctx, request, ctx.backend.parse_page)
    uri = request.target if page.uri is None else page.uri
    next_uri = page.next_page_uri
    if next_uri is None and page.has_next:
        following = ctx.backend.build_next_page(ctx.account_sid, query, page)
        if following is not None and following != request:
            next_uri = following.target
    if (uri, next_uri) == (page.uri, page.next_page_uri):
        return page
    return attrs.evolve(page, uri=uri, next_page_uri=next_uri)


class Listing:
    """Auto-paging: which page to ask for next, and how many messages are still wanted.

    Call :meth:`next_page` until it returns ``None``; drive each flow it returns and hand out the
    messages that flow returns. Refusals (unsupported operation, bad limit) happen on construction.
    """

    def __init__(
        self, ctx: Context, query: ListQuery, *, limit: int | None = None, name: str = "list"
    ) -> None:
        ctx.require(Operation.LIST, name)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or limit < 0):
            raise InvalidParameter(f"limit must be a non-negative integer, got {limit!r}")
        if limit and query.page_size is None:
            query = attrs.evolve(query, page_size=min(limit, MAX_PAGE_SIZE))
        self._ctx = ctx
        self._query = query
        self._remaining = limit
        self._next: WireRequest | None = None
        if limit != 0:
            self._next = ctx.backend.build_list(ctx.account_sid, query)

    def next_page(self) -> Flow[tuple[Message, ...]] | None:
        """The flow fetching the next page's wanted messages; ``None`` once the listing is done."""
        request, self._next = self._next, None
        return None if request is None else self._page(request)

    def _page(self, request: WireRequest) -> Flow[tuple[Message, ...]]:
        page = yield from _exchange(self._ctx, request, self._ctx.backend.parse_page)
        items = page.items
        if self._remaining is not None:
            items = items[: self._remaining]
            self._remaining -= len(items)
        if items and self._remaining != 0 and page.has_next:
            self._next = self._request_after(request, page)
        return items

    def _request_after(self, request: WireRequest, page: MessagePage) -> WireRequest | None:
        following = self._ctx.backend.build_next_page(self._ctx.account_sid, self._query, page)
        if following == request:
            raise UnexpectedDocument(
                f"the API named {self._ctx.url_for(request)} as the page after itself",
                dialect=self._ctx.backend.name,
            )
        return following
