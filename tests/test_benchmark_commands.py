"""The benchmark commands the docs print are real: one command covers every script, and every
flag shown is one its script accepts. (Timings are never asserted; nothing here runs a benchmark.)
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
DOCS = ROOT / "docs"


def load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_all", BENCHMARKS / "run_all.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_all"] = module
    spec.loader.exec_module(module)
    return module


RUNNER = load_runner()


def accepted_flags(script: Path) -> set[str]:
    """The option strings of every ``add_argument`` call in ``script``."""
    flags: set[str] = set()
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_argument"):
            flags.update(arg.value for arg in node.args
                         if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                         and arg.value.startswith("--"))
    return flags


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors of a Markdown page."""
    found = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def test_the_runner_covers_every_benchmark_script() -> None:
    scripts = {p.name for p in BENCHMARKS.glob("bench_*.py")}
    assert {b.script for b in RUNNER.BENCHMARKS} == scripts


@pytest.mark.parametrize("quick", [False, True], ids=["documented", "quick"])
def test_every_runner_argument_is_one_its_script_accepts(quick: bool, tmp_path: Path) -> None:
    for benchmark in RUNNER.BENCHMARKS:
        given = {a for a in benchmark.arguments(tmp_path, quick=quick) if a.startswith("--")}
        assert given <= accepted_flags(BENCHMARKS / benchmark.script), benchmark.name


def test_every_benchmark_points_at_its_section_of_the_docs() -> None:
    for benchmark in RUNNER.BENCHMARKS:
        page, _, anchor = benchmark.where.partition("#")
        assert (DOCS / page).is_file(), benchmark.where
        text = (DOCS / page).read_text(encoding="utf-8")
        assert benchmark.script in text, f"docs/{page} never names {benchmark.script}"
        if anchor:
            assert anchor in anchors(DOCS / page), benchmark.where


def test_the_performance_page_names_the_one_command() -> None:
    text = (DOCS / "performance.md").read_text(encoding="utf-8")
    assert "python benchmarks/run_all.py --runs 3" in text


DOC_COMMAND = re.compile(r"python (benchmarks/\w+\.py)([^`\n]*)")


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_every_benchmark_command_in_the_docs_is_accepted(page: str) -> None:
    for script, rest in DOC_COMMAND.findall((DOCS / page).read_text(encoding="utf-8")):
        assert (ROOT / script).is_file(), script
        shown = set(re.findall(r"--[\w-]+", rest))
        assert shown <= accepted_flags(ROOT / script) | {"--help"}, (page, script, shown)


def test_list_prints_each_command_without_running_anything(tmp_path: Path) -> None:
    out = tmp_path / "results"
    listed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run_all.py"), "--list", "--quick", "--out", str(out)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.splitlines()
    assert [line.split()[0] for line in listed] == [b.name for b in RUNNER.BENCHMARKS]
    assert "bench_store.py --quick --rounds 50 --chart" in "\n".join(listed)
    assert not out.exists()  # nothing ran, nothing was written
