"""What the store holds: accounts, API keys, numbers and message records, and how records are
written as JSON.

Rules this module keeps:

* Plain frozen values; secrets (auth tokens, API-key secrets) are excluded from every ``repr``.
* A record's place in a list is its :func:`order_key`: ``date_sent`` (``date_created`` for an
  unsent message) in microseconds since the epoch, then its ``seq`` (creation order), then its SID.
  Both stores keep their indexes by this key; :mod:`.listing` documents the order it gives.
* The JSON form of a record carries every field, dates in ISO 8601 and the price as a string; it is
  what databases written by every version of the emulator hold. Reading it back undoes exactly
  those conversions and skips the model's validators: the message was validated when it was
  made, and a page read from a database decodes 50 of them (a test proves the result equals the
  validated construction). A dict of any other shape goes through ``Message(...)``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import attrs

from compat.model import Direction, Message, Status

__all__ = [
    "Account",
    "ApiKey",
    "OrderKey",
    "PhoneNumber",
    "Record",
    "message_from_dict",
    "message_to_dict",
    "micros",
    "order_key",
    "record_from_json",
    "record_to_json",
    "stored_message",
]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MICRO = dt.timedelta(microseconds=1)

#: ``(when in microseconds, seq, sid)``: ascending is oldest first.
OrderKey = tuple[int, int, str]


@attrs.frozen
class Account:
    """An account the emulator knows. ``own_numbers_only``: ``From`` must be one of its numbers."""

    sid: str
    auth_token: str = attrs.field(repr=False)
    friendly_name: str = "Test account"
    own_numbers_only: bool = False


@attrs.frozen
class ApiKey:
    """An API key (``SK...``) that authenticates as its account."""

    sid: str
    secret: str = attrs.field(repr=False)
    account_sid: str


@attrs.frozen
class PhoneNumber:
    """A number an account owns, and where its incoming messages go.

    ``api_version`` picks the webhook's parameter set and the TwiML verb read from the reply
    (``"2008-08-01"``: ``<Sms>``; ``"2010-04-01"``: ``<Message>``).
    """

    number: str
    account_sid: str
    sms_url: str | None = None
    sms_method: str = "POST"
    api_version: str = "2010-04-01"


@attrs.frozen
class Record:
    """A stored message and its lifecycle state.

    ``pending`` are the statuses still to come; ``due_at`` is when the next one happens (``None``:
    only when a test steps it). ``outcome_code`` is the error code given on reaching ``failed`` or
    ``undelivered``. ``dialect`` is the backend that created the message.
    """

    message: Message
    seq: int
    dialect: str
    status_callback: str | None = None
    pending: tuple[str, ...] = ()
    due_at: dt.datetime | None = None
    outcome_code: int | None = None

    @property
    def sid(self) -> str:
        return self.message.sid

    @property
    def account_sid(self) -> str:
        return self.message.account_sid


def micros(when: dt.datetime) -> int:
    """``when`` (an aware datetime) in whole microseconds since the epoch, exactly."""
    return (when - EPOCH) // _MICRO


def order_key(record: Record) -> OrderKey:
    """Where ``record`` sorts in a list (ascending: oldest first)."""
    message = record.message
    when = message.date_sent or message.date_created
    assert when is not None
    return (micros(when), record.seq, message.sid)


# -- serialization -------------------------------------------------------------------------------


def _encode_value(value: object) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, str):
        return str(value)  # plain str, also for Status / Direction members
    return value


_MESSAGE_FIELDS = tuple(f.name for f in attrs.fields(Message))
_FIELD_SET = frozenset(_MESSAGE_FIELDS)
_DATES = ("date_created", "date_updated", "date_sent")
_CONVERTED = frozenset({*_DATES, "status", "direction", "price", "media_urls"})
_PLAIN = tuple(name for name in _MESSAGE_FIELDS if name not in _CONVERTED)


def message_to_dict(message: Message) -> dict[str, Any]:
    """A JSON-ready dict of every field of ``message`` (dates ISO 8601, price as a string)."""
    return {name: _encode_value(getattr(message, name)) for name in _MESSAGE_FIELDS}


def message_from_dict(data: dict[str, Any]) -> Message:
    values = dict(data)
    for name in ("date_created", "date_updated", "date_sent"):
        if values.get(name) is not None:
            values[name] = dt.datetime.fromisoformat(values[name])
    values["media_urls"] = tuple(values.get("media_urls") or ())
    return Message(**values)


def stored_message(data: dict[str, Any]) -> Message:
    """The message :func:`message_to_dict` wrote as ``data`` (see the module docstring)."""
    if data.keys() != _FIELD_SET:
        return message_from_dict(data)
    message: Message = object.__new__(Message)
    put = object.__setattr__
    for name in _PLAIN:
        put(message, name, data[name])
    for name in _DATES:
        value = data[name]
        put(message, name, None if value is None else dt.datetime.fromisoformat(value))
    put(message, "status", Status(data["status"]))
    direction, price = data["direction"], data["price"]
    put(message, "direction", None if direction is None else Direction(direction))
    put(message, "price", None if price is None else Decimal(price))
    put(message, "media_urls", tuple(data["media_urls"]))
    return message


#: Compact JSON for stored records, made once (``json.dumps`` with options builds one per call).
_RECORD_ENCODER = json.JSONEncoder(separators=(",", ":"))


def record_to_json(record: Record) -> str:
    return _RECORD_ENCODER.encode(
        {
            "message": message_to_dict(record.message),
            "seq": record.seq,
            "dialect": record.dialect,
            "status_callback": record.status_callback,
            "pending": list(record.pending),
            "due_at": record.due_at.isoformat() if record.due_at else None,
            "outcome_code": record.outcome_code,
        }
    )


def record_from_json(text: str) -> Record:
    data = json.loads(text)
    return Record(
        message=stored_message(data["message"]),
        seq=data["seq"],
        dialect=data["dialect"],
        status_callback=data["status_callback"],
        pending=tuple(data["pending"]),
        due_at=dt.datetime.fromisoformat(data["due_at"]) if data["due_at"] else None,
        outcome_code=data["outcome_code"],
    )
