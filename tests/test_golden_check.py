"""Users' own golden cases: loaded from any folder with the shipped runner, and checked by
``twilio-compat check DIR`` (each parses, reads both ways, renders back, validates)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import attrs
import pytest

from compat import backends, fixtures
from compat.backends import JsonBackend
from compat.backends.v2010 import RULES_2010
from compat.cli import main
from compat.testing.golden import check_root

SHIPPED = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A team's own folder of cases: the shipped 2010 ones, copied."""
    target = tmp_path / "cases"
    shutil.copytree(SHIPPED / "2010-04-01", target / "2010-04-01")
    return target


def edit(path: Path, change: dict[str, object]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = data
        for part in parents:
            node = node[part]
        node[last] = value
    path.write_text(json.dumps(data), encoding="utf-8")


def test_cases_load_from_any_folder_with_the_same_runner(root: Path) -> None:
    assert fixtures.cases("2010-04-01", root=root) == fixtures.cases("2010-04-01")
    assert fixtures.dialects(root) == ("2010-04-01",)
    assert fixtures.cases(root=root) == fixtures.cases("2010-04-01")
    assert fixtures.load("2010-04-01", "create", root=root) == fixtures.load("2010-04-01", "create")
    assert len(fixtures.cases()) == sum(len(fixtures.cases(d)) for d in fixtures.dialects())
    with pytest.raises(ValueError, match="no golden cases for dialect '2008-08-01'"):
        fixtures.cases("2008-08-01", root=root)
    with pytest.raises(ValueError, match="no folder of golden cases"):
        fixtures.cases("2010-04-01", root=root / "missing")


def test_own_cases_are_read_fresh_not_cached(root: Path) -> None:
    (root / "2010-04-01" / "create.json").unlink()
    assert "create" not in {case.name for case in fixtures.cases("2010-04-01", root=root)}
    assert "create" in {case.name for case in fixtures.cases("2010-04-01")}


def test_the_shipped_cases_pass_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    report = check_root(SHIPPED)
    assert report.ok, [str(p) for p in report.problems]
    assert report.checked == len(fixtures.cases())
    assert main(["check", str(SHIPPED)]) == 0
    assert capsys.readouterr().out == f"{report.checked} cases checked: ok\n"


def test_each_kind_of_problem_is_reported(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = root / "2010-04-01"
    edit(folder / "create.json", {"request.body": "To=%2B14158675309&Body=changed"})
    edit(folder / "fetch.json", {"result.message.body": "not what the response says"})
    edit(folder / "delete.json", {"response.status": 200})
    edit(folder / "error-not-found.json", {
        "response.body": '{"code": 20404, "message": "x", "more_info": "y", "status": 404, '
                         '"extra": 1}',
        "result.error.message": "x", "result.error.more_info": "y"})
    (folder / "broken.json").write_text("{", encoding="utf-8")
    report = check_root(root)
    found = {(p.where, p.check) for p in report.problems}
    assert ("2010-04-01/create", "server reads the request") in found
    assert ("2010-04-01/create", "client builds the request") in found
    assert ("2010-04-01/fetch", "client reads the response") in found
    assert ("2010-04-01/fetch", "renders back identically") in found
    assert ("2010-04-01/delete", "renders back identically") in found
    assert ("2010-04-01/error-not-found", "validates against its schema") in found
    assert ("2010-04-01/broken", "parses") in found
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    assert "FAIL 2010-04-01/broken: parses: golden case 2010-04-01/broken.json is malformed" in out
    assert out.endswith(f"{report.checked} cases checked: {len(report.problems)} problems\n")


def test_unknown_dialects_fail_and_dialects_without_a_schema_are_noted(root: Path) -> None:
    shutil.copytree(root / "2010-04-01", root / "acme-2010")
    shutil.copytree(root / "2010-04-01", root / "nobody-knows")
    schemaless = attrs.evolve(RULES_2010, name="acme-2010", schemas={})
    backends.register("acme-2010", JsonBackend(schemaless))
    try:
        report = check_root(root)
    finally:
        backends.unregister("acme-2010")
    assert {p.check for p in report.problems} == {"dialect"}
    assert all(p.where.startswith("nobody-knows/") for p in report.problems)
    assert any("no schema known for dialect 'acme-2010'" in note for note in report.notes)


def test_check_of_a_missing_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().err.strip() == (
        f"twilio-compat: no folder of golden cases at {tmp_path / 'nope'}"
    )
