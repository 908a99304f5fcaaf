"""The mapping between API generations, kept as data in one place.

Rules this module keeps:

* Every rule is a table. The backends look values up here; they never spell a status, a flag or a
  field name of another generation themselves. ``docs/dialects.md`` prints the same tables.
* Nothing falls through silently. A known value either maps or raises a clear error; an unknown
  status string (Twilio adds values without notice) passes through every dialect unchanged, which
  is the model's rule, while an unknown direction cannot be written as 2008 ``Flags`` and raises.
* Losses are explicit: :data:`CARRIED` names, per dialect, the model fields the wire carries, and
  :func:`restrict` turns a message into exactly what a round trip through that dialect gives back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from compat.errors import InvalidParameter, UnexpectedDocument
from compat.model import Direction, Message, Status

__all__ = [
    "CARRIED",
    "CREATE_PARAMS",
    "DIALECTS",
    "DIRECTION_TO_FLAGS",
    "FIELDS",
    "FLAG_BITS",
    "LIST_PARAMS",
    "PAGE_SIZE_PARAMS",
    "STATUS_DOWN",
    "V2008",
    "V2010",
    "V2010_SMS",
    "FieldMap",
    "ParamMap",
    "direction_from_flags",
    "flags_from_direction",
    "restrict",
    "status_for",
]

V2008: Final = "2008-08-01"
V2010: Final = "2010-04-01"
V2010_SMS: Final = "2010-04-01-sms"
DIALECTS: Final = (V2008, V2010, V2010_SMS)

# -- statuses ------------------------------------------------------------------------------------

_S = Status

#: How a known status is written in each dialect. Statuses a dialect knows map to themselves; the
#: richer 2010 statuses map down to the nearest one the older dialect documents.
STATUS_DOWN: Final[Mapping[str, Mapping[Status, Status]]] = MappingProxyType(
    {
        V2008: MappingProxyType(
            {
                _S.QUEUED: _S.QUEUED,
                _S.SENDING: _S.SENDING,
                _S.SENT: _S.SENT,
                _S.FAILED: _S.FAILED,
                _S.DELIVERED: _S.SENT,  # handed to the carrier and beyond: 2008 stops at "sent"
                _S.UNDELIVERED: _S.FAILED,
                _S.RECEIVING: _S.SENDING,  # inbound in progress: 2008-era inbound showed "sending"
                _S.RECEIVED: _S.SENT,  # inbound done: 2008-era inbound messages showed "sent"
                _S.ACCEPTED: _S.QUEUED,  # Messaging Service accepted it: not yet sent
                _S.SCHEDULED: _S.QUEUED,
                _S.READ: _S.SENT,
                _S.PARTIALLY_DELIVERED: _S.SENT,
                _S.CANCELED: _S.FAILED,  # never sent
            }
        ),
        V2010: MappingProxyType({status: status for status in Status}),
        V2010_SMS: MappingProxyType(
            {
                _S.QUEUED: _S.QUEUED,
                _S.SENDING: _S.SENDING,
                _S.SENT: _S.SENT,
                _S.FAILED: _S.FAILED,
                _S.DELIVERED: _S.SENT,
                _S.UNDELIVERED: _S.FAILED,
                _S.RECEIVING: _S.SENDING,
                _S.RECEIVED: _S.RECEIVED,
                _S.ACCEPTED: _S.QUEUED,
                _S.SCHEDULED: _S.QUEUED,
                _S.READ: _S.SENT,
                _S.PARTIALLY_DELIVERED: _S.SENT,
                _S.CANCELED: _S.FAILED,
            }
        ),
    }
)


def status_for(dialect: str, status: Status) -> Status:
    """The status as ``dialect`` writes it. Unknown strings pass through unchanged."""
    if not status.known:
        return status
    return STATUS_DOWN[dialect][status]


# -- 2008 Flags <-> Direction --------------------------------------------------------------------

#: The documented 2008 Flags bits.
FLAG_BITS: Final[Mapping[int, Direction]] = MappingProxyType(
    {
        1: Direction.INBOUND,
        2: Direction.OUTBOUND_REPLY,
        4: Direction.OUTBOUND_API,
    }
)

#: How each direction is written as 2008 Flags. ``outbound-call`` has no documented bit: it is an
#: ``<Sms>`` produced by TwiML during a call, so it takes the TwiML-reply bit 2 (and reads back as
#: ``outbound-reply``).
DIRECTION_TO_FLAGS: Final[Mapping[Direction, int]] = MappingProxyType(
    {
        Direction.INBOUND: 1,
        Direction.OUTBOUND_REPLY: 2,
        Direction.OUTBOUND_API: 4,
        Direction.OUTBOUND_CALL: 2,
    }
)

_KNOWN_BITS: Final = 1 | 2 | 4


def direction_from_flags(flags: int) -> Direction:
    """The direction a 2008 ``Flags`` value means.

    1, 2 and 4 are documented. Bits above 4 are ignored (the docs warn that bits may be OR'd in
    later; clients test bits). 2|4 reads as ``outbound-api`` (bit 4 names how the message was
    created, which is what Direction records). Inbound together with an outbound bit, and a value
    without any known bit, raise :class:`UnexpectedDocument`.
    """
    if flags < 0:
        raise UnexpectedDocument(
            f"Flags must be a non-negative integer, got {flags}", dialect=V2008
        )
    bits = flags & _KNOWN_BITS
    if bits == 1:
        return Direction.INBOUND
    if bits == 2:
        return Direction.OUTBOUND_REPLY
    if bits in (4, 6):
        return Direction.OUTBOUND_API
    if bits == 0:
        raise UnexpectedDocument(
            f"Flags {flags} sets none of the direction bits 1, 2, 4", dialect=V2008
        )
    raise UnexpectedDocument(
        f"Flags {flags} says both inbound (1) and outbound ({bits & 6})", dialect=V2008
    )


def flags_from_direction(direction: Direction) -> int:
    """The 2008 ``Flags`` value for a direction; an unknown direction raises."""
    try:
        return DIRECTION_TO_FLAGS[direction]
    except KeyError:
        raise InvalidParameter(
            f"direction {direction!s} has no 2008 Flags value", parameter="direction"
        ) from None


# -- fields ----------------------------------------------------------------------------------------


@attrs.frozen
class FieldMap:
    """One model field and its name in each dialect (``None``: the dialect lacks it)."""

    model: str
    v2008: str | None
    v2010: str | None
    v2010_sms: str | None
    #: How a dialect that lacks the field fills it in on parsing, in words.
    fill: str = "None"

    def wire_name(self, dialect: str) -> str | None:
        return {V2008: self.v2008, V2010: self.v2010, V2010_SMS: self.v2010_sms}[dialect]


#: The field table, in 2008 element order first and then the fields 2008 lacks.
FIELDS: Final[tuple[FieldMap, ...]] = (
    FieldMap("sid", "Sid", "sid", "sid"),
    FieldMap("date_created", "DateCreated", "date_created", "date_created"),
    FieldMap("date_updated", "DateUpdated", "date_updated", "date_updated"),
    FieldMap("date_sent", "DateSent", "date_sent", "date_sent"),
    FieldMap("account_sid", "AccountSid", "account_sid", "account_sid"),
    FieldMap("to", "To", "to", "to"),
    FieldMap("from_", "From", "from", "from"),
    FieldMap("body", "Body", "body", "body"),
    FieldMap("status", "Status", "status", "status"),
    FieldMap("direction", "Flags", "direction", "direction"),
    FieldMap("api_version", None, "api_version", "api_version"),
    FieldMap("price", None, "price", "price"),
    FieldMap("price_unit", None, "price_unit", None),
    FieldMap("num_segments", None, "num_segments", None),
    FieldMap("num_media", None, "num_media", None),
    FieldMap("error_code", None, "error_code", None),
    FieldMap("error_message", None, "error_message", None),
    FieldMap("messaging_service_sid", None, "messaging_service_sid", None),
    FieldMap("uri", None, "uri", "uri", fill="the dialect's own URI of the message"),
    FieldMap("media_urls", None, None, None, fill="()"),
)

#: The model fields each dialect carries.
CARRIED: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        dialect: frozenset(f.model for f in FIELDS if f.wire_name(dialect) is not None)
        for dialect in DIALECTS
    }
)

_EMPTY: Final[Mapping[str, object]] = MappingProxyType({"media_urls": ()})


def restrict(
    message: Message,
    dialect: str,
    *,
    uri: Callable[[Message], str | None],
    render_number: Callable[[str | None], str | None] | None = None,
    parse_number: Callable[[str | None], str | None] | None = None,
) -> Message:
    """What ``message`` becomes after a round trip through ``dialect``.

    Fields the dialect lacks become ``None`` (``media_urls`` becomes ``()``); statuses map down;
    2008 turns ``outbound-call`` into ``outbound-reply`` and an empty body into ``""``; dates lose
    their sub-second part and come back in UTC (the instant is unchanged). ``uri`` gives the URI
    the dialect writes for the message; the number callables model how the dialect renders and
    re-reads phone numbers.
    """
    carried = CARRIED[dialect]
    changes: dict[str, object] = {}
    for field in FIELDS:
        if field.model not in carried:
            changes[field.model] = _EMPTY.get(field.model)
    for name in ("date_created", "date_updated", "date_sent"):
        value = getattr(message, name)
        if value is not None:
            changes[name] = value.astimezone(dt.timezone.utc).replace(microsecond=0)
    changes["status"] = status_for(dialect, message.status)
    if "uri" in carried:
        changes["uri"] = uri(message)
    if dialect == V2008:
        if message.direction is not None:
            changes["direction"] = direction_from_flags(flags_from_direction(message.direction))
        if message.body is None:
            changes["body"] = ""
    if render_number is not None and parse_number is not None:
        changes["to"] = parse_number(render_number(message.to))
        changes["from_"] = parse_number(render_number(message.from_))
    return attrs.evolve(message, **changes)  # type: ignore[arg-type]


# -- request parameters ----------------------------------------------------------------------------

_ALL: Final = frozenset(DIALECTS)
_ONLY_2010: Final = frozenset({V2010})
_BOTH_2010: Final = frozenset({V2010, V2010_SMS})


@attrs.frozen
class ParamMap:
    """One request parameter: the model attribute, the wire name, how the value is spelled
    (``kind``) and the dialects that have it."""

    model: str
    wire: str
    kind: str
    dialects: frozenset[str] = _ALL


#: Create parameters, in the order a request lists them. Kinds: ``number`` (rendered per dialect),
#: ``text``, ``list`` (the parameter repeats), ``int``, ``decimal``, ``bool`` (``true``/``false``),
#: ``enum`` and ``datetime`` (ISO 8601 in UTC).
CREATE_PARAMS: Final[tuple[ParamMap, ...]] = (
    ParamMap("to", "To", "number"),
    ParamMap("from_", "From", "number"),
    ParamMap("messaging_service_sid", "MessagingServiceSid", "text", _ONLY_2010),
    ParamMap("body", "Body", "text"),
    ParamMap("media_urls", "MediaUrl", "list", _ONLY_2010),
    ParamMap("status_callback", "StatusCallback", "text"),
    ParamMap("application_sid", "ApplicationSid", "text", _BOTH_2010),
    ParamMap("content_sid", "ContentSid", "text", _ONLY_2010),
    ParamMap("content_variables", "ContentVariables", "text", _ONLY_2010),
    ParamMap("validity_period", "ValidityPeriod", "int", _ONLY_2010),
    ParamMap("max_price", "MaxPrice", "decimal", _ONLY_2010),
    ParamMap("provide_feedback", "ProvideFeedback", "bool", _ONLY_2010),
    ParamMap("force_delivery", "ForceDelivery", "bool", _ONLY_2010),
    ParamMap("smart_encoded", "SmartEncoded", "bool", _ONLY_2010),
    ParamMap("shorten_urls", "ShortenUrls", "bool", _ONLY_2010),
    ParamMap("send_as_mms", "SendAsMms", "bool", _ONLY_2010),
    ParamMap("attempt", "Attempt", "int", _ONLY_2010),
    ParamMap("content_retention", "ContentRetention", "enum", _ONLY_2010),
    ParamMap("address_retention", "AddressRetention", "enum", _ONLY_2010),
    ParamMap("send_at", "SendAt", "datetime", _ONLY_2010),
    ParamMap("schedule_type", "ScheduleType", "text", _ONLY_2010),
    ParamMap("persistent_action", "PersistentAction", "list", _ONLY_2010),
    ParamMap("fallback_from", "FallbackFrom", "number", _ONLY_2010),
)

#: List filters and paging, in the order a request lists them (Twilio's own page URIs use this
#: order). Kinds: ``number``, ``date`` (``YYYY-MM-DD``, or an ISO 8601 instant), ``int``, ``text``.
LIST_PARAMS: Final[tuple[ParamMap, ...]] = (
    ParamMap("to", "To", "number"),
    ParamMap("from_", "From", "number"),
    ParamMap("date_sent", "DateSent", "date"),
    ParamMap("date_sent_before", "DateSent<", "date"),
    ParamMap("date_sent_after", "DateSent>", "date"),
    ParamMap("page_size", "PageSize", "int", _BOTH_2010),
    ParamMap("page_size", "num", "int", frozenset({V2008})),
    ParamMap("page", "Page", "int"),
    ParamMap("page_token", "PageToken", "text", _ONLY_2010),
)

#: Every name the server side accepts for the page size, strongest first (2008 documents ``num``
#: and also takes the 2010 ``PageSize``, which wins when both are given).
PAGE_SIZE_PARAMS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {V2008: ("PageSize", "num"), V2010: ("PageSize",), V2010_SMS: ("PageSize",)}
)
