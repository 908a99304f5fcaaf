"""Opening the emulator's SQLite file: its settings, its schema, and refusals a person can act on.

Rules this module keeps:

* A file the emulator cannot use is refused with :class:`DatabaseUnusable` (a
  :class:`~compat.errors.ConfigurationError`), one line naming the path and the reason: not a
  SQLite database or damaged, not a regular file (a directory, a FIFO), cannot be read or opened
  (no such directory, no permission), read-only (the file or its directory), or locked by another
  process. No :mod:`sqlite3` exception escapes.
* The file is checked when it is opened, not at the first request: the schema is created and a
  row is written in one transaction, so a read-only or locked file fails at start-up.
* One emulator per file: the connection holds the file exclusively (``locking_mode=EXCLUSIVE``,
  set before WAL so no shared memory is used), so a second emulator on the same file is refused as
  locked instead of sharing its SID counter. The lock goes with the process, even after
  ``kill -9``.
* Durability: WAL with ``synchronous=FULL``; every change is committed before it is answered.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from compat.errors import ConfigurationError

__all__ = ["LOCK_WAIT", "SCHEMA", "DatabaseUnusable", "open_database", "refusal"]

#: Seconds to wait for another process's lock before refusing the file as locked.
LOCK_WAIT = 2.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (sid TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (sid TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS numbers (number TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    sid TEXT PRIMARY KEY, account_sid TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL
);
"""

#: What an SQLite error message means for the person who named the file, by a word it contains.
_REASONS = (
    ("not a database", "it is not a SQLite database (or it is damaged)"),
    ("malformed", "it is damaged (database disk image is malformed)"),
    ("readonly", "it is read-only (the file or its directory cannot be written)"),
    ("read-only", "it is read-only (the file or its directory cannot be written)"),
    ("locked", "it is locked by another process (is another emulator using it?)"),
    ("unable to open", "it cannot be opened (no such directory, or no permission)"),
    ("disk i/o", "it cannot be read or written (disk I/O error)"),
)


class DatabaseUnusable(ConfigurationError):
    """The database file cannot be used; the message names the path and the reason."""


def refusal(path: Path, exc: BaseException) -> DatabaseUnusable:
    """The one-line refusal for ``exc``, raised while opening or loading ``path``."""
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    reason = next((why for word, why in _REASONS if word in lowered), None)
    if reason is None:
        reason = f"its contents are not an emulator's state ({type(exc).__name__}: {text})"
        if isinstance(exc, sqlite3.Error):
            reason = f"SQLite refused it ({text})"
    return DatabaseUnusable(f"cannot use the database {path}: {reason}")


def open_database(path: Path) -> sqlite3.Connection:
    """A connection to ``path`` with the emulator's settings and schema, checked writable."""
    if path.is_dir():
        raise DatabaseUnusable(f"cannot use the database {path}: it is a directory")
    _check_file(path)
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=LOCK_WAIT
        )
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("BEGIN IMMEDIATE")
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', '1')")
        conn.execute("COMMIT")
    except (sqlite3.Error, OSError) as exc:
        if conn is not None:
            conn.close()
        raise refusal(path, exc) from None
    return conn


def _check_file(path: Path) -> None:
    """Refuse an existing file this process cannot read, or cannot write, before SQLite tries."""
    if not path.exists():
        return
    if not path.is_file():  # a FIFO or a device would block or mislead SQLite
        raise DatabaseUnusable(f"cannot use the database {path}: it is not a regular file")
    for mode, reason in (("rb", "it cannot be read"), ("r+b", "it is read-only")):
        try:
            with path.open(mode):
                pass
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
            raise DatabaseUnusable(f"cannot use the database {path}: {reason} ({why})") from None
