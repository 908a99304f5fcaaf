"""SQLite as the store: opening databases older code wrote, reopening, indexed reads, ``kill -9``.

A served emulator with ``--db`` is killed with SIGKILL after creates it acknowledged; every one of
them must be in the file, which must pass ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import given

from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator, ManualClock
from compat.emulator.database import SCHEMA_VERSION, Database
from compat.emulator.dbfile import DatabaseUnusable
from compat.emulator.listing import window
from compat.emulator.records import (
    Record,
    message_from_dict,
    message_to_dict,
    record_from_json,
    record_to_json,
    stored_message,
)
from compat.emulator.store import Store
from compat.model import ListQuery, Message
from tests import strategies as ms

FIXTURE = Path(__file__).parent / "data" / "emulator-v1.db"
PATH = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"


def _copy_fixture(tmp_path: Path) -> Path:
    target = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, target)
    return target


def test_a_database_the_previous_schema_wrote_opens_with_everything_in_it(tmp_path: Path) -> None:
    # written by the emulator before the database became the store (schema 1: a JSON column)
    path = _copy_fixture(tmp_path)
    with Emulator(db=path, mode="timed", clock=ManualClock()) as emulator:
        messages = emulator.messages
        assert [str(m.status) for m in messages] == [
            "sending", "delivered", "queued", "queued", "queued"
        ]
        assert messages[-1].num_segments == 2
        assert len(emulator.store) == 5
        assert len(emulator.store.accounts()) == 2
        assert emulator.store.number("+14155550100") is not None
        assert emulator.store.next_seq() == 7  # the deleted fifth message's SID is never reused
        with emulator.client() as client:
            listed = list(client.messages.list(page_size=2))
            assert [m.sid for m in listed] == [m.sid for m in reversed(messages[2:])] + [
                messages[1].sid, messages[0].sid
            ]
            sent = client.messages.list(to="+15558675311")
            assert [m.sid for m in sent] == [messages[1].sid]
            created = client.messages.create(to="+15558675310", from_="+15017122661", body="new")
            assert created.sid not in {m.sid for m in messages}
        emulator.clock.advance(10)  # the timed steps stored in the old file are taken
        assert {str(m.status) for m in emulator.messages} <= {"delivered", "sent"}
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@given(ms.messages())
def test_a_stored_message_reads_back_equal_to_the_validated_construction(message: Message) -> None:
    data = message_to_dict(message)
    fast = stored_message(data)
    validated = message_from_dict(data)
    assert fast == validated == message
    assert repr(fast) == repr(validated)  # (ISO 8601 keeps no ``fold``: both lose it alike)
    for name in ("status", "direction", "price", "date_sent", "media_urls"):
        assert type(getattr(fast, name)) is type(getattr(validated, name))
    record = Record(message=message, seq=3, dialect="2010-04-01", pending=("sent",))
    assert record_from_json(record_to_json(record)) == record


def test_a_stored_message_of_another_shape_is_validated() -> None:
    data = message_to_dict(Message(sid="SM" + "0" * 32, account_sid="AC" + "0" * 32))
    del data["uri"]  # say, written by a model without that field
    assert stored_message(data) == Message(sid="SM" + "0" * 32, account_sid="AC" + "0" * 32)
    data["sid"] = "not a sid"
    with pytest.raises(Exception, match="sid"):
        stored_message(data)


def test_reopening_keeps_messages_order_and_the_counter(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Emulator(db=path, mode="manual") as first, first.client() as client:
        sids = [
            client.messages.create(to=f"+1555867531{n % 3}", from_="+15017122661",
                                   body=f"m{n}").sid
            for n in range(7)
        ]
        first.finish(sids[2])
        page = client.messages.list(to="+15558675311", page_size=2)
    with Emulator(db=path, mode="manual") as second, second.client() as client:
        assert [m.sid for m in second.messages] == sids
        assert [m.sid for m in client.messages.list(to="+15558675311", page_size=2)] == [
            m.sid for m in page
        ]
        assert second.message(sids[2]).status == "delivered"
        under_way = {r.sid for r in second.store.under_way()}
        assert under_way
        assert sids[2] not in under_way
        again = client.messages.create(to="+15558675310", from_="+15017122661", body="again")
        assert again.sid not in sids


@pytest.mark.parametrize(
    "query",
    [
        ListQuery(),
        ListQuery(to="+15558675310"),
        ListQuery(from_="+15017122661"),
        ListQuery(date_sent=dt.date(2024, 1, 1)),
        ListQuery(date_sent_before=dt.date(2024, 1, 1), to="+15558675310"),
    ],
)
def test_pages_and_counts_read_an_index_never_the_whole_table(
    tmp_path: Path, query: ListQuery
) -> None:
    database = Database(tmp_path / "plan.db")
    span = window(TEST_ACCOUNT_SID, query)
    for sql, args in _statements(database, span):
        plan = " / ".join(r[3] for r in database.conn.execute("EXPLAIN QUERY PLAN " + sql, args))
        assert "USING" in plan, plan
        assert "INDEX" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # never a sort
    database.close()


def _statements(database: Database, span: object) -> list[tuple[str, list[object]]]:
    captured: list[tuple[str, list[object]]] = []
    conn = database.conn

    class Spy:
        def execute(self, sql: str, args: object = ()) -> sqlite3.Cursor:
            captured.append((sql, list(args)))  # type: ignore[call-overload]
            return conn.execute(sql, args)  # type: ignore[arg-type]

    database.conn = Spy()  # type: ignore[assignment]
    key = (0, 1, "SM")
    database.down(span, None, 0, 50)  # type: ignore[arg-type]
    database.down(span, key, 0, 50)  # type: ignore[arg-type]
    database.up(span, key, 50)  # type: ignore[arg-type]
    database.count(span, key)  # type: ignore[arg-type]
    database.conn = conn
    return captured


def test_a_store_with_a_database_holds_no_messages_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Emulator(db=path) as emulator, emulator.client() as client:
        client.messages.create(to="+15558675310", from_="+15017122661", body="x")
    store = Store(path)
    assert len(store) == 1
    assert len(store._memory) == 0  # the file is the store
    store.close()


def test_acknowledged_creates_survive_kill_9_of_a_served_emulator(tmp_path: Path) -> None:
    path = tmp_path / "served.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "compat", "serve", "--port", "0", "--db", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    acknowledged: list[str] = []
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        with httpx.Client(base_url=url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    http.get("/__admin/health")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline
                    time.sleep(0.02)
            for n in range(60):
                answer = http.post(PATH, data={"To": "+15558675310", "From": "+15017122661",
                                               "Body": f"kept {n}"})
                assert answer.status_code == 201
                acknowledged.append(answer.json()["sid"])
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    store = Store(path)
    try:
        assert {r.sid for r in store.records()} == set(acknowledged)
        assert [r.message.body for r in store.records()] == [f"kept {n}" for n in range(60)]
    finally:
        store.close()


def test_a_schema_1_database_whose_records_cannot_be_read_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    path = _copy_fixture(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE messages SET data = 'not json' WHERE seq = 1")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseUnusable, match="not an emulator's state") as caught:
        Emulator(db=path)
    assert "\n" not in str(caught.value)
    conn = sqlite3.connect(path)  # the failed migration left the file as it was
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    conn.close()
