"""The emulator facade: state, lifecycle and the ways in, over one store.

Rules this module keeps:

* The REST side is the server side of every dialect backend (:mod:`.api`); the emulator adds the
  state those backends lack: accounts, numbers, messages and their lifecycle.
* Invalid input never becomes a traceback: :mod:`.api` answers Twilio's errors; anything else is a
  500 in the dialect's format, logged (without secrets) and kept in :attr:`Emulator.errors`.
* State changes happen under the store's lock; HTTP to callback URLs never does. Handling a request
  returns the status callbacks it caused; :meth:`Emulator.handle` delivers them before returning,
  transports and the ASGI app may deliver them elsewhere (:meth:`Emulator.handle_deferred`).
* Determinism: SIDs derive from ``(seed, counter)``, dates from the clock. The same seed and the
  same calls give the same SIDs and dates; :meth:`Emulator.reset` returns to the state after
  construction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from compat import backends, phone, segments
from compat.backends.base import (
    Backend,
)
from compat.emulator import lifecycle
from compat.emulator.api import Api, api_error
from compat.emulator.auth import Authenticator
from compat.emulator.callbacks import (
    Attempt,
    Dispatcher,
    HttpReply,
    HttpxSender,
    OutgoingRequest,
    Sender,
    build_request,
)
from compat.emulator.clock import Clock, ManualClock
from compat.emulator.events import Listener
from compat.emulator.lifecycle import DEFAULT_DELAYS, DEFAULT_PRICE_PER_SEGMENT, Mode, Outcome
from compat.emulator.store import Account, ApiKey, PhoneNumber, Record, Store
from compat.errors import (
    ConfigurationError,
    MalformedDocument,
)
from compat.model import Direction, Message, Status
from compat.webhooks import status_callback_params
from compat.wire import WireRequest, WireResponse, decode_form

if TYPE_CHECKING:
    import httpx

    from compat.client import AsyncClient, Client
    from compat.emulator.inbound import Inbound
    from compat.emulator.transport import AsyncEmulatorTransport, EmulatorTransport

__all__ = [
    "TEST_ACCOUNT_SID",
    "TEST_AUTH_TOKEN",
    "Emulator",
]

log = logging.getLogger("compat.emulator")

#: The test account every emulator starts with (fixed, whatever the seed).
TEST_ACCOUNT_SID = "AC" + hashlib.sha256(b"twilio-compat test account").hexdigest()[:32]
TEST_AUTH_TOKEN = hashlib.sha256(b"twilio-compat test auth token").hexdigest()[:32]

#: The base URL of clients bound in-process (the host is never resolved).
EMBEDDED_BASE_URL = "http://emulator.invalid"

_DELIVERED = Outcome()


def _installed_backends() -> tuple[Backend, ...]:
    """Every registered dialect; one whose entry point fails to load is skipped with a warning."""
    found: list[Backend] = []
    for name in backends.names():
        try:
            found.append(backends.get(name))
        except ConfigurationError as exc:
            log.warning("dialect %r is not served: %s", name, exc)
    return tuple(found)


@attrs.frozen
class _Config:
    """What :meth:`Emulator.reset` restores."""

    seed: int
    accounts: tuple[Account, ...]
    start: dt.datetime | None


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
        self._mode = Mode(mode)
        self.clock: Clock = clock if clock is not None else ManualClock()
        self.delays = tuple(float(d) for d in delays)
        self.price_per_segment = Decimal(price_per_segment)
        self.backends: tuple[Backend, ...] = (
            tuple(backends.get(name) for name in dialects)
            if dialects is not None
            else _installed_backends()
        )
        if not self.backends:
            raise ConfigurationError("the emulator needs at least one backend")
        self.store = Store(db)
        self._sender: Sender = sender if sender is not None else HttpxSender(http_client)
        self.dispatcher = Dispatcher(self._sender, background=background_callbacks)
        self.auth = Authenticator(self.store)
        self.api = Api(self)
        self._outcomes: dict[str, Outcome] = {}
        self._names = 0
        self.unrouted: list[str] = []
        self.errors: list[str] = []
        self._ticker: threading.Thread | None = None
        self._ticker_stop = threading.Event()
        start = self.clock.now() if isinstance(self.clock, ManualClock) else None
        configured = (Account(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN), *accounts)
        self._config = _Config(seed=seed, accounts=tuple(configured), start=start)
        self.seed = seed
        for account in configured:
            if self.store.account(account.sid) is None:
                self.store.put_account(account)
        if isinstance(self.clock, ManualClock):
            self.clock.subscribe(self._on_clock)

    # -- configuration ----------------------------------------------------------------------------

    @property
    def account(self) -> Account:
        """The test account (``TEST_ACCOUNT_SID`` / ``TEST_AUTH_TOKEN``)."""
        found = self.store.account(TEST_ACCOUNT_SID)
        assert found is not None
        return found

    @property
    def mode(self) -> Mode:
        return self._mode

    @mode.setter
    def mode(self, value: Mode | str) -> None:
        """Switch modes; messages with steps still to come are rescheduled under the new mode
        (switching to immediate finishes them now)."""
        self._mode = Mode(value)
        now = self.clock.now()
        with self.store.lock:
            for record in self.store.records():
                if record.pending and record.message.status != Status.SCHEDULED:
                    rescheduled = self._reschedule(record, now)
                    if rescheduled.due_at != record.due_at:
                        self.store.replace(rescheduled)
        self.tick()

    def _derive(self, kind: str, number: int) -> str:
        return hashlib.sha256(f"{self.seed}:{kind}:{number}".encode()).hexdigest()[:32]

    def add_account(
        self,
        sid: str | None = None,
        auth_token: str | None = None,
        *,
        friendly_name: str = "Test account",
        own_numbers_only: bool = False,
    ) -> Account:
        """Configure another account (SID and token derived from the seed unless given)."""
        with self.store.lock:
            self._names += 1
            account = Account(
                sid=sid or "AC" + self._derive("account", self._names),
                auth_token=auth_token or self._derive("token", self._names),
                friendly_name=friendly_name,
                own_numbers_only=own_numbers_only,
            )
            if not re.fullmatch(r"AC[0-9a-fA-F]{32}", account.sid):
                raise ConfigurationError(
                    f"an account SID is AC + 32 hex digits, not {account.sid!r}"
                )
            self.store.put_account(account)
            self.auth.forget()
        return account

    def add_api_key(self, account_sid: str | None = None, secret: str | None = None) -> ApiKey:
        """An API key (``SK...``) for ``account_sid`` (default: the test account)."""
        owner = account_sid or TEST_ACCOUNT_SID
        if self.store.account(owner) is None:
            raise ConfigurationError(f"no account {owner}")
        with self.store.lock:
            self._names += 1
            key = ApiKey(
                sid="SK" + self._derive("key", self._names),
                secret=secret or self._derive("secret", self._names),
                account_sid=owner,
            )
            self.store.put_key(key)
            self.auth.forget()
        return key

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
        owner = account_sid or TEST_ACCOUNT_SID
        if self.store.account(owner) is None:
            raise ConfigurationError(f"no account {owner}")
        if sms_method.upper() not in ("GET", "POST"):
            raise ConfigurationError(f"sms_method must be GET or POST, not {sms_method!r}")
        if api_version not in ("2008-08-01", "2010-04-01"):
            raise ConfigurationError(
                f"a number's api_version is 2008-08-01 or 2010-04-01, not {api_version!r}"
            )
        entry = PhoneNumber(
            number=phone.normalize(number, field="PhoneNumber"),
            account_sid=owner,
            sms_url=sms_url,
            sms_method=sms_method.upper(),
            api_version=api_version,
        )
        self.store.put_number(entry)
        return entry

    def outcome_for(self, to: str | None) -> Outcome:
        """How delivery to ``to`` ends (``delivered`` unless :meth:`set_outcome` said otherwise)."""
        return self._outcomes.get(to or "", _DELIVERED)

    def set_outcome(
        self, to: str, status: str = "delivered", error_code: int | None = None
    ) -> None:
        """How delivery to ``to`` ends for messages created from now on."""
        outcome = Outcome(status, error_code)
        self._outcomes[phone.normalize(to, field="To")] = outcome

    # -- introspection ----------------------------------------------------------------------------

    @property
    def messages(self) -> list[Message]:
        """Every stored message of every account, oldest first."""
        return [record.message for record in self.store.records()]

    def messages_for(self, account_sid: str) -> list[Message]:
        return [record.message for record in self.store.records(account_sid)]

    def message(self, sid: str) -> Message:
        """The stored message ``sid`` (``KeyError`` if there is none)."""
        record = self.store.get(sid)
        if record is None:
            raise KeyError(sid)
        return record.message

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
        found = [f"unrouted request: {item}" for item in self.unrouted]
        for attempt in self.dispatcher.failures:
            reason = attempt.error or f"HTTP {attempt.status}"
            request = attempt.request
            found.append(f"{request.kind} request to {request.url} failed: {reason}")
        found.extend(f"emulator error: {item}" for item in self.errors)
        return found

    # -- request handling -------------------------------------------------------------------------

    def handle(self, request: WireRequest) -> WireResponse:
        """Answer one API request, delivering the status callbacks it caused before returning."""
        response, outbox = self.handle_deferred(request)
        self.dispatcher.submit(outbox)
        return response

    def handle_raw(
        self,
        method: str,
        path: str,
        query: bytes,
        headers: Sequence[tuple[str, str]],
        body: bytes,
    ) -> tuple[WireResponse, list[OutgoingRequest]]:
        """Like :meth:`handle_deferred`, from a raw query string (a bad one is answered 400)."""
        try:
            pairs = decode_form(query) if query else []
        except MalformedDocument as exc:
            error = api_error(400, None, f"The query string could not be read: {exc}")
            return self.api.fallback(path).render_error(error), []
        return self.handle_deferred(WireRequest(method.upper(), path, pairs, headers, body))

    def handle_deferred(self, request: WireRequest) -> tuple[WireResponse, list[OutgoingRequest]]:
        """Answer one request; the status callbacks it caused are returned, not sent."""
        if request.path.startswith("/__admin"):
            from compat.emulator.admin import handle_admin

            return handle_admin(self, request), []
        outbox: list[OutgoingRequest] = []
        if self._mode is Mode.TIMED or self.store.has_due():
            self._run_due(self.clock.now(), outbox)
        try:
            response = self.api.dispatch(request, outbox)
        except Exception as exc:  # a bug in the emulator or a backend: never a traceback out
            log.exception("emulator error on %s %s", request.method, request.path)
            self.errors.append(f"{request.method} {request.path}: {type(exc).__name__}: {exc}")
            error = api_error(500, None, "An internal error occurred in the emulator.")
            response = self.api.fallback(request.path).render_error(error)
        return response, outbox

    # -- operations -------------------------------------------------------------------------------

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
        """Store a new message and run the lifecycle steps already due; returns it as created."""
        now = self.clock.now()
        stamp = now.replace(microsecond=0)
        count = segments.analyze(body).segments if body else 1
        outcome = self.outcome_for(to)
        with self.store.lock:
            seq = self.store.next_seq()
            prefix = "MM" if media_urls else "SM"
            sid = prefix + self._derive("message", seq)
            while self.store.get(sid) is not None:  # a database written with another seed
                seq += 1
                sid = prefix + self._derive("message", seq)
            message = Message(
                sid=sid,
                account_sid=account_sid,
                to=to,
                from_=from_,
                body=body,
                status=status,
                direction=direction,
                date_created=stamp,
                date_updated=stamp,
                date_sent=stamp if direction is Direction.INBOUND else None,
                price=None,
                price_unit="USD",
                num_segments=count,
                num_media=len(media_urls),
                messaging_service_sid=messaging_service_sid,
                api_version=api_version,
                media_urls=tuple(media_urls),
            )
            if send_at is not None:
                due = None if self._mode is Mode.MANUAL else send_at
            else:
                due = lifecycle.next_due(str(status), bool(pending), self._mode, now, self.delays)
            record = Record(
                message=message,
                seq=seq,
                dialect=dialect,
                status_callback=status_callback,
                pending=pending,
                due_at=due,
                outcome_code=outcome.code,
            )
            reached: list[Message] = []
            if due is not None and due <= now:
                record, reached = self._run(record, now)
            self.store.add(record)
        self._report(record, reached, outbox)
        return message

    # -- lifecycle --------------------------------------------------------------------------------

    def _run(self, record: Record, now: dt.datetime) -> tuple[Record, list[Message]]:
        """:func:`.lifecycle.run` with this emulator's mode, delays and price."""
        return lifecycle.run(
            record,
            now,
            mode=self._mode,
            delays=self.delays,
            price_per_segment=self.price_per_segment,
        )

    def _reschedule(self, record: Record, now: dt.datetime) -> Record:
        """``record`` with its next step due as the mode says (never, in manual mode)."""
        return attrs.evolve(
            record, due_at=lifecycle.schedule(record, self._mode, now, self.delays)
        )

    def _report(
        self, record: Record, reached: Sequence[Message], outbox: list[OutgoingRequest]
    ) -> None:
        """Queue the status callback of each message snapshot ``reached``."""
        for snapshot in reached:
            outbox.extend(self.status_requests(record, snapshot))

    def _run_due(self, now: dt.datetime, outbox: list[OutgoingRequest]) -> int:
        """Take every step due at ``now``; returns how many messages moved."""
        moved = 0
        for candidate in self.store.due(now):
            with self.store.lock:
                record = self.store.get(candidate.sid)
                if record is None or record.due_at is None or record.due_at > now:
                    continue
                record, reached = self._run(record, now)
                self.store.replace(record)
            moved += 1
            self._report(record, reached, outbox)
        return moved

    def status_requests(
        self, record: Record, message: Message | None = None
    ) -> list[OutgoingRequest]:
        """The status callback reporting ``message`` (default: the record's current one)."""
        account = self.store.account(record.account_sid)
        if account is None or record.status_callback is None:
            return []
        params = status_callback_params(message or record.message)
        return [
            build_request(
                "status",
                "POST",
                record.status_callback,
                params,
                auth_token=account.auth_token,
                account_sid=account.sid,
                message_sid=record.sid,
            )
        ]

    def tick(self) -> int:
        """Take every lifecycle step due by the clock, with its callbacks; returns the count."""
        outbox: list[OutgoingRequest] = []
        taken = self._run_due(self.clock.now(), outbox)
        self.dispatcher.submit(outbox)
        return taken

    def _on_clock(self, _now: dt.datetime) -> None:
        self.tick()

    def advance(self, sid: str | None = None) -> list[Message]:
        """Take the next planned step of message ``sid`` (or of every message with one pending),
        whatever the mode; returns the messages after their step."""
        now = self.clock.now()
        outbox: list[OutgoingRequest] = []
        stepped_messages: list[Message] = []
        targets = [sid] if sid is not None else [r.sid for r in self.store.records() if r.pending]
        for target in targets:
            with self.store.lock:
                record = self.store.get(target)
                if record is None:
                    raise KeyError(target)
                if not record.pending:
                    raise ValueError(f"message {target} has no further status")
                stepped = lifecycle.step(record, now, price_per_segment=self.price_per_segment)
                stepped = self._reschedule(stepped, now)
                self.store.replace(stepped)
            stepped_messages.append(stepped.message)
            if lifecycle.calls_back(stepped, str(stepped.message.status)):
                outbox.extend(self.status_requests(stepped))
        self.dispatcher.submit(outbox)
        return stepped_messages

    def finish(self, sid: str | None = None) -> list[Message]:
        """Take every remaining step of ``sid`` (or of every message); returns the results."""
        targets = [sid] if sid is not None else [r.sid for r in self.store.records() if r.pending]
        done: list[Message] = []
        for target in targets:
            record = self.store.get(target)
            if record is None:
                raise KeyError(target)
            while record is not None and record.pending:
                self.advance(target)
                record = self.store.get(target)
            if record is not None:
                done.append(record.message)
        return done

    def set_status(self, sid: str, status: str, error_code: int | None = None) -> Message:
        """Force message ``sid`` to ``status`` now (a test's override), with its callback."""
        now = self.clock.now()
        with self.store.lock:
            record = self.store.get(sid)
            if record is None:
                raise KeyError(sid)
            forced = lifecycle.force(
                record, status, now, error_code=error_code, price_per_segment=self.price_per_segment
            )
            forced = self._reschedule(forced, now)
            self.store.replace(forced)
        if lifecycle.calls_back(forced, status):
            self.dispatcher.submit(self.status_requests(forced))
        return forced.message

    # -- inbound ----------------------------------------------------------------------------------

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
        from compat.emulator.inbound import receive

        return receive(self, from_, to, body, media_urls=tuple(media_urls))

    def sign_and_send(
        self, kind: str, method: str, url: str, params: Sequence[tuple[str, str]], *,
        account: Account, message_sid: str | None,
    ) -> tuple[Attempt, HttpReply | None]:
        """Send one signed request now (webhooks and TwiML fetches), recording the attempt."""
        request = build_request(
            kind, method, url, params,
            auth_token=account.auth_token, account_sid=account.sid, message_sid=message_sid,
        )
        return self.dispatcher.send_now(request)

    def submit(self, requests: Sequence[OutgoingRequest]) -> None:
        """Deliver status callbacks (inline, or queued when served)."""
        self.dispatcher.submit(requests)

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait until every queued callback was attempted (a served emulator sends them from a
        background thread); ``False`` if that took longer than ``timeout`` seconds."""
        return self.dispatcher.flush(timeout)

    # -- ways in ----------------------------------------------------------------------------------

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
        from compat.emulator.asgi import EmulatorApp

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

    # -- background work (served emulators) -------------------------------------------------------

    def start_background(self, interval: float = 0.05) -> None:
        """Start the ticker thread that takes timed steps by the clock (idempotent)."""
        if self._ticker is not None and self._ticker.is_alive():
            return
        self._ticker_stop.clear()
        self._ticker = threading.Thread(
            target=self._tick_loop, args=(interval,), name="compat-emulator-ticker", daemon=True
        )
        self._ticker.start()

    def _tick_loop(self, interval: float) -> None:
        while not self._ticker_stop.wait(interval):
            try:
                if self.store.has_due():
                    self.tick()
            except Exception as exc:
                log.exception("emulator ticker error")
                self.errors.append(f"ticker: {type(exc).__name__}: {exc}")

    def stop_background(self) -> None:
        self._ticker_stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None
        self.dispatcher.close()

    def reset(self, *, seed: int | None = None) -> None:
        """Back to the state just after construction: no messages, the configured accounts only,
        no numbers or outcomes, empty logs, the manual clock at its start."""
        with self.store.lock:
            if seed is not None:
                self._config = attrs.evolve(self._config, seed=seed)
            self.seed = self._config.seed
            self.store.clear()
            for account in self._config.accounts:
                self.store.put_account(account)
            self._outcomes.clear()
            self.auth.forget()
            self._names = 0
            self.unrouted.clear()
            self.errors.clear()
            self.dispatcher.clear()
            if isinstance(self.clock, ManualClock) and self._config.start is not None:
                self.clock.restart(self._config.start)

    def close(self) -> None:
        """Stop background threads, close the callback client and the database."""
        self.stop_background()
        if isinstance(self._sender, HttpxSender):
            self._sender.close()
        if isinstance(self.clock, ManualClock):
            self.clock.unsubscribe(self._on_clock)
        self.store.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<Emulator seed={self.seed} mode={self._mode.value} clock={self.clock!r} "
            f"messages={len(self.store)}>"
        )

