"""Client: the flows of :mod:`compat.flows` driven over httpx, synchronously.

``Client(account_sid, auth_token, backend="2008-08-01")`` talks the 2008 API; changing ``backend``
to ``"2010-04-01"`` keeps every call the same. ``client.messages`` offers ``create``, ``fetch``,
``list`` (lazy auto-paging), ``update``, ``redact``, ``cancel`` and ``delete``.
:class:`~compat.async_client.AsyncClient` is the same API awaited.

Rules this module keeps:

* **One driver loop per client, nothing else.** Operations live in :mod:`compat.flows`, retries in
  :mod:`compat._http`, set-up and argument checks in :mod:`compat._client_setup`; async is not a
  subclass of sync.
* **Refuse early.** Missing credentials and bad settings raise
  :class:`~compat.errors.ConfigurationError` on construction; bad arguments, unsupported operations
  and over-long bodies raise before any request.
* **Credentials never show.** No repr, log line or error message contains the auth token or the API
  secret; reprs name the account, the backend and the base URL only.
* **Close what we open.** A client made from ``transport=`` or nothing owns its httpx client and
  closes it; a caller's ``http_client=`` is left open for the caller.
"""

from __future__ import annotations

import builtins
import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, Literal, TypeVar, overload

import httpx

from compat import flows
from compat._client_setup import (
    CANCEL,
    DEFAULT_BACKEND,
    DEFAULT_BASE_URL,
    DEFAULT_RETRY,
    REDACT,
    BodyPolicy,
    Settings,
    change,
    checked_arguments,
    list_query,
    new_message,
)
from compat._http import DEFAULT_TIMEOUT, Outcome, Pause, RetryPolicy, SyncSender, retrying
from compat.async_client import AsyncClient, AsyncMessages
from compat.backends.base import Backend
from compat.errors import TransportError
from compat.model import Message

__all__ = ["DEFAULT_BASE_URL", "AsyncClient", "AsyncMessages", "Client", "Messages", "RetryPolicy"]

T = TypeVar("T")


class Client:
    """A synchronous client. Use it as a context manager, or call :meth:`close`.

    Credentials come from the arguments, else from ``TWILIO_ACCOUNT_SID`` and ``TWILIO_AUTH_TOKEN``;
    an API key (``api_key=``, ``api_secret=``) needs the account SID too. ``backend`` is a
    dialect name (``"2008-08-01"``, ``"2010-04-01"``, ``"2010-04-01-sms"``) or a Backend object.
    ``sleep`` is what retries wait with (tests pass a recorder).
    """

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        backend: str | Backend = DEFAULT_BACKEND,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy = DEFAULT_RETRY,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        log_numbers: bool = False,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self._settings = Settings.resolve(
            account_sid=account_sid, auth_token=auth_token, api_key=api_key,
            api_secret=api_secret, backend=backend, base_url=base_url, timeout=timeout,
            retry=retry, log_numbers=log_numbers, http_client=http_client, transport=transport,
        )
        self._sender = SyncSender(self._settings.edge, http_client, transport)
        self._sleep = sleep
        self.messages = Messages(self)

    @property
    def account_sid(self) -> str:
        return self._settings.context.account_sid

    @property
    def backend(self) -> Backend:
        return self._settings.context.backend

    def _run(self, flow: flows.Flow[T]) -> T:
        """Drive one flow: send each request, sleep on each pause, until it returns."""
        settings = self._settings
        steps = retrying(flow, settings.retry, reveal_numbers=settings.context.reveal_numbers)
        outcome: Outcome | None = None
        while True:
            try:
                step = steps.send(outcome)
            except StopIteration as done:
                result: T = done.value
                return result
            if isinstance(step, Pause):
                self._sleep(step.seconds)
                outcome = None
                continue
            try:
                outcome = self._sender.send(step)
            except TransportError as error:
                outcome = error

    def close(self) -> None:
        """Close the httpx client if this client made it."""
        self._sender.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._settings.describe("Client")


class Messages:
    """``client.messages``: the message operations, named as in the official twilio library."""

    def __init__(self, client: Client) -> None:
        self._ctx = client._settings.context
        self._run = client._run

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
    ) -> Iterator[Message]:
        """Messages matching the filters, newest first, fetching pages lazily as you iterate.

        ``limit`` caps how many are returned (``None``: all). Only one page is held at a time.
        """
        query = list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size)
        return self._iterate(flows.Listing(self._ctx, query, limit=limit))

    def _iterate(self, listing: flows.Listing) -> Iterator[Message]:
        while (page := listing.next_page()) is not None:
            yield from self._run(page)

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
