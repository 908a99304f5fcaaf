"""The emulator's state: accounts, API keys, phone numbers and messages, in memory or in SQLite.

Rules this module keeps:

* One store for every dialect. Records hold :class:`~compat.model.Message` values; rendering them is
  the backends' job, never the store's.
* Messages live in one place: in memory (:mod:`.memory`, indexed for paging), or with ``db`` in the
  SQLite file only (:mod:`.database`), never copied into memory. Accounts, keys and numbers are few:
  they are kept in memory too, and written through.
* Thread-safe: every method takes the store's re-entrant lock; callers that need several steps to be
  atomic hold :attr:`Store.lock` themselves.
* Nothing accepted is lost or duplicated: with a database, a change is committed before the method
  returns, and memory changes only after the commit succeeded. A file that cannot be used is
  refused when the store is made (:mod:`.dbfile`), with a one-line ``ConfigurationError``. SIDs
  come from a persisted counter, so a restarted emulator never reuses one.
* Secrets (auth tokens, API-key secrets) are excluded from every ``repr`` (:mod:`.records`).
* A page (:meth:`Store.page`) costs the same whatever the store holds (:mod:`.listing`).
* Watchers (:meth:`Store.watch`) are told each message change after it was applied, under the lock,
  in order (:mod:`.events`).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs

from compat.emulator import listing
from compat.emulator.database import Database, Statements
from compat.emulator.dbfile import refusal
from compat.emulator.events import (
    CLEARED,
    CREATED,
    DELETED,
    UPDATED,
    Listener,
    MessageEvent,
    Watchers,
)
from compat.emulator.memory import MemoryMessages
from compat.emulator.records import (
    Account,
    ApiKey,
    PhoneNumber,
    Record,
    message_from_dict,
    message_to_dict,
)
from compat.model import ListQuery

__all__ = [
    "Account",
    "ApiKey",
    "PhoneNumber",
    "Record",
    "Store",
    "message_from_dict",
    "message_to_dict",
]


class Store:
    """Accounts, keys, numbers and message records; in memory, or in a SQLite file (``db``)."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.lock = threading.RLock()
        self.path = Path(db) if db is not None else None
        self._accounts: dict[str, Account] = {}
        self._keys: dict[str, ApiKey] = {}
        self._numbers: dict[str, PhoneNumber] = {}
        self._counter = 0
        self._db: Database | None = None
        self._memory = MemoryMessages()
        self._watchers = Watchers(self.lock)
        if self.path is not None:
            self._open(self.path)

    # -- persistence ------------------------------------------------------------------------------

    def _open(self, path: Path) -> None:
        database = Database(path)
        try:
            self._load(database)
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            database.close()
            self._clear_memory()
            raise refusal(path, exc) from None
        self._db = database

    def _load(self, database: Database) -> None:
        self._counter = database.counter()
        for data in database.table("accounts"):
            account = Account(**data)
            self._accounts[account.sid] = account
        for data in database.table("api_keys"):
            key = ApiKey(**data)
            self._keys[key.sid] = key
        for data in database.table("numbers"):
            number = PhoneNumber(**data)
            self._numbers[number.number] = number

    def _write(self, statements: Callable[[], Statements]) -> None:
        """Run the statements ``statements()`` gives in one transaction (not called in memory)."""
        if self._db is not None:
            self._db.write(statements)

    def close(self) -> None:
        with self.lock:
            if self._db is not None:
                self._db.close()
                self._db = None
                self._memory = MemoryMessages()

    # -- counter ----------------------------------------------------------------------------------

    def next_seq(self) -> int:
        """The sequence number the next :meth:`add` should use (hold :attr:`lock` across both).

        The counter is persisted with the record, in one transaction, so a number is never reused,
        even after the message holding it was deleted and the emulator restarted.
        """
        with self.lock:
            return self._counter + 1

    # -- accounts, keys, numbers ------------------------------------------------------------------

    def put_account(self, account: Account) -> None:
        with self.lock:
            data = json.dumps(attrs.asdict(account))
            self._write(
                lambda: [("INSERT OR REPLACE INTO accounts VALUES (?, ?)", (account.sid, data))]
            )
            self._accounts[account.sid] = account

    def account(self, sid: str) -> Account | None:
        return self._accounts.get(sid)

    def accounts(self) -> list[Account]:
        with self.lock:
            return list(self._accounts.values())

    def put_key(self, key: ApiKey) -> None:
        with self.lock:
            data = json.dumps(attrs.asdict(key))
            self._write(
                lambda: [("INSERT OR REPLACE INTO api_keys VALUES (?, ?)", (key.sid, data))]
            )
            self._keys[key.sid] = key

    def key(self, sid: str) -> ApiKey | None:
        return self._keys.get(sid)

    def put_number(self, number: PhoneNumber) -> None:
        with self.lock:
            data = json.dumps(attrs.asdict(number))
            self._write(
                lambda: [("INSERT OR REPLACE INTO numbers VALUES (?, ?)", (number.number, data))]
            )
            self._numbers[number.number] = number

    def number(self, number: str) -> PhoneNumber | None:
        return self._numbers.get(number)

    def numbers(self, account_sid: str | None = None) -> list[PhoneNumber]:
        with self.lock:
            return [n for n in self._numbers.values() if account_sid in (None, n.account_sid)]

    # -- messages ---------------------------------------------------------------------------------

    def add(self, record: Record) -> None:
        """Store a new record; a SID already present is refused with ``KeyError``."""
        with self.lock:
            counter = max(self._counter, record.seq)
            if self._db is not None:
                self._db.add(record, counter)
            elif record.sid in self._memory.records:
                raise KeyError(f"message {record.sid} already exists")
            else:
                self._memory.add(record)
            self._counter = counter
            self._tell(CREATED, record)

    def replace(self, record: Record) -> None:
        """Overwrite the stored record with the same SID (it must exist)."""
        with self.lock:
            if self.get(record.sid) is None:
                raise KeyError(f"message {record.sid} does not exist")
            if self._db is not None:
                self._db.write(lambda: Database.update(record))
            else:
                self._memory.replace(record)
            self._tell(UPDATED, record)

    def get(self, sid: str, account_sid: str | None = None) -> Record | None:
        """The record for ``sid``; with ``account_sid``, only if it belongs to that account."""
        if self._db is not None:
            with self.lock:
                record = self._db.get(sid) if self._db is not None else None
        else:
            record = self._memory.get(sid)
        if record is None or (account_sid is not None and record.account_sid != account_sid):
            return None
        return record

    def delete(self, sid: str) -> Record | None:
        with self.lock:
            record = self.get(sid)
            if record is None:
                return None
            if self._db is not None:
                self._db.write(lambda: [("DELETE FROM messages WHERE sid = ?", (sid,))])
            else:
                self._memory.delete(sid)
            self._tell(DELETED, record)
            return record

    def records(self, account_sid: str | None = None) -> list[Record]:
        """Records in creation order, all accounts or one (every record: a test's view)."""
        with self.lock:
            if self._db is not None:
                return self._db.records(account_sid)
            found = self._memory.records.values()
            return [r for r in found if account_sid in (None, r.account_sid)]

    def under_way(self) -> list[Record]:
        """Records with lifecycle steps still to come, in creation order."""
        with self.lock:
            if self._db is not None:
                return self._db.under_way()
            return [r for r in self._memory.records.values() if r.pending]

    def page(
        self, account_sid: str, query: ListQuery, *, exact: bool = True
    ) -> tuple[tuple[Record, ...], int]:
        """The records on the page ``query`` asks for, and the total to page by
        (:func:`.listing.paginate`; ``exact=False`` when only a next page matters)."""
        with self.lock:
            source = self._db if self._db is not None else self._memory
            return listing.paginate(source, account_sid, query, exact=exact)

    def due(self, now: dt.datetime) -> list[Record]:
        """Records whose next lifecycle step is due at or before ``now``, earliest first."""
        with self.lock:
            if self._db is not None:
                return self._db.due(now)
            return self._memory.due(now)

    def has_due(self) -> bool:
        """Whether any record has a lifecycle step waiting for a time."""
        if self._db is not None:
            with self.lock:
                return self._db is not None and self._db.has_due()
        return self._memory.has_due()

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records())

    def __len__(self) -> int:
        if self._db is not None:
            with self.lock:
                return self._db.count_all() if self._db is not None else 0
        return len(self._memory)

    def clear(self) -> None:
        """Forget everything, in memory and in the database."""
        with self.lock:
            self._write(lambda: [
                ("DELETE FROM messages", ()),
                ("DELETE FROM counts", ()),
                ("DELETE FROM accounts", ()),
                ("DELETE FROM api_keys", ()),
                ("DELETE FROM numbers", ()),
                ("DELETE FROM meta", ()),
            ])
            self._clear_memory()
            self._watchers.tell(CLEARED)

    def _clear_memory(self) -> None:
        self._memory.clear()
        self._accounts.clear()
        self._keys.clear()
        self._numbers.clear()
        self._counter = 0

    def watch(self, listener: Listener, *, replay: bool = False) -> Callable[[], None]:
        """Tell ``listener`` each change to the messages (:mod:`.events`); with ``replay``, first a
        ``created`` event per stored message. Returns a function that stops it."""
        with self.lock:
            records = self.records() if replay else []
            events = (MessageEvent(CREATED, r.message, r.dialect) for r in records)
            return self._watchers.add(listener, events)

    def _tell(self, kind: str, record: Record) -> None:
        self._watchers.tell(kind, record.message, record.dialect)

    def __repr__(self) -> str:
        where = str(self.path) if self.path else "memory"
        return f"<Store {where}: {len(self._accounts)} accounts, {len(self)} messages>"

