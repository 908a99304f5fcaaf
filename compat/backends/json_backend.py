"""The public base for JSON dialects: message and page documents written and read from rules.

Rules this module keeps:

* A message document is the rules' :attr:`~compat.backends.rules.DialectRules.fields`, written
  in their order (see :class:`~compat.backends.rules.Field` for the kinds): dates in RFC 2822
  GMT, prices and counts as strings, numbers in the dialect's style, ``uri`` and
  ``subresource_uris`` derived from the two SIDs (a create answer lists only the ``media``
  subresource, as Twilio's does). Output is ASCII JSON with ``\\uXXXX`` escapes, so any Python
  string survives the trip.
* Documents are written as text, not built as dicts for ``json.dumps``: the keys are laid out once
  per dialect in a template, and each field's writer gives its value's JSON text. The text is byte
  for byte what ``json.dumps`` writes for the same object (strings go through the same escaping
  function); ``message_document`` and ``page_document`` give that object. The derived links are
  laid out from the rules' routes, escaped once per dialect; the SIDs between them need no
  escaping, since the model admits only letters and digits in a SID.
* A page document is the rules' ``page_fields`` in their order, the records under the field
  named ``items``.
* Reading is strict about types (a number where a string belongs raises
  :class:`~compat.errors.UnexpectedDocument`) and lenient about unknown keys, because Twilio adds
  properties without notice. ``sid``, ``account_sid`` and ``status`` are required. A dialect
  whose documents carry no ``api_version`` reads its own. A 2xx answer of another content type (an
  HTML page) is ``UnexpectedDocument`` naming it, before any parsing.
* Errors are ``{"code", "message", "more_info", "status"}``; a body that is not JSON gives an
  error with the HTTP status and its reason phrase.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping
from typing import Any, Final

from compat.backends._json import (
    get_int,
    get_list,
    get_object,
    get_str,
    load_json,
    require_int,
)
from compat.backends.codes import plain_error
from compat.backends.dates import format_rfc2822, parse_rfc2822
from compat.backends.form_backend import FormBackend
from compat.backends.forms import finite_decimal
from compat.backends.numbers import read_number, write_number
from compat.backends.rules import DERIVED, DialectRules, Field
from compat.errors import ApiError, InvalidParameter, UnexpectedDocument
from compat.model import Direction, Message, MessagePage, Status
from compat.phone import NumberStyle
from compat.wire import WireResponse

__all__ = ["CONTENT_TYPE", "JsonBackend"]

CONTENT_TYPE: Final = "application/json"
_JSON_TYPES: Final = frozenset({"", "application/json"})
_STATUSES: Final = Status._value2member_map_
_DIRECTIONS: Final = Direction._value2member_map_
_REQUIRED: Final = frozenset({"sid", "account_sid", "status"})
_PAGE_COUNTS: Final = ("page", "page_size", "start", "end")
_PAGE_OPTIONAL_COUNTS: Final = ("total", "num_pages")
_PAGE_URIS: Final = ("uri", "first_page_uri", "next_page_uri", "previous_page_uri",
                     "last_page_uri")

Writer = Callable[[Message], str]

#: A string's JSON text, ``\\uXXXX`` escapes for everything outside ASCII: the function
#: ``json.dumps`` itself uses for strings (its C version where there is one).
_json_text: Final[Callable[[str], str]] = json.encoder.encode_basestring_ascii

Reader = Callable[[str, str], Any]
ReadStep = tuple[str, str, Reader | None, bool, str]


class JsonBackend(FormBackend):
    """A JSON dialect, both sides, from its rules (see the module docstring)."""

    def __init__(self, rules: DialectRules | None = None) -> None:
        super().__init__(rules)
        self._headers = (("Content-Type", self.rules.content_type),)
        self._types = _JSON_TYPES | {self.rules.content_type}
        fields = self.rules.fields
        #: The JSON text this dialect writes for each known status, by the status's string (a
        #: table of the rules, built once; a string key is hashed in C, an enum member is not).
        self._status_names = {s._value_: _json_text(str(self.rules.status(s)._value_))
                              for s in Status}
        #: A create answer's template and writers, and every other answer's (they differ in
        #: subresources).
        template = self._template(fields)
        self._writers = {
            created: (template, tuple(self._writer(f, created) for f in fields))
            for created in (True, False)
        }
        readable = (*self.rules.fields, *self.rules.readable_fields)
        self._readers = tuple(self._reader(f) for f in readable if f.kind not in DERIVED)
        self._fills_api_version = "api_version" not in self.rules.carried

    # -- writing ---------------------------------------------------------------------------------

    def _template(self, fields: tuple[Field, ...]) -> str:
        """The ``%``-template of a message document: each key written once, a ``%s`` per value."""
        members = (_json_text(f.wire).replace("%", "%%") + ": %s" for f in fields)
        return "{" + ", ".join(members) + "}"

    def _writer(self, field: Field, created: bool) -> Writer:
        """How ``field``'s value is written: a function from a message to its JSON text."""
        model, kind, style = field.model, field.kind, self.rules.number_style
        value = operator.attrgetter(model)

        def text(message: Message) -> str:
            said = value(message)
            if said is None:
                return "null"
            return _json_text(said) if said.__class__ is str else json.dumps(said)

        def number(message: Message) -> str:
            written = write_number(value(message), style)
            return "null" if written is None else _json_text(written)

        def integer(message: Message) -> str:
            number = value(message)
            return "null" if number is None else int.__repr__(number)

        def date(message: Message) -> str:
            when = value(message)
            return "null" if when is None else f'"{format_rfc2822(when)}"'

        spoken = self._status_names

        def status(message: Message) -> str:
            said = message.status._value_
            return spoken.get(said) or _json_text(said)  # an unknown string passes through

        def direction(message: Message) -> str:
            named = value(message)
            return "null" if named is None else _json_text(named._value_)

        def price(message: Message) -> str:
            number = value(message)
            return "null" if number is None else f'"{number:f}"'

        def count(message: Message) -> str:
            number = value(message)
            return "null" if number is None else f'"{number}"'  # the model's counts are ints

        # The fixed text of a message's path, escaped here, once: the SIDs go between.
        before, between, after = self.rules.routes.instance_parts
        head = _json_text(before)[:-1]  # the opening quote kept
        middle = _json_text(between)[1:-1]
        tail = _json_text(after)[1:]  # the closing quote kept
        media = _json_text("/Media" + after)[1:]
        feedback = _json_text("/Feedback" + after)[1:]

        def uri(message: Message) -> str:
            return f"{head}{message.account_sid}{middle}{message.sid}{tail}"

        def subresources(message: Message) -> str:
            base = f"{head}{message.account_sid}{middle}{message.sid}"
            if created:
                return f'{{"media": {base}{media}}}'
            return f'{{"media": {base}{media}, "feedback": {base}{feedback}}}'

        writers: dict[str, Writer] = {
            "text": text, "int": integer, "date": date, "status": status, "direction": direction,
            "price": price, "count": count, "uri": uri, "subresources": subresources,
            "number": text if style is NumberStyle.E164 else number,
        }
        return writers[kind]

    def message_text(self, message: Message, created: bool = False) -> str:
        """The JSON text this dialect writes for a message (see the module docstring)."""
        template, writers = self._writers[created]
        return template % tuple([write(message) for write in writers])

    def message_document(self, message: Message, created: bool = False) -> dict[str, Any]:
        """The JSON object this dialect writes for a message, as Python values."""
        document: dict[str, Any] = json.loads(self.message_text(message, created))
        return document

    def render_message(self, message: Message, *, created: bool = False) -> WireResponse:
        return WireResponse(201 if created else 200, self._headers,
                            self.message_text(message, created).encode("ascii"))

    def page_text(self, page: MessagePage) -> str:
        """The JSON text this dialect writes for a page: its ``page_fields`` in order, the
        messages' texts under the field named ``items``."""
        members = []
        for field in self.rules.page_fields:
            if field.model == "items":
                write = self.message_text
                value = "[" + ", ".join([write(m) for m in page.items]) + "]"
            else:
                value = json.dumps(getattr(page, field.model))
            members.append(f"{_json_text(field.wire)}: {value}")
        return "{" + ", ".join(members) + "}"

    def page_document(self, page: MessagePage) -> dict[str, Any]:
        """The JSON object this dialect writes for a page, as Python values."""
        document: dict[str, Any] = json.loads(self.page_text(page))
        return document

    def render_page(self, page: MessagePage) -> WireResponse:
        return WireResponse(200, self._headers, self.page_text(page).encode("ascii"))

    def render_error(self, error: ApiError) -> WireResponse:
        document: dict[str, object] = {}
        if error.code is not None:
            document["code"] = error.code
        document["message"] = error.message
        if error.more_info is not None:
            document["more_info"] = error.more_info
        document["status"] = error.status
        return WireResponse(error.status, self._headers, json.dumps(document).encode("ascii"))

    # -- reading ---------------------------------------------------------------------------------

    def _fail(self, message: str) -> UnexpectedDocument:
        return UnexpectedDocument(message, dialect=self.name)

    def _reader(self, field: Field) -> ReadStep:
        """How :meth:`read_message` reads ``field``: its model attribute, its key, what a string
        value becomes (``None``: the string itself), whether a null (or a missing key) reads as
        ``None`` rather than being refused, and its kind."""
        key, kind, name, style = field.wire, field.kind, self.name, self.rules.number_style
        required = kind == "status" or (kind in ("text", "uri") and field.model in _REQUIRED)

        def number(value: str, where: str) -> Any:
            return read_number(value, style)

        def date(value: str, where: str) -> Any:
            if not value:
                return None
            try:
                return parse_rfc2822(value)
            except ValueError:
                raise self._fail(f"{where}: {key!r} is not an RFC 2822 date: {value!r}") from None

        def status(value: str, where: str) -> Any:
            if not value:
                raise self._fail(f"{where}: {key!r} is empty")
            return _STATUSES.get(value) or Status(value)

        def direction(value: str, where: str) -> Any:
            return (_DIRECTIONS.get(value) or Direction(value)) if value else None

        def price(value: str, where: str) -> Any:
            if not value:
                return None
            number = finite_decimal(value)
            if number is None:
                raise self._fail(f"{where}: {key!r} is not a decimal number: {value!r}")
            return number

        def count(value: str, where: str) -> Any:
            if not (value.isascii() and value.isdigit() and len(value) <= 18):
                raise self._fail(f"{where}: {key!r} must be a string of digits, got {value!r}")
            return int(value)

        def integer(value: str, where: str) -> Any:
            return get_int({key: value}, key, where=where, dialect=name)  # refused there

        readers: dict[str, Reader | None] = {
            "text": None, "uri": None, "date": date, "status": status, "direction": direction,
            "price": price, "count": count, "int": integer,
            "number": None if style is NumberStyle.E164 else number,  # E.164 reads as it is
        }
        return field.model, key, readers[kind], not required, kind

    def read_message(self, value: object, where: str) -> Message:
        """A message from a decoded JSON value, or :class:`UnexpectedDocument`.

        One pass over the dialect's fields: a string goes through its field's reader (or is the
        value itself), a null of an optional field is ``None``; anything else (a missing required
        key, an integer field's number, a value of the wrong type) is read by the typed getters
        of :mod:`compat.backends._json`, which name the key and what it should have been.
        """
        obj = get_object(value, where=where, dialect=self.name)
        get = obj.get
        values: dict[str, Any] = {}
        for model, key, read, optional, kind in self._readers:
            found = get(key)
            if found.__class__ is str:
                values[model] = found if read is None else read(found, where)
            elif found is None and optional:
                values[model] = None
            else:
                values[model] = self._read_other(obj, (model, key, read, optional, kind), where)
        if self._fills_api_version:
            values.setdefault("api_version", self.api_version)
        try:
            return Message(**values)
        except InvalidParameter as exc:
            raise self._fail(f"{where}: {exc}") from None

    def _read_other(self, obj: Mapping[str, Any], step: ReadStep, where: str) -> Any:
        """A value that is not a plain string, nor an optional field's null (see read_message)."""
        _, key, read, optional, kind = step
        if kind == "int":
            return get_int(obj, key, where=where, dialect=self.name)
        text = get_str(obj, key, where=where, dialect=self.name, required=not optional)
        if text is None or read is None:
            return text
        return read(text, where)

    def _document(self, response: WireResponse, what: str, ok: tuple[int, ...]) -> Any:
        self._check_status(response, what, ok)
        if response.content_type not in self._types:  # an HTML page is not read as JSON
            raise self._fail(f"expected a JSON document, got {response.content_type!r}")
        return load_json(response.body, dialect=self.name)

    def parse_message(self, response: WireResponse) -> Message:
        return self.read_message(self._document(response, "a message", (200, 201)),
                                 "the message")

    def parse_page(self, response: WireResponse) -> MessagePage:
        document = self._document(response, "a list page", (200,))
        where = "the list page"
        name = self.name
        obj = get_object(document, where=where, dialect=name)
        key = self.rules.list_name
        if key not in obj:
            other = [k for k in ("messages", "sms_messages") if k in obj]
            hint = f" (it has {other[0]!r}: another dialect's page)" if other else ""
            raise self._fail(f"{where} has no {key!r} list{hint}")
        records = get_list(obj, key, where=where, dialect=name)
        facts: dict[str, Any] = {
            "items": [self.read_message(r, f"{key}[{i}]") for i, r in enumerate(records)]
        }
        wires = {f.model: f.wire for f in self.rules.page_fields if f.model != "items"}
        for fact in (*_PAGE_COUNTS, *_PAGE_OPTIONAL_COUNTS):
            wire = wires.get(fact, fact)  # another generation's fact is read by its own name
            if fact in _PAGE_OPTIONAL_COUNTS and obj.get(wire) is None:
                continue
            number = require_int(obj, wire, where=where, dialect=name)
            if number < 0:
                raise self._fail(f"{where}: {wire!r} must not be negative")
            facts[fact] = number
        for fact in _PAGE_URIS:
            facts[fact] = get_str(obj, wires.get(fact, fact), where=where, dialect=name) or None
        return MessagePage(**facts)

    def parse_error(self, response: WireResponse) -> ApiError:
        """The error a response reports. A body that is not JSON (a proxy's HTML page, an empty
        body) gives an error with the HTTP status and its reason phrase."""
        if not response.body.strip() or response.content_type not in _JSON_TYPES:
            return plain_error(response.status)
        where = "the error document"
        obj = get_object(load_json(response.body, dialect=self.name), where=where,
                         dialect=self.name)
        if "message" not in obj:
            raise self._fail(f"{where} has no 'message': not a Twilio error")
        status = get_int(obj, "status", where=where, dialect=self.name)
        return ApiError(
            response.status if status is None else status,
            get_str(obj, "message", where=where, dialect=self.name) or "",
            get_int(obj, "code", where=where, dialect=self.name),
            get_str(obj, "more_info", where=where, dialect=self.name),
        )
