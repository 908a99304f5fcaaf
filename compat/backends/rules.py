"""A dialect's rules as data: what a backend object carries instead of code keyed by names.

Rules this module keeps:

* A :class:`DialectRules` value is everything a form-encoded dialect differs by: its name and API
  version, its paths, its operations, its request parameters (:class:`Param`), the fields of its
  message documents in the order it writes them (:class:`Field`), how it writes statuses and
  numbers, its limits and their Twilio codes, and its paging style. The bases in
  :mod:`compat.backends.form_backend`, :mod:`~compat.backends.json_backend` and
  :mod:`~compat.backends.xml_backend` read nothing else, so a new dialect is new data. What a
  value derives from its tables (``create_index``, ``list_index``: the parameters each request
  name is read for) is worked out once per value.
* The tables below are the building blocks the built-in dialects share; a third party composes
  its own from them (``attrs.evolve`` works on every value here).
* Statuses: each table maps every known :class:`~compat.model.Status` to the status the dialect
  documents (richer statuses map down to the nearest one); unknown strings pass through unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from compat.backends.base import Operation
from compat.backends.codes import INVALID_NUMBER
from compat.backends.routes import Routes
from compat.model import Status
from compat.phone import NumberStyle

__all__ = [
    "CREATE_PARAMS_2010",
    "CREATE_PARAMS_LEGACY",
    "DERIVED",
    "LIST_PARAMS_2008",
    "LIST_PARAMS_2010",
    "LIST_PARAMS_LEGACY",
    "READ_ONLY",
    "STATUSES_2008",
    "STATUSES_2010",
    "STATUSES_2010_SMS",
    "DialectRules",
    "Field",
    "Param",
]


@attrs.frozen
class Param:
    """One request parameter: the model attribute, the wire name, how the value is spelled, and
    every name the server side reads it under, strongest first (default: the wire name).

    Kinds: ``number`` (written in the dialect's number style), ``text``, ``list`` (the parameter
    repeats), ``int``, ``decimal``, ``bool`` (``true``/``false``), ``enum``, ``datetime`` (ISO 8601
    in UTC) and ``date`` (a list filter: ``YYYY-MM-DD`` or an ISO 8601 instant).
    """

    model: str
    wire: str
    kind: str
    read_as: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The names the server side accepts, strongest first."""
        return self.read_as or (self.wire,)


@attrs.frozen
class Field:
    """One field of a message document: the model attribute, its wire name and its kind.

    Kinds: ``text``, ``number`` (in the dialect's number style), ``date`` (RFC 2822), ``status``
    (through the dialect's status table), ``direction``, ``flags`` (a 2008 bitmask), ``price``
    (a decimal as a string), ``count`` (a whole number as a string), ``int``, ``uri`` (the
    dialect's own URI of the message) and ``subresources`` (the 2010 ``subresource_uris``).
    """

    model: str
    wire: str
    kind: str = "text"


_S = Status

#: 2008-08-01 documents queued, sending, sent and failed.
STATUSES_2008: Final[Mapping[Status, Status]] = MappingProxyType({
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
})

#: The legacy 2010 ``/SMS/Messages`` resource adds ``received`` to the 2008 set.
STATUSES_2010_SMS: Final[Mapping[Status, Status]] = MappingProxyType(
    {**STATUSES_2008, _S.RECEIVED: _S.RECEIVED}
)

#: 2010-04-01 ``/Messages`` documents every status.
STATUSES_2010: Final[Mapping[Status, Status]] = MappingProxyType(
    {status: status for status in Status}
)

_TO: Final = Param("to", "To", "number")
_FROM: Final = Param("from_", "From", "number")
_BODY: Final = Param("body", "Body", "text")
_CALLBACK: Final = Param("status_callback", "StatusCallback", "text")

#: The create parameters of the 2008 and legacy 2010 SMS resources.
CREATE_PARAMS_LEGACY: Final[tuple[Param, ...]] = (_TO, _FROM, _BODY, _CALLBACK)

#: The create parameters of 2010 ``/Messages``, in the order a request lists them.
CREATE_PARAMS_2010: Final[tuple[Param, ...]] = (
    _TO,
    _FROM,
    Param("messaging_service_sid", "MessagingServiceSid", "text"),
    _BODY,
    Param("media_urls", "MediaUrl", "list"),
    _CALLBACK,
    Param("application_sid", "ApplicationSid", "text"),
    Param("content_sid", "ContentSid", "text"),
    Param("content_variables", "ContentVariables", "text"),
    Param("validity_period", "ValidityPeriod", "int"),
    Param("max_price", "MaxPrice", "decimal"),
    Param("provide_feedback", "ProvideFeedback", "bool"),
    Param("force_delivery", "ForceDelivery", "bool"),
    Param("smart_encoded", "SmartEncoded", "bool"),
    Param("shorten_urls", "ShortenUrls", "bool"),
    Param("send_as_mms", "SendAsMms", "bool"),
    Param("attempt", "Attempt", "int"),
    Param("content_retention", "ContentRetention", "enum"),
    Param("address_retention", "AddressRetention", "enum"),
    Param("send_at", "SendAt", "datetime"),
    Param("schedule_type", "ScheduleType", "text"),
    Param("persistent_action", "PersistentAction", "list"),
    Param("fallback_from", "FallbackFrom", "number"),
)

_FILTERS: Final = (
    Param("to", "To", "number"),
    Param("from_", "From", "number"),
    Param("date_sent", "DateSent", "date"),
    Param("date_sent_before", "DateSent<", "date"),
    Param("date_sent_after", "DateSent>", "date"),
)
_PAGE: Final = Param("page", "Page", "int")
_PAGE_SIZE: Final = Param("page_size", "PageSize", "int")

#: 2008 list parameters: it documents ``num`` for the page size and also takes the 2010
#: ``PageSize``, which wins when both are given.
LIST_PARAMS_2008: Final[tuple[Param, ...]] = (
    *_FILTERS, Param("page_size", "num", "int", read_as=("PageSize", "num")), _PAGE,
)

#: The legacy 2010 SMS resource's list parameters: page numbers, no tokens.
LIST_PARAMS_LEGACY: Final[tuple[Param, ...]] = (*_FILTERS, _PAGE_SIZE, _PAGE)

#: 2010 ``/Messages`` list parameters (Twilio's own page URIs use this order).
LIST_PARAMS_2010: Final[tuple[Param, ...]] = (
    *_FILTERS, _PAGE_SIZE, _PAGE, Param("page_token", "PageToken", "text"),
)

#: Field kinds a document derives from other fields; they name no model attribute.
DERIVED: Final = frozenset({"subresources"})

#: Model fields no message document carries: they exist only on the way in.
READ_ONLY: Final = frozenset({"media_urls"})


@attrs.frozen(kw_only=True)
class DialectRules:
    """Everything a form-encoded dialect differs by (see the module docstring)."""

    #: Registry name, e.g. ``"2008-08-01"``.
    name: str
    #: The ``api_version`` its messages carry, and what a document without one reads as.
    api_version: str
    routes: Routes
    operations: frozenset[Operation]
    create_params: tuple[Param, ...]
    list_params: tuple[Param, ...]
    #: The fields of a message document, in the order the dialect writes them.
    fields: tuple[Field, ...]
    #: Fields the reader also accepts, though the dialect does not write them.
    readable_fields: tuple[Field, ...] = ()
    statuses: Mapping[Status, Status]
    number_style: NumberStyle
    max_body_length: int
    body_too_long_code: int
    no_body_code: int
    max_media: int = 10
    #: Twilio's code and text for an invalid number, by model field.
    invalid_number: Mapping[str, tuple[int, str]] = INVALID_NUMBER
    #: Whether pages carry ``num_pages``, ``total`` and a last page (else: page tokens).
    counted_pages: bool
    #: The paging parameters in page URIs, in order.
    page_uri_order: tuple[str, ...] = ("PageSize", "Page")
    #: Whether page documents carry their own and their neighbours' URIs.
    page_uris: bool = True
    #: Whether a paging fact without a value is still written, empty (2010 XML writes
    #: ``previouspageuri=""``), rather than left out.
    page_blanks: bool = False
    #: The paging facts of a page document, in the order written (:class:`Field` values naming
    #: :class:`~compat.model.MessagePage` attributes; ``items`` is the list of records).
    page_fields: tuple[Field, ...]
    #: The name of the record list in a page document (a JSON key or an XML element).
    list_name: str
    #: The name of one record in a document (an XML element; JSON records have none).
    message_name: str = "message"
    #: Whether a POST may name its real method in a ``_method`` query parameter (2008 did).
    method_override: bool = False
    #: The media type of the dialect's documents.
    content_type: str
    #: The schema of each kind of document (``message``, ``page``, ``error``; ``*``: one schema
    #: for every kind), as paths under the shipped ``schemas/`` folder.
    schemas: Mapping[str, str] = attrs.field(factory=dict)

    @functools.cached_property
    def create_index(self) -> Mapping[str, tuple[int, ...]]:
        """For each name a create form is read under, the positions in :attr:`create_params` of
        the parameters read from it (worked out once per rules value)."""
        return _index(self.create_params)

    @functools.cached_property
    def list_index(self) -> Mapping[str, tuple[int, ...]]:
        """For each name a list query is read under, the positions in :attr:`list_params` of the
        parameters read from it (worked out once per rules value)."""
        return _index(self.list_params)

    @property
    def carried(self) -> frozenset[str]:
        """The model fields a document of this dialect writes and reads back."""
        return frozenset(field.model for field in self.fields if field.kind not in DERIVED)

    def status(self, status: Status) -> Status:
        """``status`` as the dialect writes it; an unknown string passes through unchanged."""
        return self.statuses.get(status, status) if status.known else status

    def wire_name(self, model: str) -> str:
        """The request parameter that carries a model field (the model name when none does)."""
        for param in (*self.create_params, *self.list_params):
            if param.model == model:
                return param.wire
        return model


def _index(table: tuple[Param, ...]) -> Mapping[str, tuple[int, ...]]:
    found: dict[str, tuple[int, ...]] = {}
    for position, param in enumerate(table):
        for name in dict.fromkeys((*param.names, param.wire)):
            found[name] = (*found.get(name, ()), position)
    return MappingProxyType(found)
