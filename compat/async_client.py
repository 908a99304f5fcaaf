"""AsyncClient: the flows of :mod:`compat.flows` driven over httpx, awaited.

Rules: the same as :mod:`compat.client`'s, with one driver loop of its own; nothing here
subclasses or calls the synchronous client.
"""

from __future__ import annotations

import asyncio
import builtins
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
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
from compat._http import DEFAULT_TIMEOUT, AsyncSender, Outcome, Pause, RetryPolicy, retrying
from compat.backends.base import Backend
from compat.errors import TransportError
from compat.model import Message

__all__ = ["AsyncClient", "AsyncMessages"]

T = TypeVar("T")


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
        self._settings = Settings.resolve(
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
        """Send a message; see :meth:`Messages.create`."""
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
    ) -> AsyncIterator[Message]:
        """Messages matching the filters (``async for``), pages fetched lazily; see
        :meth:`Messages.list`. Arguments are checked on the call, not on the first iteration."""
        query = list_query(to, from_, date_sent, date_sent_before, date_sent_after, page_size)
        return self._iterate(flows.Listing(self._ctx, query, limit=limit))

    async def _iterate(self, listing: flows.Listing) -> AsyncIterator[Message]:
        while (page := listing.next_page()) is not None:
            for message in await self._run(page):
                yield message

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
