"""Client and AsyncClient: the flows of :mod:`compat.flows` driven over httpx.

``Client(account_sid, auth_token, backend="2008-08-01")`` talks the 2008 API; changing ``backend``
to ``"2010-04-01"`` keeps every call the same. ``client.messages`` offers ``create``, ``fetch``,
``list`` (lazy auto-paging), ``update``, ``redact``, ``cancel`` and ``delete``.

Rules this module keeps:

* **One driver loop per client, nothing else.** Operations live in :mod:`compat.flows`, retries in
  :mod:`compat._http`. ``Client`` and ``AsyncClient`` share set-up code (:class:`_Settings`) and
  argument handling, never a base class: async is not a subclass of sync.
* **Refuse early.** Missing credentials and bad settings raise
  :class:`~compat.errors.ConfigurationError` on construction; bad arguments, unsupported operations
  and over-long bodies raise before any request.
* **Credentials never show.** No repr, log line or error message contains the auth token or the API
  secret; reprs name the account, the backend and the base URL only.
* **Close what we open.** A client made from ``transport=`` or nothing owns its httpx client and
  closes it; a caller's ``http_client=`` is left open for the caller.
"""

from __future__ import annotations

import asyncio
import builtins
import datetime as dt
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, Literal, TypeVar, overload

import attrs
import httpx

from compat import backends, flows
from compat._http import (
    DEFAULT_TIMEOUT,
    AsyncSender,
    Edge,
    Outcome,
    Pause,
    RetryPolicy,
    SyncSender,
    basic_authorization,
    retrying,
)
from compat.backends.base import Backend
from compat.errors import ConfigurationError, InvalidParameter, TransportError
from compat.model import ACCOUNT_SID, ListQuery, Message, MessageUpdate, NewMessage

__all__ = [
    "DEFAULT_BASE_URL",
    "AsyncClient",
    "AsyncMessages",
    "Client",
    "Messages",
    "RetryPolicy",
]

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.twilio.com"
DEFAULT_BACKEND = "2010-04-01"
DEFAULT_RETRY = RetryPolicy()

BodyPolicy = Literal["reject", "split"]
_BODY_POLICIES = ("reject", "split")
_API_KEY = re.compile(r"\ASK[0-9a-fA-F]{32}\Z")
_MESSAGE_FIELDS = frozenset(field.name for field in attrs.fields(NewMessage))


# -- set-up shared by both clients -------------------------------------------------------------


def _credentials(
    account_sid: str | None,
    auth_token: str | None,
    api_key: str | None,
    api_secret: str | None,
    environ: Mapping[str, str],
) -> tuple[str, str]:
    """The account SID and the ``Authorization`` header value. Messages never echo a value."""
    account_sid = account_sid or environ.get("TWILIO_ACCOUNT_SID") or None
    if account_sid is None:
        raise ConfigurationError(
            "no account SID: pass account_sid= or set the TWILIO_ACCOUNT_SID environment variable"
        )
    if not ACCOUNT_SID.match(account_sid):
        hint = " (an API key SID goes in api_key=)" if account_sid.startswith("SK") else ""
        raise ConfigurationError(
            f"the account SID is not 'AC' followed by 32 hex digits{hint}"
        )
    if api_key or api_secret:
        if auth_token:
            raise ConfigurationError("pass auth_token= or api_key= with api_secret=, not both")
        if not (api_key and api_secret):
            raise ConfigurationError("an API key needs its secret: pass api_key= and api_secret=")
        if not _API_KEY.match(api_key):
            raise ConfigurationError("the API key SID is not 'SK' followed by 32 hex digits")
        return account_sid, basic_authorization(api_key, api_secret)
    auth_token = auth_token or environ.get("TWILIO_AUTH_TOKEN") or None
    if auth_token is None:
        raise ConfigurationError(
            "no auth token: pass auth_token= or set the TWILIO_AUTH_TOKEN environment variable "
            "(or pass api_key= and api_secret=)"
        )
    return account_sid, basic_authorization(account_sid, auth_token)


def _timeout(value: float | httpx.Timeout) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {value!r}")
    return httpx.Timeout(float(value))


def _base_url(value: str) -> str:
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError):
        raise ConfigurationError(f"base_url {value!r} is not a URL") from None
    if url.scheme not in ("http", "https") or not url.host or url.query or url.fragment:
        raise ConfigurationError(
            f"base_url must be an http or https URL without query, got {value!r}"
        )
    return value.rstrip("/")


@attrs.frozen
class _Settings:
    """Everything both clients resolve the same way from their arguments."""

    context: flows.Context
    edge: Edge
    retry: RetryPolicy
    uses_api_key: bool

    @classmethod
    def resolve(
        cls,
        *,
        account_sid: str | None,
        auth_token: str | None,
        api_key: str | None,
        api_secret: str | None,
        backend: str | Backend,
        base_url: str,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy,
        log_numbers: bool,
        http_client: object,
        transport: object,
    ) -> _Settings:
        if http_client is not None and transport is not None:
            raise ConfigurationError("pass http_client= or transport=, not both")
        if not isinstance(retry, RetryPolicy):
            raise ConfigurationError(f"retry must be a RetryPolicy, got {type(retry).__name__}")
        sid, authorization = _credentials(
            account_sid, auth_token, api_key, api_secret, os.environ
        )
        url = _base_url(base_url)
        context = flows.Context(backends.get(backend), sid, url, bool(log_numbers))
        edge = Edge(
            base_url=url,
            authorization=authorization,
            timeout=_timeout(timeout),
            reveal_numbers=bool(log_numbers),
        )
        return cls(context, edge, retry, bool(api_key))

    def describe(self, kind: str) -> str:
        ctx = self.context
        auth = "api key" if self.uses_api_key else "auth token"
        return (
            f"<{kind} account_sid={ctx.account_sid!r} backend={ctx.backend.name!r} "
            f"base_url={ctx.base_url!r} auth={auth!r}>"
        )


def _new_message(
    to: str,
    from_: str | None,
    body: str | None,
    media_url: Iterable[str] | str | None,
    messaging_service_sid: str | None,
    status_callback: str | None,
    options: dict[str, Any],
    body_policy: str,
) -> NewMessage:
    if body_policy not in _BODY_POLICIES:
        raise InvalidParameter(
            f"body_policy must be 'reject' or 'split', got {body_policy!r}", parameter="body_policy"
        )
    unknown = sorted(set(options) - _MESSAGE_FIELDS)
    if unknown:
        raise InvalidParameter(f"unknown message field(s): {', '.join(unknown)}")
    return NewMessage(
        to=to,
        from_=from_,
        body=body,
        media_urls=media_url or (),
        messaging_service_sid=messaging_service_sid,
        status_callback=status_callback,
        **options,
    )


def _list_query(
    to: str | None,
    from_: str | None,
    date_sent: dt.date | None,
    date_sent_before: dt.date | None,
    date_sent_after: dt.date | None,
    page_size: int | None,
) -> ListQuery:
    return ListQuery(
        to=to,
        from_=from_,
        date_sent=date_sent,
        date_sent_before=date_sent_before,
        date_sent_after=date_sent_after,
        page_size=page_size,
    )


def _change(body: str | None, status: str | None) -> MessageUpdate:
    return MessageUpdate(body=body, status=status)


_REDACT = MessageUpdate(body="")
_CANCEL = MessageUpdate(status="canceled")


# -- sync --------------------------------------------------------------------------------------


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
        self._settings = _Settings.resolve(
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
        message = _new_message(to, from_, body, media_url, messaging_service_sid,
                               status_callback, options, body_policy)
        split = body_policy == "split"
        sent = self._run(flows.create(self._ctx, message, split=split))
        return sent if split else sent[0]

    def fetch(self, sid: str) -> Message:
        return self._run(flows.fetch(self._ctx, sid))

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
        query = _list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size)
        return self._iterate(flows.Listing(self._ctx, query, limit=limit))

    def _iterate(self, listing: flows.Listing) -> Iterator[Message]:
        while (page := listing.next_page()) is not None:
            yield from self._run(page)

    def update(self, sid: str, *, body: str | None = None, status: str | None = None) -> Message:
        """Redact (``body=""``) or cancel (``status="canceled"``) a message."""
        return self._run(flows.update(self._ctx, sid, _change(body, status)))

    def redact(self, sid: str) -> Message:
        """Blank the message's body."""
        return self._run(flows.update(self._ctx, sid, _REDACT, name="redact"))

    def cancel(self, sid: str) -> Message:
        """Cancel a scheduled message."""
        return self._run(flows.update(self._ctx, sid, _CANCEL, name="cancel"))

    def delete(self, sid: str) -> None:
        self._run(flows.delete(self._ctx, sid))


# -- async -------------------------------------------------------------------------------------


class AsyncClient:
    """The asynchronous client: the same arguments as :class:`Client`, awaited operations.

    Use it as an async context manager, or await :meth:`aclose`. ``sleep`` defaults to
    :func:`asyncio.sleep`.
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
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        log_numbers: bool = False,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._settings = _Settings.resolve(
            account_sid=account_sid, auth_token=auth_token, api_key=api_key,
            api_secret=api_secret, backend=backend, base_url=base_url, timeout=timeout,
            retry=retry, log_numbers=log_numbers, http_client=http_client, transport=transport,
        )
        self._sender = AsyncSender(self._settings.edge, http_client, transport)
        self._sleep = sleep
        self.messages = AsyncMessages(self)

    @property
    def account_sid(self) -> str:
        return self._settings.context.account_sid

    @property
    def backend(self) -> Backend:
        return self._settings.context.backend

    async def _run(self, flow: flows.Flow[T]) -> T:
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
                await self._sleep(step.seconds)
                outcome = None
                continue
            try:
                outcome = await self._sender.send(step)
            except TransportError as error:
                outcome = error

    async def aclose(self) -> None:
        """Close the httpx client if this client made it."""
        await self._sender.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return self._settings.describe("AsyncClient")


class AsyncMessages:
    """``async_client.messages``: the operations of :class:`Messages`, awaited."""

    def __init__(self, client: AsyncClient) -> None:
        self._ctx = client._settings.context
        self._run = client._run

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
        """Send a message; see :meth:`Messages.create`."""
        message = _new_message(to, from_, body, media_url, messaging_service_sid,
                               status_callback, options, body_policy)
        split = body_policy == "split"
        sent = await self._run(flows.create(self._ctx, message, split=split))
        return sent if split else sent[0]

    async def fetch(self, sid: str) -> Message:
        return await self._run(flows.fetch(self._ctx, sid))

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
    ) -> AsyncIterator[Message]:
        """Messages matching the filters (``async for``), pages fetched lazily; see
        :meth:`Messages.list`. Arguments are checked on the call, not on the first iteration."""
        query = _list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size)
        return self._iterate(flows.Listing(self._ctx, query, limit=limit))

    async def _iterate(self, listing: flows.Listing) -> AsyncIterator[Message]:
        while (page := listing.next_page()) is not None:
            for message in await self._run(page):
                yield message

    async def update(
        self, sid: str, *, body: str | None = None, status: str | None = None
    ) -> Message:
        """Redact (``body=""``) or cancel (``status="canceled"``) a message."""
        return await self._run(flows.update(self._ctx, sid, _change(body, status)))

    async def redact(self, sid: str) -> Message:
        return await self._run(flows.update(self._ctx, sid, _REDACT, name="redact"))

    async def cancel(self, sid: str) -> Message:
        return await self._run(flows.update(self._ctx, sid, _CANCEL, name="cancel"))

    async def delete(self, sid: str) -> None:
        await self._run(flows.delete(self._ctx, sid))
