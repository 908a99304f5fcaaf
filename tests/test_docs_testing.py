"""docs/testing.md stays true: every Python example from "Record and replay" on is a test file that
records against a served emulator standing in for Twilio, then replays with it stopped (the vcrpy
recipe included), and every command it shows parses."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

# Imported here so that pytester's in-process runs find yaml already loaded: re-importing PyYAML
# around its C extension in a second run breaks its loader.
import vcr  # noqa: F401

from compat.cli import _parser
from compat.emulator import Emulator, serve_in_thread

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
SECTION = TEXT[TEXT.index("## Record and replay"):]
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", SECTION, flags=re.DOTALL)
EXAMPLES = [code for lang, code in BLOCKS if lang == "python"]
COMMANDS = [line for lang, code in BLOCKS if lang == "sh" for line in code.splitlines()
            if line.startswith("twilio-compat ")]


def test_the_section_has_its_examples() -> None:
    assert len(EXAMPLES) >= 6
    assert all("def test_" in code for code in EXAMPLES)
    assert any("import vcr" in code for code in EXAMPLES)
    assert len(COMMANDS) == 2


def test_every_example_records_then_replays(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = Emulator()
    served = serve_in_thread(emulator)
    account = emulator.account
    pytester.makeini(f"[pytest]\ntwilio_base_url = {served.url}\nfilterwarnings = error\n")
    pytester.makepyfile(**{f"test_doc_{i}": code for i, code in enumerate(EXAMPLES)})
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", account.sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", account.auth_token)
    monkeypatch.setenv("TWILIO_BASE_URL", served.url)
    monkeypatch.setenv("VCR_RECORD_MODE", "once")
    count = sum(code.count("\ndef test_") + code.startswith("def test_") for code in EXAMPLES)
    try:
        pytester.runpytest("-p", "no:cacheprovider", "--twilio-record-mode=once").assert_outcomes(
            passed=count)
        recorded = len(emulator.messages)
    finally:
        served.stop()
        emulator.close()
    assert recorded == len(EXAMPLES) - 1  # all but the golden-case example sent one
    monkeypatch.delenv("VCR_RECORD_MODE")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=count)
    written = sorted(p for p in (pytester.path / "tests" / "cassettes").rglob("*") if p.is_file())
    assert any(p.suffix == ".yaml" for p in written)
    assert len(written) == len(EXAMPLES) - 1
    for path in written:
        assert account.auth_token not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_shown_parses(command: str) -> None:
    args = _parser().parse_args(shlex.split(command)[1:])
    assert args.command in ("serve", "check")
