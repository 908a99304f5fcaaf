"""AsyncClient: the flows of :mod:`compat.flows` driven over httpx, awaited.

Rules: the same as :mod:`compat.client`'s, with one driver loop of its own; nothing here
subclasses or calls the synchronous client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TypeVar

import httpx

from compat import flows
from compat._client_setup import DEFAULT_BACKEND, DEFAULT_RETRY, Settings
from compat._http import DEFAULT_TIMEOUT, AsyncSender
from compat._retry import Outcome, Pause, RetryPolicy, retrying
from compat.async_messages import AsyncMessages
from compat.backends.base import Backend
from compat.errors import TransportError

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
        base_url: str | None = None,
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
        self.messages = AsyncMessages(self._settings.context, self._run)

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
