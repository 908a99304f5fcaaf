"""The documentation's Python examples run: each page's blocks in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ["dialects.md", "phone.md"]


def _blocks(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.parametrize("page", PAGES)
def test_the_page_has_examples_and_they_run(page: str) -> None:
    blocks = _blocks(page)
    assert blocks, f"docs/{page} has no Python example"
    namespace: dict[str, object] = {"__name__": f"docs_{page.removesuffix('.md')}"}
    for number, code in enumerate(blocks, start=1):
        exec(compile(code, f"docs/{page} (example {number})", "exec"), namespace)
