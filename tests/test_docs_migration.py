"""docs/migration.md, "The legacy proxy": every example runs.

The quick start runs as written (ports changed to free ones): the emulator, the proxy in front of
it, and the curl command. The Python example runs. The deployment command is parsed (it names
Twilio itself); the uvicorn recipe runs against a served emulator; the benchmark command runs with a
short measurement.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, ServedEmulator
from compat.proxy.command import parser
from compat.proxy.server import bind

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
SECTION = TEXT[TEXT.index("## The legacy proxy"):]
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", SECTION, flags=re.DOTALL)
SH = [code.replace("\\\n", " ").strip() for lang, code in BLOCKS if lang == "sh"]
PYTHON = [code for lang, code in BLOCKS if lang == "python"]


def _free_port() -> int:
    sock = bind()
    port = int(sock.getsockname()[1])
    sock.close()
    return port


def _shell(command: str) -> str:
    command = re.sub(r"\btwilio-compat ", f"{sys.executable} -m compat ", command)
    return re.sub(r"\buvicorn ", f"{sys.executable} -m uvicorn ", command)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPAT_PROXY_")}
    env.update(TWILIO_ACCOUNT_SID=TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN=TEST_AUTH_TOKEN)
    return env


def _background(command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(["bash", "-c", "exec env " + _shell(command)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())


def _listening(url: str) -> bool:
    """Whether something accepts connections at ``url`` (a plain socket: httpx's exception mapping
    does not survive a test that reloads httpcore)."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return False
    return True


def _wait(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if _listening(url):
            return
        time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


def _stop(*processes: subprocess.Popen[str]) -> str:
    errors = ""
    for process in processes:
        process.terminate()
        errors += process.communicate(timeout=30)[1]
    return errors


def test_the_section_has_its_examples() -> None:
    assert [command.split()[0] for command in SH] == [
        "twilio-compat", "twilio-compat", "curl", "twilio-compat",
        "COMPAT_PROXY_UPSTREAM=https://api.twilio.com",
        "python",
    ]
    assert len(PYTHON) == 1


def test_the_quick_start_runs_as_written() -> None:
    serve, proxy, curl = SH[:3]
    upstream, front = _free_port(), _free_port()
    serve = serve.replace("8080", str(upstream))
    proxy = proxy.replace("8080", str(upstream)).replace("8000", str(front))
    emulator = _background(serve)
    _wait(f"http://127.0.0.1:{upstream}/__admin/health", emulator)
    legacy = _background(proxy)
    try:
        _wait(f"http://127.0.0.1:{front}/__proxy/health", legacy)
        result = subprocess.run(["bash", "-c", curl.replace("8000", str(front)) + " -s"],
                                capture_output=True, text=True, env=_env(), check=True)
    finally:
        errors = _stop(legacy, emulator)
    assert "<SMSMessage>" in result.stdout
    assert "<To>5558675309</To><From>4155551212</From>" in result.stdout
    assert "<Flags>4</Flags>" in result.stdout
    assert "Traceback" not in errors


@pytest.mark.parametrize("code", PYTHON)
def test_the_python_example_runs(code: str) -> None:
    exec(compile(code, "docs/migration.md", "exec"), {})


def test_the_deployment_command_parses() -> None:
    args = parser().parse_args(SH[3].split()[2:])
    assert (args.upstream, args.host, args.port, args.workers) == (
        "https://api.twilio.com", "0.0.0.0", 8000, 4)
    assert args.public_url == "https://sms-proxy.example.com"
    assert args.legacy_url == "https://legacy.example.com/sms"


def test_the_uvicorn_recipe_serves_2008(served: ServedEmulator) -> None:
    port = _free_port()
    command = SH[4].replace("https://api.twilio.com", served.url).replace("0.0.0.0", "127.0.0.1")
    process = _background(command.replace("8000", str(port)))
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + "/__proxy/health", process)
        answer = httpx.post(f"{url}/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages",
                            data={"From": "415-555-1212", "To": "555-867-5309", "Body": "Hi"},
                            auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN))
    finally:
        errors = _stop(process)
    assert answer.status_code == 201
    assert "<Flags>4</Flags>" in answer.text
    assert "Traceback" not in errors


def test_the_benchmark_command_runs() -> None:
    command = SH[5].replace("python ", f"{sys.executable} ", 1)
    result = subprocess.run(["bash", "-c", command + " --workers 1 --seconds 0.3"],
                            capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=120,
                            check=True)
    assert "emulator alone" in result.stdout
    assert "proxy, 1 worker" in result.stdout
