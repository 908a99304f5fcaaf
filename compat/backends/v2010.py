"""The 2010-04-01 dialect: ``/2010-04-01/Accounts/{AccountSid}/Messages[/{Sid}].json``, JSON out.

Rules this module keeps:

* Only the ``.json`` representation is offered. A path of this resource without ``.json`` (the XML
  default of the real API) is not ours: :meth:`JsonBackend.parse_request` returns ``None``.
* A message is the 20 documented properties, written with sorted keys: ``num_segments``,
  ``num_media`` and ``price`` as strings, ``error_code`` as an integer, dates in RFC 2822 GMT,
  ``uri`` and ``subresource_uris`` derived from the two SIDs (a create answer lists only the
  ``media`` subresource, as Twilio's does). Numbers are written as the model holds them (E.164).
  Output is ASCII JSON with ``\\uXXXX`` escapes, so any Python string survives the trip.
* Reading is strict about types (a number where a string belongs raises
  :class:`~compat.errors.UnexpectedDocument`) and lenient about unknown keys, because Twilio adds
  properties without notice.
* Page URIs take Twilio's form: the filters, then ``PageSize``, ``Page`` and, after the first page,
  ``PageToken``. The token for the next page is ``PA`` plus the last SID on this page, for the
  previous page ``PB`` plus the first; the page number stays authoritative.
* Create answers 201, delete 204 with no body. :class:`JsonBackend` is shared with the legacy
  ``/SMS/Messages.json`` dialect in :mod:`compat.backends.v2010_sms`, which sets its own data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar, Final
from urllib.parse import urlencode

import attrs

from compat.backends._common import (
    FormBackend,
    Routes,
    encode_query,
    finite_decimal,
    format_rfc2822,
    parse_rfc2822,
    plain_error,
)
from compat.backends._json import (
    get_int,
    get_list,
    get_object,
    get_str,
    load_json,
    require_int,
    require_str,
)
from compat.backends._mapping import V2010, restrict
from compat.backends.base import Operation
from compat.errors import ApiError, InvalidParameter, UnexpectedDocument
from compat.model import Direction, ListQuery, Message, MessagePage, Status
from compat.wire import WireResponse

__all__ = ["CONTENT_TYPE", "Backend2010", "JsonBackend"]

CONTENT_TYPE: Final = "application/json"
_HEADERS: Final = (("Content-Type", CONTENT_TYPE),)
_JSON_TYPES: Final = frozenset({"", "application/json"})
_STATUSES: Final = Status._value2member_map_
_DIRECTIONS: Final = Direction._value2member_map_

# -- writing ---------------------------------------------------------------------------------------

_price_cache: dict[Decimal, str] = {}


def _price(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = _price_cache.get(value)
    if text is None:
        text = format(value, "f")
        if len(_price_cache) < 4096:
            _price_cache[value] = text
    return text


def _date(value: dt.datetime | None) -> str | None:
    return None if value is None else format_rfc2822(value)


def _message_2010(message: Message, created: bool = False) -> dict[str, Any]:
    base = f"/2010-04-01/Accounts/{message.account_sid}/Messages/{message.sid}"
    direction = message.direction
    num_media, num_segments = message.num_media, message.num_segments
    subresources = {"media": base + "/Media.json"}
    if not created:
        subresources["feedback"] = base + "/Feedback.json"
    return {
        "account_sid": message.account_sid,
        "api_version": message.api_version,
        "body": message.body,
        "date_created": _date(message.date_created),
        "date_sent": _date(message.date_sent),
        "date_updated": _date(message.date_updated),
        "direction": None if direction is None else direction.value,
        "error_code": message.error_code,
        "error_message": message.error_message,
        "from": message.from_,
        "messaging_service_sid": message.messaging_service_sid,
        "num_media": None if num_media is None else str(num_media),
        "num_segments": None if num_segments is None else str(num_segments),
        "price": _price(message.price),
        "price_unit": message.price_unit,
        "sid": message.sid,
        "status": message.status.value,
        "subresource_uris": subresources,
        "to": message.to,
        "uri": base + ".json",
    }


def _dumps(document: object) -> bytes:
    return json.dumps(document).encode("ascii")


# -- reading ---------------------------------------------------------------------------------------


def _fail(message: str, dialect: str) -> UnexpectedDocument:
    return UnexpectedDocument(message, dialect=dialect)


def _read_date(obj: Mapping[str, Any], key: str, where: str, dialect: str) -> dt.datetime | None:
    text = get_str(obj, key, where=where, dialect=dialect)
    if not text:
        return None
    try:
        return parse_rfc2822(text)
    except ValueError:
        raise _fail(f"{where}: {key!r} is not an RFC 2822 date: {text!r}", dialect) from None


def _read_count(obj: Mapping[str, Any], key: str, where: str, dialect: str) -> int | None:
    text = get_str(obj, key, where=where, dialect=dialect)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise _fail(f"{where}: {key!r} must be a string of digits, got {text!r}", dialect)
    return int(text)


def _read_message(value: object, where: str, dialect: str) -> Message:
    obj = get_object(value, where=where, dialect=dialect)
    sid = require_str(obj, "sid", where=where, dialect=dialect)
    account = require_str(obj, "account_sid", where=where, dialect=dialect)
    status = require_str(obj, "status", where=where, dialect=dialect)
    if not status:
        raise _fail(f"{where}: 'status' is empty", dialect)
    direction = get_str(obj, "direction", where=where, dialect=dialect)
    price_text = get_str(obj, "price", where=where, dialect=dialect)
    price: Decimal | None = None
    if price_text:
        price = finite_decimal(price_text)
        if price is None:
            raise _fail(f"{where}: 'price' is not a decimal number: {price_text!r}", dialect)
    try:
        return Message(
            sid=sid,
            account_sid=account,
            to=get_str(obj, "to", where=where, dialect=dialect),
            from_=get_str(obj, "from", where=where, dialect=dialect),
            body=get_str(obj, "body", where=where, dialect=dialect),
            status=_STATUSES.get(status) or Status(status),
            direction=(_DIRECTIONS.get(direction) or Direction(direction)) if direction else None,
            date_created=_read_date(obj, "date_created", where, dialect),
            date_updated=_read_date(obj, "date_updated", where, dialect),
            date_sent=_read_date(obj, "date_sent", where, dialect),
            price=price,
            price_unit=get_str(obj, "price_unit", where=where, dialect=dialect),
            num_segments=_read_count(obj, "num_segments", where, dialect),
            num_media=_read_count(obj, "num_media", where, dialect),
            error_code=get_int(obj, "error_code", where=where, dialect=dialect),
            error_message=get_str(obj, "error_message", where=where, dialect=dialect),
            messaging_service_sid=get_str(obj, "messaging_service_sid", where=where,
                                          dialect=dialect),
            api_version=get_str(obj, "api_version", where=where, dialect=dialect),
            uri=get_str(obj, "uri", where=where, dialect=dialect),
        )
    except InvalidParameter as exc:
        raise _fail(f"{where}: {exc}", dialect) from None


def _read_error(value: object, http_status: int, dialect: str) -> ApiError:
    where = "the error document"
    obj = get_object(value, where=where, dialect=dialect)
    if "message" not in obj:
        raise _fail(f"{where} has no 'message': not a Twilio error", dialect)
    status = get_int(obj, "status", where=where, dialect=dialect)
    return ApiError(
        http_status if status is None else status,
        get_str(obj, "message", where=where, dialect=dialect) or "",
        get_int(obj, "code", where=where, dialect=dialect),
        get_str(obj, "more_info", where=where, dialect=dialect),
    )


# -- the shared JSON backend -----------------------------------------------------------------------


class JsonBackend(FormBackend):
    """The JSON dialects of 2010-04-01, both sides; subclasses set the class data below."""

    name: str = V2010
    api_version: str = "2010-04-01"
    max_body_length: int = 1600
    body_too_long_code: int = 21617
    no_body_code: int = 21619
    operations: frozenset[Operation] = frozenset(Operation)
    routes: Routes = Routes("/2010-04-01/Accounts/", "/Messages", ".json")
    content_type: str = CONTENT_TYPE
    #: The key of the record list in a page document.
    list_key: ClassVar[str] = "messages"
    #: Whether pages carry ``num_pages``, ``total`` and ``last_page_uri``.
    counted_pages: ClassVar[bool] = False
    #: The paging parameters in page URIs, in order (``size`` and ``page`` stand for the values).
    page_uri_order: ClassVar[tuple[str, ...]] = ("PageSize", "Page")

    # -- client side: response -> model --------------------------------------------------------

    def _document(self, response: WireResponse, what: str, ok: tuple[int, ...]) -> Any:
        self._check_status(response, what, ok)
        return load_json(response.body, dialect=self.name)

    def parse_message(self, response: WireResponse) -> Message:
        document = self._document(response, "a message", (200, 201))
        return _read_message(document, "the message", self.name)

    def parse_page(self, response: WireResponse) -> MessagePage:
        document = self._document(response, "a list page", (200,))
        where = "the list page"
        obj = get_object(document, where=where, dialect=self.name)
        if self.list_key not in obj:
            other = [k for k in ("messages", "sms_messages") if k in obj]
            hint = f" (it has {other[0]!r}: another dialect's page)" if other else ""
            raise _fail(f"{where} has no {self.list_key!r} list{hint}", self.name)
        records = get_list(obj, self.list_key, where=where, dialect=self.name)
        items = [
            _read_message(record, f"{self.list_key}[{index}]", self.name)
            for index, record in enumerate(records)
        ]

        def count(key: str) -> int:
            value = require_int(obj, key, where=where, dialect=self.name)
            if value < 0:
                raise _fail(f"{where}: {key!r} must not be negative", self.name)
            return value

        def optional_count(key: str) -> int | None:
            return count(key) if obj.get(key) is not None else None

        def text(key: str) -> str | None:
            return get_str(obj, key, where=where, dialect=self.name) or None

        return MessagePage(
            items=items,
            page=count("page"),
            page_size=count("page_size"),
            start=count("start"),
            end=count("end"),
            total=optional_count("total"),
            num_pages=optional_count("num_pages"),
            uri=text("uri"),
            first_page_uri=text("first_page_uri"),
            next_page_uri=text("next_page_uri"),
            previous_page_uri=text("previous_page_uri"),
            last_page_uri=text("last_page_uri"),
        )

    def parse_error(self, response: WireResponse) -> ApiError:
        """The error a response reports. A body that is not JSON (a proxy's HTML page, an empty
        body) gives an error with the HTTP status and its reason phrase."""
        if not response.body.strip() or response.content_type not in _JSON_TYPES:
            return plain_error(response.status)
        document = load_json(response.body, dialect=self.name)
        return _read_error(document, response.status, self.name)

    # -- server side: model -> response --------------------------------------------------------

    def _page_uri(self, account_sid: str, filters: list[tuple[str, str]], size: int,
                  number: int, token: str | None) -> str:
        pairs = list(filters)
        for name in self.page_uri_order:
            pairs.append((name, str(size) if name == "PageSize" else str(number)))
        if token:
            pairs.append(("PageToken", token))
        return f"{self.routes.list_path(account_sid)}?{urlencode(pairs)}"

    def make_page(
        self,
        account_sid: str,
        query: ListQuery,
        items: tuple[Message, ...],
        *,
        page: int,
        page_size: int,
        total: int,
    ) -> MessagePage:
        start = page * page_size
        filters = encode_query(
            attrs.evolve(query, page=None, page_size=None, page_token=None), self.name
        )
        num_pages = -(-total // page_size) if page_size else 0
        has_next = bool(items) and (page + 1) * page_size < total
        uri = self._page_uri(account_sid, filters, page_size, page, query.page_token)
        next_uri = previous_uri = last_uri = None
        if self.counted_pages:
            if has_next:
                next_uri = self._page_uri(account_sid, filters, page_size, page + 1, None)
            if page > 0:
                previous_uri = self._page_uri(account_sid, filters, page_size, page - 1, None)
            last_uri = self._page_uri(account_sid, filters, page_size, max(num_pages - 1, 0),
                                      None)
        else:
            if has_next:
                next_uri = self._page_uri(account_sid, filters, page_size, page + 1,
                                          "PA" + items[-1].sid)
            if page > 0:
                previous_uri = self._page_uri(account_sid, filters, page_size, page - 1,
                                              "PB" + items[0].sid if items else None)
        return MessagePage(
            items=items,
            page=page,
            page_size=page_size,
            start=start,
            end=start + len(items) - 1 if items else start,
            total=total if self.counted_pages else None,
            num_pages=num_pages if self.counted_pages else None,
            uri=uri,
            first_page_uri=self._page_uri(account_sid, filters, page_size, 0, None),
            next_page_uri=next_uri,
            previous_page_uri=previous_uri,
            last_page_uri=last_uri,
        )

    def render_message(self, message: Message, *, created: bool = False) -> WireResponse:
        return WireResponse(201 if created else 200, _HEADERS,
                            _dumps(self.message_document(message, created)))

    def message_document(self, message: Message, created: bool = False) -> dict[str, Any]:
        """The JSON object this dialect writes for a message."""
        return _message_2010(message, created)

    def _page_document(self, page: MessagePage) -> dict[str, Any]:
        write = self.message_document
        return {
            "end": page.end,
            "first_page_uri": page.first_page_uri,
            self.list_key: [write(message, False) for message in page.items],
            "next_page_uri": page.next_page_uri,
            "page": page.page,
            "page_size": page.page_size,
            "previous_page_uri": page.previous_page_uri,
            "start": page.start,
            "uri": page.uri,
        }

    def render_page(self, page: MessagePage) -> WireResponse:
        return WireResponse(200, _HEADERS, _dumps(self._page_document(page)))

    def render_error(self, error: ApiError) -> WireResponse:
        document: dict[str, object] = {}
        if error.code is not None:
            document["code"] = error.code
        document["message"] = error.message
        if error.more_info is not None:
            document["more_info"] = error.more_info
        document["status"] = error.status
        return WireResponse(error.status, _HEADERS, _dumps(document))

    # -- mapping -----------------------------------------------------------------------------------

    def message_uri(self, message: Message) -> str:
        """The URI this dialect writes for a message."""
        return self.routes.instance_path(message.account_sid, message.sid)

    def restrict(self, message: Message) -> Message:
        """``message`` as a round trip through this dialect gives it back."""
        return restrict(message, self.name, uri=self.message_uri)


class Backend2010(JsonBackend):
    """The 2010-04-01 ``/Messages.json`` dialect, client and server side. Stateless."""

