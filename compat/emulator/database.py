"""The SQLite message table: with ``--db`` the database is the store, read by indexed queries.

Rules this module keeps:

* Nothing is loaded at start-up but the small tables (accounts, keys, numbers, the counter):
  messages stay in the file. A fetch is a primary-key lookup, a page an index range read newest
  first (``(account_sid, sort_us, seq)``, and per ``To`` / ``From``), due lifecycle steps a range of
  a partial index on ``due_us``. A ``DateSent`` filter is a ``sort_us`` range, since a sent
  message's key time is its ``date_sent``.
* The file is opened and checked by :mod:`.dbfile` (settings, exclusive use, one-line refusals);
  a migration that fails is refused the same way. Each row keeps the record's JSON (``data``, the
  format every version wrote) and the columns the indexes need, derived from it. A database
  written before those columns existed (schema 1) is migrated once when opened: columns added
  and filled, indexes built (``PRAGMA user_version`` 2).
* Per-account message counts live in ``counts``, kept by triggers in the same transaction, so an
  unfiltered total is one row; filtered totals count the index range.
* WAL with ``synchronous=FULL``: a change is on disk before :meth:`Database.write` returns, so an
  acknowledged create survives ``kill -9`` (and a power cut). Not thread-safe by itself: the
  :class:`~.store.Store` locks.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from compat.emulator.dbfile import open_database, refusal
from compat.emulator.listing import Window
from compat.emulator.records import OrderKey, Record, micros, record_from_json, record_to_json

__all__ = ["INSERT", "SCHEMA_VERSION", "Database", "row"]

SCHEMA_VERSION = 2
#: SQLite's page cache (KiB): a filtered page reads rows spread over the table (one in twenty,
#: for a sender of twenty), and the newest pages are what every list reads first.
_CACHE_KIB = 65536

#: Columns schema 2 added to ``messages``, derived from ``data`` (see :func:`row`).
_COLUMNS = (
    ("sort_us", "INTEGER"), ("to_", "TEXT"), ("from_", "TEXT"), ("sent_us", "INTEGER"),
    ("due_us", "INTEGER"), ("open", "INTEGER"),
)
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS messages_order ON messages (account_sid, sort_us, seq)",
    "CREATE INDEX IF NOT EXISTS messages_to ON messages (account_sid, to_, sort_us, seq)",
    "CREATE INDEX IF NOT EXISTS messages_from ON messages (account_sid, from_, sort_us, seq)",
    "CREATE INDEX IF NOT EXISTS messages_due ON messages (due_us, seq) WHERE due_us IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS messages_open ON messages (seq) WHERE open",
    "CREATE INDEX IF NOT EXISTS messages_seq ON messages (seq)",
    "CREATE TABLE IF NOT EXISTS counts (account_sid TEXT PRIMARY KEY, n INTEGER NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS messages_counted AFTER INSERT ON messages BEGIN"
    " INSERT INTO counts VALUES (new.account_sid, 1)"
    " ON CONFLICT (account_sid) DO UPDATE SET n = n + 1; END",
    "CREATE TRIGGER IF NOT EXISTS messages_uncounted AFTER DELETE ON messages BEGIN"
    " UPDATE counts SET n = n - 1 WHERE account_sid = old.account_sid; END",
)
#: The one statement that inserts a message row; its arguments are :func:`row`.
INSERT = (
    "INSERT INTO messages (sid, account_sid, seq, data, sort_us, to_, from_, sent_us, due_us, open)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE = (
    "UPDATE messages SET data = ?, sort_us = ?, to_ = ?, from_ = ?, sent_us = ?, due_us = ?, "
    "open = ? WHERE sid = ?"
)


def row(record: Record) -> tuple[Any, ...]:
    """The values of ``record``'s row, in :data:`INSERT`'s order."""
    message = record.message
    when = message.date_sent or message.date_created
    assert when is not None
    return (
        message.sid, message.account_sid, record.seq, record_to_json(record), micros(when),
        message.to, message.from_,
        micros(message.date_sent) if message.date_sent is not None else None,
        micros(record.due_at) if record.due_at is not None else None,
        1 if record.pending else 0,
    )


Statements = list[tuple[str, tuple[Any, ...]]]


class Database:
    """One SQLite file holding the emulator's state (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        conn = open_database(path)  # settings, the schema-1 tables, checked usable, held alone
        self.conn = conn
        try:
            conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                self._upgrade()
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            conn.close()
            raise refusal(path, exc) from None

    def _upgrade(self) -> None:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            present = {r[1] for r in conn.execute("PRAGMA table_info(messages)")}
            for name, kind in _COLUMNS:
                if name not in present:
                    conn.execute(f"ALTER TABLE messages ADD COLUMN {name} {kind}")
            old = conn.execute("SELECT data FROM messages WHERE sort_us IS NULL").fetchall()
            for (data,) in old:
                values = row(record_from_json(data))
                conn.execute(_UPDATE, (*values[3:], values[0]))
            present_tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            fresh = "counts" not in present_tables
            for statement in _INDEXES:
                conn.execute(statement)
            if fresh:
                conn.execute(
                    "INSERT INTO counts SELECT account_sid, count(*) FROM messages "
                    "GROUP BY account_sid"
                )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def write(self, statements: Callable[[], Statements]) -> None:
        """Run ``statements()`` in one transaction, committed before this returns."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, args in statements():
                conn.execute(sql, args)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    # -- small tables -----------------------------------------------------------------------------

    def counter(self) -> int:
        found = self.conn.execute("SELECT value FROM meta WHERE key='counter'").fetchone()
        return int(found[0]) if found else 0

    def table(self, name: str) -> Iterator[dict[str, Any]]:
        """The rows of ``accounts``, ``api_keys`` or ``numbers`` as dicts."""
        assert name in ("accounts", "api_keys", "numbers")
        for (data,) in self.conn.execute(f"SELECT data FROM {name}"):
            yield json.loads(data)

    # -- message rows -----------------------------------------------------------------------------

    def add(self, record: Record, counter: int) -> None:
        """Insert ``record`` and the counter; a SID already stored is a ``KeyError`` (the primary
        key refuses it: no lookup first)."""
        statements = [
            (INSERT, row(record)),
            ("INSERT OR REPLACE INTO meta (key, value) VALUES ('counter', ?)", (str(counter),)),
        ]
        try:
            self.write(lambda: statements)
        except sqlite3.IntegrityError:
            raise KeyError(f"message {record.sid} already exists") from None

    @staticmethod
    def update(record: Record) -> Statements:
        values = row(record)
        return [(_UPDATE, (*values[3:], values[0]))]

    def _records(self, sql: str, args: tuple[Any, ...] = ()) -> list[Record]:
        return [record_from_json(data) for (data,) in self.conn.execute(sql, args)]

    def get(self, sid: str) -> Record | None:
        found = self._records("SELECT data FROM messages WHERE sid = ?", (sid,))
        return found[0] if found else None

    def records(self, account_sid: str | None) -> list[Record]:
        if account_sid is None:
            return self._records("SELECT data FROM messages ORDER BY seq")
        return self._records(
            "SELECT data FROM messages WHERE account_sid = ? ORDER BY seq", (account_sid,)
        )

    def under_way(self) -> list[Record]:
        """Records with lifecycle steps still to come, in creation order."""
        return self._records("SELECT data FROM messages WHERE open ORDER BY seq")

    def count_all(self) -> int:
        return int(self.conn.execute("SELECT coalesce(sum(n), 0) FROM counts").fetchone()[0])

    def due(self, now: dt.datetime) -> list[Record]:
        return self._records(
            "SELECT data FROM messages WHERE due_us IS NOT NULL AND due_us <= ? "
            "ORDER BY due_us, seq",
            (micros(now),),
        )

    def has_due(self) -> bool:
        found = self.conn.execute(
            "SELECT 1 FROM messages WHERE due_us IS NOT NULL LIMIT 1"
        ).fetchone()
        return found is not None

    # -- listing.Source ---------------------------------------------------------------------------

    @staticmethod
    def _where(span: Window) -> tuple[list[str], list[Any]]:
        clauses: list[str] = ["account_sid = ?"]
        args: list[Any] = [span.account_sid]
        if span.to is not None:
            clauses.append("to_ = ?")
            args.append(span.to)
        if span.from_ is not None:
            clauses.append("from_ = ?")
            args.append(span.from_)
        if span.dated:
            clauses.append("sent_us IS NOT NULL")
            if span.low is not None:
                clauses.append("sort_us >= ?")
                args.append(span.low)
            if span.high is not None:
                clauses.append("sort_us < ?")
                args.append(span.high)
        return clauses, args

    def down(self, span: Window, after: OrderKey | None, skip: int, limit: int) -> list[Record]:
        clauses, args = self._where(span)
        if after is not None:
            clauses.append("(sort_us, seq) < (?, ?)")
            args += [after[0], after[1]]
        sql = (
            f"SELECT data FROM messages WHERE {' AND '.join(clauses)} "
            "ORDER BY sort_us DESC, seq DESC LIMIT ? OFFSET ?"
        )
        return self._records(sql, (*args, limit, skip))

    def up(self, span: Window, after: OrderKey, limit: int) -> list[Record]:
        clauses, args = self._where(span)
        clauses.append("(sort_us, seq) > (?, ?)")
        args += [after[0], after[1]]
        sql = (
            f"SELECT data FROM messages WHERE {' AND '.join(clauses)} "
            "ORDER BY sort_us, seq LIMIT ?"
        )
        return self._records(sql, (*args, limit))

    def count(self, span: Window, below: OrderKey | None) -> int:
        plain = span.to is None and span.from_ is None and not span.dated
        if plain and below is None:
            found = self.conn.execute(
                "SELECT n FROM counts WHERE account_sid = ?", (span.account_sid,)
            ).fetchone()
            return int(found[0]) if found else 0
        clauses, args = self._where(span)
        if below is not None:
            clauses.append("(sort_us, seq) < (?, ?)")
            args += [below[0], below[1]]
        sql = f"SELECT count(*) FROM messages WHERE {' AND '.join(clauses)}"
        return int(self.conn.execute(sql, args).fetchone()[0])
