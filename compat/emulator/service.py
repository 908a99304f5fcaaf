"""The emulated Twilio: one store of accounts and messages, and the operations on it.

Rules this module keeps:

* The service takes model objects and answers with them. A create gets the
  :class:`~compat.model.NewMessage` a backend read, whose numbers are already normalized: they are
  stored as they are, never normalized again. Routing, authentication and rendering belong to the
  ways in (:mod:`.api`, :mod:`.admin`, :mod:`.inbound`), which use this service.
* A new outbound message passes the emulator's checks (:mod:`.checks`: a ``To`` that can only
  send, ``To`` equal to ``From``, magic test numbers, own numbers). It starts ``scheduled`` (a
  ``SendAt``), ``accepted`` (a Messaging Service without ``From``) or ``queued``, and follows
  the plan of the dialect that created it (:mod:`.lifecycle`), driven by :mod:`.scheduler`.
* State changes happen under the store's lock. The status callbacks an operation causes are
  appended to the caller's outbox, to be sent after the answer; nothing here sends them itself.
* Determinism: SIDs derive from ``(seed, counter)`` (:class:`~.accounts.Sids`), dates from the
  clock. :meth:`Service.reset` returns to the state just after construction.
* Only a scheduled message can be canceled; anything else is 30409, as Twilio answers. A message
  whose lifecycle has steps still to come cannot be deleted: 20009 (HTTP 409).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from compat import backends, phone, segments
from compat.backends.base import Backend
from compat.emulator import lifecycle, listing
from compat.emulator.accounts import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Accounts, Sids
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
from compat.emulator.checks import check_new_message
from compat.emulator.clock import Clock, ManualClock
from compat.emulator.entry import Content, Origin
from compat.emulator.errors import twilio_error
from compat.emulator.lifecycle import DEFAULT_DELAYS, DEFAULT_PRICE_PER_SEGMENT, Mode, Outcome
from compat.emulator.scheduler import Scheduler
from compat.emulator.store import Account, Record, Store
from compat.errors import ConfigurationError
from compat.model import (
    Direction,
    ListQuery,
    Message,
    MessagePage,
    MessageUpdate,
    NewMessage,
    Status,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["Service", "installed_backends"]

log = logging.getLogger("compat.emulator")

_DELIVERED = Outcome()
_CANCELABLE = frozenset({"scheduled"})


def installed_backends() -> tuple[Backend, ...]:
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
    """What :meth:`Service.reset` restores."""

    seed: int
    accounts: tuple[Account, ...]
    start: dt.datetime | None


class Service:
    """Accounts, messages and their lifecycle over one store (see the module docstring)."""

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
        self.clock: Clock = clock if clock is not None else ManualClock()
        self.backends: tuple[Backend, ...] = (
            tuple(backends.get(name) for name in dialects)
            if dialects is not None
            else installed_backends()
        )
        if not self.backends:
            raise ConfigurationError("the emulator needs at least one backend")
        self.store = Store(db)
        self.sender: Sender = sender if sender is not None else HttpxSender(http_client)
        self.dispatcher = Dispatcher(self.sender, background=background_callbacks)
        self.auth = Authenticator(self.store)
        self.sids = Sids(seed)
        self.accounts = Accounts(self.store, self.auth, self.sids)
        self.unrouted: list[str] = []
        self.errors: list[str] = []
        self.scheduler = Scheduler(
            self.store, self.clock, self.dispatcher, self.errors,
            mode=mode, delays=delays, price_per_segment=price_per_segment,
        )
        self._outcomes: dict[str, Outcome] = {}
        start = self.clock.now() if isinstance(self.clock, ManualClock) else None
        configured = (Account(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN), *accounts)
        self._config = _Config(seed=seed, accounts=tuple(configured), start=start)
        for account in configured:
            if self.store.account(account.sid) is None:
                self.store.put_account(account)

    @property
    def seed(self) -> int:
        return self.sids.seed

    # -- outcomes ---------------------------------------------------------------------------------

    def outcome_for(self, to: str | None) -> Outcome:
        """How delivery to ``to`` ends (``delivered`` unless :meth:`set_outcome` said otherwise)."""
        return self._outcomes.get(to or "", _DELIVERED)

    def set_outcome(
        self, to: str, status: str = "delivered", error_code: int | None = None
    ) -> None:
        """How delivery to ``to`` ends for messages created from now on."""
        outcome = Outcome(status, error_code)
        self._outcomes[phone.normalize(to, field="To")] = outcome

    # -- creating ---------------------------------------------------------------------------------

    def create(
        self,
        account_sid: str,
        message: NewMessage,
        *,
        dialect: Backend,
        outbox: list[OutgoingRequest],
    ) -> Message:
        """Check ``message`` against the emulator's rules, store it as an outbound API message of
        ``dialect``, and run the lifecycle steps already due; returns it as created."""
        check_new_message(self.store, account_sid, message)
        if message.send_at is not None:
            first = Status.SCHEDULED
        elif message.messaging_service_sid is not None and message.from_ is None:
            first = Status.ACCEPTED
        else:
            first = Status.QUEUED
        pending = lifecycle.plan(
            self.outcome_for(message.to), dialect.name, scheduled=first is not Status.QUEUED
        )
        origin = Origin(
            status=first,
            direction=Direction.OUTBOUND_API,
            dialect=dialect.name,
            api_version=dialect.api_version,
            pending=pending,
        )
        return self.add(account_sid, message, origin, outbox)

    def add(
        self,
        account_sid: str,
        content: Content,
        origin: Origin,
        outbox: list[OutgoingRequest],
    ) -> Message:
        """Store a new message and run the lifecycle steps already due; returns it as created.
        The status callbacks of those steps go to ``outbox``."""
        now = self.clock.now()
        stamp = now.replace(microsecond=0) if now.microsecond else now
        body = content.body or ""
        media = content.media_urls
        code = self.outcome_for(content.to).code
        with self.store.lock:
            seq = self.store.next_seq()
            prefix = "MM" if media else "SM"
            sid = prefix + self.sids.derive("message", seq)
            while self.store.get(sid) is not None:  # a database written with another seed
                seq += 1
                sid = prefix + self.sids.derive("message", seq)
            fields: dict[str, object] = {
                "sid": sid,
                "account_sid": account_sid,
                "to": content.to,
                "from_": content.from_,
                "body": body,
                "status": origin.status,
                "direction": origin.direction,
                "date_created": stamp,
                "date_updated": stamp,
                "date_sent": stamp if origin.direction is Direction.INBOUND else None,
                "price": None,
                "price_unit": "USD",
                "num_segments": segments.analyze(body).segments if body else 1,
                "num_media": len(media),
                "messaging_service_sid": content.messaging_service_sid,
                "api_version": origin.api_version,
                "media_urls": media,
            }
            message = Message(**fields)  # type: ignore[arg-type]
            due_at = self.scheduler.first_due(
                origin.status, bool(origin.pending), content.send_at, now
            )
            steps = self.scheduler.take(
                message, origin.pending, due_at, now,
                outcome_code=code, status_callback=content.status_callback,
                dialect=origin.dialect,
            )
            final, reached = steps.messages(message, fields)
            record = Record(
                message=final,
                seq=seq,
                dialect=origin.dialect,
                status_callback=content.status_callback,
                pending=steps.pending,
                due_at=steps.due_at,
                outcome_code=code,
            )
            self.store.add(record)
        self.scheduler.report(record, reached, outbox)
        return message

    # -- reading, changing, deleting --------------------------------------------------------------

    def fetch(self, account_sid: str, sid: str) -> Message | None:
        """Message ``sid`` if it belongs to ``account_sid``."""
        record = self.store.get(sid, account_sid)
        return record.message if record is not None else None

    def page(self, account_sid: str, query: ListQuery, *, dialect: Backend) -> MessagePage:
        """The page of ``account_sid``'s messages ``query`` asks for, with ``dialect``'s paging."""
        rules = getattr(dialect, "rules", None)
        exact = bool(getattr(rules, "counted_pages", True))  # else a total only says "more"
        window, total = self.store.page(account_sid, query, exact=exact)
        return dialect.make_page(
            account_sid,
            query,
            tuple(r.message for r in window),
            page=query.page or 0,
            page_size=query.page_size or listing.DEFAULT_PAGE_SIZE,
            total=total,
        )

    def update(
        self, account_sid: str, sid: str, update: MessageUpdate, outbox: list[OutgoingRequest]
    ) -> Message | None:
        """Cancel and/or redact message ``sid``; ``None`` when ``account_sid`` has no such
        message. Canceling anything but a scheduled message is 30409."""
        now = self.clock.now().replace(microsecond=0)
        with self.store.lock:
            current = self.store.get(sid, account_sid)
            if current is None:
                return None
            message = current.message
            changes: dict[str, Any] = {"date_updated": now}
            canceled = update.status == Status.CANCELED
            if canceled and str(message.status) not in _CANCELABLE:
                raise twilio_error(
                    30409,
                    f"This message cannot be canceled: message {message.sid} is "
                    f"{message.status}, and only a scheduled message can be canceled.",
                )
            if canceled:
                changes.update(status=Status.CANCELED, date_sent=None)
            if update.body is not None:
                changes["body"] = update.body
            updated = attrs.evolve(
                current,
                message=attrs.evolve(message, **changes),
                pending=() if canceled else current.pending,
                due_at=None if canceled else current.due_at,
            )
            self.store.replace(updated)
        if canceled and lifecycle.calls_back(updated, "canceled"):
            outbox.extend(self.scheduler.status_requests(updated))
        return updated.message

    def delete(self, account_sid: str, sid: str) -> bool:
        """Delete message ``sid`` of ``account_sid``; ``False`` when there is none. A message
        whose lifecycle has steps still to come is not complete: 20009 (HTTP 409)."""
        with self.store.lock:
            record = self.store.get(sid, account_sid)
            if record is None:
                return False
            if record.pending:
                raise twilio_error(
                    20009,
                    f"Cannot delete this resource before it is complete: message {sid} is "
                    f"{record.message.status}.",
                    409,
                )
            self.store.delete(sid)
        return True

    # -- introspection ----------------------------------------------------------------------------

    def messages(self, account_sid: str | None = None) -> list[Message]:
        """Stored messages, oldest first: every account's, or one account's."""
        return [record.message for record in self.store.records(account_sid)]

    def message(self, sid: str) -> Message:
        """The stored message ``sid`` (``KeyError`` if there is none)."""
        record = self.store.get(sid)
        if record is None:
            raise KeyError(sid)
        return record.message

    def problems(self) -> list[str]:
        """What a strict test fails on: unrouted requests, failed callbacks, internal errors."""
        found = [f"unrouted request: {item}" for item in self.unrouted]
        for attempt in self.dispatcher.failures:
            reason = attempt.error or f"HTTP {attempt.status}"
            request = attempt.request
            found.append(f"{request.kind} request to {request.url} failed: {reason}")
        found.extend(f"emulator error: {item}" for item in self.errors)
        return found

    # -- outgoing requests ------------------------------------------------------------------------

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

    # -- state ------------------------------------------------------------------------------------

    def reset(self, *, seed: int | None = None) -> None:
        """Back to the state just after construction: no messages, the configured accounts only,
        no numbers or outcomes, empty logs, the manual clock at its start."""
        with self.store.lock:
            if seed is not None:
                self._config = attrs.evolve(self._config, seed=seed)
            self.sids.restart(self._config.seed)
            self.store.clear()
            for account in self._config.accounts:
                self.store.put_account(account)
            self._outcomes.clear()
            self.auth.forget()
            self.unrouted.clear()
            self.errors.clear()
            self.dispatcher.clear()
            if isinstance(self.clock, ManualClock) and self._config.start is not None:
                self.clock.restart(self._config.start)

    def close(self) -> None:
        """Stop background threads, close the callback client and the database."""
        self.scheduler.close()
        self.dispatcher.close()
        if isinstance(self.sender, HttpxSender):
            self.sender.close()
        self.store.close()
