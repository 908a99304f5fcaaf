"""Message lifecycle: which statuses a message goes through, and when.

Rules this module keeps (pure functions over :class:`~compat.emulator.store.Record` values and
their messages; no I/O):

* A plan is the tuple of statuses still to come after the current one, fixed at creation from the
  recipient's configured :class:`Outcome`. 2010 ``/Messages``: ``sending, sent, delivered`` (or
  ``sending, sent, undelivered``, or ``sending, failed``). The dialects that know only queued,
  sending, sent and failed (2008-08-01 and the 2010 ``/SMS/Messages`` resource) stop at ``sent``
  or ``failed``. A scheduled message first waits for ``queued`` at its send time.
* Modes decide when steps happen: ``immediate`` (all at once, at creation), ``timed`` (each step
  ``delays[i]`` seconds after the previous one, by the emulator's clock) and ``manual`` (only when a
  test steps the message). Immediate is timed with zero delays.
* A step stamps ``date_updated`` with the time it was due (whole seconds); leaving ``queued`` sets
  ``date_sent``; reaching ``sent`` prices the message (``-segments x price per segment``); reaching
  ``failed`` or ``undelivered`` sets ``error_code`` and ``error_message``.
* Which steps call back: every one on 2010 ``/Messages``; only ``sent`` and ``failed`` on the legacy
  dialects, whose status callback reports only the outcome.
* Steps due are taken as field changes (:func:`take`); the message after them, and the message as
  each step that calls back left it, are each built once from the fields of the message before
  and the changes, through the model's constructor (every validator runs).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

import attrs

from compat import backends
from compat.emulator.store import Record
from compat.model import Message, Status

__all__ = [
    "DEFAULT_DELAYS",
    "DEFAULT_PRICE_PER_SEGMENT",
    "DELIVERY_ERRORS",
    "Mode",
    "Outcome",
    "Steps",
    "calls_back",
    "next_due",
    "plan",
    "reports_status",
    "run",
    "schedule",
    "step",
    "take",
]

#: Seconds between steps in timed mode: sending, sent, delivered.
DEFAULT_DELAYS: tuple[float, ...] = (1.0, 1.0, 2.0)
#: US SMS price per segment, in USD.
DEFAULT_PRICE_PER_SEGMENT = Decimal("0.00790")

#: Titles of the delivery errors (Twilio's error dictionary), for ``error_message``.
DELIVERY_ERRORS = MappingProxyType({
    30001: "Queue overflow",
    30002: "Account suspended",
    30003: "Unreachable destination handset",
    30004: "Message blocked",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Message filtered",
    30008: "Unknown error",
    30009: "Missing inbound segment",
    30010: "Message price exceeds max price",
    30034: "US A2P 10DLC - Message from an Unregistered Number",
})

_DEFAULT_CODE = MappingProxyType({"failed": 30008, "undelivered": 30003})
_TERMINAL = frozenset({"delivered", "undelivered", "failed", "sent", "canceled", "received"})


class Mode(str, enum.Enum):
    """When lifecycle steps happen."""

    IMMEDIATE = "immediate"
    MANUAL = "manual"
    TIMED = "timed"


@attrs.frozen
class Outcome:
    """How delivery to a number ends: ``delivered`` (default), ``sent`` (no receipt),
    ``undelivered`` or ``failed``, with an error code for the last two."""

    status: str = attrs.field(default="delivered")
    error_code: int | None = None

    @status.validator
    def _check(self, _attribute: object, value: str) -> None:
        if value not in ("delivered", "sent", "undelivered", "failed"):
            raise ValueError(
                f"an outcome is delivered, sent, undelivered or failed; got {value!r}"
            )

    @property
    def code(self) -> int | None:
        if self.status in _DEFAULT_CODE:
            return self.error_code if self.error_code is not None else _DEFAULT_CODE[self.status]
        return None


def stops_at_sent(dialect: str) -> bool:
    """Whether ``dialect`` documents no status past ``sent`` (2008 and the 2010 ``/SMS``
    resource): its messages go queued -> sending -> sent | failed, as its backend writes them."""
    return backends.get(dialect).status_for(Status.DELIVERED) is not Status.DELIVERED


def plan(outcome: Outcome, dialect: str, *, scheduled: bool = False) -> tuple[str, ...]:
    """The statuses a new message goes through after its first one."""
    legacy = stops_at_sent(dialect)
    if outcome.status == "failed":
        steps: tuple[str, ...] = ("sending", "failed")
    elif outcome.status == "undelivered":
        steps = ("sending", "failed") if legacy else ("sending", "sent", "undelivered")
    elif outcome.status == "sent" or legacy:
        steps = ("sending", "sent")
    else:
        steps = ("sending", "sent", "delivered")
    return (("queued", *steps) if scheduled else steps)


def schedule(
    record: Record, mode: Mode, now: dt.datetime, delays: tuple[float, ...] = DEFAULT_DELAYS
) -> dt.datetime | None:
    """When ``record``'s next step is due, counting from ``now`` (``None``: never by itself)."""
    if record.message.status == Status.SCHEDULED:
        return None if mode is Mode.MANUAL or not record.pending else record.due_at
    return next_due(str(record.message.status), bool(record.pending), mode, now, delays)


def next_due(
    status: str, more: bool, mode: Mode, at: dt.datetime, delays: tuple[float, ...]
) -> dt.datetime | None:
    """When the step after reaching ``status`` at ``at`` is due (``None``: not by itself)."""
    if not more or mode is Mode.MANUAL:
        return None
    if mode is Mode.IMMEDIATE or not delays:
        return at
    done = _ORDER.index(status) if status in _ORDER else 0
    return at + dt.timedelta(seconds=delays[min(done, len(delays) - 1)])


_ORDER = ("queued", "sending", "sent", "delivered")


class Steps(NamedTuple):
    """The steps of a message due by some time, taken (:func:`take`), as field changes: no
    message is built here, so a caller holding the message's fields builds each one once."""

    #: Every field the steps change (empty: no step was due).
    changes: dict[str, object]
    #: For each step that calls back, the changes up to and including it.
    reports: list[dict[str, object]]
    #: The statuses still to come, and when the next one is due.
    pending: tuple[str, ...]
    due_at: dt.datetime | None

    def messages(
        self, message: Message, fields: Mapping[str, object]
    ) -> tuple[Message, list[Message]]:
        """``message`` (whose fields are ``fields``) after the steps, and as each reported step
        left it. Each message is built once, from ``fields`` and the changes."""
        reached = [Message(**{**fields, **changes}) for changes in self.reports]  # type: ignore[arg-type]
        if not self.changes:
            return message, reached
        return Message(**{**fields, **self.changes}), reached  # type: ignore[arg-type]


def take(
    message: Message,
    pending: tuple[str, ...],
    due_at: dt.datetime | None,
    now: dt.datetime,
    *,
    outcome_code: int | None,
    status_callback: str | None,
    dialect: str,
    mode: Mode,
    delays: tuple[float, ...] = DEFAULT_DELAYS,
    price_per_segment: Decimal = DEFAULT_PRICE_PER_SEGMENT,
) -> Steps:
    """Take every step of ``pending`` due at or before ``now`` (the first at ``due_at``), each
    stamped with its due time, for ``message`` of a record with that outcome code, status
    callback and dialect."""
    changes: dict[str, object] = {}
    reports: list[dict[str, object]] = []
    while pending and due_at is not None and due_at <= now:
        status, pending = pending[0], pending[1:]
        changes.update(_changes(message, changes, status, due_at, outcome_code,
                                price_per_segment))
        if reports_status(status_callback, dialect, status):
            reports.append(dict(changes))
        due_at = next_due(status, bool(pending), mode, due_at, delays)
    return Steps(changes, reports, pending, due_at)


def run(
    record: Record,
    now: dt.datetime,
    *,
    mode: Mode,
    delays: tuple[float, ...] = DEFAULT_DELAYS,
    price_per_segment: Decimal = DEFAULT_PRICE_PER_SEGMENT,
) -> tuple[Record, list[Message]]:
    """Take every step of ``record`` due at or before ``now``, each stamped with its due time.

    Returns the record after them and, for each step that calls back, the message as it stood then.
    """
    steps = take(
        record.message, record.pending, record.due_at, now,
        outcome_code=record.outcome_code, status_callback=record.status_callback,
        dialect=record.dialect, mode=mode, delays=delays, price_per_segment=price_per_segment,
    )
    if not steps.changes:
        return record, []
    final, reached = steps.messages(record.message, attrs.asdict(record.message, recurse=False))
    updated = attrs.evolve(record, message=final, pending=steps.pending, due_at=steps.due_at)
    return updated, reached


def step(
    record: Record, at: dt.datetime, *, price_per_segment: Decimal = DEFAULT_PRICE_PER_SEGMENT
) -> Record:
    """``record`` after its next planned status, stamped ``at``. Raises ``ValueError`` if none."""
    if not record.pending:
        raise ValueError(f"message {record.sid} has no further status")
    status, rest = record.pending[0], record.pending[1:]
    return _apply(record, status, at, rest, record.outcome_code, price_per_segment)


def force(
    record: Record,
    status: str,
    at: dt.datetime,
    *,
    error_code: int | None = None,
    price_per_segment: Decimal = DEFAULT_PRICE_PER_SEGMENT,
) -> Record:
    """``record`` moved straight to ``status`` (a test's override). The rest of the plan is kept
    only when ``status`` was the next planned one."""
    if record.pending and record.pending[0] == status:
        rest = record.pending[1:]
    else:
        rest = () if status in _TERMINAL else record.pending
    code = error_code if error_code is not None else record.outcome_code
    if status in _DEFAULT_CODE and code is None:
        code = _DEFAULT_CODE[status]
    return _apply(record, status, at, rest, code, price_per_segment)


def _changes(
    message: Message,
    earlier: dict[str, object],
    status: str,
    at: dt.datetime,
    code: int | None,
    price_per_segment: Decimal,
) -> dict[str, object]:
    """The fields reaching ``status`` at ``at`` changes, given the ``earlier`` changes."""
    if at.microsecond:
        at = at.replace(microsecond=0)
    changes: dict[str, object] = {"status": status, "date_updated": at}
    if status in ("sending", "sent") and earlier.get("date_sent", message.date_sent) is None:
        changes["date_sent"] = at
    if status == "sent" and earlier.get("price", message.price) is None:
        segments = message.num_segments or 1
        changes["price"] = -(price_per_segment * segments)
        changes["price_unit"] = message.price_unit or "USD"
    if status in ("failed", "undelivered"):
        changes["error_code"] = code
        changes["error_message"] = DELIVERY_ERRORS.get(code, "Unknown error") if code else None
    return changes


def _apply(
    record: Record,
    status: str,
    at: dt.datetime,
    rest: tuple[str, ...],
    code: int | None,
    price_per_segment: Decimal,
) -> Record:
    changes = _changes(record.message, {}, status, at, code, price_per_segment)
    message = attrs.evolve(record.message, **changes)  # type: ignore[arg-type]
    return attrs.evolve(record, message=message, pending=rest, due_at=None)


def calls_back(record: Record, status: str) -> bool:
    """Whether reaching ``status`` sends a status callback (given the record has a URL)."""
    return reports_status(record.status_callback, record.dialect, status)


def reports_status(status_callback: str | None, dialect: str, status: str) -> bool:
    """Whether reaching ``status`` sends a message of ``dialect`` with that status callback URL
    a callback."""
    if status_callback is None:
        return False
    if stops_at_sent(dialect):
        return status in ("sent", "failed")
    return True
