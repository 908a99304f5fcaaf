"""Matching recorded requests: order of parameters ignored, every change named field by field,
the closest candidate found, matchers configurable (Hypothesis round trips)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat.errors import ConfigurationError
from compat.testing.matching import DEFAULT, closest, differences, resolve
from compat.wire import WireRequest, encode_form

NAMES = st.sampled_from(["To", "From", "Body", "StatusCallback", "MediaUrl", "PageSize"])
VALUES = st.text(alphabet="abc+123 é&=", max_size=8)
PAIRS = st.lists(st.tuples(NAMES, VALUES), max_size=6)
MATCHERS = resolve(None)


def request(method: str = "POST", path: str = "/p", query: list[tuple[str, str]] | None = None,
            body: list[tuple[str, str]] | None = None) -> WireRequest:
    return WireRequest(method, path, query or [], (), encode_form(body or []))


@given(PAIRS, PAIRS, st.randoms())
def test_a_request_matches_itself_with_its_parameters_in_any_order(
    query: list[tuple[str, str]], body: list[tuple[str, str]], random: object
) -> None:
    shuffled_query, shuffled_body = list(query), list(body)
    random.shuffle(shuffled_query)  # type: ignore[attr-defined]
    random.shuffle(shuffled_body)  # type: ignore[attr-defined]
    recorded = request(query=query, body=body)
    live = request(query=shuffled_query, body=shuffled_body)
    assert not any(differences(MATCHERS, recorded, live))


@given(PAIRS, st.tuples(NAMES, VALUES), VALUES, st.sampled_from(["query", "body"]))
def test_a_changed_parameter_is_named_with_both_values(
    others: list[tuple[str, str]], pair: tuple[str, str], new: str, where: str
) -> None:
    name, old = pair
    if new == old:
        new = old + "x"
    before = [*[p for p in others if p[0] != name], (name, old)]
    after = [*[p for p in others if p[0] != name], (name, new)]
    recorded = request(**{where: before})  # type: ignore[arg-type]
    live = request(**{where: after})  # type: ignore[arg-type]
    lines = [line for item in differences(MATCHERS, recorded, live) for line in item]
    assert lines == [f"{where} {name}: recorded {old!r}, sent {new!r}"]


def test_missing_and_extra_parameters_method_and_path_are_named() -> None:
    recorded = request("POST", "/a", body=[("To", "1"), ("Body", "hi")])
    live = request("GET", "/b", query=[("Page", "2")], body=[("To", "1"), ("From", "2")])
    lines = [line for item in differences(MATCHERS, recorded, live) for line in item]
    assert lines == [
        "method: recorded POST, sent GET",
        "path: recorded /a, sent /b",
        "query Page: sent '2', not recorded",
        "body Body: recorded 'hi', not sent",
        "body From: sent '2', not recorded",
    ]


def test_repeated_parameters_count() -> None:
    recorded = request(body=[("MediaUrl", "a"), ("MediaUrl", "a")])
    live = request(body=[("MediaUrl", "a")])
    assert differences(MATCHERS, recorded, live)[3] == ["body MediaUrl: recorded 'a, a', sent 'a'"]


def test_bodies_that_are_not_forms_compare_as_bytes() -> None:
    recorded = WireRequest("POST", "/p", (), (), b"\xff\xfe")
    live = WireRequest("POST", "/p", (), (), b"\xff")
    assert differences(MATCHERS, recorded, live)[3] == [
        "body: recorded 2 bytes, sent 1 bytes"
    ]


def test_closest_prefers_fewest_failing_matchers_then_fewest_differences() -> None:
    live = request("POST", "/Messages", body=[("To", "1"), ("Body", "hello")])
    candidates = [
        request("GET", "/Messages"),
        request("POST", "/Messages", body=[("To", "2"), ("Body", "hi")]),
        request("POST", "/Messages", body=[("To", "1"), ("Body", "hi")]),
    ]
    found = closest(MATCHERS, candidates, live)
    assert found == (2, ["body Body: recorded 'hi', sent 'hello'"])
    assert closest(MATCHERS, [], live) is None


def test_matchers_are_configurable_by_name_and_by_callable() -> None:
    recorded = request(body=[("Body", "a")])
    live = request(body=[("Body", "b")])
    without_body = resolve(["method", "path", "query"])
    assert not any(differences(without_body, recorded, live))

    def same_length(old: WireRequest, new: WireRequest) -> list[str]:
        return [] if len(old.body) == len(new.body) else ["length"]

    custom = resolve(["method", same_length])
    assert not any(differences(custom, recorded, live))
    assert DEFAULT == ("method", "path", "query", "body")
    with pytest.raises(ConfigurationError, match="unknown matcher 'host'"):
        resolve(["host"])
