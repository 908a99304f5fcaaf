"""The lifecycle's steps as field changes (:func:`compat.emulator.lifecycle.take`): what they
change, which of them report, and the messages built from them, against stepping the message one
``attrs.evolve`` at a time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from compat.emulator import lifecycle
from compat.emulator.lifecycle import Mode, Outcome
from compat.emulator.store import Record
from compat.model import Direction, Message, Status

AC = "AC" + "5e" * 16
SM = "SM" + "87" * 16
START = dt.datetime(2024, 5, 1, 12, 0, 0, 250_000, tzinfo=dt.timezone.utc)
PRICE = Decimal("0.00790")


def _message(**changes: object) -> Message:
    fields: dict[str, object] = {
        "sid": SM, "account_sid": AC, "to": "+15558675309", "from_": "+14155551212",
        "body": "x" * 161, "status": Status.QUEUED, "direction": Direction.OUTBOUND_API,
        "date_created": START.replace(microsecond=0), "date_updated": START.replace(microsecond=0),
        "price_unit": "USD", "num_segments": 2, "num_media": 0, "api_version": "2010-04-01",
        **changes,
    }
    return Message(**fields)  # type: ignore[arg-type]


def _record(dialect: str, outcome: Outcome, callback: str | None, due: dt.datetime | None,
            message: Message | None = None) -> Record:
    return Record(
        message=message or _message(), seq=1, dialect=dialect, status_callback=callback,
        pending=lifecycle.plan(outcome, dialect), due_at=due, outcome_code=outcome.code,
    )


def _one_at_a_time(
    record: Record, now: dt.datetime, mode: Mode, delays: tuple[float, ...]
) -> tuple[Record, list[Message]]:
    """The lifecycle stepped one ``attrs.evolve`` per step: what :func:`lifecycle.run` gives."""
    message, pending, due = record.message, record.pending, record.due_at
    reached: list[Message] = []
    while pending and due is not None and due <= now:
        status, pending = pending[0], pending[1:]
        changes = lifecycle._changes(message, {}, status, due, record.outcome_code, PRICE)
        message = attrs.evolve(message, **changes)  # type: ignore[arg-type]
        if lifecycle.calls_back(record, status):
            reached.append(message)
        due = lifecycle.next_due(status, bool(pending), mode, due, delays)
    return attrs.evolve(record, message=message, pending=pending, due_at=due), reached


CASES = [
    (dialect, outcome, callback, mode, delays, seconds)
    for dialect in ("2010-04-01", "2008-08-01", "2010-04-01-sms")
    for outcome in (Outcome(), Outcome("sent"), Outcome("undelivered"), Outcome("failed", 30007))
    for callback in (None, "https://example.com/status")
    for mode, delays, seconds in (
        (Mode.IMMEDIATE, (1.0, 1.0, 2.0), 0),
        (Mode.TIMED, (1.0, 1.0, 2.0), 1.5),
        (Mode.TIMED, (1.0, 1.0, 2.0), 10),
        (Mode.TIMED, (), 0),
    )
]


@pytest.mark.parametrize(("dialect", "outcome", "callback", "mode", "delays", "seconds"), CASES)
def test_run_gives_what_stepping_one_evolve_at_a_time_gives(
    dialect: str, outcome: Outcome, callback: str | None, mode: Mode,
    delays: tuple[float, ...], seconds: float,
) -> None:
    record = _record(dialect, outcome, callback, START)
    now = START + dt.timedelta(seconds=seconds)
    got = lifecycle.run(record, now, mode=mode, delays=delays, price_per_segment=PRICE)
    assert got == _one_at_a_time(record, now, mode, delays)


def test_take_reports_the_changes_up_to_each_step_that_calls_back() -> None:
    message = _message()
    steps = lifecycle.take(
        message, ("sending", "sent", "delivered"), START, START, outcome_code=None,
        status_callback="https://example.com/status", dialect="2010-04-01", mode=Mode.IMMEDIATE,
        price_per_segment=PRICE,
    )
    at = START.replace(microsecond=0)  # steps are stamped in whole seconds
    assert [report["status"] for report in steps.reports] == ["sending", "sent", "delivered"]
    assert steps.reports[0] == {"status": "sending", "date_updated": at, "date_sent": at}
    assert steps.changes == {
        "status": "delivered", "date_updated": at, "date_sent": at,
        "price": Decimal("-0.01580"), "price_unit": "USD",
    }
    assert steps.pending == ()
    assert steps.due_at is None
    final, reached = steps.messages(message, attrs.asdict(message, recurse=False))
    assert final.status == Status.DELIVERED
    assert final.price == Decimal("-0.01580")
    assert [m.status for m in reached] == [Status.SENDING, Status.SENT, Status.DELIVERED]
    assert reached[0].price is None
    assert message.status == Status.QUEUED  # the message given is left as it was


def test_nothing_due_changes_nothing_and_gives_the_message_back() -> None:
    message = _message()
    for due in (None, START + dt.timedelta(seconds=1)):
        steps = lifecycle.take(
            message, ("sending",), due, START, outcome_code=None, status_callback=None,
            dialect="2010-04-01", mode=Mode.TIMED,
        )
        assert steps == lifecycle.Steps({}, [], ("sending",), due)
        final, reached = steps.messages(message, attrs.asdict(message, recurse=False))
        assert final is message
        assert reached == []


def test_take_builds_no_message() -> None:
    """The steps are field changes: a bad value surfaces when a message is built from them."""
    steps = lifecycle.take(
        _message(), ("sending",), START, START, outcome_code=None, status_callback=None,
        dialect="2010-04-01", mode=Mode.IMMEDIATE,
    )
    with pytest.raises(ValueError, match="account_sid"):
        steps.messages(_message(), {**attrs.asdict(_message(), recurse=False), "account_sid": "x"})


@pytest.mark.parametrize(
    ("callback", "dialect", "status", "expected"),
    [
        (None, "2010-04-01", "delivered", False),
        ("https://example.com/s", "2010-04-01", "sending", True),
        ("https://example.com/s", "2010-04-01", "delivered", True),
        ("https://example.com/s", "2008-08-01", "sending", False),
        ("https://example.com/s", "2008-08-01", "sent", True),
        ("https://example.com/s", "2010-04-01-sms", "failed", True),
        (None, "2008-08-01", "sent", False),
    ],
)
def test_reports_status(callback: str | None, dialect: str, status: str, expected: bool) -> None:
    assert lifecycle.reports_status(callback, dialect, status) is expected
    record = _record(dialect, Outcome(), callback, None)
    assert lifecycle.calls_back(record, status) is expected
