"""The ``twilio-compat`` command: the no-argument send, ``send`` options, and ``serve``.

``send --base-url`` and its output and exit codes are in ``tests/test_cli_send.py``."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import httpx
import pytest

from compat import __version__
from compat.cli import main
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator

SID = re.compile(r"\ASM[0-9a-f]{32} queued from \S+ to \S+ \([^)]*\)\n\Z")


def test_no_arguments_sends_and_prints_one_line_starting_with_the_sid(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 0
    out, err = capsys.readouterr()
    assert SID.match(out)
    assert err == ""
    with Emulator() as emulator, emulator.client() as client:
        expected = client.messages.create(to="+15558675310", from_="+15005550006", body="x").sid
    assert out.split()[0] == expected
    assert out == f"{expected} queued from +15005550006 to +15558675310 (1 segment, 2010-04-01)\n"


@pytest.mark.parametrize("backend", ["2008-08-01", "2010-04-01", "2010-04-01-sms"])
def test_send_through_each_dialect(capsys: pytest.CaptureFixture[str], backend: str) -> None:
    assert main(["send", "--backend", backend, "--to", "555-867-5309", "--body", "hi"]) == 0
    assert SID.match(capsys.readouterr().out)


def test_seed_changes_the_sid(capsys: pytest.CaptureFixture[str]) -> None:
    main([])
    first = capsys.readouterr().out
    main(["--seed", "3"])
    assert capsys.readouterr().out != first


def test_refused_message_exits_1_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--to", "+15005550002"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "21612" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_unknown_backend_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--backend", "1999-01-01"]) == 2
    assert "unknown backend" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_python_dash_m_compat_runs_the_main_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "compat"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0
    assert SID.match(done.stdout)


def test_serve_prints_url_and_credentials_and_answers() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "compat", "serve", "--port", "0", "--clock", "manual"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        url = lines[0].split()[-1]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert lines[1].strip() == f"TWILIO_ACCOUNT_SID={TEST_ACCOUNT_SID}"
        assert lines[2].strip() == f"TWILIO_AUTH_TOKEN={TEST_AUTH_TOKEN}"
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.post(
                    f"{url}/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json",
                    data={"To": "+15558675310", "From": "+15017122661", "Body": "served"},
                    auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN),
                )
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert answer.status_code == 201
        assert answer.json()["date_created"] == "Mon, 01 Jan 2024 12:00:00 +0000"
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert process.returncode in (0, -15)


def test_serve_on_a_port_in_use_fails_cleanly() -> None:
    from compat.emulator.server import bind

    sock = bind()
    try:
        port = sock.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "compat", "serve", "--port", str(port)],
            capture_output=True, text=True, timeout=60, check=False,
        )
    finally:
        sock.close()
    assert done.returncode == 4
    assert "cannot listen" in done.stderr
    assert "Traceback" not in done.stderr
