"""Pieces the three backends share: dates, numbers, paths, request forms, Twilio's errors, and
:class:`FormBackend`, the base class with what the built-in dialects do alike.

Rules this module keeps:

* Dates on the wire are RFC 2822. We write them in GMT (``+0000``) at one-second precision and read
  any numeric offset (``-0700``), ``GMT``, ``UT`` or ``Z``; ``-0000`` reads as UTC. List filters
  are ``YYYY-MM-DD`` dates or ISO 8601 instants (a naive one is GMT, as Twilio documents).
* Request forms are read with Twilio's validation order and error codes (see
  :func:`decode_create`), and written in the order :data:`~compat.backends._mapping.CREATE_PARAMS`
  lists. A blank create parameter counts as absent. Unknown parameters are ignored, as Twilio
  ignores them (its code 20001 is only a warning).
* The server side never lets a :class:`~compat.errors.RequestError` escape: every refusal becomes
  an :class:`~compat.errors.ApiError` with Twilio's status, code and ``more_info`` link.
* The client side refuses, with :class:`~compat.errors.InvalidParameter`, to send a field its
  dialect does not have; it never drops one silently.
"""

from __future__ import annotations

import datetime as dt
import functools
import http
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Final

import attrs

from compat import phone
from compat.backends._mapping import (
    CREATE_PARAMS,
    LIST_PARAMS,
    PAGE_SIZE_PARAMS,
    V2008,
    ParamMap,
)
from compat.backends.base import (
    CreateCall,
    DeleteCall,
    FetchCall,
    ListCall,
    Operation,
    ServerCall,
    UpdateCall,
)
from compat.errors import (
    ApiError,
    BodyTooLong,
    CompatError,
    InvalidParameter,
    InvalidPhoneNumber,
    MalformedDocument,
    ResponseError,
    UnexpectedDocument,
    UnsupportedOperation,
)
from compat.model import (
    ACCOUNT_SID,
    MESSAGE_SID,
    ListQuery,
    Message,
    MessagePage,
    MessageUpdate,
    NewMessage,
)
from compat.wire import (
    FORM_CONTENT_TYPE,
    WireRequest,
    WireResponse,
    encode_form,
    form_value,
    form_values,
)

__all__ = [
    "UTC",
    "FormBackend",
    "Routes",
    "bad_request",
    "decode_create",
    "decode_query",
    "decode_update",
    "encode_create",
    "encode_query",
    "encode_update",
    "finite_decimal",
    "format_filter_date",
    "format_iso_instant",
    "format_rfc2822",
    "more_info",
    "parse_filter_date",
    "parse_rfc2822",
    "plain_error",
    "read_national_number",
    "render_number",
    "trusted_factory",
    "trusted_message",
    "twilio_error",
]

UTC: Final = dt.timezone.utc

# -- dates -----------------------------------------------------------------------------------------

_DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                       "Dec")
_MONTHS: Final = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_DAY_SET: Final = frozenset(_DAY_NAMES)

_RFC2822: Final = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?"
    r"(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{4})\s+"
    r"(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|GMT|UTC|UT|Z)",
    re.ASCII,
)
_ISO_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_ISO_INSTANT: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)


@functools.lru_cache(maxsize=256)
def _zone(text: str) -> dt.timezone:
    if text in ("GMT", "UT", "UTC", "Z", "+0000", "-0000", "+00:00", "-00:00"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"time zone offset {text!r} is out of range")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


@functools.lru_cache(maxsize=16384)
def format_rfc2822(value: dt.datetime) -> str:
    """An aware datetime as Twilio writes it, whole seconds: ``Fri, 13 Aug 2010 01:16:24 +0000``."""
    u = value.astimezone(UTC)
    return (
        f"{_DAY_NAMES[u.weekday()]}, {u.day:02d} {_MONTH_NAMES[u.month - 1]} {u.year:04d} "
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d} +0000"
    )


@functools.lru_cache(maxsize=16384)
def parse_rfc2822(text: str) -> dt.datetime:
    """An RFC 2822 date in any offset, as an aware datetime keeping that offset.

    Raises :class:`ValueError` for anything else (the backends turn it into
    :class:`~compat.errors.UnexpectedDocument`). The day name, when present, must be one, but
    is not checked against the date.
    """
    if (len(text) == 31 and text[3:5] == ", " and text[25] == " "
            and text[16] == text[7] == text[11] == " " and text[19] == text[22] == ":"):
        # The form every Twilio date takes: "Fri, 13 Aug 2010 01:16:24 +0000".
        number = _MONTHS.get(text[8:11])
        digits = text[5:7] + text[12:16] + text[17:19] + text[20:22] + text[23:25] + text[27:31]
        if (number is not None and text[:3] in _DAY_SET and text[26] in "+-"
                and digits.isdigit() and digits.isascii()):
            return dt.datetime(
                int(text[12:16]), number, int(text[5:7]), int(text[17:19]), int(text[20:22]),
                int(text[23:25]), tzinfo=_zone(text[26:31]),
            )
    found = _RFC2822.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not an RFC 2822 date")
    day, month, year, hour, minute, second, zone = found.groups()
    return dt.datetime(
        int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second or 0),
        tzinfo=_zone(zone),
    )


def format_iso_instant(value: dt.datetime) -> str:
    """An aware datetime as ISO 8601 in UTC, whole seconds: ``2019-06-11T22:05:25Z``."""
    u = value.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"
    )


def _parse_iso_instant(text: str) -> dt.datetime | None:
    found = _ISO_INSTANT.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    return dt.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro,
        tzinfo=_zone(zone) if zone else UTC,
    )


def format_filter_date(value: dt.date) -> str:
    """A ``DateSent`` filter value: ``YYYY-MM-DD`` for a date, ISO 8601 UTC for an instant."""
    if isinstance(value, dt.datetime):
        return format_iso_instant(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def parse_filter_date(text: str) -> dt.date:
    """Read a ``DateSent`` filter: a date, an ISO 8601 instant or an RFC 2822 date.

    Raises :class:`ValueError` otherwise.
    """
    text = text.strip()
    found = _ISO_DATE.fullmatch(text)
    if found is not None:
        return dt.date(*(int(part) for part in found.groups()))
    instant = _parse_iso_instant(text)
    if instant is not None:
        return instant
    return parse_rfc2822(text)


def parse_iso_instant(text: str) -> dt.datetime:
    """An ISO 8601 instant (``SendAt``); a naive one is UTC. Raises :class:`ValueError`."""
    instant = _parse_iso_instant(text.strip())
    if instant is None:
        raise ValueError(f"{text!r} is not an ISO 8601 date and time")
    return instant


# -- numbers ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def render_number(value: str, dialect: str) -> str:
    """A number as ``dialect`` writes it (2008: NANP as 10 bare digits; 2010: E.164).

    A value :func:`compat.phone.render` refuses is written unchanged, as Twilio writes a caller ID
    it cannot normalize.
    """
    try:
        return phone.render(value, dialect)
    except InvalidPhoneNumber:
        return value


def _is_nanp_digits(text: str) -> bool:
    """Ten ASCII digits shaped like a NANP number (area code and exchange start with 2-9)."""
    return (
        len(text) == 10
        and text.isascii()
        and text.isdigit()
        and text[0] not in "01"
        and text[3] not in "01"
    )


@functools.lru_cache(maxsize=8192)
def read_national_number(text: str) -> str:
    """A number as a 2008 document gives it, in the model's form (E.164 for numbers).

    The inverse of :func:`render_number` for 2008: 10 bare digits are a NANP number; anything
    :func:`compat.phone.parse_wire` refuses is kept as written (without outer whitespace). Blank
    text raises :class:`ValueError`: an empty element means no number, which is the caller's to
    say.
    """
    if _is_nanp_digits(text):
        return "+1" + text
    text = text.strip()
    if not text:
        raise ValueError("a blank number is no number")
    if _is_nanp_digits(text):
        return "+1" + text
    try:
        return phone.parse_wire(text, V2008)
    except InvalidPhoneNumber:
        return text


def finite_decimal(text: str) -> Decimal | None:
    """``text`` as a finite :class:`~decimal.Decimal`, or ``None`` when it is not one."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# -- fast model construction -----------------------------------------------------------------------

_MESSAGE_FIELDS: Final = tuple((field.name, field.default) for field in attrs.fields(Message))
#: The fast path is used only while Message stays a plain frozen slotted class with no
#: factories and no post-init hook. Otherwise :func:`trusted_message` calls the constructor.
_TRUSTED: Final = (
    "__slots__" in Message.__dict__
    and not hasattr(Message, "__attrs_post_init__")
    and not any(isinstance(default, attrs.Factory)  # type: ignore[arg-type]
                for _, default in _MESSAGE_FIELDS)
)


def _compile_trusted(positional: tuple[str, ...] = ()) -> Callable[..., Message]:
    """Generate ``make(<positional fields>, *, <other fields>=default)`` setting each slot."""
    names = [name for name, _ in _MESSAGE_FIELDS]
    defaults = {f"_d_{name}": default for name, default in _MESSAGE_FIELDS}
    keyword = [
        name if default is attrs.NOTHING else f"{name}=_d_{name}"
        for name, default in _MESSAGE_FIELDS if name not in positional
    ]
    params = ", ".join([*positional, "*", *keyword]) if keyword else ", ".join(positional)
    lines = [f"def make({params}):", "    m = _new(_Message)"]
    lines += [f"    _s_{name}(m, {name})" for name in names]
    lines.append("    return m")
    namespace: dict[str, Any] = {"_new": object.__new__, "_Message": Message, **defaults}
    namespace.update({f"_s_{name}": Message.__dict__[name].__set__ for name in names})
    # The source is generated from the model's own field names, nothing from outside.
    exec("\n".join(lines), namespace)
    make: Callable[..., Message] = namespace["make"]
    return make


#: ``trusted_message(sid=..., account_sid=..., ...)``: a :class:`Message` from values a reader has
#: already checked, without the per-field converters and validators (the hot path of decoding a
#: page). The caller guarantees what the validators would: SIDs that match their patterns, aware
#: datetimes, :class:`~compat.model.Status` / :class:`~compat.model.Direction` members,
#: ``Decimal`` prices, non-negative ``int`` counts, ``str`` or ``None`` for the rest. Fields not
#: given take their defaults; ``trusted_message(**v) == Message(**v)`` for every valid ``v``.
trusted_message: Final[Callable[..., Message]] = _compile_trusted() if _TRUSTED else Message


def trusted_factory(fields: tuple[str, ...]) -> Callable[..., Message]:
    """Like :data:`trusted_message`, taking ``fields`` positionally (faster in a hot loop)."""
    if _TRUSTED:
        return _compile_trusted(fields)

    def make(*values: Any, **others: Any) -> Message:
        return Message(**dict(zip(fields, values, strict=True)), **others)

    return make


# -- errors ----------------------------------------------------------------------------------------


def more_info(code: int) -> str:
    """Twilio's documentation link for an error code."""
    return f"https://www.twilio.com/docs/errors/{code}"


def twilio_error(code: int, message: str, status: int = 400) -> ApiError:
    """An API error with a Twilio code and its ``more_info`` link."""
    return ApiError(status, message, code, more_info(code))


def bad_request(message: str) -> ApiError:
    """A 400 for a malformed parameter value Twilio documents no code for."""
    return ApiError(400, message)


def plain_error(status: int) -> ApiError:
    """The error for a response that holds no error document (a proxy's HTML page, no body)."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return ApiError(status, f"HTTP {status} {phrase} (the response held no error document)")


# -- paths -----------------------------------------------------------------------------------------


@attrs.frozen
class Routes:
    """One dialect's paths: ``{prefix}{account}{collection}[/{sid}]{suffix}``."""

    prefix: str
    collection: str
    suffix: str

    def list_path(self, account_sid: str) -> str:
        return f"{self.prefix}{account_sid}{self.collection}{self.suffix}"

    def instance_path(self, account_sid: str, sid: str) -> str:
        return f"{self.prefix}{account_sid}{self.collection}/{sid}{self.suffix}"

    def match(self, path: str) -> tuple[str, str | None] | None:
        """``(account, sid or None)`` when ``path`` is this dialect's, else ``None``.

        The SIDs are not checked here; the backend answers 404 for a malformed one.
        """
        if not path.startswith(self.prefix):
            return None
        account, slash, rest = path[len(self.prefix):].partition("/")
        if not account or not slash:
            return None
        rest = "/" + rest
        if not rest.startswith(self.collection):
            return None
        rest = rest[len(self.collection):]
        if rest == self.suffix:
            return account, None
        if not rest.startswith("/") or not rest.endswith(self.suffix):
            return None
        sid = rest[1:len(rest) - len(self.suffix)]
        if not sid or "/" in sid:
            return None
        return account, sid


# -- create ----------------------------------------------------------------------------------------

_TRUE: Final = frozenset({"true", "True", "TRUE", "1"})
_FALSE: Final = frozenset({"false", "False", "FALSE", "0"})
_INT: Final = re.compile(r"-?[0-9]{1,18}", re.ASCII)
_MAX_MEDIA: Final = 10


@functools.cache
def _create_params(dialect: str) -> tuple[tuple[ParamMap, ...], frozenset[str]]:
    """The create parameters ``dialect`` reads besides To and From, and all its wire names."""
    params = tuple(p for p in CREATE_PARAMS if dialect in p.dialects)
    rest = tuple(p for p in params if p.model not in ("to", "from_"))
    return rest, frozenset(p.wire for p in params)


@functools.cache
def _query_params(dialect: str) -> tuple[tuple[ParamMap, tuple[str, ...]], ...]:
    """The list parameters ``dialect`` reads, one per model field, with the names each is
    accepted under, strongest first."""
    found: dict[str, tuple[ParamMap, tuple[str, ...]]] = {}
    for param in LIST_PARAMS:
        if dialect in param.dialects and param.model not in found:
            names = PAGE_SIZE_PARAMS[dialect] if param.model == "page_size" else (param.wire,)
            found[param.model] = (param, names)
    return tuple(found.values())


def _utf8(param: ParamMap, text: str) -> str:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidParameter(
                f"{param.wire} holds characters UTF-8 cannot encode (a lone surrogate)",
                parameter=param.wire,
            ) from None
    return text


def _encode_value(param: ParamMap, value: Any, dialect: str) -> list[str]:
    kind = param.kind
    if kind == "text":
        return [_utf8(param, value)]
    if kind == "number":
        return [render_number(value, dialect)]
    if kind == "list":
        return [_utf8(param, item) for item in value]
    if kind == "bool":
        return ["true" if value else "false"]
    if kind == "decimal":
        return [format(value, "f")]
    if kind == "enum":
        return [str(value.value)]
    if kind == "datetime":
        return [format_iso_instant(value)]
    if kind == "date":
        return [format_filter_date(value)]
    return [str(value)]


def _encode(table: tuple[ParamMap, ...], obj: object, dialect: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for param in table:
        value = getattr(obj, param.model)
        if value is None or value == ():
            continue
        if dialect not in param.dialects:
            if any(p.model == param.model and dialect in p.dialects for p in table):
                continue  # another spelling of the same field serves this dialect
            raise InvalidParameter(
                f"the {dialect} dialect cannot send {param.model} ({param.wire})",
                parameter=param.wire,
            )
        pairs.extend((param.wire, text) for text in _encode_value(param, value, dialect))
    return pairs


def encode_create(message: NewMessage, dialect: str) -> list[tuple[str, str]]:
    """The create form for ``message``; a field the dialect lacks raises InvalidParameter."""
    return _encode(CREATE_PARAMS, message, dialect)



def _decode_scalar(param: ParamMap, text: str) -> object:
    kind = param.kind
    if kind == "int":
        if not _INT.fullmatch(text):
            raise bad_request(f"{param.wire} must be an integer, got {text!r}")
        return int(text)
    if kind == "bool":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise bad_request(f"{param.wire} must be true or false, got {text!r}")
    if kind == "decimal":
        number = finite_decimal(text)
        if number is None:
            raise bad_request(f"{param.wire} must be a decimal number, got {text!r}")
        return number
    if kind == "datetime":
        try:
            return parse_iso_instant(text)
        except ValueError:
            raise bad_request(
                f"{param.wire} must be an ISO 8601 date and time, got {text!r}"
            ) from None
    return text


def _normalize(value: str, field: str, code: int, message: str) -> str:
    try:
        return phone.normalize(value, field=field)
    except InvalidPhoneNumber:
        raise twilio_error(code, message.format(value)) from None


_NO_BODY: Final = {
    21602: "Message body is required.",
    21619: "A text message body or media urls must be specified.",
}
#: Twilio's message for a body over the limit, by code (21605: 160 characters, 21617: 1,600).
TOO_LONG: Final = {
    21605: "The message body exceeds the 160 character limit.",
    21617: "The concatenated message body exceeds the 1600 character limit.",
}
#: Twilio's messages for a number it cannot read, by field; ``{}`` is the number as sent.
INVALID_NUMBER: Final = {
    "To": (21211, "The 'To' number {} is not a valid phone number."),
    "From": (
        21212,
        "The 'From' number {} is not a valid phone number, shortcode, or alphanumeric sender ID.",
    ),
}


def decode_create(
    pairs: Sequence[tuple[str, str]],
    *,
    dialect: str,
    max_body_length: int,
    body_too_long_code: int,
    no_body_code: int,
) -> NewMessage:
    """Read a create form the way Twilio validates it, raising :class:`ApiError`.

    Order: To missing (21604); From and MessagingServiceSid missing (21603); no Body and no media
    (``no_body_code``: 21602 or 21619); To invalid (21211); From invalid (21212); body over
    ``max_body_length`` code points (``body_too_long_code``); then every other value (400).
    """
    params, names = _create_params(dialect)
    last = dict(pairs)  # the last value of each name, as form_value() reads it
    to = last.get("To") or None
    if to is None:
        raise twilio_error(21604, "A 'To' phone number is required.")
    sender = last.get("From") or None
    service = (last.get("MessagingServiceSid") or None) if "MessagingServiceSid" in names else None
    if sender is None and service is None:
        raise twilio_error(21603, "A 'From' phone number is required.")
    body = last.get("Body")
    media = [url for url in form_values(pairs, "MediaUrl") if url] if "MediaUrl" in names else []
    content = (last.get("ContentSid") or None) if "ContentSid" in names else None
    if not body and not media and content is None:
        raise twilio_error(no_body_code, _NO_BODY[no_body_code])
    values: dict[str, object] = {"to": _normalize(to, "To", *INVALID_NUMBER["To"])}
    if sender is not None:
        values["from_"] = _normalize(sender, "From", *INVALID_NUMBER["From"])
    if body is not None and len(body) > max_body_length:
        raise twilio_error(body_too_long_code, TOO_LONG[body_too_long_code])
    if len(media) > _MAX_MEDIA:
        raise twilio_error(
            21623, f"Too many media URLs: at most {_MAX_MEDIA} are allowed, got {len(media)}."
        )
    for param in params:
        if param.wire not in last:
            continue
        if param.kind == "list":
            items = [item for item in form_values(pairs, param.wire) if item]
            if items:
                values[param.model] = tuple(items)
            continue
        text = body if param.wire == "Body" else (last[param.wire] or None)
        if text is None:
            continue
        values[param.model] = _decode_scalar(param, text)
    if values.get("fallback_from") is not None:
        values["fallback_from"] = _normalize(
            str(values["fallback_from"]), "FallbackFrom", 21212,
            "The 'FallbackFrom' number {} is not a valid phone number.",
        )
    try:
        return NewMessage(**values)  # type: ignore[arg-type]
    except InvalidParameter as exc:
        raise bad_request(str(exc)) from None


# -- list ------------------------------------------------------------------------------------------


def encode_query(query: ListQuery, dialect: str) -> list[tuple[str, str]]:
    """The list request's query pairs; a filter the dialect lacks raises InvalidParameter."""
    return _encode(LIST_PARAMS, query, dialect)


def decode_query(pairs: Sequence[tuple[str, str]], *, dialect: str) -> ListQuery:
    """Read list filters and paging, raising :class:`ApiError` (400) for a bad value."""
    values: dict[str, object] = {}
    last = dict(pairs)  # the last value of each name, as form_value() reads it
    for param, names in _query_params(dialect):
        text = next((v for v in map(last.get, names) if v), None)
        if text is None:
            continue
        if param.kind == "number":
            code = 21211 if param.wire == "To" else 21212
            values[param.model] = _normalize(
                text, param.wire, code,
                "The '" + param.wire + "' number {} is not a valid phone number.",
            )
        elif param.kind == "date":
            try:
                values[param.model] = parse_filter_date(text)
            except ValueError:
                raise bad_request(
                    f"{param.wire} must be a date (YYYY-MM-DD) or an ISO 8601 date and time, "
                    f"got {text!r}"
                ) from None
        else:
            values[param.model] = _decode_scalar(param, text)
    try:
        return ListQuery(**values)  # type: ignore[arg-type]
    except InvalidParameter as exc:
        raise bad_request(str(exc)) from None


# -- update ----------------------------------------------------------------------------------------


def encode_update(update: MessageUpdate) -> list[tuple[str, str]]:
    """The update form: ``Body=`` to redact, ``Status=canceled`` to cancel."""
    pairs: list[tuple[str, str]] = []
    if update.body is not None:
        pairs.append(("Body", update.body))
    if update.status is not None:
        pairs.append(("Status", str(update.status)))
    return pairs


def decode_update(pairs: Sequence[tuple[str, str]]) -> MessageUpdate:
    """Read an update form, raising :class:`ApiError` (400) for anything but redact or cancel."""
    body = form_value(pairs, "Body")
    status = form_value(pairs, "Status")
    try:
        return MessageUpdate(body=body, status=status or None)
    except InvalidParameter as exc:
        raise bad_request(str(exc)) from None


# -- what the built-in backends do alike -----------------------------------------------------------


#: Model field names as the request forms spell them.
_WIRE_NAMES: Final = {p.model: p.wire for p in (*CREATE_PARAMS, *LIST_PARAMS)}


class FormBackend:
    """The parts of a backend every built-in dialect shares: form-encoded requests on its
    :attr:`routes`, Twilio's validation of them on the server side, the status checks before a
    response is read, and the refusal of an operation the dialect lacks. Subclasses set the
    class data and write and read their own documents (``parse_message``, ``parse_page``,
    ``parse_error``, ``make_page``, ``render_*``)."""

    name: str
    api_version: str
    max_body_length: int
    body_too_long_code: int
    no_body_code: int
    operations: frozenset[Operation]
    routes: Routes
    content_type: str
    #: Whether a POST may name its real method in a ``_method`` query parameter (2008 did).
    method_override: ClassVar[bool] = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _require(self, operation: Operation) -> None:
        if operation not in self.operations:
            raise UnsupportedOperation(self.name, operation.value)

    # -- client side: model -> request ---------------------------------------------------------

    def build_create(self, account_sid: str, message: NewMessage) -> WireRequest:
        if message.body is not None and len(message.body) > self.max_body_length:
            raise BodyTooLong(len(message.body), self.max_body_length, self.name)
        return WireRequest(
            "POST",
            self.routes.list_path(account_sid),
            headers=(("Content-Type", FORM_CONTENT_TYPE),),
            body=encode_form(encode_create(message, self.name)),
        )

    def build_fetch(self, account_sid: str, sid: str) -> WireRequest:
        return WireRequest("GET", self.routes.instance_path(account_sid, sid))

    def build_list(self, account_sid: str, query: ListQuery) -> WireRequest:
        return WireRequest("GET", self.routes.list_path(account_sid),
                           query=encode_query(query, self.name))

    def build_next_page(
        self, account_sid: str, query: ListQuery, page: MessagePage
    ) -> WireRequest | None:
        """Follow ``next_page_uri``; without one, page + 1 when ``num_pages`` says it exists."""
        if page.next_page_uri:
            return WireRequest.from_target("GET", page.next_page_uri)
        if not page.has_next:
            return None
        following = attrs.evolve(query, page=page.page + 1, page_size=page.page_size)
        return self.build_list(account_sid, following)

    def build_update(self, account_sid: str, sid: str, update: MessageUpdate) -> WireRequest:
        self._require(Operation.UPDATE)
        return WireRequest(
            "POST",
            self.routes.instance_path(account_sid, sid),
            headers=(("Content-Type", FORM_CONTENT_TYPE),),
            body=encode_form(encode_update(update)),
        )

    def build_delete(self, account_sid: str, sid: str) -> WireRequest:
        self._require(Operation.DELETE)
        return WireRequest("DELETE", self.routes.instance_path(account_sid, sid))

    # -- client side: response -> model --------------------------------------------------------

    def parse_error(self, response: WireResponse) -> ApiError:
        raise NotImplementedError  # each dialect reads its own error documents

    def _check_status(self, response: WireResponse, what: str, ok: Iterable[int]) -> None:
        """Raise the error an error response reports, or refuse a status outside ``ok``."""
        if response.status >= 400:
            raise self.parse_error(response)
        if response.status not in ok:
            raise UnexpectedDocument(
                f"unexpected HTTP status {response.status} for {what}", dialect=self.name
            )

    def parse_deleted(self, response: WireResponse) -> None:
        if response.status >= 400:
            raise self.parse_error(response)
        self._require(Operation.DELETE)
        self._check_status(response, "a delete", (200, 204))

    # -- server side: request -> model ---------------------------------------------------------

    def parse_request(self, request: WireRequest) -> ServerCall | None:
        matched = self.routes.match(request.path)
        if matched is None:
            return None
        account, sid = matched
        if not ACCOUNT_SID.match(account) or (sid is not None and not MESSAGE_SID.match(sid)):
            raise self.not_found(request.path)
        method = request.method.upper()
        if self.method_override and method == "POST":
            override = form_value(request.query, "_method")
            if override:
                method = override.upper()
        if sid is None:
            if method == "GET":
                return ListCall(account, decode_query(request.query, dialect=self.name))
            if method == "POST":
                return CreateCall(account, decode_create(
                    self._form(request),
                    dialect=self.name,
                    max_body_length=self.max_body_length,
                    body_too_long_code=self.body_too_long_code,
                    no_body_code=self.no_body_code,
                ))
        elif method == "GET":
            return FetchCall(account, sid)
        elif method == "POST" and Operation.UPDATE in self.operations:
            return UpdateCall(account, sid, decode_update(self._form(request)))
        elif method == "DELETE" and Operation.DELETE in self.operations:
            return DeleteCall(account, sid)
        raise self.method_not_allowed(method, request.path)

    @staticmethod
    def _form(request: WireRequest) -> list[tuple[str, str]]:
        try:
            return request.form()
        except MalformedDocument as exc:
            raise bad_request(f"The request body is not form data: {exc}") from None

    def error_for(self, error: CompatError) -> ApiError:
        """Twilio's answer, in this dialect, for a library error raised while serving a request."""
        if isinstance(error, ApiError):
            return error
        if isinstance(error, InvalidPhoneNumber):
            wire = _WIRE_NAMES.get(error.field or "to", "To")
            code, template = INVALID_NUMBER.get(wire, INVALID_NUMBER["To"])
            return twilio_error(code, template.format(error.value))
        if isinstance(error, BodyTooLong):
            return twilio_error(self.body_too_long_code, TOO_LONG[self.body_too_long_code])
        if isinstance(error, ResponseError):
            return bad_request(f"The request could not be read: {error}")
        return bad_request(str(error))

    def not_found(self, path: str) -> ApiError:
        """The dialect's 404, naming the path as Twilio does (code 20404)."""
        return twilio_error(20404, f"The requested resource {path} was not found", 404)

    def method_not_allowed(self, method: str, path: str) -> ApiError:
        """The dialect's 405 for a method its resource does not support (code 20004)."""
        return twilio_error(20004, f"Method not allowed: {method} is not supported on {path}", 405)

    # -- server side: model -> response --------------------------------------------------------

    def render_deleted(self) -> WireResponse:
        self._require(Operation.DELETE)
        return WireResponse(204)
