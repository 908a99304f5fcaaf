"""``kill -9`` a served emulator with ``--db`` while clients are creating messages: every create
that was acknowledged (a 201 reached the client) is in the database afterwards, the database
passes SQLite's integrity check, and a restarted emulator carries on without reusing a SID.
Quick by default; ``RELIABILITY=thorough`` runs more kill cycles with more traffic."""

from __future__ import annotations

import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx
from emusupport import AUTH, JENNY, LIST, ME, THOROUGH, served_process

from compat.emulator import Emulator

CYCLES = 5 if THOROUGH else 1
CLIENTS = 8
ACKNOWLEDGED_BEFORE_KILL = 1500 if THOROUGH else 150


def _creator(url: str, acknowledged: list[str], lock: threading.Lock,
             stop: threading.Event) -> None:
    with httpx.Client(base_url=url, auth=AUTH, timeout=5) as client:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                answer = client.post(LIST, data={"To": JENNY, "From": ME, "Body": f"k{n}"})
            except httpx.HTTPError:
                return  # the server is gone: this create was never acknowledged
            if answer.status_code == 201:
                with lock:
                    acknowledged.append(answer.json()["sid"])


def _one_cycle(db: Path) -> tuple[list[str], int]:
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    with served_process("--db", str(db), "--clock", "system") as (process, url):
        threads = [threading.Thread(target=_creator, args=(url, acknowledged, lock, stop))
                   for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)  # mid-traffic: requests are in flight
        process.wait(10)
        stop.set()
        for thread in threads:
            thread.join(30)
        return list(acknowledged), process.returncode


def test_kill_9_loses_no_acknowledged_message(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    every: list[str] = []
    for cycle in range(CYCLES):
        acknowledged, returncode = _one_cycle(db)
        assert returncode == -signal.SIGKILL
        assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL, cycle
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            stored = [row[0] for row in conn.execute("SELECT sid FROM messages")]
        conn.close()
        assert set(acknowledged) <= set(stored), "an acknowledged create was lost"
        assert len(set(stored)) == len(stored)
        every.extend(acknowledged)
        print(f"\nkill -9 cycle {cycle + 1}: {len(acknowledged)} acknowledged, "
              f"{len(stored)} stored in all, 0 lost")
    assert len(set(every)) == len(every)  # no SID given twice across restarts
    with Emulator(db=db) as restarted, restarted.client() as client:
        assert set(every) <= {m.sid for m in restarted.messages}
        new = client.messages.create(to=JENNY, from_=ME, body="after the kills").sid
        assert new not in set(every)
