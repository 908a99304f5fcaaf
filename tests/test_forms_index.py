"""Reading a form looks only at the parameters it names (the rules' ``create_index`` and
``list_index``), and reads exactly what looking at every parameter of the table reads."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat.backends import get
from compat.backends.forms import _read
from compat.backends.rules import DialectRules, Param
from compat.errors import ApiError

DIALECTS = ["2008-08-01", "2010-04-01", "2010-04-01-sms", "2010-04-01-xml"]


def _rules(dialect: str) -> DialectRules:
    rules = get(dialect).rules  # type: ignore[attr-defined]
    assert isinstance(rules, DialectRules)
    return rules


def _tables(rules: DialectRules) -> list[tuple[tuple[Param, ...], Mapping[str, tuple[int, ...]]]]:
    return [(rules.create_params, rules.create_index), (rules.list_params, rules.list_index)]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_index_names_each_parameter_under_every_name_it_is_read_by(dialect: str) -> None:
    for table, index in _tables(_rules(dialect)):
        expected: dict[str, list[int]] = {}
        for position, param in enumerate(table):
            for name in {*param.names, param.wire}:
                expected.setdefault(name, []).append(position)
        assert {name: list(found) for name, found in index.items()} == expected


def test_the_index_is_worked_out_once_per_rules_value() -> None:
    rules = _rules("2010-04-01")
    assert rules.create_index is rules.create_index
    assert rules.list_index is rules.list_index


NAMES = sorted({name for dialect in DIALECTS for table, index in _tables(_rules(dialect))
                for name in index} | {"Unknown", "_method"})
VALUES = st.sampled_from(["", "+15558675309", "4155551212", "hello", "12", "-3", "x1", "true",
                          "no", "1.5", "NaN", "2024-05-01", "2024-05-01T10:00:00Z", "retain",
                          "https://example.com/a.png", "MG" + "a" * 32, "1001"])
FORMS = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=12)


def _outcome(read: object) -> object:
    values, error = read  # type: ignore[misc]
    return values, None if error is None else (error.status, error.code, str(error))


@pytest.mark.parametrize("dialect", DIALECTS)
@given(pairs=FORMS)
def test_reading_the_named_parameters_reads_what_reading_every_parameter_reads(
    dialect: str, pairs: list[tuple[str, str]]
) -> None:
    last = dict(pairs)
    for table, index in _tables(_rules(dialect)):
        every = {name: tuple(range(len(table))) for name in last}  # every parameter looked at
        assert _outcome(_read(table, index, pairs, last)) == _outcome(
            _read(table, every, pairs, last)
        )


def test_the_first_bad_value_in_table_order_is_the_one_kept() -> None:
    rules = _rules("2010-04-01")
    pairs = [("Attempt", "x"), ("ValidityPeriod", "y")]  # the table lists ValidityPeriod first
    _values, error = _read(rules.create_params, rules.create_index, pairs, dict(pairs))
    assert isinstance(error, ApiError)
    assert "ValidityPeriod" in str(error)


def test_the_strongest_name_wins_whatever_the_form_order() -> None:
    rules = _rules("2008-08-01")
    pairs = [("PageSize", "20"), ("num", "30")]
    values, error = _read(rules.list_params, rules.list_index, pairs, dict(pairs))
    assert error is None
    assert values["page_size"] == 20
