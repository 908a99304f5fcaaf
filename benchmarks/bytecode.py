"""Bytecode caches for the start-up measurements.

A start-up figure is meant to be what a user of an installed package sees. pip compiles a
package's modules to bytecode when it installs them, and Python writes the caches of an editable
install on first import, unless ``PYTHONDONTWRITEBYTECODE`` is set, as it is in this project's
containers: there every measured start would compile the package from source again (about 80 ms
on the 2-core machine). So each start-up benchmark writes the caches first, as an install would.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

import compat

__all__ = ["write_caches"]


def write_caches(source: str | os.PathLike[str] | None = None) -> str:
    """Write (or refresh) the bytecode caches of the ``compat`` package, the imported one or the
    one in the folder ``source``; returns a line saying so, for the benchmark's output."""
    package = Path(source) / "compat" if source else Path(compat.__file__).parent
    if not compileall.compile_dir(str(package), quiet=1):
        raise RuntimeError(f"could not compile {package}")
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE")
    note = f" (PYTHONDONTWRITEBYTECODE={flag} here)" if flag else ""
    return f"bytecode caches of {package} written, as an install writes them{note}"
