"""What a trip through each built-in dialect keeps, written out by hand.

The round-trip properties compare against these tables, never against the backends' own rules, so a
wrong entry in a backend's status table, field list or number style fails a test instead of
agreeing with itself.
"""

from __future__ import annotations

import datetime as dt

import attrs

from compat import phone
from compat.errors import InvalidPhoneNumber
from compat.model import Direction, Message, Status

DIALECTS = ("2008-08-01", "2010-04-01", "2010-04-01-sms", "2010-04-01-xml", "2010-04-01-sms-xml")

#: The dialects whose documents are XML (XML 1.0 cannot carry most control characters).
XML_DIALECTS = frozenset({"2008-08-01", "2010-04-01-xml", "2010-04-01-sms-xml"})

_BASE = ("sid", "date_created", "date_updated", "date_sent", "account_sid", "to", "from_",
         "body", "status", "direction")

#: The model fields each dialect's documents carry.
_LEGACY = frozenset((*_BASE, "api_version", "price", "uri"))
_CURRENT = frozenset(
    (*_BASE, "api_version", "price", "price_unit", "num_segments", "num_media",
     "error_code", "error_message", "messaging_service_sid", "uri")
)
CARRIED: dict[str, frozenset[str]] = {
    "2008-08-01": frozenset(_BASE),
    "2010-04-01-sms": _LEGACY,
    "2010-04-01": _CURRENT,
    "2010-04-01-sms-xml": _LEGACY,
    "2010-04-01-xml": _CURRENT,
}

#: How each known status is written, per dialect (2010 writes every status as itself).
_TO_2008 = {
    "queued": "queued", "sending": "sending", "sent": "sent", "failed": "failed",
    "delivered": "sent", "undelivered": "failed", "receiving": "sending", "received": "sent",
    "accepted": "queued", "scheduled": "queued", "read": "sent", "partially_delivered": "sent",
    "canceled": "failed",
}
STATUS_WRITTEN: dict[str, dict[str, str]] = {
    "2008-08-01": _TO_2008,
    "2010-04-01-sms": {**_TO_2008, "received": "received"},
    "2010-04-01": {status.value: status.value for status in Status},
    "2010-04-01-sms-xml": {**_TO_2008, "received": "received"},
    "2010-04-01-xml": {status.value: status.value for status in Status},
}

#: What each direction reads back as after 2008 Flags (outbound-call has no bit of its own).
FLAGS_READ_BACK = {
    "inbound": "inbound", "outbound-api": "outbound-api", "outbound-reply": "outbound-reply",
    "outbound-call": "outbound-reply",
}

_URIS = {
    "2010-04-01": "/2010-04-01/Accounts/{account}/Messages/{sid}.json",
    "2010-04-01-sms": "/2010-04-01/Accounts/{account}/SMS/Messages/{sid}.json",
    "2010-04-01-xml": "/2010-04-01/Accounts/{account}/Messages/{sid}",
    "2010-04-01-sms-xml": "/2010-04-01/Accounts/{account}/SMS/Messages/{sid}",
}


def _number_after_2008(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return phone.normalize(value)
    except InvalidPhoneNumber:
        return value.strip() or None


def after_trip(message: Message, dialect: str) -> Message:
    """``message`` as a render and parse through ``dialect`` gives it back."""
    carried = CARRIED[dialect]
    changes: dict[str, object] = {}
    for attribute in attrs.fields(Message):
        if attribute.name not in carried:
            changes[attribute.name] = () if attribute.name == "media_urls" else None
    for name in ("date_created", "date_updated", "date_sent"):
        value = getattr(message, name)
        if value is not None:
            changes[name] = value.astimezone(dt.timezone.utc).replace(microsecond=0)
    if message.status.known:
        changes["status"] = Status(STATUS_WRITTEN[dialect][message.status.value])
    if dialect in _URIS:
        changes["uri"] = _URIS[dialect].format(account=message.account_sid, sid=message.sid)
    if dialect in XML_DIALECTS:
        changes["body"] = message.body or ""  # XML writes a null body as <Body/>: it reads ""
        if "error_message" in carried and not (message.error_message or "").strip():
            changes["error_message"] = None  # blank XML text reads as absent
    if dialect == "2008-08-01":
        changes["api_version"] = "2008-08-01"
        if message.direction is not None:
            changes["direction"] = Direction(FLAGS_READ_BACK[message.direction.value])
        changes["body"] = message.body or ""
        changes["to"] = _number_after_2008(message.to)
        changes["from_"] = _number_after_2008(message.from_)
    return attrs.evolve(message, **changes)  # type: ignore[arg-type]
