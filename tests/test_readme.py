"""The README stays true: its Python examples run, and its commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.DOTALL)


def _runnable(code: str) -> bool:
    # Examples that need real credentials, a running server or pytest fixtures are shown, not run.
    return "AC..." not in code and "account_sid" not in code and "def test_" not in code


RUNNABLE = [code for lang, code in BLOCKS if lang == "python" and _runnable(code)]


def test_readme_has_a_runnable_example() -> None:
    assert RUNNABLE


@pytest.mark.parametrize("code", RUNNABLE)
def test_readme_python_examples_run(code: str) -> None:
    exec(compile(code, "README.md", "exec"), {})


def test_ci_runs_the_readme_commands() -> None:
    commands = [code.strip() for lang, code in BLOCKS if lang == "sh"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    setup, tests = commands[0], commands[1]
    assert setup in ci
    assert tests in ci


def test_fixture_example_runs_under_the_plugin(pytester: pytest.Pytester) -> None:
    (example,) = [code for lang, code in BLOCKS if lang == "python" and "def test_" in code]
    pytester.makepyfile(test_example=example)
    result = pytester.runpytest_subprocess("-q")  # the plugin loads by its entry point
    result.assert_outcomes(passed=1)
