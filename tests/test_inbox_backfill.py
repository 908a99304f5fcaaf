"""The inbox's index reads the messages stored before it only when first used, and then shows
exactly what an index made after them shows: the same conversations, in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from compat.emulator import Emulator
from compat.emulator.inbox.index import Index

ME = "+15017122661"


def _send(emulator: Emulator, to: str, body: str) -> str:
    with emulator.client() as client:
        return client.messages.create(to=to, from_=ME, body=body).sid


def _view(index: Index, account: str) -> list[tuple[tuple[str, str, str], list[str]]]:
    return [(c.key, c.sids) for c in index.page(account, 0, 100)]


@pytest.mark.parametrize("db", [False, True])
def test_the_backfill_merges_behind_what_was_seen(
    db: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = Emulator(mode="manual", db=tmp_path / "s.db" if db else None)
    before = [_send(emulator, f"+1555867000{n % 3}", f"before {n}") for n in range(7)]
    emulator.store.delete(before[3])
    reads: list[int] = []
    records = emulator.store.records
    monkeypatch.setattr(emulator.store, "records", lambda *a: reads.append(1) or records(*a))
    lazy = Index(emulator)
    assert reads == []  # nothing read at start-up
    emulator.advance(before[0])  # a message stored before, changed before first use
    _send(emulator, "+15558670001", "after, old conversation")
    _send(emulator, "+15558670009", "after, new conversation")
    assert lazy.version == 3
    account = emulator.account.sid
    view = _view(lazy, account)
    assert reads == [1]
    fresh = Index(emulator)
    assert view == _view(fresh, account)
    assert [key[2] for key, _ in view] == [
        "+15558670009", "+15558670001", "+15558670000", "+15558670002"
    ]
    entry = lazy.entry(before[0])
    assert entry is not None
    assert [s.status for s in entry.history] == ["queued", "sending"]
    lazy.close()
    fresh.close()
    emulator.close()


def test_a_reset_before_first_use_leaves_nothing_to_backfill() -> None:
    emulator = Emulator()
    _send(emulator, "+15558670001", "gone")
    index = Index(emulator)
    emulator.reset()
    _send(emulator, "+15558670002", "kept")
    assert [key[2] for key, _ in _view(index, emulator.account.sid)] == ["+15558670002"]
    index.close()
    emulator.close()
