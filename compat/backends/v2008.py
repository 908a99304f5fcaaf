"""The 2008-08-01 dialect: ``/2008-08-01/Accounts/{AccountSid}/SMS/Messages[/{Sid}]``, XML out.

Rules this module keeps:

* Requests are form-encoded; responses are ``<TwilioResponse>`` documents (``application/xml``,
  UTF-8, an XML declaration, no indentation). ``<SMSMessage>`` children are written in the
  documented order Sid, DateCreated, DateUpdated, DateSent, AccountSid, To, From, Body, Status,
  Flags; an empty or null value is a self-closing element (``<DateSent/>``).
* NANP numbers are written as 10 bare digits and read back as E.164; dates are written in
  ``+0000`` and read in any offset. Statuses map down and Direction becomes Flags through
  :mod:`compat.backends._mapping`.
* Reading is strict: the documents come from :func:`compat._xml.parse_xml`; an unknown or repeated
  element, a missing Sid/AccountSid/Status, a mistyped value or a document that is not an SMS
  document raises :class:`~compat.errors.UnexpectedDocument`. Besides the ten 2008 elements the
  reader knows the ones early 2010-04-01 XML added to ``<SMSMessage>`` (Direction, ApiVersion,
  Price, Uri, and Flags as a list of ``<Flag>`` words), so every documented SMS document parses.
* Characters XML 1.0 cannot carry are written as U+FFFD; a carriage return is written ``&#13;`` so
  it survives the parser's line-end normalisation.
* The dialect has create, fetch and list. Anything else on its paths answers 405; the client side
  raises :class:`~compat.errors.UnsupportedOperation` for update and delete.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import ClassVar, Final

from lxml import etree

from compat._xml import parse_xml
from compat.backends._common import (
    FormBackend,
    Routes,
    finite_decimal,
    format_rfc2822,
    parse_rfc2822,
    plain_error,
    read_national_number,
    render_number,
    trusted_factory,
    trusted_message,
)
from compat.backends._mapping import (
    FLAG_BITS,
    V2008,
    direction_from_flags,
    flags_from_direction,
    restrict,
    status_for,
)
from compat.backends.base import Operation
from compat.errors import (
    ApiError,
    InvalidParameter,
    UnexpectedDocument,
)
from compat.model import (
    ACCOUNT_SID,
    MESSAGE_SID,
    Direction,
    ListQuery,
    Message,
    MessagePage,
    Status,
)
from compat.wire import WireResponse

__all__ = ["CONTENT_TYPE", "Backend2008"]

CONTENT_TYPE: Final = "application/xml"
_HEADERS: Final = (("Content-Type", CONTENT_TYPE),)
_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'
_XML_TYPES: Final = frozenset({"", "application/xml", "text/xml"})

_ILLEGAL: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(text: str) -> str:
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("\ufffd", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _element(name: str, text: str | None) -> str:
    if not text:
        return f"<{name}/>"
    return f"<{name}>{_escape(text)}</{name}>"


def _number(value: str | None) -> str | None:
    return None if value is None else render_number(value, V2008)


def _message_xml(message: Message) -> str:
    created, updated, sent = message.date_created, message.date_updated, message.date_sent
    direction = message.direction
    return "".join(
        (
            "<SMSMessage>",
            _element("Sid", message.sid),
            _element("DateCreated", None if created is None else format_rfc2822(created)),
            _element("DateUpdated", None if updated is None else format_rfc2822(updated)),
            _element("DateSent", None if sent is None else format_rfc2822(sent)),
            _element("AccountSid", message.account_sid),
            _element("To", _number(message.to)),
            _element("From", _number(message.from_)),
            _element("Body", message.body),
            _element("Status", str(status_for(V2008, message.status))),
            _element("Flags", None if direction is None else str(flags_from_direction(direction))),
            "</SMSMessage>",
        )
    )


def _document(inner: str) -> bytes:
    return f"{_DECLARATION}<TwilioResponse>{inner}</TwilioResponse>".encode()


# -- reading ---------------------------------------------------------------------------------------

_MESSAGE_ELEMENTS: Final = frozenset(
    {"Sid", "DateCreated", "DateUpdated", "DateSent", "AccountSid", "To", "From", "Body", "Status",
     "Flags", "Direction", "ApiVersion", "Price", "Uri"}
)
_PAGE_REQUIRED: Final = ("page", "numpages", "pagesize", "total", "start", "end")
_PAGE_URIS: Final = {
    "uri": "uri",
    "firstpageuri": "first_page_uri",
    "previouspageuri": "previous_page_uri",
    "nextpageuri": "next_page_uri",
    "lastpageuri": "last_page_uri",
}
_ERROR_ELEMENTS: Final = frozenset({"Status", "Message", "Code", "MoreInfo"})
_FLAG_WORDS: Final = {
    frozenset({"inbound"}): Direction.INBOUND,
    frozenset({"incoming"}): Direction.INBOUND,
    frozenset({"outbound"}): Direction.OUTBOUND_API,
}
_STATUSES: Final = Status._value2member_map_


def _fail(message: str) -> UnexpectedDocument:
    return UnexpectedDocument(message, dialect=V2008)


def _is_blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _root_child(data: bytes) -> etree._Element:
    root = parse_xml(data, dialect=V2008)
    if root.tag != "TwilioResponse":
        raise _fail(f"expected a <TwilioResponse> document, got <{root.tag}>")
    children = list(root)
    if len(children) != 1:
        raise _fail(f"<TwilioResponse> must hold exactly one element, got {len(children)}")
    if not _is_blank(root.text) or not _is_blank(children[0].tail):
        raise _fail("<TwilioResponse> holds text outside its element")
    return children[0]


def _int_text(text: str | None, where: str) -> int:
    value = (text or "").strip()
    if not value.isdigit() or not value.isascii() or len(value) > 18:
        raise _fail(f"{where} must be a non-negative integer, got {text!r}")
    return int(value)


def _date(text: str | None, tag: str) -> dt.datetime | None:
    if text is None:
        return None
    value = text.strip()
    if not value:
        return None
    try:
        return parse_rfc2822(value)
    except ValueError:
        raise _fail(f"<{tag}> is not an RFC 2822 date: {text!r}") from None


def _flag_words(flags: etree._Element) -> Direction:
    words: set[str] = set()
    for child in flags:
        if child.tag != "Flag" or len(child):
            raise _fail(f"<Flags> may hold only <Flag> words, got <{child.tag}>")
        words.add((child.text or "").strip())
    direction = _FLAG_WORDS.get(frozenset(words))
    if direction is None:
        raise _fail(f"<Flags> words {sorted(words)} name no direction")
    return direction


def _direction(texts: dict[str, str | None], flags: etree._Element | None) -> Direction | None:
    named = texts.get("Direction")
    if not _is_blank(named):
        return Direction(named.strip())  # type: ignore[union-attr]
    if flags is not None:
        return _flag_words(flags)
    text = texts.get("Flags")
    if _is_blank(text):
        return None
    return direction_from_flags(_int_text(text, "<Flags>"))


def _checked_texts(element: etree._Element) -> tuple[dict[str, str | None], etree._Element | None]:
    """The field texts of one ``<SMSMessage>``, refusing unknown, repeated and nested elements
    (``<Flags>`` may hold ``<Flag>`` words, returned as the second value)."""
    texts: dict[str, str | None] = {}
    flags: etree._Element | None = None
    for child in element:
        tag = child.tag
        if tag not in _MESSAGE_ELEMENTS or tag in texts:
            what = "a repeated" if tag in texts else "an unknown"
            raise _fail(f"<SMSMessage> holds {what} element <{tag}>")
        if len(child):
            if tag != "Flags":
                raise _fail(f"<{tag}> must hold text, not elements")
            flags = child
        texts[tag] = child.text
    return texts, flags


def _number_text(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip()
    return read_national_number(text) if text else None


def _optional_text(text: str | None) -> str | None:
    if not text:
        return None
    return text.strip() or None


_ABSENT: Final = object()
#: The documented Flags values as text, for the fast reader.
_SIMPLE_FLAGS: Final = {str(bits): direction for bits, direction in FLAG_BITS.items()}


_make_2008: Final = trusted_factory(
    ("sid", "account_sid", "to", "from_", "body", "status", "direction", "date_created",
     "date_updated", "date_sent")
)
_sid_match: Final = MESSAGE_SID.match
_account_match: Final = ACCOUNT_SID.match


def _fast_message(texts: dict[str, str | None]) -> Message | None:
    """The hot path: exactly the ten 2008 elements (the caller checked there are ten distinct
    ones; a missing name is a KeyError here) with clean values. ``None`` sends the message to
    :func:`_strict_message`, which reads anything else and names what is wrong."""
    try:
        sid, account = texts["Sid"], texts["AccountSid"]
        status = _STATUSES.get(texts["Status"])
        direction = _SIMPLE_FLAGS.get(texts["Flags"])  # type: ignore[arg-type]
        if (status is None or direction is None or sid is None or account is None
                or _sid_match(sid) is None or _account_match(account) is None):
            return None
        to, sender, body = texts["To"], texts["From"], texts["Body"]
        created, updated, sent = texts["DateCreated"], texts["DateUpdated"], texts["DateSent"]
        return _make_2008(
            sid,
            account,
            read_national_number(to) if to else None,
            read_national_number(sender) if sender else None,
            body or "",
            status,
            direction,
            parse_rfc2822(created) if created else None,
            parse_rfc2822(updated) if updated else None,
            parse_rfc2822(sent) if sent else None,
        )
    except (KeyError, ValueError):
        return None


def _strict_message(texts: dict[str, str | None], flags: etree._Element | None) -> Message:
    """Any ``<SMSMessage>`` the reader accepts, with a precise error for what it does not."""
    get = texts.get
    sid = (get("Sid") or "").strip()
    account = (get("AccountSid") or "").strip()
    status_text = (get("Status") or "").strip()
    if not sid or not account or not status_text:
        missing = [t for t, v in (("Sid", sid), ("AccountSid", account), ("Status", status_text))
                   if not v]
        raise _fail(f"<SMSMessage> lacks {', '.join('<' + t + '>' for t in missing)}")
    if _sid_match(sid) is None:
        raise _fail(f"<SMSMessage> <Sid> {sid!r} is not a message SID")
    if _account_match(account) is None:
        raise _fail(f"<SMSMessage> <AccountSid> {account!r} is not an account SID")
    body = texts.get("Body", _ABSENT)
    return trusted_message(
        sid=sid,
        account_sid=account,
        to=_number_text(get("To")),
        from_=_number_text(get("From")),
        body=None if body is _ABSENT else (body or ""),
        status=_STATUSES.get(status_text) or Status(status_text),
        direction=_direction(texts, flags),
        date_created=_date(get("DateCreated"), "DateCreated"),
        date_updated=_date(get("DateUpdated"), "DateUpdated"),
        date_sent=_date(get("DateSent"), "DateSent"),
        price=_price(get("Price")),
        api_version=_optional_text(get("ApiVersion")),
        uri=_optional_text(get("Uri")),
    )


def _price(text: str | None) -> Decimal | None:
    value = _optional_text(text)
    if value is None:
        return None
    price = finite_decimal(value)
    if price is None:
        raise _fail(f"<Price> is not a decimal number: {value!r}")
    return price


_NESTED: Final = etree.XPath("boolean(./*/*/*)")


def _read_page(element: etree._Element) -> MessagePage:
    attributes: dict[str, str] = {str(k): str(v) for k, v in element.attrib.items()}
    unknown = sorted(set(attributes) - set(_PAGE_REQUIRED) - set(_PAGE_URIS))
    if unknown:
        raise _fail(f"<SMSMessages> has unknown attributes {unknown}")
    numbers: dict[str, int] = {}
    for name in _PAGE_REQUIRED:
        if name not in attributes:
            raise _fail(f"<SMSMessages> lacks the {name!r} attribute")
        numbers[name] = _int_text(attributes[name], f"<SMSMessages {name}>")
    uris = {model: (attributes.get(name) or None) for name, model in _PAGE_URIS.items()}
    if not _is_blank(element.text):
        raise _fail("<SMSMessages> holds text outside its elements")
    items: list[Message] = []
    append = items.append
    fast = not _NESTED(element)
    for child in element:
        if child.tag != "SMSMessage":
            raise _fail(f"<SMSMessages> may hold only <SMSMessage>, got <{child.tag}>")
        tail = child.tail
        if tail is not None and tail.strip():
            raise _fail("<SMSMessages> holds text outside its elements")
        message = None
        if fast:  # the fast path, for documents with no element nested in a field
            texts = {field.tag: field.text for field in child}
            if len(texts) == 10 and len(child) == 10:
                message = _fast_message(texts)
        append(message or _strict_message(*_checked_texts(child)))
    return MessagePage(
        items=items,
        page=numbers["page"],
        page_size=numbers["pagesize"],
        start=numbers["start"],
        end=numbers["end"],
        total=numbers["total"],
        num_pages=numbers["numpages"],
        **uris,
    )


def _read_error(element: etree._Element) -> ApiError:
    texts: dict[str, str | None] = {}
    for child in element:
        tag = child.tag
        if tag not in _ERROR_ELEMENTS or tag in texts or len(child):
            raise _fail(f"<RestException> holds an unexpected element <{tag}>")
        texts[tag] = child.text
    if "Status" not in texts:
        raise _fail("<RestException> lacks <Status>")
    status = _int_text(texts["Status"], "<RestException><Status>")
    code_text = texts.get("Code")
    code = None if _is_blank(code_text) else _int_text(code_text, "<RestException><Code>")
    more = texts.get("MoreInfo")
    return ApiError(
        status,
        texts.get("Message") or "",
        code,
        None if _is_blank(more) else more.strip(),  # type: ignore[union-attr]
    )


def _expect(child: etree._Element, tag: str) -> None:
    if child.tag == "RestException":
        raise _read_error(child)
    if child.tag != tag:
        note = "" if child.tag in ("SMSMessage", "SMSMessages") else ": not an SMS document"
        raise _fail(f"expected <{tag}>, got <{child.tag}>{note}")


# -- the backend -----------------------------------------------------------------------------------


class Backend2008(FormBackend):
    """The 2008-08-01 ``/SMS/Messages`` dialect, client and server side. Stateless."""

    name: str = V2008
    api_version: str = "2008-08-01"
    max_body_length: int = 160
    body_too_long_code: int = 21605
    no_body_code: int = 21602
    operations: frozenset[Operation] = frozenset(
        {Operation.CREATE, Operation.FETCH, Operation.LIST}
    )
    routes: Routes = Routes("/2008-08-01/Accounts/", "/SMS/Messages", "")
    content_type: str = CONTENT_TYPE
    method_override: ClassVar[bool] = True

    # -- client side: response -> model --------------------------------------------------------

    def _child(self, response: WireResponse, tag: str, ok: tuple[int, ...]) -> etree._Element:
        self._check_status(response, f"<{tag}>", ok)
        child = _root_child(response.body)
        _expect(child, tag)
        return child

    def parse_message(self, response: WireResponse) -> Message:
        return _strict_message(*_checked_texts(self._child(response, "SMSMessage", (200, 201))))

    def parse_page(self, response: WireResponse) -> MessagePage:
        return _read_page(self._child(response, "SMSMessages", (200,)))

    def parse_error(self, response: WireResponse) -> ApiError:
        """The error a response reports. A body that is not XML (a proxy's HTML page, an empty
        body) gives an error with the HTTP status and its reason phrase."""
        if not response.body.strip() or response.content_type not in _XML_TYPES:
            return plain_error(response.status)
        child = _root_child(response.body)
        if child.tag != "RestException":
            raise _fail(f"expected <RestException>, got <{child.tag}>")
        return _read_error(child)

    # -- server side -----------------------------------------------------------------------------

    def not_found(self, path: str) -> ApiError:
        """The dialect's 404 (2008 gives no code)."""
        return ApiError(404, "The requested resource was not found")

    # -- server side: model -> response --------------------------------------------------------

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
        return MessagePage(
            items=items,
            page=page,
            page_size=page_size,
            start=start,
            end=start + len(items) - 1 if items else start,
            total=total,
            num_pages=-(-total // page_size) if page_size else 0,
        )

    def render_message(self, message: Message, *, created: bool = False) -> WireResponse:
        return WireResponse(201 if created else 200, _HEADERS, _document(_message_xml(message)))

    def render_page(self, page: MessagePage) -> WireResponse:
        if page.total is None or page.num_pages is None:
            raise InvalidParameter(
                "a 2008 page needs total and num_pages; build it with make_page()",
                parameter="total",
            )
        head = (
            f'<SMSMessages page="{page.page}" numpages="{page.num_pages}" '
            f'pagesize="{page.page_size}" total="{page.total}" start="{page.start}" '
            f'end="{page.end}"'
        )
        if not page.items:
            return WireResponse(200, _HEADERS, _document(head + "/>"))
        body = "".join(_message_xml(message) for message in page.items)
        return WireResponse(200, _HEADERS, _document(f"{head}>{body}</SMSMessages>"))

    def render_error(self, error: ApiError) -> WireResponse:
        parts = [
            "<RestException>",
            _element("Status", str(error.status)),
            _element("Message", error.message),
        ]
        if error.code is not None:
            parts.append(_element("Code", str(error.code)))
        if error.more_info is not None:
            parts.append(_element("MoreInfo", error.more_info))
        parts.append("</RestException>")
        return WireResponse(error.status, _HEADERS, _document("".join(parts)))

    # -- mapping -----------------------------------------------------------------------------------

    def restrict(self, message: Message) -> Message:
        """``message`` as a round trip through this dialect gives it back."""
        return restrict(
            message,
            self.name,
            uri=lambda _m: None,
            render_number=lambda n: None if n is None else render_number(n, self.name),
            parse_number=_number_text,
        )

