"""The documentation stays true: every Python example runs (a page's examples in order, in one
namespace), every public name of ``compat.webhooks`` and ``compat.twiml``
is documented on its page, every page is linked from the index, and every ``twilio-compat send``
command shown (there and in the README) runs.

docs/client.md's examples run against the emulator served on loopback, with
``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and ``TWILIO_BASE_URL`` pointing at it, as the page
says; its commands run with their base URLs pointed at the same server.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from compat import twiml, webhooks
from compat.cli import main
from compat.emulator import Emulator, ServedEmulator, serve_in_thread

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ("client.md", "webhooks.md", "twiml.md")


def blocks(page: str, language: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [code for lang, code in re.findall(r"```(\w*)\n(.*?)```", text, flags=re.DOTALL)
            if lang == language]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServedEmulator[Emulator]]:
    emulator = Emulator()
    server = serve_in_thread(emulator)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", emulator.account.sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", emulator.account.auth_token)
    monkeypatch.setenv("TWILIO_BASE_URL", server.url)
    for name in ("TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield server
    finally:
        server.stop()
        emulator.close()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_examples_and_is_linked_from_the_index(page: str) -> None:
    assert len(blocks(page, "python")) >= 3
    assert f"]({page})" in (DOCS / "index.md").read_text(encoding="utf-8")


def test_client_examples_run_against_the_served_emulator(
    served: ServedEmulator[Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    namespace: dict[str, object] = {"__name__": "client_md"}
    for code in blocks("client.md", "python"):
        exec(compile(code, "docs/client.md", "exec"), namespace)
    assert len(served.emulator.messages) == 9  # ten sent, one deleted
    assert capsys.readouterr().out.startswith("SM")


@pytest.mark.parametrize("page", ["webhooks.md", "twiml.md"])
def test_page_examples_run(page: str) -> None:
    namespace: dict[str, object] = {"__name__": page.removesuffix(".md")}
    for code in blocks(page, "python"):
        exec(compile(code, f"docs/{page}", "exec"), namespace)


@pytest.mark.parametrize(("page", "module"), [("webhooks.md", webhooks), ("twiml.md", twiml)])
def test_every_public_name_is_documented(page: str, module: ModuleType) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ `(\w+)`", text, flags=re.MULTILINE))
    for name in module.__all__:
        assert f"`{name}" in text, f"{module.__name__}.{name} is missing from docs/{page}"
        obj = getattr(module, name)
        if callable(obj) and not isinstance(obj, type) and page == "webhooks.md":
            assert name in headings, f"{name} has no section of its own in docs/{page}"
        if callable(obj) and not isinstance(obj, type):
            used = any(f"{name}(" in code for code in blocks(page, "python"))
            assert used, f"no example in docs/{page} calls {name}"


README = (DOCS.parent / "README.md").read_text(encoding="utf-8")
README_SENDS = [line.removeprefix(".venv/bin/") for code in re.findall(
    r"```sh\n(.*?)```", README, flags=re.DOTALL) for line in code.splitlines()
    if line.startswith(".venv/bin/twilio-compat send ")]
COMMANDS = [line for code in blocks("client.md", "sh") for line in code.splitlines()
            if line.startswith("twilio-compat ")] + README_SENDS


def test_the_client_page_shows_send_commands() -> None:
    assert len(COMMANDS) >= 4
    assert README_SENDS
    assert any("--base-url" in c for c in COMMANDS)
    assert any("--json" in c for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_send_command_shown_runs(
    command: str, served: ServedEmulator[Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = shlex.split(command)[1:]
    arguments = [served.url if a.startswith(("http://", "https://")) else a for a in arguments]
    assert main(arguments) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(("SM", "{"))


#: Pages whose examples need nothing but the library.
STANDALONE = ("dialects.md", "phone.md")


@pytest.mark.parametrize("page", STANDALONE)
def test_standalone_pages_have_examples_and_they_run(page: str) -> None:
    examples = blocks(page, "python")
    assert examples, f"docs/{page} has no Python example"
    namespace: dict[str, object] = {"__name__": f"docs_{page.removesuffix('.md')}"}
    for number, code in enumerate(examples, start=1):
        exec(compile(code, f"docs/{page} (example {number})", "exec"), namespace)
