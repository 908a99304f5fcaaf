"""The wheel carries the schemas, the golden fixtures and the inbox page's assets, and an installed
copy reads them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_schemas_and_fixtures_and_reads_them_installed(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist), str(ROOT)],
        check=True,
    )
    (wheel,) = dist.glob("twilio_compat-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "compat/py.typed" in names
    assert any(n.startswith("compat/_data/schemas/v2008/") and n.endswith(".xsd") for n in names)
    assert any(n.startswith("compat/_data/schemas/v2010/") and n.endswith(".json") for n in names)
    assert "compat/_data/schemas/cassette/v1.schema.json" in names
    for dialect in ("2008-08-01", "2010-04-01", "2010-04-01-sms"):
        assert any(n.startswith(f"compat/_data/fixtures/{dialect}/") for n in names), dialect
    assert not any(n.startswith("tests/") for n in names)
    for asset in ("index.html", "inbox.js", "inbox.css", "icon.svg"):
        assert f"compat/emulator/inbox/static/{asset}" in names

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        check=True,
    )
    probe = (
        "import compat, compat._resources as r;"
        "print(compat.__file__);"
        "root = r.data_root('schemas');"
        "print(root);"
        "print(sorted(p.name for p in root.joinpath('v2008').iterdir()));"
        "import compat.emulator.inbox.app as a;"
        "print(len(a._asset('inbox.js')))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, env=env,
        cwd=tmp_path,
    ).stdout.splitlines()
    assert out[0].startswith(str(site))
    assert out[1].startswith(str(site / "compat" / "_data" / "schemas"))
    assert ".xsd" in out[2]
    assert int(out[3]) > 1000
