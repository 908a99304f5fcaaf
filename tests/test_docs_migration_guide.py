"""docs/migration.md, the step-by-step guide (everything before "The legacy proxy"): every example
runs, as a reader would run it, top to bottom.

The two listings (``smsapp.py`` and its tests) are the files ``tests/smsapp.py`` and
``tests/test_smsapp.py`` byte for byte. Then one test walks the guide's blocks in order: Python
blocks run in one namespace; each shell command runs, with the guide's ports (8080 for the
emulator standing in for Twilio, 8000 for the proxy, 5000 for the application's WSGI handler)
replaced by free ones. ``twilio-compat serve`` and ``twilio-compat proxy`` run as processes, the
pytest command as a process, ``curl`` through bash, and ``send`` / ``convert`` / ``validate``
through ``compat.cli.main``. The handler on "port 5000" is served by wsgiref; it calls the latest
``sms_reply`` the guide defined (smsapp's, then the 2010 one), and records which one answered.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest

from compat import Client, fixtures
from compat.cli import main
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN
from tests import smsapp
from tests.test_docs_migration import _background, _env, _free_port, _stop, _wait

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
GUIDE = TEXT[:TEXT.index("## The legacy proxy")]
BLOCKS = [(lang, code) for lang, code in re.findall(r"```(\w*)\n(.*?)```", GUIDE, flags=re.DOTALL)]
LISTINGS = {'"""smsapp: ': "smsapp.py", '"""smsapp\'s own tests': "test_smsapp.py"}


def _commands(code: str) -> list[str]:
    return [line.strip() for line in code.replace("\\\n", " ").splitlines() if line.strip()]


def _listing(code: str) -> str | None:
    return next((name for start, name in LISTINGS.items() if code.startswith(start)), None)


def test_the_guide_has_its_examples() -> None:
    commands = [c.split(" --")[0] for lang, code in BLOCKS if lang == "sh" for c in _commands(code)]
    assert commands == [
        "python -m pytest -q tests/test_smsapp.py",
        "twilio-compat serve",
        'COMPAT_PROXY_AUTH_TOKEN="$TWILIO_AUTH_TOKEN" twilio-compat proxy',
        "curl -s -X POST http://127.0.0.1:8080/__admin/numbers",
        "curl -s -X POST http://127.0.0.1:8080/__admin/receive",
        "curl -s -X POST http://127.0.0.1:8080/__admin/numbers",
        "twilio-compat convert archive",
        "twilio-compat validate converted/messages",
        "twilio-compat send",
        "twilio-compat send",
    ]
    assert sum(lang == "python" for lang, _ in BLOCKS) == 11
    assert sorted(filter(None, (_listing(code) for _, code in BLOCKS))) == [
        "smsapp.py", "test_smsapp.py"]


@pytest.mark.parametrize("name", sorted(LISTINGS.values()))
def test_the_listings_are_the_files(name: str) -> None:
    [code] = [code for _, code in BLOCKS if _listing(code) == name]
    assert code == (ROOT / "tests" / name).read_text(encoding="utf-8")


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class Handler:
    """The application's SMS URL: whichever ``sms_reply`` the guide defined last."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.answered: list[str] = []
        self.server: WSGIServer = make_server("127.0.0.1", 0, self, handler_class=_Quiet)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        handler = self.namespace.get("sms_reply", smsapp.sms_reply)
        self.answered.append(handler.__module__ if handler is smsapp.sms_reply else "guide")
        return handler(environ, start_response)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The environment the guide assumes, and smsapp restored afterwards."""
    for name in ("TWILIO", "API_VERSION", "ACCOUNT_SID", "AUTH_TOKEN"):
        monkeypatch.setattr(smsapp, name, getattr(smsapp, name))
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", TEST_ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TEST_AUTH_TOKEN)
    for name in ("TWILIO_BASE_URL", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    archive = tmp_path / "archive"
    for folder, name, data in [
        ("messages", "fetch.xml", fixtures.load("2008-08-01", "fetch").response.body),
        ("messages", "list.xml", fixtures.load("2008-08-01", "list-first").response.body),
        ("webhooks", "incoming.txt", b"SmsSid=SM" + b"1" * 32 + b"&SmsMessageSid=SM" + b"1" * 32
         + b"&AccountSid=" + TEST_ACCOUNT_SID.encode() + b"&From=5558675310&To=4155550100"
         b"&Body=Table+for+2%3F"),
        ("twiml", "reply.xml", b"<Response><Sms>You said: Table for 2?</Sms></Response>"),
    ]:
        (archive / folder).mkdir(parents=True, exist_ok=True)
        (archive / folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "migration_guide"}
    yield namespace
    for value in namespace.values():
        if isinstance(value, Client):
            value.close()


def _receive(url: str) -> list[str]:
    answer = httpx.post(url + "/__admin/receive", data={
        "from": "+15558675310", "to": "+14155550100", "body": "Table for 2?"})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["errors"] == []
    return [reply["body"] for reply in result["replies"]]


def test_the_guide_runs_top_to_bottom(reader: dict[str, Any],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    namespace = reader
    handler = Handler(namespace)
    upstream, front = _free_port(), _free_port()
    ports = {"8080": str(upstream), "8000": str(front), "5000": str(handler.port)}
    emulator_url = f"http://127.0.0.1:{upstream}"

    def localize(text: str) -> str:
        return re.sub(r"\b(8080|8000|5000)\b", lambda m: ports[m.group(1)], text)

    processes: list[subprocess.Popen[str]] = []
    ran: list[str] = []
    try:
        for lang, code in BLOCKS:
            if lang == "python":
                if _listing(code) is None:
                    exec(compile(localize(code), "docs/migration.md", "exec"), namespace)
                    ran.append("block")
                continue
            for command in map(localize, _commands(code)):
                ran.append(command.split()[0])
                if command.startswith("python -m pytest"):
                    result = subprocess.run([sys.executable, *shlex.split(command)[1:]],
                                            cwd=ROOT, capture_output=True, text=True, env=_env())
                    assert result.returncode == 0, result.stdout + result.stderr
                    assert "2 passed" in result.stdout
                elif "twilio-compat serve" in command:
                    processes.append(_background(command))
                    _wait(emulator_url + "/__admin/health", processes[-1])
                elif "twilio-compat proxy" in command:
                    processes.append(_background(command))
                    _wait(f"http://127.0.0.1:{front}/__proxy/health", processes[-1])
                elif command.startswith("curl"):
                    result = subprocess.run(["bash", "-c", command], capture_output=True,
                                            text=True, env=_env(), check=True)
                    answer = json.loads(result.stdout)
                    if "/__admin/receive" in command:  # through the proxy to smsapp's handler
                        assert [r["body"] for r in answer["replies"]] == ["You said: Table for 2?"]
                        assert handler.answered == ["tests.smsapp"]
                    elif f"127.0.0.1:{handler.port}/sms" in command:  # the number, straight
                        assert answer["number"]["api_version"] == "2010-04-01"
                        assert _receive(emulator_url) == ["You said: Table for 2?"]
                        assert handler.answered[-1] == "tests.smsapp"   # <Sms> on 2010
                else:
                    assert command.startswith("twilio-compat ")
                    capsys.readouterr()
                    assert main(shlex.split(command)[1:]) == 0, capsys.readouterr()
                    out, err = capsys.readouterr()
                    if " send " in command:
                        assert out.startswith("SM")
                        assert err == ""
        # The 2010 handler the guide wrote last answers the next text with a <Message>.
        assert _receive(emulator_url) == ["You said: Table for 2?"]
        assert handler.answered[-1] == "guide"
    finally:
        errors = _stop(*processes)
        handler.close()
    assert "Traceback" not in errors
    assert ran.count("block") == 9
    converted = sorted(p.relative_to("converted").as_posix() for p in Path("converted").rglob("*")
                       if p.is_file())
    assert converted == ["messages/fetch.json", "messages/list.json", "twiml/reply.xml",
                         "webhooks/incoming.txt"]
    assert b"<Message>" in Path("converted/twiml/reply.xml").read_bytes()
    assert b"MessageSid=" in Path("converted/webhooks/incoming.txt").read_bytes()


def test_a_message_reply_on_a_2008_number_is_refused() -> None:
    """The guide's warning against flipping the TwiML before the number."""
    from compat.emulator import Emulator, HttpReply

    def sender(request: object) -> HttpReply:
        return HttpReply(200, {"Content-Type": "text/xml"},
                         b"<Response><Message>You said: hi</Message></Response>")

    with Emulator(sender=sender) as emulator:
        emulator.add_number("+14155550100", sms_url="https://app.test/sms",
                            api_version="2008-08-01")
        result = emulator.receive("+15558675310", "+14155550100", "hi")
    assert result.replies == ()
    assert "unknown verb <Message>" in result.errors[0]


def test_the_links_within_the_page_resolve() -> None:
    headings = re.findall(r"^#+ (.+)$", TEXT, flags=re.MULTILINE)
    anchors = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}
    links = re.findall(r"\]\(#([^)]+)\)", TEXT)
    assert len(links) >= 10
    assert set(links) <= anchors, set(links) - anchors
