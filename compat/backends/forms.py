"""Request forms: the model's requests as form pairs and back, by a dialect's rules.

Rules this module keeps:

* Forms are written in the order the dialect's parameter table lists them. A field the dialect has
  no parameter for is refused with :class:`~compat.errors.InvalidParameter` naming the model
  field; it is never dropped silently. Text that UTF-8 cannot encode is refused the same way.
* Forms are read with Twilio's validation order and codes: ``To`` missing (21604); ``From`` and
  ``MessagingServiceSid`` missing (21603); no body and no media (the dialect's code, 21602 or
  21619); ``To`` invalid (21211); ``From`` invalid (21212); body over the dialect's limit (21605 or
  21617); too many media (21623); then any other bad value: Twilio's code for its field where it
  documents one (:data:`~compat.backends.codes.INVALID_VALUE`: 21624, 35111, 35115, 35126; a
  ``PageSize`` over 1,000 is 20007), else the generic 20001. A blank parameter counts as absent;
  the last of repeated scalars wins; unknown parameters are ignored, as Twilio ignores them. List
  filters that are not numbers get create's code and text (21211 / 21212). The server side raises
  only :class:`~compat.errors.ApiError`, always with a code.
* Numbers are normalized once, by the model's own converters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from compat.backends.codes import (
    PAGE_SIZE_TOO_LARGE,
    SEND_AT_MISSING,
    body_required,
    body_too_long,
    invalid_value,
    twilio_error,
)
from compat.backends.dates import (
    format_filter_date,
    format_iso_instant,
    parse_filter_date,
    parse_iso_instant,
)
from compat.backends.numbers import render_number
from compat.backends.rules import DialectRules, Param
from compat.errors import ApiError, InvalidParameter, InvalidPhoneNumber
from compat.model import ListQuery, MessageUpdate, NewMessage
from compat.wire import form_value, form_values

__all__ = [
    "decode_create",
    "decode_query",
    "decode_update",
    "encode_create",
    "encode_query",
    "encode_update",
    "finite_decimal",
]

_TRUE: Final = frozenset({"true", "True", "TRUE", "1"})
_FALSE: Final = frozenset({"false", "False", "FALSE", "0"})
_INT: Final = re.compile(r"-?[0-9]{1,18}", re.ASCII)


def finite_decimal(text: str) -> Decimal | None:
    """``text`` as a finite :class:`~decimal.Decimal`, or ``None`` when it is not one."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# -- writing ---------------------------------------------------------------------------------------


def _utf8(param: Param, text: str) -> str:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidParameter(
                f"{param.model} holds characters UTF-8 cannot encode (a lone surrogate)",
                parameter=param.model,
            ) from None
    return text


def _encode_value(param: Param, value: Any, rules: DialectRules) -> list[str]:
    kind = param.kind
    if kind == "text":
        return [_utf8(param, value)]
    if kind == "number":
        return [render_number(value, rules.number_style)]
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


def _is_set(value: object) -> bool:
    return value is not None and value != ()


def _encode(table: tuple[Param, ...], obj: Any, rules: DialectRules) -> list[tuple[str, str]]:
    carried = {param.model for param in table}
    for field in attrs.fields(type(obj)):
        if field.name not in carried and _is_set(getattr(obj, field.name)):
            raise InvalidParameter(
                f"the {rules.name} dialect cannot send {field.name}", parameter=field.name
            )
    pairs: list[tuple[str, str]] = []
    for param in table:
        value = getattr(obj, param.model)
        if _is_set(value):
            pairs.extend((param.wire, text) for text in _encode_value(param, value, rules))
    return pairs


def encode_create(message: NewMessage, rules: DialectRules) -> list[tuple[str, str]]:
    """The create form for ``message``; a field the dialect lacks raises InvalidParameter."""
    return _encode(rules.create_params, message, rules)


def encode_query(query: ListQuery, rules: DialectRules) -> list[tuple[str, str]]:
    """The list request's query pairs; a filter the dialect lacks raises InvalidParameter."""
    return _encode(rules.list_params, query, rules)


def encode_update(update: MessageUpdate) -> list[tuple[str, str]]:
    """The update form: ``Body=`` to redact, ``Status=canceled`` to cancel."""
    pairs: list[tuple[str, str]] = []
    if update.body is not None:
        pairs.append(("Body", update.body))
    if update.status is not None:
        pairs.append(("Status", str(update.status)))
    return pairs


# -- reading ---------------------------------------------------------------------------------------


def _decode_scalar(param: Param, text: str) -> object:
    kind = param.kind
    if kind == "int":
        if not _INT.fullmatch(text):
            raise invalid_value(param.model, f"{param.wire} must be an integer, got {text!r}")
        return int(text)
    if kind == "bool":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise invalid_value(param.model, f"{param.wire} must be true or false, got {text!r}")
    if kind == "decimal":
        number = finite_decimal(text)
        if number is None:
            raise invalid_value(
                param.model, f"{param.wire} must be a decimal number, got {text!r}"
            )
        return number
    if kind == "datetime":
        try:
            return parse_iso_instant(text)
        except ValueError:
            raise invalid_value(
                param.model, f"{param.wire} must be an ISO 8601 date and time, got {text!r}"
            ) from None
    if kind == "date":
        try:
            return parse_filter_date(text)
        except ValueError:
            raise invalid_value(
                param.model,
                f"{param.wire} must be a date (YYYY-MM-DD) or an ISO 8601 date and time, "
                f"got {text!r}",
            ) from None
    return text


def _read(
    table: tuple[Param, ...],
    index: Mapping[str, tuple[int, ...]],
    pairs: Sequence[tuple[str, str]],
    last: dict[str, str],
) -> tuple[dict[str, object], ApiError | None]:
    """The model values a form gives, and the first bad value's error (kept for later, so
    errors with a stronger claim in Twilio's order are answered first).

    Only the parameters the form names are looked at (``index``: the table's positions by the
    names read, :attr:`~compat.backends.rules.DialectRules.create_index`), in table order."""
    values: dict[str, object] = {}
    first: ApiError | None = None
    named: set[int] = set()
    for name in last:
        named.update(index.get(name, ()))
    for position in sorted(named):
        param = table[position]
        if param.kind == "list":
            items = tuple(item for item in form_values(pairs, param.wire) if item)
            if items:
                values[param.model] = items
            continue
        for name in param.names:
            text = last.get(name)
            if text:
                break
        else:
            continue
        if param.kind in ("number", "text", "enum"):
            values[param.model] = text
            continue
        try:
            values[param.model] = _decode_scalar(param, text)
        except ApiError as exc:
            first = first or exc
    return values, first


def _number_error(exc: InvalidPhoneNumber, rules: DialectRules) -> ApiError:
    code, template = rules.invalid_number.get(exc.field or "to", rules.invalid_number["to"])
    return twilio_error(code, template.format(exc.value))


def decode_create(pairs: Sequence[tuple[str, str]], rules: DialectRules) -> NewMessage:
    """Read a create form the way Twilio validates it (see the module rules)."""
    last = dict(pairs)  # the last value of each name, as form_value() reads it
    if not last.get("To"):
        raise twilio_error(21604, "A 'To' phone number is required.")
    if not last.get("From") and not (
        last.get("MessagingServiceSid")
        and any("MessagingServiceSid" in param.names for param in rules.create_params)
    ):
        raise twilio_error(21603, "A 'From' phone number is required.")
    values, deferred = _read(rules.create_params, rules.create_index, pairs, last)
    body = last.get("Body")
    if body is not None:
        values["body"] = body
    media = values.get("media_urls", ())
    assert isinstance(media, tuple)
    if not body and not media and values.get("content_sid") is None:
        raise body_required(rules.no_body_code)
    if len(media) > rules.max_media:
        values.pop("media_urls")
    message: NewMessage | None = None
    try:
        message = NewMessage(**values)  # type: ignore[arg-type]
    except InvalidPhoneNumber as exc:
        raise _number_error(exc, rules) from None
    except InvalidParameter as exc:
        deferred = deferred or _value_error(exc, rules, last)
    if body is not None and len(body) > rules.max_body_length:
        raise body_too_long(rules.body_too_long_code, rules.max_body_length)
    if len(media) > rules.max_media:
        raise twilio_error(
            21623, f"Too many media URLs: at most {rules.max_media} are allowed, got {len(media)}."
        )
    if deferred is not None:
        raise deferred
    assert message is not None  # construction raised otherwise
    return message


def _value_error(
    exc: InvalidParameter, rules: DialectRules, last: dict[str, str] | None = None
) -> ApiError:
    """Twilio's answer to a value the model refused (see the module rules)."""
    field = exc.parameter
    if field == "send_at" and last is not None:
        if last.get("ScheduleType") and not last.get("SendAt"):
            return twilio_error(*SEND_AT_MISSING)
        if not last.get("ScheduleType"):
            return invalid_value(None, "Invalid SendAt: SendAt needs ScheduleType=fixed.")
    wire = rules.wire_name(field) if field else None
    return invalid_value(field, f"Invalid {wire}: {exc}" if wire else str(exc))


def decode_query(pairs: Sequence[tuple[str, str]], rules: DialectRules) -> ListQuery:
    """Read list filters and paging, raising :class:`ApiError` for a bad value."""
    values, deferred = _read(rules.list_params, rules.list_index, pairs, dict(pairs))
    try:
        query = ListQuery(**values)  # type: ignore[arg-type]
    except InvalidPhoneNumber as exc:
        raise _number_error(exc, rules) from None
    except InvalidParameter as exc:
        size = values.get("page_size")
        if deferred is None and isinstance(size, int) and size > 1000:
            deferred = twilio_error(
                PAGE_SIZE_TOO_LARGE, f"Page size too large: PageSize is at most 1000, got {size}."
            )
        raise deferred or _value_error(exc, rules) from None
    if deferred is not None:
        raise deferred
    return query


def decode_update(pairs: Sequence[tuple[str, str]]) -> MessageUpdate:
    """Read an update form, raising :class:`ApiError` (400, 20001) for anything but redact or
    cancel."""
    body = form_value(pairs, "Body")
    status = form_value(pairs, "Status")
    try:
        return MessageUpdate(body=body, status=status or None)
    except InvalidParameter as exc:
        raise invalid_value(exc.parameter, f"Unable to update record: {exc}") from None
