"""Hostile files through the command line's readers: ``twilio-compat check DIR`` on golden cases
that are deep, huge, not UTF-8, escape their folder, or carry hostile documents.

Every one is a reported problem and exit status 1: never a traceback, never a file read outside
the folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compat import fixtures
from compat.cli import main
from tests.reliability.corpus import LIMIT, SECRET_FILE, json_cases, xml_cases


def case_file(response_body: str | None = None, *, body_file: str | None = None,
              content_type: str = "application/xml", result: object = None) -> str:
    response: dict[str, object] = {"status": 200, "content_type": content_type}
    if body_file is not None:
        response["body_file"] = body_file
    else:
        response["body"] = response_body or ""
    return json.dumps({
        "name": "x", "request": None, "built": False, "call": None, "response": response,
        "result": result or {"refused": {"error": "MalformedDocument", "as": "message"}},
        "canonical": False,
    })


def check(tmp_path: Path, dialect: str, files: dict[str, bytes],
          capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    folder = tmp_path / "cases" / dialect
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    status = main(["check", str(tmp_path / "cases")])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out + captured.err


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"response": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nests too deeply"),
        (b'{"name": "caf\xe9"}', "not UTF-8"),
        ('{"name": "x"}'.encode("utf-16"), "not UTF-8"),
        (b'{"name": NaN}', "NaN"),
        (b'{"a": 1, "a": 2}', "repeats the key"),
        (b"[]", "malformed"),
        (b"", "malformed"),
        (b'{"response": "' + b"a" * LIMIT + b'"}', "limit"),
    ],
    ids=["deep", "latin1", "utf16", "nan", "duplicate", "array", "empty", "over-16-MiB"],
)
def test_a_hostile_case_file_is_a_problem_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, expected: str
) -> None:
    status, output = check(tmp_path, "2008-08-01", {"bad.json": data}, capsys)
    assert status == 1
    assert "2008-08-01/bad: parses" in output
    assert expected in output


@pytest.mark.parametrize(
    "body_file",
    ["../../../../../../../../etc/passwd", "/etc/passwd", "docs/../../x", "a\\..\\b", "c:x", ""],
)
def test_a_body_file_outside_the_folder_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body_file: str
) -> None:
    status, output = check(tmp_path, "2008-08-01",
                           {"escape.json": case_file(body_file=body_file).encode()}, capsys)
    assert status == 1
    assert "inside the folder" in output
    assert "root:" not in output
    with pytest.raises(ValueError, match="inside the folder"):
        fixtures.read(tmp_path / "cases" / "2008-08-01" / "escape.json")


XML = xml_cases(b"<TwilioResponse><SMSMessage><Sid>SM1</Sid></SMSMessage></TwilioResponse>")


@pytest.mark.parametrize("case", [c for c in XML if len(c.data) < 1_000_000 and c.data.isascii()],
                         ids=lambda c: c.name)
def test_hostile_xml_inside_a_case_is_refused_as_the_corpus_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: object
) -> None:
    data = case.data.decode("ascii")  # type: ignore[attr-defined]
    expected = case.reader.__name__  # type: ignore[attr-defined]
    refused = {"refused": {"error": expected, "as": "message"}}
    status, output = check(tmp_path, "2008-08-01",
                           {"case.json": case_file(data, result=refused).encode()}, capsys)
    assert status == 0, output  # the case expects exactly this refusal: it checks out
    assert "root:" not in output


@pytest.mark.parametrize("case", [c for c in json_cases() if len(c.data) < 1_000_000],
                         ids=lambda c: c.name)
def test_hostile_json_inside_a_canonical_case_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: object
) -> None:
    data = case.data.decode("utf-8", "surrogateescape")  # type: ignore[attr-defined]
    result = {"message": {"sid": "SM1", "account_sid": "AC1", "status": "sent"}}
    text = json.dumps({
        "name": "x", "request": None, "built": False, "call": None,
        "response": {"status": 200, "content_type": "application/json",
                     "body": data.encode("utf-8", "surrogateescape").decode("latin-1")},
        "result": result, "canonical": True,
    })
    status, output = check(tmp_path, "2010-04-01", {"case.json": text.encode()}, capsys)
    assert status == 1
    assert "2010-04-01/case" in output


def test_a_utf7_document_in_a_case_never_reaches_the_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = ('<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE r +AFs-+ADw-!ENTITY x SYSTEM '
            f'+ACI-{SECRET_FILE}+ACI-+AD4-+AF0-+AD4-+ADw-r+AD4-+ACY-x+ADs-+ADw-/r+AD4-')
    status, output = check(tmp_path, "2008-08-01", {"utf7.json": case_file(body).encode()},
                           capsys)
    assert status == 0, output  # refused as MalformedDocument, as the case says
    assert "root:" not in output


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
        (b'{"format": "caf\xe9"}', "not UTF-8"),
        (b'{"format": NaN}', "NaN"),
        (b'{"x": "' + b"a" * LIMIT + b'"}', "limit"),
        (b'{"format": "twilio-compat-cassette", "version": ' + b"9" * 5000 + b"}", "refused"),
    ],
    ids=["deep", "latin1", "nan", "over-16-MiB", "huge-version"],
)
def test_a_hostile_cassette_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, expected: str
) -> None:
    cassette = tmp_path / "hostile.json"
    cassette.write_bytes(data)
    status = main(["serve", "--cassette", str(cassette), "--port", "0"])
    captured = capsys.readouterr()
    assert status == 1
    assert "Traceback" not in captured.err
    assert captured.err.startswith("twilio-compat: cassette ")
    assert expected in captured.err
