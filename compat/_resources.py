"""Access to the data files shipped with the package (schemas and golden fixtures).

Rule: one way in. In an installed wheel the data lives in ``compat/_data/``; in a source checkout it
is read from the top-level ``schemas/`` and ``fixtures/`` folders. Callers never build paths
themselves.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

__all__ = ["data_root"]

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def data_root(kind: str) -> Traversable | Path:
    """The folder holding ``kind`` (``"schemas"`` or ``"fixtures"``)."""
    if kind not in ("schemas", "fixtures"):
        raise ValueError(f"unknown data kind {kind!r}")
    packaged = resources.files("compat").joinpath("_data").joinpath(kind)
    if packaged.is_dir():
        return packaged
    source = _SOURCE_ROOT / kind
    if source.is_dir():
        return source
    raise FileNotFoundError(f"the {kind} data is missing from this installation")
