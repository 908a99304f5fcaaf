"""The emulator's state: accounts, API keys, phone numbers and messages, optionally kept in SQLite.

Rules this module keeps:

* One store for every dialect. Records hold :class:`~compat.model.Message` values; rendering them is
  the backends' job, never the store's.
* Thread-safe: every method takes the store's re-entrant lock; callers that need several steps to be
  atomic hold :attr:`Store.lock` themselves.
* Nothing accepted is lost or duplicated: with a database, a change is committed before the method
  returns, and memory changes only after the commit succeeded. A file that cannot be used is
  refused when the store is made (:mod:`.dbfile`), with a one-line ``ConfigurationError``. SIDs
  come from a persisted counter, so a restarted emulator never reuses one.
* Secrets (auth tokens, API-key secrets) are excluded from every ``repr``.
* Watchers (:meth:`Store.watch`) are told each message change after it was applied, under the lock,
  in order (:mod:`.events`).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from compat.emulator.dbfile import open_database, refusal
from compat.emulator.events import (
    CLEARED,
    CREATED,
    DELETED,
    UPDATED,
    Listener,
    MessageEvent,
    Watchers,
)
from compat.model import Message

__all__ = ["Account", "ApiKey", "PhoneNumber", "Record", "Store"]


@attrs.frozen
class Account:
    """An account the emulator knows. ``own_numbers_only``: ``From`` must be one of its numbers."""

    sid: str
    auth_token: str = attrs.field(repr=False)
    friendly_name: str = "Test account"
    own_numbers_only: bool = False


@attrs.frozen
class ApiKey:
    """An API key (``SK...``) that authenticates as its account."""

    sid: str
    secret: str = attrs.field(repr=False)
    account_sid: str


@attrs.frozen
class PhoneNumber:
    """A number an account owns, and where its incoming messages go.

    ``api_version`` picks the webhook's parameter set and the TwiML verb read from the reply
    (``"2008-08-01"``: ``<Sms>``; ``"2010-04-01"``: ``<Message>``).
    """

    number: str
    account_sid: str
    sms_url: str | None = None
    sms_method: str = "POST"
    api_version: str = "2010-04-01"


@attrs.frozen
class Record:
    """A stored message and its lifecycle state.

    ``pending`` are the statuses still to come; ``due_at`` is when the next one happens (``None``:
    only when a test steps it). ``outcome_code`` is the error code given on reaching ``failed`` or
    ``undelivered``. ``dialect`` is the backend that created the message.
    """

    message: Message
    seq: int
    dialect: str
    status_callback: str | None = None
    pending: tuple[str, ...] = ()
    due_at: dt.datetime | None = None
    outcome_code: int | None = None

    @property
    def sid(self) -> str:
        return self.message.sid

    @property
    def account_sid(self) -> str:
        return self.message.account_sid


# -- serialization -------------------------------------------------------------------------------


def _encode_value(value: object) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, str):
        return str(value)  # plain str, also for Status / Direction members
    return value


def message_to_dict(message: Message) -> dict[str, Any]:
    """A JSON-ready dict of every field of ``message`` (dates ISO 8601, price as a string)."""
    return {f.name: _encode_value(getattr(message, f.name)) for f in attrs.fields(Message)}


def message_from_dict(data: dict[str, Any]) -> Message:
    values = dict(data)
    for name in ("date_created", "date_updated", "date_sent"):
        if values.get(name) is not None:
            values[name] = dt.datetime.fromisoformat(values[name])
    values["media_urls"] = tuple(values.get("media_urls") or ())
    return Message(**values)


def _record_to_json(record: Record) -> str:
    return json.dumps(
        {
            "message": message_to_dict(record.message),
            "seq": record.seq,
            "dialect": record.dialect,
            "status_callback": record.status_callback,
            "pending": list(record.pending),
            "due_at": record.due_at.isoformat() if record.due_at else None,
            "outcome_code": record.outcome_code,
        },
        separators=(",", ":"),
    )


def _record_from_json(text: str) -> Record:
    data = json.loads(text)
    return Record(
        message=message_from_dict(data["message"]),
        seq=data["seq"],
        dialect=data["dialect"],
        status_callback=data["status_callback"],
        pending=tuple(data["pending"]),
        due_at=dt.datetime.fromisoformat(data["due_at"]) if data["due_at"] else None,
        outcome_code=data["outcome_code"],
    )




class Store:
    """Accounts, keys, numbers and message records; in memory, or also in a SQLite file (``db``)."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.lock = threading.RLock()
        self.path = Path(db) if db is not None else None
        self._accounts: dict[str, Account] = {}
        self._keys: dict[str, ApiKey] = {}
        self._numbers: dict[str, PhoneNumber] = {}
        self._records: dict[str, Record] = {}
        self._due: dict[str, dt.datetime] = {}
        self._counter = 0
        self._conn: sqlite3.Connection | None = None
        self._watchers = Watchers(self.lock)
        if self.path is not None:
            self._open(self.path)

    # -- persistence ------------------------------------------------------------------------------

    def _open(self, path: Path) -> None:
        conn = open_database(path)
        try:
            self._load(conn)
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            conn.close()
            self._clear_memory()
            raise refusal(path, exc) from None
        self._conn = conn

    def _load(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM meta WHERE key='counter'").fetchone()
        self._counter = int(row[0]) if row else 0
        for (data,) in conn.execute("SELECT data FROM accounts"):
            account = Account(**json.loads(data))
            self._accounts[account.sid] = account
        for (data,) in conn.execute("SELECT data FROM api_keys"):
            key = ApiKey(**json.loads(data))
            self._keys[key.sid] = key
        for (data,) in conn.execute("SELECT data FROM numbers"):
            number = PhoneNumber(**json.loads(data))
            self._numbers[number.number] = number
        for (data,) in conn.execute("SELECT data FROM messages ORDER BY seq"):
            self._remember(_record_from_json(data))

    def _remember(self, record: Record) -> None:
        self._records[record.sid] = record
        if record.due_at is None:
            self._due.pop(record.sid, None)
        else:
            self._due[record.sid] = record.due_at

    def _write(self, statements: Callable[[], list[tuple[str, tuple[Any, ...]]]]) -> None:
        """Run the statements ``statements()`` gives in one transaction (not called in memory)."""
        conn = self._conn
        if conn is None:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, args in statements():
                conn.execute(sql, args)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        with self.lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

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
            if record.sid in self._records:
                raise KeyError(f"message {record.sid} already exists")
            counter = max(self._counter, record.seq)
            self._write(lambda: [
                (
                    "INSERT INTO messages VALUES (?, ?, ?, ?)",
                    (record.sid, record.account_sid, record.seq, _record_to_json(record)),
                ),
                ("INSERT OR REPLACE INTO meta (key, value) VALUES ('counter', ?)", (str(counter),)),
            ])
            self._remember(record)
            self._counter = counter
            self._tell(CREATED, record)

    def replace(self, record: Record) -> None:
        """Overwrite the stored record with the same SID (it must exist)."""
        with self.lock:
            if record.sid not in self._records:
                raise KeyError(f"message {record.sid} does not exist")
            self._write(lambda: [(
                "UPDATE messages SET data = ? WHERE sid = ?",
                (_record_to_json(record), record.sid),
            )])
            self._remember(record)
            self._tell(UPDATED, record)

    def get(self, sid: str, account_sid: str | None = None) -> Record | None:
        """The record for ``sid``; with ``account_sid``, only if it belongs to that account."""
        record = self._records.get(sid)
        if record is None or (account_sid is not None and record.account_sid != account_sid):
            return None
        return record

    def delete(self, sid: str) -> Record | None:
        with self.lock:
            record = self._records.get(sid)
            if record is None:
                return None
            self._write(lambda: [("DELETE FROM messages WHERE sid = ?", (sid,))])
            del self._records[sid]
            self._due.pop(sid, None)
            self._tell(DELETED, record)
            return record

    def records(self, account_sid: str | None = None) -> list[Record]:
        """Records in creation order, all accounts or one."""
        with self.lock:
            return [r for r in self._records.values() if account_sid in (None, r.account_sid)]

    def due(self, now: dt.datetime) -> list[Record]:
        """Records whose next lifecycle step is due at or before ``now``, earliest first."""
        with self.lock:
            found = [self._records[sid] for sid, when in self._due.items() if when <= now]
        found.sort(key=lambda r: (r.due_at or now, r.seq))
        return found

    def has_due(self) -> bool:
        """Whether any record has a lifecycle step waiting for a time."""
        return bool(self._due)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records())

    def __len__(self) -> int:
        return len(self._records)

    def clear(self) -> None:
        """Forget everything, in memory and in the database."""
        with self.lock:
            self._write(lambda: [
                ("DELETE FROM messages", ()),
                ("DELETE FROM accounts", ()),
                ("DELETE FROM api_keys", ()),
                ("DELETE FROM numbers", ()),
                ("DELETE FROM meta", ()),
            ])
            self._clear_memory()
            self._watchers.tell(CLEARED)

    def _clear_memory(self) -> None:
        self._records.clear()
        self._due.clear()
        self._accounts.clear()
        self._keys.clear()
        self._numbers.clear()
        self._counter = 0

    def watch(self, listener: Listener, *, replay: bool = False) -> Callable[[], None]:
        """Tell ``listener`` each change to the messages (:mod:`.events`); with ``replay``, first a
        ``created`` event per stored message. Returns a function that stops it."""
        with self.lock:
            records = list(self._records.values()) if replay else []
            events = (MessageEvent(CREATED, r.message, r.dialect) for r in records)
            return self._watchers.add(listener, events)

    def _tell(self, kind: str, record: Record) -> None:
        self._watchers.tell(kind, record.message, record.dialect)

    def __repr__(self) -> str:
        where = str(self.path) if self.path else "memory"
        return f"<Store {where}: {len(self._accounts)} accounts, {len(self._records)} messages>"
