"""``twilio-compat serve`` input errors: one line on stderr (``twilio-compat: ...``), never a
traceback, and the documented exit status (2 usage, 3 database, 4 address)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from compat.emulator import Emulator
from compat.emulator.dbfile import DatabaseUnusable, refusal
from compat.emulator.server import bind
from compat.errors import ConfigurationError

EXIT_USAGE, EXIT_DATABASE, EXIT_ADDRESS = 2, 3, 4


def serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compat", "serve", "--port", "0", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )


def one_line(done: subprocess.CompletedProcess[str], status: int, *words: str) -> str:
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("twilio-compat: ")
    for word in words:
        assert word in done.stderr
    return done.stderr


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``path`` made unwritable even for root (``chattr +i``), or by mode bits for a user."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


def an_emulator_database(path: Path) -> Path:
    with Emulator(db=path) as emulator, emulator.client() as client:
        client.messages.create(to="+15558675310", from_="+15017122661", body="kept")
    return path


def test_a_text_file_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 100)
    one_line(serve("--db", str(path)), EXIT_DATABASE, str(path), "not a SQLite database")
    assert path.read_text().startswith("these are my notes")  # left as it was


def test_a_damaged_database(tmp_path: Path) -> None:
    path = an_emulator_database(tmp_path / "damaged.db")
    data = bytearray(path.read_bytes())
    data[0:16] = b"definitely not!!"  # the SQLite header
    path.write_bytes(bytes(data))
    one_line(serve("--db", str(path)), EXIT_DATABASE, "not a SQLite database")


def test_another_applications_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, text TEXT)")
    one_line(serve("--db", str(path)), EXIT_DATABASE, str(path))


def test_a_directory(tmp_path: Path) -> None:
    one_line(serve("--db", str(tmp_path)), EXIT_DATABASE, "directory")


def test_a_missing_directory(tmp_path: Path) -> None:
    one_line(serve("--db", str(tmp_path / "no" / "such" / "x.db")), EXIT_DATABASE,
             "cannot be opened")


def test_a_read_only_database(tmp_path: Path) -> None:
    path = an_emulator_database(tmp_path / "ro.db")
    with immutable(path):
        one_line(serve("--db", str(path)), EXIT_DATABASE, "read-only")


def test_a_database_in_a_read_only_directory(tmp_path: Path) -> None:
    folder = tmp_path / "locked-folder"
    folder.mkdir()
    with immutable(folder):
        one_line(serve("--db", str(folder / "new.db")), EXIT_DATABASE, "cannot be opened")


def test_an_unreadable_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = an_emulator_database(tmp_path / "secret.db")
    if os.geteuid() != 0:
        path.chmod(0)
        one_line(serve("--db", str(path)), EXIT_DATABASE, str(path), "cannot be read")
        return
    # root reads every file whatever its mode: refuse the read the way the kernel would
    real_open = Path.open

    def denied(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(DatabaseUnusable, match="cannot be read") as caught:
        Emulator(db=path)
    assert "\n" not in str(caught.value)


def test_a_fifo_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "pipe.db"
    os.mkfifo(path)
    one_line(serve("--db", str(path)), EXIT_DATABASE, "not a regular file")


def test_a_database_another_emulator_is_using(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with Emulator(db=path):
        one_line(serve("--db", str(path)), EXIT_DATABASE, "locked")
    with Emulator(db=path) as again:  # free once the first one closed
        assert again.messages == []


@pytest.mark.parametrize("port", ["abc", "70000", "-1", "80.5", ""])
def test_a_bad_port(port: str) -> None:
    done = subprocess.run([sys.executable, "-m", "compat", "serve", "--port", port],
                          capture_output=True, text=True, timeout=60, check=False)
    one_line(done, EXIT_USAGE, "port")


def test_a_bad_log_level() -> None:
    one_line(serve("--log-level", "loud"), EXIT_USAGE, "--log-level")


@pytest.mark.parametrize("seconds", ["0", "-3", "soon", "nan", "inf", "3601"])
def test_a_bad_read_timeout(seconds: str) -> None:
    one_line(serve("--read-timeout", seconds), EXIT_USAGE, "--read-timeout")


def test_a_port_in_use() -> None:
    sock = bind()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "compat", "serve", "--port", str(sock.getsockname()[1])],
            capture_output=True, text=True, timeout=60, check=False,
        )
    finally:
        sock.close()
    one_line(done, EXIT_ADDRESS, "cannot listen")


@pytest.mark.parametrize("host", ["256.1.1.1", "not a host"])
def test_an_address_that_cannot_be_bound(host: str) -> None:
    one_line(serve("--host", host), EXIT_ADDRESS, "cannot listen")


def test_the_store_raises_a_configuration_error_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "text.db"
    path.write_text("plain text")
    with pytest.raises(ConfigurationError, match="not a SQLite database") as caught:
        Emulator(db=path)
    assert isinstance(caught.value, DatabaseUnusable)
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (sqlite3.DatabaseError("file is not a database"), "not a SQLite database"),
        (sqlite3.DatabaseError("database disk image is malformed"), "damaged"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
        (sqlite3.OperationalError("database is locked"), "locked"),
        (sqlite3.OperationalError("unable to open database file"), "cannot be opened"),
        (sqlite3.OperationalError("disk I/O error"), "disk I/O"),
        (ValueError("Expecting value"), "not an emulator's state"),
    ],
)
def test_each_sqlite_refusal_reads_as_a_reason(error: Exception, words: str) -> None:
    refused = refusal(Path("state.db"), error)
    assert isinstance(refused, ConfigurationError)
    assert words in str(refused)
    assert "\n" not in str(refused)
