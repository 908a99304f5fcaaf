"""List requests: which stored messages match a query, in which order, and which page.

Rules: newest first by ``date_sent`` (``date_created`` for unsent messages), ties broken by creation
order, newest first. ``DateSent`` given as a date matches that whole UTC day; ``DateSent<`` and
``DateSent>`` are inclusive (whole days for dates, instants for datetimes); a message never sent
matches no date filter. Paging follows the page token when the dialect wrote one (``PA`` + the last
SID of the previous page, ``PB`` + the first SID of the next one), so messages created between two
page requests neither repeat nor go missing; otherwise ``Page`` x ``PageSize``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from compat.emulator.store import Record
from compat.model import ListQuery, Message

__all__ = ["DEFAULT_PAGE_SIZE", "matches", "ordered", "page_slice"]

DEFAULT_PAGE_SIZE = 50


def _sort_key(record: Record) -> tuple[dt.datetime, int]:
    message = record.message
    when = message.date_sent or message.date_created
    assert when is not None
    return (when, record.seq)


def ordered(records: Sequence[Record], query: ListQuery) -> list[Record]:
    """The records matching ``query``, newest first."""
    found = [r for r in records if matches(r.message, query)]
    found.sort(key=_sort_key, reverse=True)
    return found


def page_slice(found: Sequence[Record], query: ListQuery) -> tuple[tuple[Record, ...], int]:
    """The records on the page ``query`` asks for, and the total to page by: ``len(found)``, or
    when a page token moved the window, the count as if the window had been reached by number."""
    size = query.page_size or DEFAULT_PAGE_SIZE
    page = query.page or 0
    token = query.page_token or ""
    start = page * size
    if len(token) > 2 and token[:2] in ("PA", "PB"):
        sids = [r.sid for r in found]
        anchor = token[2:]
        if anchor in sids:
            index = sids.index(anchor)
            begin = index + 1 if token.startswith("PA") else max(0, index - size)
            items = tuple(found[begin : begin + size])
            return items, start + len(found) - begin
    return tuple(found[start : start + size]), len(found)


def _day(value: dt.date) -> tuple[dt.datetime, dt.datetime]:
    day = value.astimezone(dt.timezone.utc).date() if isinstance(value, dt.datetime) else value
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    return start, start + dt.timedelta(days=1)


def matches(message: Message, query: ListQuery) -> bool:
    """Whether ``message`` passes ``query``'s filters."""
    if query.to is not None and message.to != query.to:
        return False
    if query.from_ is not None and message.from_ != query.from_:
        return False
    on, before, after = query.date_sent, query.date_sent_before, query.date_sent_after
    if on is None and before is None and after is None:
        return True
    sent = message.date_sent
    if sent is None:
        return False
    if on is not None:
        start, end = _day(on)
        if not start <= sent < end:
            return False
    if before is not None:
        limit = before if isinstance(before, dt.datetime) else None
        if (limit is not None and sent > limit) or (limit is None and sent >= _day(before)[1]):
            return False
    if after is not None:
        limit = after if isinstance(after, dt.datetime) else None
        if (limit is not None and sent < limit) or (limit is None and sent < _day(after)[0]):
            return False
    return True
