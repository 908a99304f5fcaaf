"""``twilio-compat convert`` and ``validate``: files, directories and stdin; one line per bad
file and the batch goes on; a summary; documented exit codes; problems with their lines."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from compat import fixtures
from compat.cli import main
from compat.convert.batch import output_name
from compat.convert.commands import _progress

LIST = fixtures.load("2008-08-01", "list-first").response.body
MESSAGE = fixtures.load("2010-04-01-sms", "fetch").response.body


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "2009" / "10").mkdir(parents=True)
    (root / "2009" / "10" / "page-0.xml").write_bytes(LIST)
    (root / "2009" / "message.json").write_bytes(MESSAGE)
    (root / "broken.xml").write_bytes(b"<TwilioResponse><SMSMessage>")
    (root / "hostile.xml").write_bytes(
        b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><TwilioResponse>&e;'
        b"</TwilioResponse>"
    )
    (root / ".hidden").write_bytes(b"ignored")
    return root


def test_convert_a_directory_to_files(archive: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["convert", str(archive), "--to", "2010-04-01-sms-xml", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "2009/10/page-0.xml", "2009/message.xml"]
    lines = err.splitlines()
    assert any(line.startswith(f"twilio-compat: {archive / 'broken.xml'}: MalformedDocument")
               for line in lines)
    assert any("hostile.xml: HostileDocument" in line for line in lines)
    assert "root:" not in err
    assert "Traceback" not in err
    assert "twilio-compat convert: converted 2, skipped 2" in lines
    page = (out / "2009/10/page-0.xml").read_bytes()
    assert b"<SMSMessages page=" in page
    assert b"+14158675309" in page


def test_convert_all_good_exits_zero_and_writes_json_lines(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    (tmp_path / "a.xml").write_bytes(LIST)
    assert main(["convert", str(tmp_path / "a.xml"), "--to", "2010-04-01"]) == 0
    captured = capsys.readouterr()
    (record,) = captured.out.splitlines()
    assert json.loads(record)["messages"][0]["to"] == "+14158675309"
    assert "converted 1, skipped 0" in captured.err


def test_convert_reads_json_lines_from_stdin(tmp_path: Path) -> None:
    lines = [
        json.dumps(LIST.decode()),  # XML as a JSON string
        json.dumps(json.loads(MESSAGE)),  # JSON as itself
        "",
        "not json",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "compat", "convert", "-", "--to", "2008-08-01"],
        input="\n".join(lines).encode(), capture_output=True, timeout=60, check=False,
    )
    assert result.returncode == 1
    records = result.stdout.decode().splitlines()
    assert len(records) == 2
    assert json.loads(records[0]).startswith("<?xml")
    assert "<Flags>" in json.loads(records[1])
    assert "stdin:4: not a JSON Lines record" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["convert", "nowhere", "--to", "2010-04-01"], "no such file"),
     (["convert", ".", "--to", "1999-01-01"], "unknown backend"),
     (["validate", "nowhere"], "no such file")],
)
def test_usage_errors_exit_2(argv: list[str], message: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.splitlines()) == 1


def test_out_must_be_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.xml").write_bytes(LIST)
    (tmp_path / "file").write_text("x")
    assert main(["convert", str(tmp_path / "a.xml"), "--to", "2010-04-01",
                 "--out", str(tmp_path / "file")]) == 2
    assert "not a directory" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_only_on_a_terminal() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    assert list(_progress(iter([1, 2, 3]), 3, terminal)) == [1, 2, 3]  # type: ignore[list-item]
    assert "3/3" in terminal.getvalue()
    assert list(_progress(iter([1, 2]), 2, pipe)) == [1, 2]  # type: ignore[list-item]
    assert pipe.getvalue() == ""


def test_output_names_take_the_new_extension() -> None:
    assert output_name("a/b.json", b"<x/>") == "a/b.xml"
    assert output_name("a.b/c", b"{}") == "a.b/c.json"
    assert output_name("stdin-3", b"SmsSid=1") == "stdin-3.txt"


def test_validate_reports_each_problem_with_its_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(LIST)
    bad_xml = tmp_path / "bad.xml"
    bad_xml.write_bytes(re.sub(r"<Flags>\d</Flags>", "\n<Flags>one</Flags>", LIST.decode(), count=1)
                        .encode())
    document = json.loads(MESSAGE)
    document["price"] = -0.0075
    bad_json = tmp_path / "bad.json"
    bad_json.write_text(json.dumps(document, indent=2))
    expected_line = json.dumps(document, indent=2).splitlines().index('  "price": -0.0075,') + 1
    assert main(["validate", str(good)]) == 0
    assert "valid 2008-08-01 page" in capsys.readouterr().out
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{bad_xml}:3: ") and "Flags" in line for line in out), out
    assert any(line.startswith(f"{bad_json}:{expected_line}: price") for line in out), out


def test_validate_reports_unreadable_documents_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.xml").write_bytes(b"<TwilioResponse><SMSMessage>")
    (tmp_path / "t.xml").write_bytes(b"<Response><Sms>hi</Sms></Response>")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert "no schema for a 2008-08-01 twiml document" in out[0]
    assert "not well-formed" in out[1]
