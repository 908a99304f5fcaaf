"""Hostile files through ``twilio-compat convert`` and ``validate``: every document of the corpus
gets one line naming its file, never a traceback, and the rest of the batch goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from compat import backends
from compat.cli import main
from compat.model import Message
from tests.reliability.corpus import json_cases, xml_cases

pytestmark = pytest.mark.reliability

AC, SM = "AC" + "1" * 32, "SM" + "2" * 32
VALID_2008 = backends.get("2008-08-01").render_message(
    Message(sid=SM, account_sid=AC, body="fine")
).body
CORPUS = [(f"{case.name}.xml", case.data) for case in xml_cases(VALID_2008)] + [
    (f"{case.name}.json", case.data) for case in json_cases()
]


def _batch(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    for name, data in CORPUS:
        (folder / name).write_bytes(data)
    (folder / "zz-good.xml").write_bytes(VALID_2008)
    return folder


@pytest.mark.parametrize("command", ["convert", "validate"])
def test_every_hostile_file_is_one_line_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    folder = _batch(tmp_path)
    arguments = [command, str(folder)]
    if command == "convert":
        arguments += ["--to", "2010-04-01", "--out", str(tmp_path / "out")]
    status = main(arguments)
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert status == 1
    assert "Traceback" not in text
    for name, _ in CORPUS:
        assert sum(name in line for line in text.splitlines()) >= 1, name
    if command == "convert":
        converted = list((tmp_path / "out").rglob("zz-good*"))
        assert converted, "the good file after the hostile ones was still converted"
