"""Dates as the wire writes them.

Rules this module keeps:

* Message dates are RFC 2822. We write them in GMT (``+0000``) at one-second precision and read
  any numeric offset (``-0700``), ``GMT``, ``UT`` or ``Z``; ``-0000`` reads as UTC. A parsed date
  keeps the offset it was written in (the instant is what counts).
* List filters are ``YYYY-MM-DD`` dates or ISO 8601 instants (a naive one is GMT, as Twilio
  documents); ``SendAt`` is an ISO 8601 instant.
* Nothing here caches: the text written for a value never depends on what was written before.
* A refusal is :class:`ValueError`; the backends turn it into the error of their side.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

__all__ = [
    "UTC",
    "format_filter_date",
    "format_iso_instant",
    "format_rfc2822",
    "parse_filter_date",
    "parse_iso_instant",
    "parse_rfc2822",
]

UTC: Final = dt.timezone.utc

_DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                       "Dec")
_MONTH_OF: Final = (None, *_MONTH_NAMES)  # indexed by month number
_TWO_DIGITS: Final = tuple(f"{n:02d}" for n in range(100))  # "00" .. "99": a lookup, not a format
_MONTHS: Final = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTH_DIGITS: Final = {name: f"{number:02d}" for name, number in _MONTHS.items()}

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


_UTC_NAMES: Final = frozenset({"GMT", "UT", "UTC", "Z", "+0000", "-0000", "+00:00", "-00:00"})


def _zone(text: str) -> dt.timezone:
    if text in _UTC_NAMES:
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"time zone offset {text!r} is out of range")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def format_rfc2822(value: dt.datetime) -> str:
    """An aware datetime as Twilio writes it, whole seconds: ``Fri, 13 Aug 2010 01:16:24 +0000``."""
    u = value if value.tzinfo is UTC else value.astimezone(UTC)
    two = _TWO_DIGITS
    return (
        f"{_DAY_NAMES[u.weekday()]}, {two[u.day]} {_MONTH_OF[u.month]} {u.year:04d} "
        f"{two[u.hour]}:{two[u.minute]}:{two[u.second]} +0000"
    )


def parse_rfc2822(text: str) -> dt.datetime:
    """An RFC 2822 date in any offset, as an aware datetime keeping that offset.

    Raises :class:`ValueError` for anything else (the backends turn it into
    :class:`~compat.errors.UnexpectedDocument`). The day name, when present, must be one, but
    is not checked against the date. One compiled pattern reads every form, Twilio's own
    (``Fri, 13 Aug 2010 01:16:24 +0000``) included: a fullmatch costs less than slicing and
    checking the fixed positions in Python.
    """
    found = _RFC2822.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not an RFC 2822 date")
    day, month, year, hour, minute, second, zone = found.groups()
    if zone in _UTC_NAMES:
        # Twilio's own form: the fields respelled as ISO 8601 for datetime's C parser, which
        # checks the ranges as the constructor does, with the same errors, in half the time of
        # six int() calls and the constructor. Its tzinfo is the UTC singleton.
        return dt.datetime.fromisoformat(
            f"{year}-{_MONTH_DIGITS[month]}-{day.zfill(2)}T{hour}:{minute}:{second or '00'}"
            "+00:00"
        )
    return dt.datetime(
        int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second or 0),
        tzinfo=_zone(zone),
    )


def format_iso_instant(value: dt.datetime) -> str:
    """An aware datetime as ISO 8601 in UTC, whole seconds: ``2019-06-11T22:05:25Z``."""
    u = value.astimezone(UTC)
    two = _TWO_DIGITS
    return (
        f"{u.year:04d}-{two[u.month]}-{two[u.day]}T{two[u.hour]}:{two[u.minute]}:{two[u.second]}Z"
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
