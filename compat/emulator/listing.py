"""List requests: which stored messages match a query, in which order, and which page.

Rules: newest first by ``date_sent`` (``date_created`` for unsent messages), ties broken by creation
order, newest first (:func:`~.records.order_key`). ``DateSent`` given as a date matches that whole
UTC day; ``DateSent<`` and ``DateSent>`` are inclusive (whole days for dates, instants for
datetimes); a message never sent matches no date filter. Paging follows the page token when the
dialect wrote one (``PA`` + the last SID of the previous page, ``PB`` + the first SID of the next
one), so messages created between two page requests neither repeat nor go missing; otherwise
``Page`` x ``PageSize``.

How a page is found: a store keeps its messages in order (per account, and per ``To`` and ``From``)
and answers a :class:`Window`: the query's number filters and its date filters as one range of
order keys (a sent message's key is its ``date_sent``, so a date range is a key range). A
:class:`Source` walks that range from either end and counts it; :func:`paginate` turns a query into
those walks, so a page costs the same whatever the store holds. :func:`ordered` and
:func:`page_slice` are the plain definition (filter, sort, slice) both stores are tested against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

import attrs

from compat.emulator.records import OrderKey, Record, micros, order_key
from compat.model import ListQuery, Message

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "Source",
    "Window",
    "matches",
    "ordered",
    "page_slice",
    "paginate",
    "window",
]

DEFAULT_PAGE_SIZE = 50


@attrs.frozen
class Window:
    """A query as a store reads it: one account, optional ``To`` / ``From``, and when ``dated``,
    sent messages whose key time is in ``[low, high)`` (``None``: unbounded)."""

    account_sid: str
    query: ListQuery
    to: str | None
    from_: str | None
    dated: bool
    low: int | None
    high: int | None

    def admits(self, record: Record) -> bool:
        return record.account_sid == self.account_sid and matches(record.message, self.query)


def window(account_sid: str, query: ListQuery) -> Window:
    """The :class:`Window` of ``query`` over ``account_sid``'s messages."""
    low: int | None = None
    high: int | None = None
    if query.date_sent is not None:
        start, end = _day(query.date_sent)
        low, high = micros(start), micros(end)
    before, after = query.date_sent_before, query.date_sent_after
    if before is not None:
        limit = micros(before) + 1 if isinstance(before, dt.datetime) else micros(_day(before)[1])
        high = limit if high is None else min(high, limit)
    if after is not None:
        limit = micros(after) if isinstance(after, dt.datetime) else micros(_day(after)[0])
        low = limit if low is None else max(low, limit)
    dated = query.date_sent is not None or before is not None or after is not None
    return Window(account_sid, query, query.to, query.from_, dated, low, high)


class Source(Protocol):
    """A store's ordered messages, as :func:`paginate` reads them. Every method returns only
    records the window admits; ``after`` / ``below`` are exclusive bounds."""

    def get(self, sid: str) -> Record | None: ...

    def down(self, window: Window, after: OrderKey | None, skip: int, limit: int) -> list[Record]:
        """Newest first, from just below ``after`` (or the newest), skipping ``skip``."""
        ...

    def up(self, window: Window, after: OrderKey, limit: int) -> list[Record]:
        """Oldest first, from just above ``after``."""
        ...

    def count(self, window: Window, below: OrderKey | None) -> int:
        """How many records are below ``below`` (or in all)."""
        ...


def paginate(
    source: Source, account_sid: str, query: ListQuery, *, exact: bool = True
) -> tuple[tuple[Record, ...], int]:
    """The page ``query`` asks for and the total to page by, as :func:`page_slice` gives them.

    With ``exact`` false (a dialect that links pages by token and shows no total) the total is
    only good for telling whether a next page exists: one record past the page is read instead of
    counting the rest.
    """
    size = query.page_size or DEFAULT_PAGE_SIZE
    start = (query.page or 0) * size
    span = window(account_sid, query)
    extra = 0 if exact else 1
    anchor = _anchor(source, span, query.page_token or "")
    if anchor is not None and query.page_token and query.page_token.startswith("PA"):
        found = source.down(span, anchor, 0, size + extra)
        if exact:
            return tuple(found), start + source.count(span, anchor)
        return tuple(found[:size]), start + len(found)
    if anchor is not None:
        newer = source.up(span, anchor, size)
        if len(newer) == size:
            newer.reverse()
            rest = source.count(span, anchor) if exact else 0
            return tuple(newer), start + size + 1 + rest
    # by number, or a PB token near the top: the window's first page
    found = source.down(span, None, start if anchor is None else 0, size + extra)
    if exact:
        counted = source.count(span, None)
        return tuple(found), counted if anchor is None else start + counted
    return tuple(found[:size]), start + len(found)


def _anchor(source: Source, span: Window, token: str) -> OrderKey | None:
    if len(token) <= 2 or token[:2] not in ("PA", "PB"):
        return None
    record = source.get(token[2:])
    if record is None or not span.admits(record):
        return None
    return order_key(record)


# -- the plain definition ------------------------------------------------------------------------


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
