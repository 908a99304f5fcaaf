"""When stored messages take their lifecycle steps, and the status callbacks those steps cause.

Rules this module keeps:

* :mod:`.lifecycle` decides what a step does (pure functions); this module decides when, and
  writes the result. Each step is read, taken and written under the store's lock; the callbacks it
  causes are collected in an outbox and sent after the lock is released, never under it.
* ``mode`` decides when steps happen: ``immediate`` (at creation), ``timed`` (``delays`` apart, by
  the clock) or ``manual`` (only :meth:`Scheduler.advance`, :meth:`~Scheduler.finish` and
  :meth:`~Scheduler.set_status`, which work in every mode). Switching the mode reschedules every
  message still under way (switching to immediate finishes them now).
* Time comes from the clock only. A :class:`~compat.emulator.clock.ManualClock` that moves takes
  the steps that became due at once; with the system clock a served emulator's ticker thread
  takes them (:meth:`Scheduler.start`). A ticker failure is kept in the emulator's errors.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from decimal import Decimal

import attrs

from compat.emulator import lifecycle
from compat.emulator.callbacks import Dispatcher, OutgoingRequest, build_request
from compat.emulator.clock import Clock, ManualClock
from compat.emulator.lifecycle import DEFAULT_DELAYS, DEFAULT_PRICE_PER_SEGMENT, Mode
from compat.emulator.store import Record, Store
from compat.model import Message, Status
from compat.webhooks import status_callback_params

__all__ = ["Scheduler"]

log = logging.getLogger("compat.emulator")


class Scheduler:
    """Takes the lifecycle steps of the messages in a store (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        dispatcher: Dispatcher,
        errors: list[str],
        *,
        mode: Mode | str = Mode.IMMEDIATE,
        delays: Sequence[float] = DEFAULT_DELAYS,
        price_per_segment: Decimal | str = DEFAULT_PRICE_PER_SEGMENT,
    ) -> None:
        self.store = store
        self.clock = clock
        self.dispatcher = dispatcher
        self._errors = errors
        self._mode = Mode(mode)
        self.delays = tuple(float(d) for d in delays)
        self.price_per_segment = Decimal(price_per_segment)
        self._ticker: threading.Thread | None = None
        self._ticker_stop = threading.Event()
        if isinstance(clock, ManualClock):
            clock.subscribe(self._on_clock)

    # -- mode -------------------------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        return self._mode

    @mode.setter
    def mode(self, value: Mode | str) -> None:
        self._mode = Mode(value)
        now = self.clock.now()
        with self.store.lock:
            for record in self.store.under_way():
                if record.message.status != Status.SCHEDULED:
                    rescheduled = self.reschedule(record, now)
                    if rescheduled.due_at != record.due_at:
                        self.store.replace(rescheduled)
        self.tick()

    # -- new messages -----------------------------------------------------------------------------

    def first_due(
        self, status: Status, more: bool, send_at: dt.datetime | None, now: dt.datetime
    ) -> dt.datetime | None:
        """When a new message's first step is due: at ``send_at`` for a scheduled message (never
        by itself in manual mode), else as the mode says."""
        if send_at is not None:
            return None if self._mode is Mode.MANUAL else send_at
        return lifecycle.next_due(str(status), more, self._mode, now, self.delays)

    def run(self, record: Record, now: dt.datetime) -> tuple[Record, list[Message]]:
        """:func:`.lifecycle.run` with this scheduler's mode, delays and price."""
        if record.due_at is None or record.due_at > now:
            return record, []
        return lifecycle.run(
            record, now, mode=self._mode, delays=self.delays,
            price_per_segment=self.price_per_segment,
        )

    def take(
        self,
        message: Message,
        pending: tuple[str, ...],
        due_at: dt.datetime | None,
        now: dt.datetime,
        *,
        outcome_code: int | None,
        status_callback: str | None,
        dialect: str,
    ) -> lifecycle.Steps:
        """:func:`.lifecycle.take` with this scheduler's mode, delays and price."""
        return lifecycle.take(
            message, pending, due_at, now,
            outcome_code=outcome_code, status_callback=status_callback, dialect=dialect,
            mode=self._mode, delays=self.delays, price_per_segment=self.price_per_segment,
        )

    def reschedule(self, record: Record, now: dt.datetime) -> Record:
        """``record`` with its next step due as the mode says (never, in manual mode)."""
        return attrs.evolve(
            record, due_at=lifecycle.schedule(record, self._mode, now, self.delays)
        )

    def report(
        self, record: Record, reached: Sequence[Message], outbox: list[OutgoingRequest]
    ) -> None:
        """Queue the status callback of each message snapshot ``reached``."""
        for snapshot in reached:
            outbox.extend(self.status_requests(record, snapshot))

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
                "status", "POST", record.status_callback, params,
                auth_token=account.auth_token, account_sid=account.sid, message_sid=record.sid,
            )
        ]

    # -- steps by the clock -----------------------------------------------------------------------

    def catch_up(self, outbox: list[OutgoingRequest]) -> None:
        """Before answering a request: take the steps due by now (timed mode, scheduled sends)."""
        if self._mode is Mode.TIMED or self.store.has_due():
            self.run_due(self.clock.now(), outbox)

    def run_due(self, now: dt.datetime, outbox: list[OutgoingRequest]) -> int:
        """Take every step due at ``now``; returns how many messages moved."""
        moved = 0
        for candidate in self.store.due(now):
            with self.store.lock:
                record = self.store.get(candidate.sid)
                if record is None or record.due_at is None or record.due_at > now:
                    continue
                record, reached = self.run(record, now)
                self.store.replace(record)
            moved += 1
            self.report(record, reached, outbox)
        return moved

    def tick(self) -> int:
        """Take every step due by the clock, with its callbacks; returns the count."""
        outbox: list[OutgoingRequest] = []
        taken = self.run_due(self.clock.now(), outbox)
        self.dispatcher.submit(outbox)
        return taken

    def _on_clock(self, _now: dt.datetime) -> None:
        self.tick()

    # -- steps a test takes -----------------------------------------------------------------------

    def _targets(self, sid: str | None) -> list[str]:
        return [sid] if sid is not None else [r.sid for r in self.store.under_way()]

    def advance(self, sid: str | None = None) -> list[Message]:
        """Take the next planned step of message ``sid`` (or of every message with one pending),
        whatever the mode; returns the messages after their step."""
        now = self.clock.now()
        outbox: list[OutgoingRequest] = []
        stepped_messages: list[Message] = []
        for target in self._targets(sid):
            with self.store.lock:
                record = self.store.get(target)
                if record is None:
                    raise KeyError(target)
                if not record.pending:
                    raise ValueError(f"message {target} has no further status")
                stepped = lifecycle.step(record, now, price_per_segment=self.price_per_segment)
                stepped = self.reschedule(stepped, now)
                self.store.replace(stepped)
            stepped_messages.append(stepped.message)
            if lifecycle.calls_back(stepped, str(stepped.message.status)):
                outbox.extend(self.status_requests(stepped))
        self.dispatcher.submit(outbox)
        return stepped_messages

    def finish(self, sid: str | None = None) -> list[Message]:
        """Take every remaining step of ``sid`` (or of every message); returns the results."""
        done: list[Message] = []
        for target in self._targets(sid):
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
            forced = self.reschedule(forced, now)
            self.store.replace(forced)
        if lifecycle.calls_back(forced, status):
            self.dispatcher.submit(self.status_requests(forced))
        return forced.message

    # -- the ticker thread ------------------------------------------------------------------------

    def start(self, interval: float = 0.05) -> None:
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
                self._errors.append(f"ticker: {type(exc).__name__}: {exc}")

    def stop(self) -> None:
        """Stop the ticker thread (if running)."""
        self._ticker_stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None

    def close(self) -> None:
        """Stop the ticker and stop listening to the clock."""
        self.stop()
        if isinstance(self.clock, ManualClock):
            self.clock.unsubscribe(self._on_clock)
