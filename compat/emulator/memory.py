"""The in-memory message table: records by SID, kept in order for paging without a sort.

Rules this module keeps:

* Each account has sorted lists of :func:`~.records.order_key` keys: all its messages, its sent
  messages (the only ones a ``DateSent`` filter can match), and one list per ``To`` and per
  ``From`` number. A list is kept sorted on every change: a key not below the last one (a new
  message, the newest) is appended after that one comparison; any other goes in by ``bisect`` (a
  binary search, then a move of the entries after the insertion point).
* A page is read from the shortest list that covers a filter, cut to the window's key range by
  binary search, and walked from the newest end; filters the list does not imply are checked on
  each entry walked. A page token's SID finds its key in a dict, and its place by binary search.
* Counting (the total that counted dialects show) is the length of a range, O(log n), when one list
  covers every filter (none, ``To``, ``From``, or date filters alone); with two kinds of filter it
  walks the shortest range. Not thread-safe by itself: the :class:`~.store.Store` locks.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator

from compat.emulator.listing import Window, matches
from compat.emulator.records import OrderKey, Record, order_key

__all__ = ["MemoryMessages"]

ListName = tuple[str, ...]
_EMPTY: list[OrderKey] = []


def _lists(record: Record) -> list[ListName]:
    message = record.message
    account = message.account_sid
    names: list[ListName] = [("all", account)]
    if message.date_sent is not None:
        names.append(("sent", account))
    if message.to is not None:
        names.append(("to", account, message.to))
    if message.from_ is not None:
        names.append(("from", account, message.from_))
    return names


class MemoryMessages:
    """Message records in memory (see the module docstring)."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}  # creation order
        self._keys: dict[str, OrderKey] = {}
        self._lists: dict[ListName, list[OrderKey]] = {}
        self._due: dict[str, dt.datetime] = {}

    # -- changes ----------------------------------------------------------------------------------

    def add(self, record: Record) -> None:
        self.records[record.sid] = record
        self._index(record)

    def replace(self, record: Record) -> None:
        old = self.records[record.sid]
        self.records[record.sid] = record  # keeps its place in creation order
        key = order_key(record)
        if key != self._keys[record.sid] or _lists(old) != _lists(record):
            self._unindex(old)
            self._index(record)
        else:
            self._set_due(record)

    def delete(self, sid: str) -> Record | None:
        record = self.records.pop(sid, None)
        if record is not None:
            self._unindex(record)
        return record

    def clear(self) -> None:
        self.records.clear()
        self._keys.clear()
        self._lists.clear()
        self._due.clear()

    def _index(self, record: Record) -> None:
        key = order_key(record)
        self._keys[record.sid] = key
        for name in _lists(record):
            found = self._lists.get(name)
            if found is None:
                self._lists[name] = [key]
            elif key >= found[-1]:  # the newest, as a new message almost always is
                found.append(key)
            else:
                insort(found, key)
        self._set_due(record)

    def _unindex(self, record: Record) -> None:
        key = self._keys.pop(record.sid)
        for name in _lists(record):
            found = self._lists[name]
            del found[bisect_left(found, key)]
            if not found:
                del self._lists[name]
        self._due.pop(record.sid, None)

    def _set_due(self, record: Record) -> None:
        if record.due_at is None:
            self._due.pop(record.sid, None)
        else:
            self._due[record.sid] = record.due_at

    # -- reading ----------------------------------------------------------------------------------

    def get(self, sid: str) -> Record | None:
        return self.records.get(sid)

    def __len__(self) -> int:
        return len(self.records)

    def due(self, now: dt.datetime) -> list[Record]:
        found = [self.records[sid] for sid, when in self._due.items() if when <= now]
        found.sort(key=lambda r: (r.due_at or now, r.seq))
        return found

    def has_due(self) -> bool:
        return bool(self._due)

    # -- listing.Source ---------------------------------------------------------------------------

    def _range(self, span: Window) -> tuple[list[OrderKey], int, int, bool]:
        """The shortest list covering a filter of ``span``, its key range, and whether that
        list implies every filter (no entry in the range needs checking)."""
        account = span.account_sid
        names: list[ListName] = []
        if span.to is not None:
            names.append(("to", account, span.to))
        if span.from_ is not None:
            names.append(("from", account, span.from_))
        if span.dated:
            names.append(("sent", account))
        if not names:
            names.append(("all", account))
        best: tuple[list[OrderKey], int, int] = (_EMPTY, 0, 0)
        for number, name in enumerate(names):
            keys = self._lists.get(name, _EMPTY)
            low = 0 if span.low is None else bisect_left(keys, (span.low,))
            high = len(keys) if span.high is None else bisect_left(keys, (span.high,))
            if number == 0 or high - low < best[2] - best[1]:
                best = (keys, low, max(low, high))
        return (*best, len(names) == 1)

    def _walk(self, keys: list[OrderKey], positions: range, span: Window) -> Iterator[Record]:
        records, query = self.records, span.query
        for position in positions:
            record = records[keys[position][2]]
            if matches(record.message, query):
                yield record

    def down(self, span: Window, after: OrderKey | None, skip: int, limit: int) -> list[Record]:
        keys, low, high, exact = self._range(span)
        if after is not None:
            high = max(low, min(high, bisect_left(keys, after)))
        if exact:
            top = high - skip
            return [self.records[keys[i][2]] for i in range(top - 1, max(low, top - limit) - 1, -1)]
        found: list[Record] = []
        for record in self._walk(keys, range(high - 1, low - 1, -1), span):
            if skip:
                skip -= 1
                continue
            found.append(record)
            if len(found) >= limit:
                break
        return found

    def up(self, span: Window, after: OrderKey, limit: int) -> list[Record]:
        keys, low, high, _exact = self._range(span)
        low = min(high, max(low, bisect_right(keys, after)))
        found: list[Record] = []
        for record in self._walk(keys, range(low, high), span):
            found.append(record)
            if len(found) >= limit:
                break
        return found

    def count(self, span: Window, below: OrderKey | None) -> int:
        keys, low, high, exact = self._range(span)
        if below is not None:
            high = max(low, min(high, bisect_left(keys, below)))
        if exact:
            return high - low
        return sum(1 for _ in self._walk(keys, range(low, high), span))
