"""The checks and conversions behind the model's fields: one function per kind of value.

Rules: a converter returns the field's value or raises :class:`~compat.errors.InvalidParameter`
naming the model field; a validator only raises. Phone numbers are normalized here, once, by
:func:`compat.phone.normalize`. Nothing here knows a wire.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from compat import phone
from compat.errors import InvalidParameter


def optional_decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidParameter(f"a price must be a decimal string or number, got {value!r}")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise InvalidParameter(f"{value!r} is not a decimal number") from None
    if not result.is_finite():
        raise InvalidParameter(f"{value!r} is not a finite decimal number")
    return result


def optional_count(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidParameter(f"a count must be an integer, got {value!r}")
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    raise InvalidParameter(f"a count must be a non-negative integer, got {value!r}")


def optional_int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidParameter(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value):
        return int(value)
    raise InvalidParameter(f"expected an integer, got {value!r}")


def str_tuple(value: Iterable[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise InvalidParameter(f"expected strings, got {item!r}")
    return items


def aware(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, dt.datetime):
        raise InvalidParameter(
            f"{attribute.name} must be a datetime, got {type(value).__name__}",
            parameter=attribute.name,
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidParameter(
            f"{attribute.name} must be timezone-aware, got naive {value.isoformat()}",
            parameter=attribute.name,
        )


def optional_str(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidParameter(
            f"{attribute.name} must be a string, got {type(value).__name__}",
            parameter=attribute.name,
        )


def sid_matching(pattern: re.Pattern[str], *, optional: bool) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not pattern.match(value):
            raise InvalidParameter(
                f"{attribute.name} {value!r} does not match {pattern.pattern[2:-2]}",
                parameter=attribute.name,
            )

    return check


def number(value: object, field: str | None = None) -> str:
    if not isinstance(value, str):
        raise InvalidParameter(
            f"{field or 'a phone number'} must be a string, got {type(value).__name__}",
            parameter=field,
        )
    return phone.normalize(value, field=field)


def to_number(value: object) -> str:
    return number(value, "to")


def from_number(value: object) -> str:
    return number(value, "from_")


def fallback_number(value: object) -> str:
    return number(value, "fallback_from")


def optional_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, dt.datetime):
        aware(_instance, attribute, value)
    elif not isinstance(value, dt.date):
        raise InvalidParameter(
            f"{attribute.name} must be a date or an aware datetime, got {value!r}",
            parameter=attribute.name,
        )


def optional_page_size(value: object) -> int | None:
    size = optional_int(value)
    if size is not None and not 1 <= size <= 1000:
        raise InvalidParameter(f"page_size must be 1..1000, got {size}", parameter="page_size")
    return size


def optional_page(value: object) -> int | None:
    page = optional_int(value)
    if page is not None and page < 0:
        raise InvalidParameter(f"page must be 0 or more, got {page}", parameter="page")
    return page


def nonnegative(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidParameter(
            f"{attribute.name} must be a non-negative integer, got {value!r}",
            parameter=attribute.name,
        )
