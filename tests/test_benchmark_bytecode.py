"""The start-up benchmarks measure a package with its bytecode caches written, as an install
leaves it (``benchmarks/bytecode.py``); nothing here times anything."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bytecode.py"


def load_bytecode() -> object:
    spec = importlib.util.spec_from_file_location("bench_bytecode", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_caches_are_written_for_the_package_in_a_folder(tmp_path: Path) -> None:
    package = tmp_path / "compat"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / "inner" / "__init__.py").write_text("OTHER = 2\n")
    line = load_bytecode().write_caches(tmp_path)  # type: ignore[attr-defined]
    tag = sys.implementation.cache_tag
    assert (package / "__pycache__" / f"__init__.{tag}.pyc").is_file()
    assert (package / "inner" / "__pycache__" / f"__init__.{tag}.pyc").is_file()
    assert str(package) in line


def test_a_package_that_does_not_compile_is_refused(tmp_path: Path) -> None:
    package = tmp_path / "compat"
    package.mkdir()
    (package / "__init__.py").write_text("def broken(:\n")
    with pytest.raises(RuntimeError, match="could not compile"):
        load_bytecode().write_caches(tmp_path)  # type: ignore[attr-defined]
