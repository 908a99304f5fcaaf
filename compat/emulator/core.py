"""The emulator facade: one object that composes the parts and keeps the public API.

Rules this module keeps:

* :class:`Emulator` holds no logic of its own: state and operations are the
  :class:`~.service.Service`'s (accounts in :mod:`.accounts`, the lifecycle in :mod:`.scheduler`),
  requests go through the :class:`~.gateway.Gateway` (REST in :mod:`.api`, ``/__admin`` in
  :mod:`.admin`), incoming messages through :mod:`.inbound`, and the ways in (:mod:`.transport`,
  :mod:`.asgi`) take the facade as a :class:`~.asgi.Host`. Each method says which part answers.
* Imports flow one way: the facade imports the parts at module level; no part imports the facade.
* Handling a request returns the status callbacks it caused; :meth:`Emulator.handle` delivers them
  before returning, transports and the ASGI app may deliver them elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compat.backends.base import Backend
from compat.emulator.accounts import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN
from compat.emulator.api import Api
from compat.emulator.asgi import EmulatorApp
from compat.emulator.auth import Authenticator
from compat.emulator.callbacks import Attempt, Dispatcher, HttpReply, OutgoingRequest, Sender
from compat.emulator.clock import Clock
from compat.emulator.entry import Draft, Origin
from compat.emulator.events import Listener
from compat.emulator.gateway import Gateway
from compat.emulator.inbound import Inbound, receive
from compat.emulator.lifecycle import DEFAULT_DELAYS, DEFAULT_PRICE_PER_SEGMENT, Mode, Outcome
from compat.emulator.service import Service
from compat.emulator.store import Account, ApiKey, PhoneNumber, Record, Store
from compat.model import Direction, Message, Status
from compat.wire import WireRequest, WireResponse

if TYPE_CHECKING:
    import httpx

    from compat.client import AsyncClient, Client
    from compat.emulator.transport import AsyncEmulatorTransport, EmulatorTransport

__all__ = [
    "EMBEDDED_BASE_URL",
    "TEST_ACCOUNT_SID",
    "TEST_AUTH_TOKEN",
    "Emulator",
]

#: The base URL of clients bound in-process (the host is never resolved).
EMBEDDED_BASE_URL = "http://emulator.invalid"


class Emulator:
    """A stateful Twilio Messages emulator, in-process or served.

    ``mode`` is ``"immediate"`` (default), ``"manual"`` or ``"timed"``; ``clock`` defaults to a
    :class:`~compat.emulator.clock.ManualClock` (dates reproducible). ``db`` keeps state in a SQLite
    file. ``sender`` (or ``http_client``) carries callbacks and webhooks; ``background_callbacks``
    delivers status callbacks on a worker thread instead of inline.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        mode: Mode | str = Mode.IMMEDIATE,
        clock: Clock | None = None,
        db: str | Path | None = None,
        accounts: Iterable[Account] = (),
        dialects: Sequence[str | Backend] | None = None,
        sender: Sender | None = None,
        http_client: httpx.Client | None = None,
        background_callbacks: bool = False,
        delays: Sequence[float] = DEFAULT_DELAYS,
        price_per_segment: Decimal | str = DEFAULT_PRICE_PER_SEGMENT,
    ) -> None:
        service = Service(
            seed=seed, mode=mode, clock=clock, db=db, accounts=accounts, dialects=dialects,
            sender=sender, http_client=http_client, background_callbacks=background_callbacks,
            delays=delays, price_per_segment=price_per_segment,
        )
        self._service = service
        self.api = Api(service)
        self._gateway = Gateway(service, self.api)
        # The service's parts, under the names the facade has always had.
        self.clock: Clock = service.clock
        self.backends: tuple[Backend, ...] = service.backends
        self.store: Store = service.store
        self.dispatcher: Dispatcher = service.dispatcher
        self.auth: Authenticator = service.auth
        self.unrouted: list[str] = service.unrouted
        self.errors: list[str] = service.errors

    # -- configuration (Service, Accounts, Scheduler) ---------------------------------------------

    @property
    def seed(self) -> int:
        return self._service.seed

    @seed.setter
    def seed(self, value: int) -> None:
        self._service.sids.seed = value

    @property
    def account(self) -> Account:
        """The test account (``TEST_ACCOUNT_SID`` / ``TEST_AUTH_TOKEN``)."""
        return self._service.accounts.test_account

    @property
    def mode(self) -> Mode:
        return self._service.scheduler.mode

    @mode.setter
    def mode(self, value: Mode | str) -> None:
        """Switch modes; messages with steps still to come are rescheduled under the new mode
        (switching to immediate finishes them now)."""
        self._service.scheduler.mode = value

    @property
    def delays(self) -> tuple[float, ...]:
        """Seconds between lifecycle steps in timed mode."""
        return self._service.scheduler.delays

    @delays.setter
    def delays(self, value: Sequence[float]) -> None:
        self._service.scheduler.delays = tuple(float(d) for d in value)

    @property
    def price_per_segment(self) -> Decimal:
        return self._service.scheduler.price_per_segment

    @price_per_segment.setter
    def price_per_segment(self, value: Decimal | str) -> None:
        self._service.scheduler.price_per_segment = Decimal(value)

    def add_account(
        self,
        sid: str | None = None,
        auth_token: str | None = None,
        *,
        friendly_name: str = "Test account",
        own_numbers_only: bool = False,
    ) -> Account:
        """Configure another account (SID and token derived from the seed unless given)."""
        return self._service.accounts.add_account(
            sid, auth_token, friendly_name=friendly_name, own_numbers_only=own_numbers_only
        )

    def add_api_key(self, account_sid: str | None = None, secret: str | None = None) -> ApiKey:
        """An API key (``SK...``) for ``account_sid`` (default: the test account)."""
        return self._service.accounts.add_api_key(account_sid, secret)

    def add_number(
        self,
        number: str,
        *,
        account_sid: str | None = None,
        sms_url: str | None = None,
        sms_method: str = "POST",
        api_version: str = "2010-04-01",
    ) -> PhoneNumber:
        """Give an account a phone number; incoming messages to it go to ``sms_url``."""
        return self._service.accounts.add_number(
            number,
            account_sid=account_sid,
            sms_url=sms_url,
            sms_method=sms_method,
            api_version=api_version,
        )

    def outcome_for(self, to: str | None) -> Outcome:
        """How delivery to ``to`` ends (``delivered`` unless :meth:`set_outcome` said otherwise)."""
        return self._service.outcome_for(to)

    def set_outcome(
        self, to: str, status: str = "delivered", error_code: int | None = None
    ) -> None:
        """How delivery to ``to`` ends for messages created from now on."""
        self._service.set_outcome(to, status, error_code)

    # -- introspection (Service) ------------------------------------------------------------------

    @property
    def messages(self) -> list[Message]:
        """Every stored message of every account, oldest first."""
        return self._service.messages()

    def messages_for(self, account_sid: str) -> list[Message]:
        return self._service.messages(account_sid)

    def message(self, sid: str) -> Message:
        """The stored message ``sid`` (``KeyError`` if there is none)."""
        return self._service.message(sid)

    def watch(self, listener: Listener, *, replay: bool = False) -> Callable[[], None]:
        """Call ``listener(event)`` after each change to the stored messages (a
        :class:`~compat.emulator.events.MessageEvent`: created, updated, deleted, or cleared by a
        reset); with ``replay``, first once per stored message. Listeners run with the store's lock
        held and must be quick. Returns a function that stops the listener."""
        return self.store.watch(listener, replay=replay)

    @property
    def callbacks(self) -> list[Attempt]:
        """Every outgoing request attempted (status callbacks, webhooks, TwiML fetches)."""
        return self.dispatcher.attempts

    @property
    def callback_failures(self) -> list[Attempt]:
        return self.dispatcher.failures

    def problems(self) -> list[str]:
        """What a strict test fails on: unrouted requests, failed callbacks, internal errors."""
        return self._service.problems()

    # -- request handling (Gateway) ---------------------------------------------------------------

    def handle(self, request: WireRequest) -> WireResponse:
        """Answer one API request, delivering the status callbacks it caused before returning."""
        return self._gateway.handle(request)

    def handle_raw(
        self,
        method: str,
        path: str,
        query: bytes,
        headers: Sequence[tuple[str, str]],
        body: bytes,
    ) -> tuple[WireResponse, list[OutgoingRequest]]:
        """Like :meth:`handle_deferred`, from a raw query string (a bad one is answered 400)."""
        return self._gateway.handle_raw(method, path, query, headers, body)

    def handle_deferred(self, request: WireRequest) -> tuple[WireResponse, list[OutgoingRequest]]:
        """Answer one request; the status callbacks it caused are returned, not sent."""
        return self._gateway.handle_deferred(request)

    # -- operations (Service, Scheduler) ----------------------------------------------------------

    def store_message(
        self,
        *,
        account_sid: str,
        to: str | None,
        from_: str | None,
        body: str,
        media_urls: Sequence[str] = (),
        status: Status,
        direction: Direction,
        dialect: str,
        api_version: str,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
        pending: tuple[str, ...] = (),
        send_at: dt.datetime | None = None,
        outbox: list[OutgoingRequest],
    ) -> Message:
        """Store a new message (numbers already normalized) and run the lifecycle steps already
        due; returns it as created. The parts use :meth:`Service.add` with model values."""
        content = Draft(
            to=to, from_=from_, body=body, media_urls=tuple(media_urls),
            messaging_service_sid=messaging_service_sid, status_callback=status_callback,
            send_at=send_at,
        )
        origin = Origin(
            status=status, direction=direction, dialect=dialect, api_version=api_version,
            pending=pending,
        )
        return self._service.add(account_sid, content, origin, outbox)

    def status_requests(
        self, record: Record, message: Message | None = None
    ) -> list[OutgoingRequest]:
        """The status callback reporting ``message`` (default: the record's current one)."""
        return self._service.scheduler.status_requests(record, message)

    def tick(self) -> int:
        """Take every lifecycle step due by the clock, with its callbacks; returns the count."""
        return self._service.scheduler.tick()

    def advance(self, sid: str | None = None) -> list[Message]:
        """Take the next planned step of message ``sid`` (or of every message with one pending),
        whatever the mode; returns the messages after their step."""
        return self._service.scheduler.advance(sid)

    def finish(self, sid: str | None = None) -> list[Message]:
        """Take every remaining step of ``sid`` (or of every message); returns the results."""
        return self._service.scheduler.finish(sid)

    def set_status(self, sid: str, status: str, error_code: int | None = None) -> Message:
        """Force message ``sid`` to ``status`` now (a test's override), with its callback."""
        return self._service.scheduler.set_status(sid, status, error_code)

    # -- inbound (inbound) ------------------------------------------------------------------------

    def receive(
        self,
        from_: str,
        to: str,
        body: str = "",
        *,
        media_urls: Sequence[str] = (),
    ) -> Inbound:
        """Simulate an incoming message from ``from_`` to the account number ``to``: store it, POST
        the number's webhook, and send the TwiML reply's messages. See :mod:`.inbound`."""
        return receive(self._service, from_, to, body, media_urls=tuple(media_urls))

    def sign_and_send(
        self, kind: str, method: str, url: str, params: Sequence[tuple[str, str]], *,
        account: Account, message_sid: str | None,
    ) -> tuple[Attempt, HttpReply | None]:
        """Send one signed request now (webhooks and TwiML fetches), recording the attempt."""
        return self._service.sign_and_send(
            kind, method, url, params, account=account, message_sid=message_sid
        )

    def submit(self, requests: Sequence[OutgoingRequest]) -> None:
        """Deliver status callbacks (inline, or queued when served)."""
        self.dispatcher.submit(requests)

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait until every queued callback was attempted (a served emulator sends them from a
        background thread); ``False`` if that took longer than ``timeout`` seconds."""
        return self.dispatcher.flush(timeout)

    # -- ways in (transport, asgi, compat.client) -------------------------------------------------

    def transport(self) -> EmulatorTransport:
        """An :class:`httpx.BaseTransport` answering from this emulator."""
        from compat.emulator.transport import EmulatorTransport
        return EmulatorTransport(self)

    def async_transport(self) -> AsyncEmulatorTransport:
        """An :class:`httpx.AsyncBaseTransport` answering from this emulator."""
        from compat.emulator.transport import AsyncEmulatorTransport
        return AsyncEmulatorTransport(self)

    def asgi_app(self) -> Callable[..., Any]:
        """An ASGI application serving this emulator (see :mod:`.asgi`)."""
        return EmulatorApp(self)

    def client(self, backend: str = "2010-04-01", *, account: Account | None = None) -> Client:
        """A :class:`compat.client.Client` bound to this emulator in-process."""
        from compat.client import Client
        chosen = account or self.account
        return Client(
            chosen.sid,
            chosen.auth_token,
            backend=backend,
            base_url=EMBEDDED_BASE_URL,
            transport=self.transport(),
        )

    def async_client(
        self, backend: str = "2010-04-01", *, account: Account | None = None
    ) -> AsyncClient:
        """A :class:`compat.client.AsyncClient` bound to this emulator in-process."""
        from compat.client import AsyncClient
        chosen = account or self.account
        return AsyncClient(
            chosen.sid,
            chosen.auth_token,
            backend=backend,
            base_url=EMBEDDED_BASE_URL,
            transport=self.async_transport(),
        )

    # -- background work and state (Scheduler, Service) -------------------------------------------

    def start_background(self, interval: float = 0.05) -> None:
        """Start the ticker thread that takes timed steps by the clock (idempotent)."""
        self._service.scheduler.start(interval)

    def stop_background(self) -> None:
        self._service.scheduler.stop()
        self.dispatcher.close()

    def reset(self, *, seed: int | None = None) -> None:
        """Back to the state just after construction: no messages, the configured accounts only,
        no numbers or outcomes, empty logs, the manual clock at its start."""
        self._service.reset(seed=seed)

    def close(self) -> None:
        """Stop background threads, close the callback client and the database."""
        self._service.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<Emulator seed={self.seed} mode={self.mode.value} clock={self.clock!r} "
            f"messages={len(self.store)}>"
        )
