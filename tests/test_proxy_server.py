"""The proxy's configuration, its command line, and several worker processes behind one socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from compat import backends
from compat._retry import RetryPolicy
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, ServedEmulator
from compat.errors import ConfigurationError
from compat.proxy import ProxyApp, ProxyConfig, config_from_environment, default_fronts
from compat.proxy.command import main as proxy_main
from compat.proxy.server import bind
from tests.legacy2008 import Legacy2008Client


def test_the_default_fronts_are_every_dialect_but_the_upstreams() -> None:
    fronts = default_fronts()
    assert fronts[0] == "2008-08-01"
    assert "2010-04-01" not in fronts
    assert set(fronts) == set(backends.names()) - {"2010-04-01"}


def test_the_configuration_travels_through_the_environment() -> None:
    config = ProxyConfig(upstream="https://api.twilio.com/", fronts=("2008-08-01",),
                         upstream_timeout=3.5, retry=RetryPolicy(max_retries=1), count_limit=99,
                         incoming_url="https://legacy.test/sms", public_url="https://p.test/")
    back = config_from_environment(config.to_environment())
    assert back == config
    assert back.upstream == "https://api.twilio.com"
    assert back.public_url == "https://p.test"


@pytest.mark.parametrize(("env", "text"), [
    ({}, "COMPAT_PROXY_UPSTREAM"),
    ({"COMPAT_PROXY_UPSTREAM": "ftp://x"}, "http:// or https://"),
    ({"COMPAT_PROXY_UPSTREAM": "http://x", "COMPAT_PROXY_COUNT_LIMIT": "many"}, "number"),
    ({"COMPAT_PROXY_UPSTREAM": "http://x", "COMPAT_PROXY_BODY_TIMEOUT": "0"}, "positive"),
])
def test_a_bad_environment_says_which_variable(env: dict[str, str], text: str) -> None:
    with pytest.raises(ConfigurationError, match=text):
        config_from_environment(env)


def test_the_app_repr_names_its_dialects() -> None:
    app = ProxyApp(ProxyConfig(upstream="http://127.0.0.1:9", fronts=("2008-08-01",)))
    assert repr(app) == "<ProxyApp 2008-08-01 -> 2010-04-01 at http://127.0.0.1:9>"


@pytest.mark.parametrize(("argv", "text"), [
    ([], "give --upstream URL"),
    (["--upstream", "http://127.0.0.1:9", "--front", "1999-01-01"], "unknown backend"),
    (["--upstream", "http://127.0.0.1:9", "--port", "-5"], "cannot listen"),
])
def test_command_errors_are_one_line(argv: list[str], text: str,
                                     capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMPAT_PROXY_UPSTREAM", raising=False)
    assert proxy_main(argv) == 1
    err = capsys.readouterr().err
    assert text in err
    assert err.count("\n") == 1


def test_the_proxy_subcommand_is_listed() -> None:
    result = subprocess.run([sys.executable, "-m", "compat", "--help"], capture_output=True,
                            text=True, check=True)
    assert "proxy" in result.stdout
    result = subprocess.run([sys.executable, "-m", "compat", "proxy", "--help"],
                            capture_output=True, text=True, check=True)
    assert "--upstream" in result.stdout
    assert "--workers" in result.stdout


@pytest.fixture
def free_port() -> int:
    sock = bind()
    port = int(sock.getsockname()[1])
    sock.close()
    return port


def _listening(url: str) -> bool:
    """Whether something accepts connections at ``url`` (a plain socket: httpx's exception mapping
    does not survive a test that reloads httpcore)."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return False
    return True


def _wait_healthy(url: str, process: subprocess.Popen[str], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if _listening(url) and httpx.get(url + "/__proxy/health").status_code == 200:
            return
        time.sleep(0.1)
    raise AssertionError("the proxy did not start")


def test_several_workers_serve_one_socket(served: ServedEmulator, free_port: int) -> None:
    command = [sys.executable, "-m", "compat", "proxy", "--upstream", served.url, "--port",
               str(free_port), "--workers", "2"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPAT_PROXY_")}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as process:
        try:
            url = f"http://127.0.0.1:{free_port}"
            _wait_healthy(url, process)
            legacy = Legacy2008Client(url, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
            sids = [legacy.send_sms("415-555-1212", "555-867-5309", f"w{n}")["Sid"]
                    for n in range(6)]
            facts, _ = legacy.list_sms(num=4)
        finally:
            process.terminate()
            out, err = process.communicate(timeout=20)
    assert facts["total"] == "6"
    assert len(set(sids)) == 6
    assert "workers: 2" in out
    assert "Traceback" not in err
    assert TEST_AUTH_TOKEN not in out + err
