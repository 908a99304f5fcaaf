"""Client: the flows of :mod:`compat.flows` driven over httpx, synchronously.

``Client(account_sid, auth_token, backend="2008-08-01")`` talks the 2008 API; changing ``backend``
to ``"2010-04-01"`` keeps every call the same. ``client.messages`` (:mod:`compat.messages`) offers
``create``, ``fetch``, ``list`` (a list), ``stream`` (lazy auto-paging), ``page``, ``update``,
``redact``, ``cancel`` and ``delete``, and ``client.messages(sid)`` the official library's shapes.
:class:`~compat.async_client.AsyncClient` is the same API awaited.

Rules this module keeps:

* **One driver loop per client, nothing else.** Operations live in :mod:`compat.flows`, retries in
  :mod:`compat._retry`, sending in :mod:`compat._http`, set-up and argument checks in
  :mod:`compat._client_setup`; async is not a subclass of sync.
* **Refuse early.** Missing credentials and bad settings raise
  :class:`~compat.errors.ConfigurationError` on construction; bad arguments, unsupported operations
  and over-long bodies raise before any request.
* **Credentials never show.** No repr, log line or error message contains the auth token or the API
  secret; reprs name the account, the backend and the base URL only.
* **Close what we open.** A client made from ``transport=`` or nothing owns its httpx client and
  closes it; a caller's ``http_client=`` is left open for the caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

import httpx

from compat import flows
from compat._client_setup import (
    BASE_URL_VARIABLE,
    DEFAULT_BACKEND,
    DEFAULT_BASE_URL,
    DEFAULT_RETRY,
    Settings,
)
from compat._http import DEFAULT_TIMEOUT, SyncSender
from compat._retry import Outcome, Pause, RetryPolicy, retrying
from compat.async_client import AsyncClient
from compat.async_messages import AsyncMessageContext, AsyncMessageListing, AsyncMessages
from compat.backends.base import Backend
from compat.errors import TransportError
from compat.messages import MessageContext, Messages

__all__ = [
    "BASE_URL_VARIABLE",
    "DEFAULT_BASE_URL",
    "AsyncClient",
    "AsyncMessageContext",
    "AsyncMessageListing",
    "AsyncMessages",
    "Client",
    "MessageContext",
    "Messages",
    "RetryPolicy",
]

T = TypeVar("T")


class Client:
    """A synchronous client. Use it as a context manager, or call :meth:`close`.

    Credentials come from the arguments, else from ``TWILIO_ACCOUNT_SID`` and ``TWILIO_AUTH_TOKEN``;
    an API key (``api_key=``, ``api_secret=``) needs the account SID too. ``base_url`` comes from
    the argument, else ``TWILIO_BASE_URL``, else ``https://api.twilio.com``. ``backend`` is a
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
        base_url: str | None = None,
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
        self.messages = Messages(self._settings.context, self._run)

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
