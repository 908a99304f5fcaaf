"""Record and replay transports against a served emulator standing in for Twilio (real loopback
HTTP), in every record mode, sync and async; cassettes from older versions still replay."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from jsonschema import Draft202012Validator

from compat import Client
from compat._resources import data_root
from compat.client import AsyncClient
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator, serve_in_thread
from compat.errors import CassetteError, NoMatchingExchange
from compat.model import Status
from compat.testing.cassette import Cassette
from compat.testing.replay import (
    AsyncCassetteTransport,
    AsyncRecordingTransport,
    AsyncReplayTransport,
    CassetteSession,
    CassetteTransport,
    RecordingTransport,
    ReplayTransport,
)

JENNY = "+14158675309"
ME = "+15005550006"
OLD = Path(__file__).parent / "data" / "cassettes" / "v1-both-generations.json"
NOWHERE = "http://127.0.0.1:9"  # nothing listens: a replay that tried the network would fail


@pytest.fixture
def upstream() -> Iterator[str]:
    """A served emulator in manual mode, standing in for Twilio."""
    emulator = Emulator(mode="manual")
    with serve_in_thread(emulator) as served:
        yield served.url
    emulator.close()


def client(base_url: str, transport: httpx.BaseTransport, backend: str = "2010-04-01") -> Client:
    return Client(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, backend=backend, base_url=base_url,
                  transport=transport)


def schema_errors(path: Path) -> list[str]:
    schema = json.loads(data_root("schemas").joinpath("cassette").joinpath("v1.schema.json")
                        .read_text(encoding="utf-8"))
    document = json.loads(path.read_text(encoding="utf-8"))
    return [e.message for e in Draft202012Validator(schema).iter_errors(document)]


def session_of_three(base_url: str, transport: httpx.BaseTransport) -> list[object]:
    with client(base_url, transport) as c:
        sent = c.messages.create(to=JENNY, from_=ME, body="Hello")
        first = c.messages.fetch(sent.sid)
        listed = list(c.messages.list(to=JENNY, limit=5))
        return [sent, first, listed]


def test_record_then_replay_with_the_server_gone(upstream: str, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    live = session_of_three(upstream, RecordingTransport(httpx.HTTPTransport(), path))
    assert not schema_errors(path)
    text = path.read_text(encoding="utf-8")
    for secret in (TEST_AUTH_TOKEN, TEST_ACCOUNT_SID, JENNY[2:], "Authorization"):
        assert secret not in text
    replayed = session_of_three(NOWHERE, ReplayTransport(path))
    assert replayed == live  # the real number and account come back in the replay
    assert replayed[0].to == JENNY  # type: ignore[attr-defined]
    data = json.loads(text)
    assert data["format"] == "twilio-compat-cassette"
    assert data["version"] == 1
    kinds = [next(iter(item["result"])) for item in data["exchanges"]]
    assert kinds == ["message", "message", "page"]
    assert {item["dialect"] for item in data["exchanges"]} == {"2010-04-01"}


def test_repeated_requests_are_answered_in_recorded_order(tmp_path: Path) -> None:
    emulator = Emulator(mode="manual")
    path = tmp_path / "c.json"
    with serve_in_thread(emulator) as served, client(served.url, RecordingTransport(
            httpx.HTTPTransport(), path)) as c:
        sid = c.messages.create(to=JENNY, from_=ME, body="Hi").sid
        statuses = [c.messages.fetch(sid).status]
        emulator.advance(sid)
        statuses.append(c.messages.fetch(sid).status)
    emulator.close()
    with client(NOWHERE, ReplayTransport(path)) as c:
        c.messages.create(to=JENNY, from_=ME, body="Hi")
        assert [c.messages.fetch(sid).status, c.messages.fetch(sid).status] == statuses
        assert statuses[0] != statuses[1]
        with pytest.raises(NoMatchingExchange) as caught:
            c.messages.fetch(sid)
    assert "already played" in str(caught.value)


def test_a_changed_request_names_the_closest_recording_and_what_differed(
    upstream: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    session_of_three(upstream, RecordingTransport(httpx.HTTPTransport(), path))
    with client(NOWHERE, ReplayTransport(path)) as c, pytest.raises(NoMatchingExchange) as caught:
        c.messages.create(to=JENNY, from_=ME, body="Hello, changed")
    error = caught.value
    assert error.closest is not None
    assert error.closest.startswith("POST /2010-04-01/Accounts/AC")
    assert error.differences == ("body Body: recorded 'Hello', sent 'Hello, changed'",)
    assert "exchange 1 of 3" in str(error)
    assert TEST_AUTH_TOKEN not in str(error)
    assert TEST_ACCOUNT_SID not in str(error)


def test_matchers_are_configurable_on_the_transport(upstream: str, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    session_of_three(upstream, RecordingTransport(httpx.HTTPTransport(), path))
    loose = ReplayTransport(path, matchers=["method", "path"])
    with client(NOWHERE, loose) as c:
        assert c.messages.create(to=JENNY, from_=ME, body="anything").body == "Hello"


def test_mode_once_records_a_new_cassette_then_only_replays(upstream: str, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    session_of_three(upstream, CassetteTransport(path, mode="once"))
    recorded = path.read_text(encoding="utf-8")
    session_of_three(NOWHERE, CassetteTransport(path, mode="once"))
    with client(upstream, CassetteTransport(path, mode="once")) as c, pytest.raises(
            NoMatchingExchange, match="record mode 'once'"):
        c.messages.create(to=JENNY, from_=ME, body="new")
    assert path.read_text(encoding="utf-8") == recorded


def test_mode_new_episodes_replays_what_matches_and_records_the_rest(
    upstream: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    session_of_three(upstream, RecordingTransport(httpx.HTTPTransport(), path))
    with client(upstream, CassetteTransport(path, mode="new_episodes")) as c:
        c.messages.create(to=JENNY, from_=ME, body="Hello")  # replayed
        c.messages.create(to=JENNY, from_=ME, body="Second")  # sent and recorded
    bodies = [item["request"]["body"] for item in json.loads(path.read_text())["exchanges"]]
    assert len(bodies) == 4
    assert "Body=Second" in bodies[-1]
    session_of_three(NOWHERE, ReplayTransport(path))


def test_mode_all_rerecords_and_keeps_the_pseudonym_key(upstream: str, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    session_of_three(upstream, RecordingTransport(httpx.HTTPTransport(), path))
    key = json.loads(path.read_text())["pseudonyms"]["key"]
    with client(upstream, CassetteTransport(path, mode="all")) as c:
        c.messages.create(to=JENNY, from_=ME, body="Only this")
    data = json.loads(path.read_text())
    assert data["pseudonyms"]["key"] == key
    assert len(data["exchanges"]) == 1


def test_mode_none_with_no_cassette_says_so(tmp_path: Path) -> None:
    with client(NOWHERE, ReplayTransport(tmp_path / "missing.json")) as c, pytest.raises(
            NoMatchingExchange, match="cassette is empty"):
        c.messages.create(to=JENNY, from_=ME, body="hi")


def test_async_record_and_replay(upstream: str, tmp_path: Path) -> None:
    path = tmp_path / "c.json"

    async def run(base_url: str, transport: httpx.AsyncBaseTransport) -> tuple[str, Status]:
        async with AsyncClient(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, base_url=base_url,
                               transport=transport) as c:
            sent = await c.messages.create(to=JENNY, from_=ME, body="async")
            return sent.to, (await c.messages.fetch(sent.sid)).status

    live = anyio.run(run, upstream, AsyncRecordingTransport(httpx.AsyncHTTPTransport(), path))
    assert anyio.run(run, NOWHERE, AsyncReplayTransport(path)) == live
    assert anyio.run(run, NOWHERE, AsyncCassetteTransport(path, mode="once")) == live
    assert TEST_AUTH_TOKEN not in path.read_text()


def test_a_committed_version_1_cassette_still_replays(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    shutil.copy(OLD, path)
    assert not schema_errors(path)
    for sid in (TEST_ACCOUNT_SID, Cassette.load(path).account_sid()):
        with Client(sid, "any token", base_url=NOWHERE, transport=ReplayTransport(path)) as c:
            sent = c.messages.create(to=JENNY, from_=ME, body="Hello from 2010")
            assert c.messages.fetch(sent.sid).status == Status.DELIVERED
            assert [m.sid for m in c.messages.list(to=JENNY, limit=5)] == [sent.sid]
        with Client(sid, "any token", backend="2008-08-01", base_url=NOWHERE,
                    transport=ReplayTransport(path)) as c:
            sent = c.messages.create(to="(415) 867-5309", from_=ME, body="Hello from 2008")
            assert c.messages.fetch(sent.sid).body == "Hello from 2008"
    assert path.read_bytes() == OLD.read_bytes()  # replaying never writes


@pytest.mark.parametrize(("content", "error"), [
    ('{"format": "twilio-compat-cassette", "version": 99, "exchanges": []}', "version 99"),
    ('{"format": "something else"}', "is not a twilio-compat cassette"),
    ("not json", "cannot be read"),
    ('{"format": "twilio-compat-cassette", "version": 1, "exchanges": [{}]}', "is malformed"),
])
def test_unreadable_cassettes_are_refused_naming_the_file(
    tmp_path: Path, content: str, error: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CassetteError, match=error) as caught:
        CassetteSession(path)
    assert str(path) in str(caught.value)


def test_a_cassette_without_a_path_cannot_be_saved() -> None:
    with pytest.raises(CassetteError, match="no path"):
        Cassette().save()
    assert "exchanges" in repr(Cassette())
