"""docs/converting.md stays true: every Python example runs, and the commands and exit codes it
documents are the ones the CLI has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compat.convert.commands import EXIT_OK, EXIT_SKIPPED, EXIT_USAGE

DOC = Path(__file__).resolve().parent.parent / "docs" / "converting.md"
TEXT = DOC.read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```python\n(.*?)```", TEXT, re.DOTALL)


def test_the_page_has_its_examples() -> None:
    assert len(EXAMPLES) == 2


@pytest.mark.parametrize("code", EXAMPLES)
def test_every_python_example_runs(code: str) -> None:
    exec(compile(code, str(DOC), "exec"), {})


def test_the_exit_codes_are_the_cli_s() -> None:
    assert (EXIT_OK, EXIT_SKIPPED, EXIT_USAGE) == (0, 1, 2)
    for code in (0, 1, 2):
        assert f"\n| {code} |" in TEXT


def test_the_index_links_the_page() -> None:
    index = DOC.parent / "index.md"
    assert "(converting.md)" in index.read_text(encoding="utf-8")
