"""``async_client.messages`` and ``async_client.messages(sid)``: the operations awaited.

The same operations and names as :mod:`compat.messages`. ``list()`` returns an
:class:`AsyncMessageListing`: ``async for`` over it fetches pages lazily, and awaiting it gives a
list, so both ``async for m in client.messages.list()`` and ``await client.messages.list()`` work.

Rules: the same as :mod:`compat.messages`'s. Nothing here subclasses or calls the synchronous
classes; argument errors are raised on the call, never on the first iteration or await.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import AsyncGenerator, Generator, Iterable
from typing import Any, Literal, Protocol, TypeVar, overload

from compat import flows
from compat._client_setup import (
    CANCEL,
    REDACT,
    BodyPolicy,
    change,
    checked_arguments,
    list_query,
    new_message,
)
from compat.errors import InvalidParameter
from compat.model import Message, MessagePage

__all__ = ["AsyncMessageContext", "AsyncMessageListing", "AsyncMessages", "AsyncRun"]

T = TypeVar("T")


class AsyncRun(Protocol):
    """An async client's driver: runs a flow to its result."""

    async def __call__(self, flow: flows.Flow[T], /) -> T: ...


class AsyncMessageListing:
    """What ``AsyncMessages.list()`` returns: an async iterator of messages that can be awaited.

    ``async for`` fetches pages as it goes and holds one at a time; ``await`` collects the
    messages not yet iterated into a list. :meth:`aclose` stops a listing left half-way.
    """

    def __init__(self, messages: AsyncGenerator[Message, None]) -> None:
        self._messages = messages

    def __aiter__(self) -> AsyncMessageListing:
        return self

    async def __anext__(self) -> Message:
        return await self._messages.__anext__()

    def __await__(self) -> Generator[Any, None, builtins.list[Message]]:
        return self._collect().__await__()

    async def _collect(self) -> builtins.list[Message]:
        return [message async for message in self._messages]

    async def aclose(self) -> None:
        await self._messages.aclose()


class AsyncMessages:
    """``async_client.messages``: the operations of :class:`~compat.messages.Messages`, awaited."""

    def __init__(self, ctx: flows.Context, run: AsyncRun) -> None:
        self._ctx = ctx
        self._run = run

    @overload
    async def create(
        self, *, to: str, from_: str | None = ..., body: str | None = ...,
        media_url: Iterable[str] | str | None = ..., messaging_service_sid: str | None = ...,
        status_callback: str | None = ..., body_policy: Literal["reject"] = ..., **options: Any,
    ) -> Message: ...
    @overload
    async def create(
        self, *, to: str, from_: str | None = ..., body: str | None = ...,
        media_url: Iterable[str] | str | None = ..., messaging_service_sid: str | None = ...,
        status_callback: str | None = ..., body_policy: Literal["split"], **options: Any,
    ) -> builtins.list[Message]: ...

    @checked_arguments
    async def create(
        self,
        *,
        to: str,
        from_: str | None = None,
        body: str | None = None,
        media_url: Iterable[str] | str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
        body_policy: BodyPolicy = "reject",
        **options: Any,
    ) -> Message | builtins.list[Message]:
        """Send a message; see :meth:`compat.messages.Messages.create`."""
        message = new_message(to, from_, body, media_url, messaging_service_sid,
                              status_callback, options, body_policy)
        split = body_policy == "split"
        sent = await self._run(flows.create(self._ctx, message, split=split))
        return sent if split else sent[0]

    @checked_arguments
    async def fetch(self, sid: str) -> Message:
        return await self._run(flows.fetch(self._ctx, sid))

    @checked_arguments
    def list(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        date_sent: dt.date | None = None,
        date_sent_before: dt.date | None = None,
        date_sent_after: dt.date | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncMessageListing:
        """Messages matching the filters: ``async for`` them (pages fetched lazily) or ``await``
        the whole list. Arguments are checked on the call."""
        query = list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size)
        return AsyncMessageListing(self._iterate(flows.Listing(self._ctx, query, limit=limit)))

    @checked_arguments
    def stream(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        date_sent: dt.date | None = None,
        date_sent_before: dt.date | None = None,
        date_sent_after: dt.date | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncGenerator[Message, None]:
        """Messages matching the filters (``async for``), one page held at a time."""
        query = list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size)
        return self._iterate(flows.Listing(self._ctx, query, limit=limit, name="stream"))

    async def _iterate(self, listing: flows.Listing) -> AsyncGenerator[Message, None]:
        while (page := listing.next_page()) is not None:
            for message in await self._run(page):
                yield message

    @checked_arguments
    async def page(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        date_sent: dt.date | None = None,
        date_sent_before: dt.date | None = None,
        date_sent_after: dt.date | None = None,
        page_token: str | None = None,
        page_number: int | None = None,
        page_size: int | None = None,
    ) -> MessagePage:
        """One page; see :meth:`compat.messages.Messages.page`."""
        query = list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size,
                           page_number=page_number, page_token=page_token)
        return await self._run(flows.page(self._ctx, query))

    @checked_arguments
    async def get_page(self, target_url: str) -> MessagePage:
        """The page at ``target_url``; see :meth:`compat.messages.Messages.get_page`."""
        return await self._run(flows.page_at(self._ctx, target_url))

    @checked_arguments
    async def next_page(self, page: MessagePage) -> MessagePage | None:
        """The page after ``page``, or ``None`` when it was the last."""
        if not isinstance(page, MessagePage):
            raise InvalidParameter(
                f"next_page() takes a MessagePage, not {type(page).__name__}", parameter="page"
            )
        if page.next_page_uri is None:
            return None
        return await self._run(flows.page_at(self._ctx, page.next_page_uri, name="next_page"))

    @checked_arguments
    async def update(
        self, sid: str, *, body: str | None = None, status: str | None = None
    ) -> Message:
        """Redact (``body=""``) or cancel (``status="canceled"``) a message."""
        return await self._run(flows.update(self._ctx, sid, change(body, status)))

    @checked_arguments
    async def redact(self, sid: str) -> Message:
        return await self._run(flows.update(self._ctx, sid, REDACT, name="redact"))

    @checked_arguments
    async def cancel(self, sid: str) -> Message:
        return await self._run(flows.update(self._ctx, sid, CANCEL, name="cancel"))

    @checked_arguments
    async def delete(self, sid: str) -> None:
        await self._run(flows.delete(self._ctx, sid))

    @checked_arguments
    def __call__(self, sid: str) -> AsyncMessageContext:
        """The operations on one message, as in ``await client.messages(sid).fetch()``."""
        return AsyncMessageContext(self, flows.checked_sid(sid))

    def __repr__(self) -> str:
        return f"<AsyncMessages backend={self._ctx.backend.name!r}>"


class AsyncMessageContext:
    """``async_client.messages(sid)``: one message's operations, awaited."""

    def __init__(self, messages: AsyncMessages, sid: str) -> None:
        self._messages = messages
        self.sid = sid

    async def fetch(self) -> Message:
        return await self._messages.fetch(self.sid)

    @checked_arguments
    async def update(self, *, body: str | None = None, status: str | None = None) -> Message:
        """Redact (``body=""``) or cancel (``status="canceled"``) this message."""
        return await self._messages.update(self.sid, body=body, status=status)

    async def redact(self) -> Message:
        return await self._messages.redact(self.sid)

    async def cancel(self) -> Message:
        return await self._messages.cancel(self.sid)

    async def delete(self) -> bool:
        """Delete this message; ``True`` as the official library returns (a failure raises)."""
        await self._messages.delete(self.sid)
        return True

    def __repr__(self) -> str:
        return f"<AsyncMessageContext sid={self.sid!r}>"
