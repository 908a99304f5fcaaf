"""Serving a cassette over loopback: the official ``twilio`` library replays through
``twilio-compat serve --cassette``; unknown requests are refused in the dialect's error format with
the closest-match diagnostics; a served cassette in a recording mode records through upstream."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client as TwilioClient

from compat import Client
from compat.backends import get
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator, serve_in_thread
from compat.testing.cassette_server import serve_cassette
from compat.testing.replay import CassetteSession, RecordingTransport
from compat.wire import WireResponse

JENNY = "+14158675309"
ME = "+15005550006"
OLD = Path(__file__).parent / "data" / "cassettes" / "v1-both-generations.json"


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    """A cassette recorded by the compat client against a served emulator."""
    path = tmp_path / "cassette.json"
    emulator = Emulator()
    with serve_in_thread(emulator) as served, Client(
        TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, base_url=served.url,
        transport=RecordingTransport(httpx.HTTPTransport(), path),
    ) as client:
        sent = client.messages.create(to=JENNY, from_=ME, body="Hi from the cassette")
        client.messages.fetch(sent.sid)
    emulator.close()
    return path


@pytest.fixture
def served_by_cli(recorded: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "compat", "serve", "--cassette", str(recorded), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.split()[-1]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), first
        assert "exchanges=2 record-mode=none" in process.stdout.readline()
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/ready")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert "Traceback" not in err


def test_the_official_library_replays_through_serve_cassette(served_by_cli: str) -> None:
    client = TwilioClient(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
    client.api.base_url = served_by_cli
    sent = client.messages.create(to=JENNY, from_=ME, body="Hi from the cassette")
    assert sent.to == JENNY
    assert sent.account_sid == TEST_ACCOUNT_SID
    assert client.messages(sent.sid).fetch().status == "delivered"
    with pytest.raises(TwilioRestException) as refused:
        client.messages.create(to=JENNY, from_=ME, body="Something else")
    assert refused.value.status == 404
    assert "Closest recorded request (exchange 1 of 2)" in refused.value.msg
    assert "body Body: recorded 'Hi from the cassette', sent 'Something else'" in refused.value.msg


def test_refusals_are_in_the_dialect_error_format(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    shutil.copy(OLD, path)
    with serve_cassette(CassetteSession(path)) as served:
        auth = (TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
        old = httpx.post(f"{served.url}/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages",
                         data={"To": "4158675309", "From": "5005550006", "Body": "new"}, auth=auth)
        new = httpx.get(f"{served.url}/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages/SM1.json",
                        auth=auth)
        assert len(served.misses) == 2
    assert old.status_code == new.status_code == 404
    assert old.headers["content-type"].startswith("application/xml")
    error = get("2008-08-01").parse_error(httpx_to_wire(old))
    assert "body Body: recorded 'Hello from 2008', sent 'new'" in error.message
    assert new.json()["status"] == 404
    assert "Closest recorded request" in new.json()["message"]
    assert TEST_ACCOUNT_SID not in new.json()["message"]  # the diagnostics show pseudonyms


def httpx_to_wire(response: httpx.Response) -> WireResponse:
    return WireResponse(response.status_code, response.headers.multi_items(), response.content)


def test_a_served_cassette_records_through_upstream(tmp_path: Path) -> None:
    path = tmp_path / "proxy.json"
    emulator = Emulator()
    with serve_in_thread(emulator) as upstream:
        session = CassetteSession(path, mode="once")
        with serve_cassette(session, upstream=upstream.url) as served:
            client = TwilioClient(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
            client.api.base_url = served.url
            sent = client.messages.create(to=JENNY, from_=ME, body="through")
    emulator.close()
    assert emulator.messages[0].sid == sent.sid
    text = path.read_text(encoding="utf-8")
    assert TEST_AUTH_TOKEN not in text
    assert TEST_ACCOUNT_SID not in text
    assert JENNY not in text
    with serve_cassette(CassetteSession(path)) as served:
        client = TwilioClient(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
        client.api.base_url = served.url
        assert client.messages.create(to=JENNY, from_=ME, body="through").sid == sent.sid
        assert repr(served).startswith("<ServedCassette http://127.0.0.1:")


def test_serve_cassette_refuses_a_missing_cassette(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "compat", "serve", "--cassette", str(tmp_path / "nope.json"),
         "--port", "0"], capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"twilio-compat: no cassette at {tmp_path / 'nope.json'}"
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "compat", "serve", "--cassette", str(bad), "--port", "0"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 1
    assert "is not a twilio-compat cassette" in done.stderr


def test_serve_cassette_can_record_through_an_upstream(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    emulator = Emulator()
    with serve_in_thread(emulator) as upstream:
        process = subprocess.Popen(
            [sys.executable, "-m", "compat", "serve", "--cassette", str(path), "--port", "0",
             "--record-mode", "once", "--upstream", upstream.url],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert process.stdout is not None
            url = process.stdout.readline().split()[-1]
            assert "exchanges=0 record-mode=once" in process.stdout.readline()
            deadline = time.monotonic() + 30
            while True:
                try:
                    answer = httpx.post(
                        f"{url}/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json",
                        data={"To": JENNY, "From": ME, "Body": "recorded by the CLI"},
                        auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN),
                    )
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        finally:
            process.terminate()
            process.communicate(timeout=30)
    emulator.close()
    assert answer.status_code == 201
    assert answer.json()["to"] == JENNY
    assert [m.body for m in emulator.messages] == ["recorded by the CLI"]
    text = path.read_text(encoding="utf-8")
    assert "recorded by the CLI" in text
    assert TEST_AUTH_TOKEN not in text
