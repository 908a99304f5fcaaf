"""The public base for XML dialects: ``<TwilioResponse>`` documents written and read from rules.

Rules this module keeps:

* Responses are ``<TwilioResponse>`` documents (the rules' content type, UTF-8, an XML
  declaration, no indentation) holding one message element (the rules' ``message_name``), one
  page element (``list_name``, its paging facts as attributes named by ``page_fields``; a fact
  that is ``None`` is left out, or written empty when the rules say ``page_blanks``) or one
  ``<RestException>``. Message elements hold the rules' ``fields`` in their order; an empty or
  null value is a self-closing element (``<DateSent/>``).
* Characters XML 1.0 cannot carry are written as U+FFFD; a carriage return is written ``&#13;`` so
  it survives the parser's line-end normalisation.
* Reading is strict: documents come from :func:`compat._xml.parse_xml` (no DTDs, no entities, size
  and depth limits); an unknown or repeated element or attribute, a missing Sid, AccountSid or
  Status, a mistyped value or a document of another kind raises
  :class:`~compat.errors.UnexpectedDocument`. The reader knows ``fields`` and ``readable_fields``;
  prose (``ErrorMessage``) is kept as written, other values lose outer whitespace; a
  ``subresources`` field (``<SubresourceUris>``, links derived from the SIDs) is checked for shape
  (text-only children) and otherwise ignored. An absent ``Body`` is ``None``, an empty one ``""``;
  other blank text is ``None``. A dialect whose documents carry no ``api_version`` reads its own. A
  2xx answer of another content type (an HTML page) is ``UnexpectedDocument`` naming it, before
  any parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import attrs

from compat._xml import parse_xml
from compat.backends.codes import plain_error
from compat.backends.dates import format_rfc2822, parse_rfc2822
from compat.backends.flags import (
    direction_from_flag_words,
    direction_from_flags,
    flags_from_direction,
)
from compat.backends.form_backend import FormBackend
from compat.backends.forms import finite_decimal
from compat.backends.numbers import read_number, write_number
from compat.backends.rules import DERIVED, DialectRules, Field
from compat.backends.xml_text import element, escape
from compat.errors import ApiError, InvalidParameter, UnexpectedDocument
from compat.model import Direction, Message, MessagePage, Status
from compat.wire import WireResponse

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["XmlBackend"]

_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'
_XML_TYPES: Final = frozenset({"", "application/xml", "text/xml"})
_STATUSES: Final = Status._value2member_map_
_DIRECTIONS: Final = Direction._value2member_map_
_REQUIRED: Final = ("sid", "account_sid", "status")
_ERROR_ELEMENTS: Final = frozenset({"Status", "Message", "Code", "MoreInfo"})
_FREE_TEXT: Final = frozenset({"error_message"})  # prose, kept as written; identifiers are stripped
_PAGE_COUNTS: Final = frozenset({"page", "page_size", "start", "end", "total", "num_pages"})


def _is_blank(text: str | None) -> bool:
    return text is None or not text.strip()


Writer = Callable[[Message], "str | None"]
Reader = Callable[["str | None"], Any]


class XmlBackend(FormBackend):
    """An XML dialect, both sides, from its rules (see the module docstring)."""

    def __init__(self, rules: DialectRules | None = None) -> None:
        super().__init__(rules)
        self._headers = (("Content-Type", self.rules.content_type),)
        self._writers = tuple((f.wire, self._writer(f)) for f in self.rules.fields)
        readable = (*self.rules.fields, *self.rules.readable_fields)
        #: Text-only elements: tag -> (model field, reader of the element's text).
        self._readers = {f.wire: (f.model, self._reader(f)) for f in readable
                         if f.kind != "flags" and f.kind not in DERIVED}
        #: Elements read apart: Flags (tag -> model field) and the derived links.
        self._flag_tags = {f.wire: f.model for f in readable if f.kind == "flags"}
        self._set_aside = frozenset(f.wire for f in readable
                                    if f.kind == "flags" or f.kind in DERIVED)
        wires = {f.model: f.wire for f in readable}
        self._required = tuple((wires.get(model, model), model) for model in _REQUIRED)
        self._page_attributes = {f.wire: f.model for f in self.rules.page_fields
                                 if f.model != "items"}
        self._page_required = tuple(f.wire for f in self.rules.page_fields
                                    if f.model in _PAGE_COUNTS)
        self._fills_api_version = "api_version" not in self.rules.carried
        self._types = _XML_TYPES | {self.rules.content_type}

    def _fail(self, message: str) -> UnexpectedDocument:
        return UnexpectedDocument(message, dialect=self.name)

    # -- writing ---------------------------------------------------------------------------------

    def _writer(self, field: Field) -> Writer:
        model, kind, style = field.model, field.kind, self.rules.number_style

        def value(message: Message) -> Any:
            return getattr(message, model)

        writers: dict[str, Writer] = {
            "text": value,
            "number": lambda m: write_number(value(m), style),
            "date": lambda m: None if value(m) is None else format_rfc2822(value(m)),
            "status": lambda m: self.rules.status(m.status).value,
            "flags": lambda m: None if value(m) is None else str(flags_from_direction(value(m))),
            "direction": lambda m: None if value(m) is None else value(m).value,
            "price": lambda m: None if value(m) is None else format(value(m), "f"),
            "count": lambda m: None if value(m) is None else str(value(m)),
            "int": lambda m: None if value(m) is None else str(value(m)),
            "uri": self.message_uri,
        }
        return writers[kind]

    def message_xml(self, message: Message) -> str:
        """The message element this dialect writes."""
        name = self.rules.message_name
        inner = "".join(element(wire, write(message)) for wire, write in self._writers)
        return f"<{name}>{inner}</{name}>"

    def _document(self, inner: str) -> bytes:
        return f"{_DECLARATION}<TwilioResponse>{inner}</TwilioResponse>".encode()

    def render_message(self, message: Message, *, created: bool = False) -> WireResponse:
        return WireResponse(201 if created else 200, self._headers,
                            self._document(self.message_xml(message)))

    def render_page(self, page: MessagePage) -> WireResponse:
        if self.rules.counted_pages and (page.total is None or page.num_pages is None):
            raise InvalidParameter(
                f"a {self.name} page needs total and num_pages; build it with make_page()",
                parameter="total",
            )
        blanks = self.rules.page_blanks
        attributes = "".join(
            f' {wire}="{escape("" if value is None else str(value)).replace(chr(34), "&quot;")}"'
            for wire, model in self._page_attributes.items()
            if (value := getattr(page, model)) is not None or blanks
        )
        head = f"<{self.rules.list_name}{attributes}"
        if not page.items:
            return WireResponse(200, self._headers, self._document(head + "/>"))
        body = "".join(self.message_xml(message) for message in page.items)
        return WireResponse(
            200, self._headers, self._document(f"{head}>{body}</{self.rules.list_name}>")
        )

    def render_error(self, error: ApiError) -> WireResponse:
        parts = [
            "<RestException>",
            element("Status", str(error.status)),
            element("Message", error.message),
        ]
        if error.code is not None:
            parts.append(element("Code", str(error.code)))
        if error.more_info is not None:
            parts.append(element("MoreInfo", error.more_info))
        parts.append("</RestException>")
        return WireResponse(error.status, self._headers, self._document("".join(parts)))

    # -- reading ---------------------------------------------------------------------------------

    def _int_text(self, text: str | None, where: str) -> int:
        value = (text or "").strip()
        if not value.isdigit() or not value.isascii() or len(value) > 18:
            raise self._fail(f"{where} must be a non-negative integer, got {text!r}")
        return int(value)

    def _reader(self, field: Field) -> Reader:
        """A reader of the text of a text-only element of ``field``."""
        tag, kind, style = field.wire, field.kind, self.rules.number_style

        def word(value: str | None) -> Any:
            if value is None:
                return None
            return value.strip() or None

        def verbatim(value: str | None) -> Any:
            return None if value is None or not value.strip() else value

        text = verbatim if field.model in _FREE_TEXT else word

        def body(value: str | None) -> Any:
            return value or ""

        def number(value: str | None) -> Any:
            return read_number(value, style)

        def date(value: str | None) -> Any:
            kept = word(value)
            if kept is None:
                return None
            try:
                return parse_rfc2822(kept)
            except ValueError:
                raise self._fail(f"<{tag}> is not an RFC 2822 date: {value!r}") from None

        def status(value: str | None) -> Any:
            kept = word(value)
            return None if kept is None else (_STATUSES.get(kept) or Status(kept))

        def direction(value: str | None) -> Any:
            kept = word(value)
            return None if kept is None else (_DIRECTIONS.get(kept) or Direction(kept))

        def price(value: str | None) -> Any:
            kept = word(value)
            if kept is None:
                return None
            number = finite_decimal(kept)
            if number is None:
                raise self._fail(f"<{tag}> is not a decimal number: {kept!r}")
            return number

        def count(value: str | None) -> Any:
            return None if _is_blank(value) else self._int_text(value, f"<{tag}>")

        if field.model == "body":
            return body
        readers: dict[str, Reader] = {
            "text": text, "uri": word, "number": number, "date": date, "status": status,
            "direction": direction, "price": price, "count": count, "int": count,
        }
        return readers[kind]

    def _read_flags(self, element: etree._Element) -> Direction | None:
        if len(element):
            return direction_from_flag_words(element, dialect=self.name)
        if _is_blank(element.text):
            return None
        return direction_from_flags(self._int_text(element.text, f"<{element.tag}>"))

    def read_message(self, element: etree._Element) -> Message:
        """A message from its element, or :class:`UnexpectedDocument` naming what is wrong.

        One pass over the children: a text-only element goes straight to its field's reader;
        ``Flags`` (read last: a ``Direction`` element, when present, says more) and the derived
        links are set aside and checked apart.
        """
        values: dict[str, Any] = {}
        seen: set[object] = set()
        flags: etree._Element | None = None
        readers = self._readers
        for child in element:
            tag = child.tag
            known = readers.get(tag)
            if known is not None and tag not in seen and not len(child):
                seen.add(tag)
                values[known[0]] = known[1](child.text)
                continue
            if tag in seen or (known is None and tag not in self._set_aside):
                what = "an unknown" if tag not in seen else "a repeated"
                raise self._fail(f"<{self.rules.message_name}> holds {what} element <{tag}>")
            seen.add(tag)
            if known is not None:
                raise self._fail(f"<{tag}> must hold text, not elements")
            if tag in self._flag_tags:
                flags = child
            else:
                self._check_links(child)
        if flags is not None and values.get("direction") is None:
            values[self._flag_tags[flags.tag]] = self._read_flags(flags)
        missing = [wire for wire, model in self._required if values.get(model) is None]
        if missing:
            raise self._fail(f"<{self.rules.message_name}> lacks "
                             f"{', '.join('<' + t + '>' for t in missing)}")
        if self._fills_api_version and values.get("api_version") is None:
            values["api_version"] = self.api_version
        try:
            return Message(**values)
        except InvalidParameter as exc:
            raise self._fail(f"<{self.rules.message_name}> {exc}") from None

    def _check_links(self, element: etree._Element) -> None:
        for child in element:
            if not isinstance(child.tag, str) or len(child):
                raise self._fail(f"<{element.tag}> may hold only text elements")
        if not _is_blank(element.text):
            raise self._fail(f"<{element.tag}> holds text outside its elements")

    def _root_child(self, data: bytes) -> etree._Element:
        root = parse_xml(data, dialect=self.name)
        if root.tag != "TwilioResponse":
            raise self._fail(f"expected a <TwilioResponse> document, got <{root.tag}>")
        children = list(root)
        if len(children) != 1:
            raise self._fail(f"<TwilioResponse> must hold exactly one element, got {len(children)}")
        if not _is_blank(root.text) or not _is_blank(children[0].tail):
            raise self._fail("<TwilioResponse> holds text outside its element")
        return children[0]

    def _child(self, response: WireResponse, tag: str, ok: tuple[int, ...]) -> etree._Element:
        self._check_status(response, f"<{tag}>", ok)
        if response.content_type not in self._types:  # an HTML page is not read as XML
            raise self._fail(f"expected an XML document, got {response.content_type!r}")
        child = self._root_child(response.body)
        if child.tag == "RestException":
            raise self._read_error(child)
        if child.tag != tag:
            mine = (self.rules.message_name, self.rules.list_name)
            note = "" if child.tag in mine else f": not a {self.name} document"
            raise self._fail(f"expected <{tag}>, got <{child.tag}>{note}")
        return child

    def parse_message(self, response: WireResponse) -> Message:
        return self.read_message(self._child(response, self.rules.message_name, (200, 201)))

    def parse_page(self, response: WireResponse) -> MessagePage:
        element = self._child(response, self.rules.list_name, (200,))
        name = self.rules.list_name
        attributes = {str(k): str(v) for k, v in element.attrib.items()}
        unknown = sorted(set(attributes) - set(self._page_attributes))
        if unknown:
            raise self._fail(f"<{name}> has unknown attributes {unknown}")
        facts: dict[str, Any] = {}
        for wire in self._page_required:
            if wire not in attributes:
                raise self._fail(f"<{name}> lacks the {wire!r} attribute")
        for wire, text in attributes.items():
            model = self._page_attributes[wire]
            if model in _PAGE_COUNTS:
                facts[model] = self._int_text(text, f"<{name} {wire}>")
            else:
                facts[model] = text or None
        if not _is_blank(element.text):
            raise self._fail(f"<{name}> holds text outside its elements")
        items: list[Message] = []
        for child in element:
            if child.tag != self.rules.message_name:
                raise self._fail(
                    f"<{name}> may hold only <{self.rules.message_name}>, got <{child.tag}>"
                )
            if not _is_blank(child.tail):
                raise self._fail(f"<{name}> holds text outside its elements")
            items.append(self.read_message(child))
        return MessagePage(items=items, **facts)

    def _read_error(self, element: etree._Element) -> ApiError:
        texts: dict[str, str | None] = {}
        for child in element:
            tag = child.tag
            if tag not in _ERROR_ELEMENTS or tag in texts or len(child):
                raise self._fail(f"<RestException> holds an unexpected element <{tag}>")
            texts[str(tag)] = child.text
        if "Status" not in texts:
            raise self._fail("<RestException> lacks <Status>")
        status = self._int_text(texts["Status"], "<RestException><Status>")
        code_text = texts.get("Code")
        code = None if _is_blank(code_text) else self._int_text(code_text, "<RestException><Code>")
        more = texts.get("MoreInfo")
        return ApiError(
            status,
            texts.get("Message") or "",
            code,
            None if more is None or _is_blank(more) else more.strip(),
        )

    def parse_error(self, response: WireResponse) -> ApiError:
        """The error a response reports. A body that is not XML (a proxy's HTML page, an empty
        body) gives an error with the HTTP status and its reason phrase."""
        if not response.body.strip() or response.content_type not in _XML_TYPES:
            return plain_error(response.status)
        child = self._root_child(response.body)
        if child.tag != "RestException":
            raise self._fail(f"expected <RestException>, got <{child.tag}>")
        return self._read_error(child)

    # -- what a round trip keeps ---------------------------------------------------------------

    def restrict(self, message: Message) -> Message:
        """As :meth:`FormBackend.restrict`; also, an absent body reads back as ``""``, other text
        reads back as the reader keeps it (blank text absent, identifiers without outer
        whitespace), and a direction written as Flags reads back as the Flags say."""
        restricted = super().restrict(message)
        changes: dict[str, Any] = {}
        for field in self.rules.fields:
            value = getattr(restricted, field.model)
            if field.kind != "text" or field.model == "body" or not isinstance(value, str):
                continue
            kept = None if _is_blank(value) else value
            if kept is not None and field.model not in _FREE_TEXT:
                kept = kept.strip()
            if kept != value:
                changes[field.model] = kept
        if "body" in self.rules.carried and restricted.body is None:
            changes["body"] = ""
        flagged = any(f.kind == "flags" for f in self.rules.fields)
        if flagged and restricted.direction is not None:
            changes["direction"] = direction_from_flags(
                flags_from_direction(restricted.direction)
            )
        return attrs.evolve(restricted, **changes) if changes else restricted
