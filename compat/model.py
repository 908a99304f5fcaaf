"""The one message model both API generations map onto.

Rules this module keeps:

* The model knows no wire. No element names, no JSON keys, no number rendering: the backends
  own those.
* Every class is a frozen ``attrs`` class; change one with :func:`attrs.evolve`.
* Datetimes are timezone-aware (a naive datetime is refused); money is
  :class:`~decimal.Decimal`.
* Twilio's status and direction strings are open-ended: :class:`Status` and :class:`Direction`
  name the known values, and an unknown string becomes a pseudo-member that keeps the exact
  string (``Status("carrier-held").known is False``). Nothing is ever lost.
* Bad values raise :class:`~compat.errors.InvalidParameter` (a ``ValueError``) naming the field.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from compat._checks import (
    aware,
    fallback_number,
    from_number,
    nonnegative,
    optional_count,
    optional_date,
    optional_decimal,
    optional_int,
    optional_page,
    optional_page_size,
    optional_str,
    sid_matching,
    str_tuple,
    to_number,
)
from compat.errors import ApiError, InvalidParameter

__all__ = [
    "AddressRetention",
    "ApiError",
    "ContentRetention",
    "Direction",
    "ListQuery",
    "Message",
    "MessagePage",
    "MessageUpdate",
    "NewMessage",
    "Status",
]

MESSAGE_SID = re.compile(r"\A(SM|MM)[0-9a-fA-F]{32}\Z")
ACCOUNT_SID = re.compile(r"\AAC[0-9a-fA-F]{32}\Z")
SERVICE_SID = re.compile(r"\AMG[0-9a-fA-F]{32}\Z")
APPLICATION_SID = re.compile(r"\AAP[0-9a-fA-F]{32}\Z")
CONTENT_SID = re.compile(r"\AHX[0-9a-fA-F]{32}\Z")

class _OpenEnum(str, enum.Enum):
    """A string enum that also carries values it does not know, as pseudo-members.

    The class is its own converter: ``Status(value)`` takes a member, a known string or an unknown
    one, and refuses anything else with :class:`~compat.errors.InvalidParameter`.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str) or not value:
            raise InvalidParameter(f"{cls.__name__} must be a non-empty string, got {value!r}")
        member = str.__new__(cls, value)
        member._name_ = value.upper().replace("-", "_")
        member._value_ = value
        return member

    @property
    def known(self) -> bool:
        """True for the values Twilio documents, False for a carried unknown string."""
        return self._value_ in type(self)._value2member_map_

    def __str__(self) -> str:
        return str(self._value_)

    def __repr__(self) -> str:
        marker = "" if self.known else " (unknown)"
        return f"<{type(self).__name__}.{self._name_}: {self._value_!r}{marker}>"

    def __hash__(self) -> int:
        return hash(self._value_)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return str.__eq__(self, other)
        return NotImplemented


class Status(_OpenEnum):
    """A message's status. 2008 knows queued, sending, sent and failed; 2010 adds the rest."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    RECEIVING = "receiving"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    READ = "read"
    PARTIALLY_DELIVERED = "partially_delivered"
    CANCELED = "canceled"


class Direction(_OpenEnum):
    """Which way a message went. 2008 encodes it in the ``Flags`` bitmask instead."""

    INBOUND = "inbound"
    OUTBOUND_API = "outbound-api"
    OUTBOUND_CALL = "outbound-call"
    OUTBOUND_REPLY = "outbound-reply"


class _ClosedEnum(str, enum.Enum):
    """A string enum of fixed values; the class is its own converter, refusing other values with
    :class:`~compat.errors.InvalidParameter`."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        allowed = ", ".join(str(m.value) for m in cls)
        raise InvalidParameter(f"{cls.__name__} must be one of {allowed}; got {value!r}")


class ContentRetention(_ClosedEnum):
    RETAIN = "retain"
    DISCARD = "discard"


class AddressRetention(_ClosedEnum):
    RETAIN = "retain"
    OBFUSCATE = "obfuscate"


def _status(value: object) -> Status:
    """``Status(value)``; a member (known or carried) is returned as it is, and a known string
    gives its member, both without a call through the enum machinery."""
    if isinstance(value, Status):
        return value
    known = Status._value2member_map_.get(value) if value.__class__ is str else None
    return known if isinstance(known, Status) else Status(value)


def _optional_direction(value: object) -> Direction | None:
    """``Direction(value)``, ``None`` kept; a member is returned as it is, and a known string
    gives its member."""
    if value is None or isinstance(value, Direction):
        return value
    known = Direction._value2member_map_.get(value) if value.__class__ is str else None
    return known if isinstance(known, Direction) else Direction(value)


@attrs.frozen(kw_only=True)
class Message:
    """A message as either API generation reports it, in plain Python values.

    Fields a dialect cannot carry are ``None`` (or empty) after parsing that dialect.
    """

    sid: str = attrs.field(validator=sid_matching(MESSAGE_SID, optional=False))
    account_sid: str = attrs.field(validator=sid_matching(ACCOUNT_SID, optional=False))
    to: str | None = attrs.field(default=None, validator=optional_str)
    from_: str | None = attrs.field(default=None, validator=optional_str)
    body: str | None = attrs.field(default=None, validator=optional_str)
    status: Status = attrs.field(default=Status.QUEUED, converter=_status)
    direction: Direction | None = attrs.field(default=None, converter=_optional_direction)
    date_created: dt.datetime | None = attrs.field(default=None, validator=aware)
    date_updated: dt.datetime | None = attrs.field(default=None, validator=aware)
    date_sent: dt.datetime | None = attrs.field(default=None, validator=aware)
    price: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    price_unit: str | None = attrs.field(default=None, validator=optional_str)
    num_segments: int | None = attrs.field(default=None, converter=optional_count)
    num_media: int | None = attrs.field(default=None, converter=optional_count)
    error_code: int | None = attrs.field(default=None, converter=optional_int)
    error_message: str | None = attrs.field(default=None, validator=optional_str)
    messaging_service_sid: str | None = attrs.field(
        default=None, validator=sid_matching(SERVICE_SID, optional=True)
    )
    api_version: str | None = attrs.field(default=None, validator=optional_str)
    uri: str | None = attrs.field(default=None, validator=optional_str)
    media_urls: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)


_VALIDITY_RANGE = range(1, 36001)


@attrs.frozen(kw_only=True)
class NewMessage:
    """What a caller sends: validated and normalized on construction.

    ``to`` and ``from_`` are normalized with :func:`compat.phone.normalize` (region US), so national
    formats such as ``"(555) 867-5309"`` become E.164. A sender (``from_`` or
    ``messaging_service_sid``) and content (``body``, ``media_urls`` or ``content_sid``) are
    required.
    Dialect limits (body length, media support) are the backend's to enforce, not the model's.
    """

    to: str = attrs.field(converter=to_number)
    from_: str | None = attrs.field(default=None, converter=attrs.converters.optional(from_number))
    messaging_service_sid: str | None = attrs.field(
        default=None, validator=sid_matching(SERVICE_SID, optional=True)
    )
    body: str | None = attrs.field(default=None, validator=optional_str)
    media_urls: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    status_callback: str | None = attrs.field(default=None, validator=optional_str)
    application_sid: str | None = attrs.field(
        default=None, validator=sid_matching(APPLICATION_SID, optional=True)
    )
    content_sid: str | None = attrs.field(
        default=None, validator=sid_matching(CONTENT_SID, optional=True)
    )
    content_variables: str | None = attrs.field(default=None, validator=optional_str)
    validity_period: int | None = attrs.field(default=None, converter=optional_int)
    max_price: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    provide_feedback: bool | None = None
    force_delivery: bool | None = None
    smart_encoded: bool | None = None
    shorten_urls: bool | None = None
    send_as_mms: bool | None = None
    attempt: int | None = attrs.field(default=None, converter=optional_int)
    content_retention: ContentRetention | None = attrs.field(
        default=None, converter=attrs.converters.optional(ContentRetention)
    )
    address_retention: AddressRetention | None = attrs.field(
        default=None, converter=attrs.converters.optional(AddressRetention)
    )
    send_at: dt.datetime | None = attrs.field(default=None, validator=aware)
    schedule_type: str | None = attrs.field(default=None, validator=optional_str)
    persistent_action: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    fallback_from: str | None = attrs.field(
        default=None, converter=attrs.converters.optional(fallback_number)
    )

    def __attrs_post_init__(self) -> None:
        if self.from_ is None and self.messaging_service_sid is None:
            raise InvalidParameter(
                "a sender is required: give from_ or messaging_service_sid", parameter="from_"
            )
        if not self.body and not self.media_urls and self.content_sid is None:
            raise InvalidParameter(
                "content is required: give body, media_urls or content_sid", parameter="body"
            )
        if len(self.media_urls) > 10:
            raise InvalidParameter(
                f"at most 10 media URLs, got {len(self.media_urls)}", parameter="media_urls"
            )
        if self.validity_period is not None and self.validity_period not in _VALIDITY_RANGE:
            raise InvalidParameter(
                f"validity_period must be 1..36000 seconds, got {self.validity_period}",
                parameter="validity_period",
            )
        if self.schedule_type not in (None, "fixed"):
            raise InvalidParameter(
                f"schedule_type must be 'fixed', got {self.schedule_type!r}",
                parameter="schedule_type",
            )
        if (self.schedule_type is None) != (self.send_at is None):
            raise InvalidParameter(
                "schedule_type='fixed' and send_at go together", parameter="send_at"
            )
        for name in ("provide_feedback", "force_delivery", "smart_encoded", "shorten_urls",
                     "send_as_mms"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise InvalidParameter(f"{name} must be a bool, got {value!r}", parameter=name)


@attrs.frozen(kw_only=True)
class ListQuery:
    """Filters and paging for a list request.

    ``date_sent`` matches one day; ``date_sent_before`` / ``date_sent_after`` are inclusive bounds
    (the wire's ``DateSent<`` and ``DateSent>``). Numbers are normalized like :class:`NewMessage`'s.
    """

    to: str | None = attrs.field(default=None, converter=attrs.converters.optional(to_number))
    from_: str | None = attrs.field(default=None, converter=attrs.converters.optional(from_number))
    date_sent: dt.date | None = attrs.field(default=None, validator=optional_date)
    date_sent_before: dt.date | None = attrs.field(default=None, validator=optional_date)
    date_sent_after: dt.date | None = attrs.field(default=None, validator=optional_date)
    page_size: int | None = attrs.field(default=None, converter=optional_page_size)
    page: int | None = attrs.field(default=None, converter=optional_page)
    page_token: str | None = attrs.field(default=None, validator=optional_str)


@attrs.frozen(kw_only=True)
class MessageUpdate:
    """An update the 2010 API allows: redact (``body=""``) or cancel (``status=canceled``)."""

    body: str | None = attrs.field(default=None, validator=optional_str)
    status: Status | None = attrs.field(default=None, converter=attrs.converters.optional(Status)
    )

    def __attrs_post_init__(self) -> None:
        if self.body is None and self.status is None:
            raise InvalidParameter("an update needs body='' or status='canceled'")
        if self.body not in (None, ""):
            raise InvalidParameter(
                "the body can only be redacted (set to ''), not replaced", parameter="body"
            )
        if self.status not in (None, Status.CANCELED):
            raise InvalidParameter(
                f"status can only be set to 'canceled', got {self.status!s}", parameter="status"
            )


def _messages(value: Iterable[Message]) -> tuple[Message, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Message):
            raise InvalidParameter(f"a page holds Message objects, got {type(item).__name__}")
    return items


@attrs.frozen(kw_only=True)
class MessagePage:
    """One page of a list: its messages and the paging facts the dialect gave.

    ``page`` is zero-based. ``total``, ``num_pages`` and ``last_page_uri`` exist only in the 2008
    and legacy 2010 SMS dialects; URIs are paths relative to the API host.
    """

    items: tuple[Message, ...] = attrs.field(converter=_messages)
    page: int = attrs.field(default=0, validator=nonnegative)
    page_size: int = attrs.field(default=50, validator=nonnegative)
    start: int = attrs.field(default=0, validator=nonnegative)
    end: int = attrs.field(default=0, validator=nonnegative)
    total: int | None = attrs.field(default=None, validator=nonnegative)
    num_pages: int | None = attrs.field(default=None, validator=nonnegative)
    uri: str | None = attrs.field(default=None, validator=optional_str)
    first_page_uri: str | None = attrs.field(default=None, validator=optional_str)
    next_page_uri: str | None = attrs.field(default=None, validator=optional_str)
    previous_page_uri: str | None = attrs.field(default=None, validator=optional_str)
    last_page_uri: str | None = attrs.field(default=None, validator=optional_str)

    def __iter__(self) -> Iterator[Message]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_next(self) -> bool:
        """Whether another page follows, by the URIs or else by the page count."""
        if self.next_page_uri:
            return True
        if self.num_pages is not None:
            return self.page + 1 < self.num_pages
        return False
