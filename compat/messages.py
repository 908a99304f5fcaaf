"""``client.messages`` and ``client.messages(sid)``: the synchronous message operations.

The names and shapes follow the official twilio library where it has the same operation:
``list()`` returns a list, ``stream()`` a lazy iterator, ``page()`` one
:class:`~compat.model.MessagePage`, and ``client.messages(sid)`` a :class:`MessageContext` with
``fetch()``, ``update()`` and ``delete()``. The typed operations that take a SID
(``client.messages.fetch(sid)``, ...) stay.

Rules this module keeps:

* **Nothing here does I/O.** Each method builds a flow from :mod:`compat.flows` and hands it to the
  client's driver (``run``); the async twin is :mod:`compat.async_messages`, not a subclass.
* **Arguments are checked on the call.** Every public method is wrapped in
  :func:`~compat._client_setup.checked_arguments`: a call that does not fit raises
  :class:`~compat.errors.InvalidParameter`; ``client.messages(sid)`` checks the SID at once.
* **Streaming holds one page.** ``stream()`` keeps one page of messages alive at a time;
  ``list()`` is ``stream()`` collected.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Iterator
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

__all__ = ["MessageContext", "Messages", "Run"]

T = TypeVar("T")


class Run(Protocol):
    """A client's driver: runs a flow to its result."""

    def __call__(self, flow: flows.Flow[T], /) -> T: ...


class Messages:
    """``client.messages``: the message operations, named as in the official twilio library."""

    def __init__(self, ctx: flows.Context, run: Run) -> None:
        self._ctx = ctx
        self._run = run

    @overload
    def create(
        self, *, to: str, from_: str | None = ..., body: str | None = ...,
        media_url: Iterable[str] | str | None = ..., messaging_service_sid: str | None = ...,
        status_callback: str | None = ..., body_policy: Literal["reject"] = ..., **options: Any,
    ) -> Message: ...
    @overload
    def create(
        self, *, to: str, from_: str | None = ..., body: str | None = ...,
        media_url: Iterable[str] | str | None = ..., messaging_service_sid: str | None = ...,
        status_callback: str | None = ..., body_policy: Literal["split"], **options: Any,
    ) -> builtins.list[Message]: ...

    @checked_arguments
    def create(
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
        """Send a message. Other :class:`~compat.model.NewMessage` fields go in ``options``.

        A body over the backend's ``max_body_length`` raises BodyTooLong before sending, unless
        ``body_policy="split"``: then the pieces are sent in order and a list of every message
        created is returned (a one-item list when the body fits).
        """
        message = new_message(to, from_, body, media_url, messaging_service_sid,
                              status_callback, options, body_policy)
        split = body_policy == "split"
        sent = self._run(flows.create(self._ctx, message, split=split))
        return sent if split else sent[0]

    @checked_arguments
    def fetch(self, sid: str) -> Message:
        return self._run(flows.fetch(self._ctx, sid))

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
    ) -> builtins.list[Message]:
        """Messages matching the filters, newest first, as a list (every page fetched now).

        ``limit`` caps how many are returned (``None``: all); see :meth:`stream` to hold one page
        at a time instead.
        """
        query = list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size)
        return builtins.list(self._iterate(flows.Listing(self._ctx, query, limit=limit)))

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
    ) -> Iterator[Message]:
        """Messages matching the filters, newest first, fetching pages lazily as you iterate.

        ``limit`` caps how many are returned (``None``: all). Only one page is held at a time.
        """
        query = list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size)
        return self._iterate(flows.Listing(self._ctx, query, limit=limit, name="stream"))

    def _iterate(self, listing: flows.Listing) -> Iterator[Message]:
        while (page := listing.next_page()) is not None:
            yield from self._run(page)

    @checked_arguments
    def page(
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
        """One page of the messages matching the filters (one request).

        ``page_number`` (zero-based) and ``page_token`` pick the page as the dialect allows; its
        ``next_page_uri`` is set whenever another page follows (see :meth:`next_page`).
        """
        query = list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size,
                           page_number=page_number, page_token=page_token)
        return self._run(flows.page(self._ctx, query))

    @checked_arguments
    def get_page(self, target_url: str) -> MessagePage:
        """The page at ``target_url``: a page URI of this account's messages, relative to the API
        host or absolute under the client's base URL (anything else is InvalidParameter)."""
        return self._run(flows.page_at(self._ctx, target_url))

    @checked_arguments
    def next_page(self, page: MessagePage) -> MessagePage | None:
        """The page after ``page`` (from :meth:`page`, :meth:`get_page` or this), or ``None``
        when it was the last."""
        if not isinstance(page, MessagePage):
            raise InvalidParameter(
                f"next_page() takes a MessagePage, not {type(page).__name__}", parameter="page"
            )
        if page.next_page_uri is None:
            return None
        return self._run(
            flows.page_at(self._ctx, page.next_page_uri, name="next_page")
        )

    @checked_arguments
    def update(self, sid: str, *, body: str | None = None, status: str | None = None) -> Message:
        """Redact (``body=""``) or cancel (``status="canceled"``) a message."""
        return self._run(flows.update(self._ctx, sid, change(body, status)))

    @checked_arguments
    def redact(self, sid: str) -> Message:
        """Blank the message's body."""
        return self._run(flows.update(self._ctx, sid, REDACT, name="redact"))

    @checked_arguments
    def cancel(self, sid: str) -> Message:
        """Cancel a scheduled message."""
        return self._run(flows.update(self._ctx, sid, CANCEL, name="cancel"))

    @checked_arguments
    def delete(self, sid: str) -> None:
        self._run(flows.delete(self._ctx, sid))

    @checked_arguments
    def __call__(self, sid: str) -> MessageContext:
        """The operations on one message, as in ``client.messages(sid).fetch()``."""
        return MessageContext(self, flows.checked_sid(sid))

    def __repr__(self) -> str:
        return f"<Messages backend={self._ctx.backend.name!r}>"


class MessageContext:
    """``client.messages(sid)``: one message's operations, shaped as in the official library."""

    def __init__(self, messages: Messages, sid: str) -> None:
        self._messages = messages
        self.sid = sid

    def fetch(self) -> Message:
        return self._messages.fetch(self.sid)

    @checked_arguments
    def update(self, *, body: str | None = None, status: str | None = None) -> Message:
        """Redact (``body=""``) or cancel (``status="canceled"``) this message."""
        return self._messages.update(self.sid, body=body, status=status)

    def redact(self) -> Message:
        return self._messages.redact(self.sid)

    def cancel(self) -> Message:
        return self._messages.cancel(self.sid)

    def delete(self) -> bool:
        """Delete this message; ``True`` as the official library returns (a failure raises)."""
        self._messages.delete(self.sid)
        return True

    def __repr__(self) -> str:
        return f"<MessageContext sid={self.sid!r}>"
