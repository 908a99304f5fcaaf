"""``twilio-compat send``: any base URL and dialect, credentials from the environment, a one-line
summary or ``--json``, one-line errors with documented exit codes, never a credential printed.

The API is the emulator served on loopback (``serve_in_thread``); the default is the emulator
embedded in the process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from compat.cli import main
from compat.emulator import Emulator, ServedEmulator, serve_in_thread
from compat.emulator.server import bind
from compat.fixtures import to_plain
from compat.send_command import REFUSED, SENT, UNREACHABLE, USAGE

CREDENTIAL_VARIABLES = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY",
                        "TWILIO_API_SECRET", "TWILIO_BASE_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator[Emulator]]:
    emulator = Emulator(seed=7)
    server = serve_in_thread(emulator)
    try:
        yield server
    finally:
        server.stop()
        emulator.close()


@pytest.fixture
def credentials(served: ServedEmulator[Emulator], monkeypatch: pytest.MonkeyPatch) -> str:
    """The served emulator's test account in the environment; returns its auth token."""
    account = served.emulator.account
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", account.sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", account.auth_token)
    return account.auth_token


def one_line(text: str) -> str:
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert "Traceback" not in text
    return text.strip()


@pytest.mark.parametrize("dialect", ["2008-08-01", "2010-04-01", "2010-04-01-sms"])
def test_send_to_a_base_url_in_each_dialect(
    dialect: str, served: ServedEmulator[Emulator], credentials: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["send", "--base-url", served.url, "--dialect", dialect,
                   "--to", "(555) 867-5309", "--body", f"via {dialect}"])
    out, err = capsys.readouterr()
    assert (status, err) == (SENT, "")
    line = one_line(out)
    sid = line.split()[0]
    stored = served.emulator.message(sid)
    assert stored.body == f"via {dialect}"
    assert stored.api_version == ("2008-08-01" if dialect == "2008-08-01" else "2010-04-01")
    assert line.startswith(f"{sid} queued from +15005550006 to +15558675309 (")
    assert line.endswith(f"{dialect})")


def test_json_prints_the_whole_message(
    served: ServedEmulator[Emulator], credentials: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["send", "--base-url", served.url + "/", "--json", "--body", "whole"]) == SENT
    printed = json.loads(capsys.readouterr().out)
    account = served.emulator.account
    with served.emulator.client() as client:
        fetched = to_plain(client.messages.fetch(printed["sid"]))
    # The served emulator moves the message on after it answers; what the create returned stays.
    lasting = ("sid", "account_sid", "to", "from_", "body", "direction", "date_created",
               "api_version", "num_segments", "num_media", "uri")
    assert {k: printed.get(k) for k in lasting} == {k: fetched.get(k) for k in lasting}
    assert printed["status"] == "queued"
    assert printed["body"] == "whole"
    assert printed["account_sid"] == account.sid
    assert credentials not in json.dumps(printed)


def test_api_key_credentials(
    served: ServedEmulator[Emulator], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = served.emulator.add_api_key()
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", served.emulator.account.sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "a token that would be refused")
    monkeypatch.setenv("TWILIO_API_KEY", key.sid)
    monkeypatch.setenv("TWILIO_API_SECRET", key.secret)
    assert main(["send", "--base-url", served.url]) == SENT
    assert capsys.readouterr().out.startswith("SM")


def test_the_default_is_the_embedded_emulator_whatever_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    sock = bind()  # a port nothing answers on once closed
    port = sock.getsockname()[1]
    sock.close()
    monkeypatch.setenv("TWILIO_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "real-token")
    assert main([]) == SENT
    assert main(["--json", "--seed", "2"]) == SENT
    out, err = capsys.readouterr()
    first, rest = out.split("\n", 1)
    assert json.loads(rest)["account_sid"] == Emulator().account.sid
    assert first.endswith("(1 segment, 2010-04-01)")
    assert err == ""


def test_missing_credentials_are_a_usage_error(
    served: ServedEmulator[Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["send", "--base-url", served.url]) == USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert "TWILIO_ACCOUNT_SID" in one_line(err)


def test_half_an_api_key_is_a_usage_error(
    served: ServedEmulator[Emulator], credentials: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TWILIO_API_KEY", "SK" + "2" * 32)
    assert main(["send", "--base-url", served.url]) == USAGE
    assert "TWILIO_API_SECRET" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize("options", [
    ["--base-url", "ftp://example.com"],
    ["--base-url", "http://AC1:hunter2@127.0.0.1:9"],
    ["--dialect", "1999-01-01"],
    ["--seed", "3"],
])
def test_bad_options_are_usage_errors(
    options: list[str], served: ServedEmulator[Emulator], credentials: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if "--base-url" not in options:
        options = ["--base-url", served.url, *options]
    assert main(["send", *options]) == USAGE
    err = one_line(capsys.readouterr().err)
    assert "hunter2" not in err
    assert credentials not in err


def test_a_wrong_token_is_refused_without_printing_it(
    served: ServedEmulator[Emulator], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", served.emulator.account.sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "wrong-token-value")
    assert main(["send", "--base-url", served.url]) == REFUSED
    out, err = capsys.readouterr()
    assert out == ""
    line = one_line(err)
    assert "HTTP 401" in line
    assert f"the API at {served.url} refused the message" in line
    assert "wrong-token-value" not in line


def test_a_refused_number_exits_1_with_the_api_code(
    served: ServedEmulator[Emulator], credentials: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["send", "--base-url", served.url, "--to", "+15005550002"]) == REFUSED
    assert "21612" in one_line(capsys.readouterr().err)


def test_a_body_too_long_is_refused_before_sending(
    served: ServedEmulator[Emulator], credentials: str, capsys: pytest.CaptureFixture[str],
) -> None:
    before = len(served.emulator.messages)
    status = main(["send", "--base-url", served.url, "--dialect", "2008-08-01",
                   "--body", "x" * 161])
    assert status == REFUSED
    assert "refused before sending" in one_line(capsys.readouterr().err)
    assert len(served.emulator.messages) == before


def test_nothing_listening_exits_3(credentials: str) -> None:
    # In a child process: after the in-process pytester sessions of test_cassette_plugin.py,
    # httpcore (which httpx imports lazily) is a second copy in this process, and a refused
    # connection escapes httpx's exception mapping as a raw httpcore error.
    sock = bind()
    port = sock.getsockname()[1]
    sock.close()
    done = subprocess.run(
        [sys.executable, "-m", "compat", "send", "--base-url", f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, timeout=60, check=False, env=dict(os.environ),
    )
    assert (done.returncode, done.stdout) == (UNREACHABLE, "")
    err = one_line(done.stderr)
    assert f"no answer from the API at http://127.0.0.1:{port}" in err
    assert credentials not in err


def test_the_installed_command_reads_the_environment(served: ServedEmulator[Emulator]) -> None:
    account = served.emulator.account
    env = {**os.environ, "TWILIO_ACCOUNT_SID": account.sid,
           "TWILIO_AUTH_TOKEN": account.auth_token}
    done = subprocess.run(
        [sys.executable, "-m", "compat", "send", "--base-url", served.url, "--body", "shell"],
        capture_output=True, text=True, timeout=60, check=False, env=env,
    )
    assert (done.returncode, done.stderr) == (0, "")
    sid = one_line(done.stdout).split()[0]
    assert served.emulator.message(sid).body == "shell"
