"""What importing the package loads: the heavy modules wait until something needs them.

Each check runs in a fresh interpreter, since this test session has long imported everything.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

CASES = [
    # ``import compat``: the errors only; the model, converters and clients on first use.
    ("compat", ("compat.model", "compat.convert", "compat.client", "attrs", "phonenumbers",
                "lxml", "httpx")),
    # The emulator in-process: no server side (asyncio, h11), no XML parser, no entry points.
    ("compat.emulator", ("compat.emulator.server", "asyncio", "h11", "lxml",
                         "importlib.metadata", "httpx")),
    # The command line before a command runs: no converter, progress bar or entry points.
    ("compat.cli", ("compat.convert.documents", "compat.convert.batch",
                    "compat.convert.validation", "tqdm", "lxml", "importlib.metadata",
                    "compat.emulator")),
]


@pytest.mark.parametrize(("module", "absent"), CASES, ids=[case[0] for case in CASES])
def test_an_import_leaves_the_heavy_modules_unloaded(module: str, absent: tuple[str, ...]) -> None:
    code = (f"import sys, {module}; "
            f"print(' '.join(m for m in {absent!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == []


def test_the_lazy_names_resolve_to_the_same_objects() -> None:
    code = (
        "import compat, compat.convert, compat.emulator\n"
        "from compat.model import Message\n"
        "from compat.convert.documents import convert_document\n"
        "from compat.convert.detect import detect\n"
        "from compat.emulator.server import serve_in_thread\n"
        "assert compat.Message is Message and compat.convert_document is convert_document\n"
        "assert compat.detect is detect and compat.convert.detect is detect\n"
        "assert compat.emulator.serve_in_thread is serve_in_thread\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
