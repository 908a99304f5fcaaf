"""Routes: one suffix written, alternatives read, and the 2010 JSON and XML paths never collide."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat.backends import Routes, get
from compat.backends.routes import extension
from compat.wire import WireRequest

AC = "AC" + "a" * 32
SM = "SM" + "b" * 32
XML = Routes("/2010-04-01/Accounts/", "/Messages", "", also=(".xml",))


def test_paths_are_written_with_the_main_suffix_and_read_with_every_one() -> None:
    assert XML.list_path(AC) == f"/2010-04-01/Accounts/{AC}/Messages"
    assert XML.instance_path(AC, SM) == f"/2010-04-01/Accounts/{AC}/Messages/{SM}"
    for suffix in ("", ".xml"):
        assert XML.match(f"/2010-04-01/Accounts/{AC}/Messages{suffix}") == (AC, None)
        assert XML.match(f"/2010-04-01/Accounts/{AC}/Messages/{SM}{suffix}") == (AC, SM)
    assert XML.suffixes == (".xml", "")


def test_the_suffixes_are_worked_out_once_per_value() -> None:
    assert XML.suffixes is XML.suffixes
    json = attrs.evolve(XML, suffix=".json", also=())
    assert json.suffixes == (".json",)
    assert json.match(f"/2010-04-01/Accounts/{AC}/Messages.json") == (AC, None)
    assert json.match(f"/2010-04-01/Accounts/{AC}/Messages") is None
    assert XML.suffixes == (".xml", "")


@pytest.mark.parametrize(
    "path",
    [f"/2010-04-01/Accounts/{AC}/Messages.json", f"/2010-04-01/Accounts/{AC}/Messages/{SM}.json",
     f"/2010-04-01/Accounts/{AC}/Messages/{SM}.csv", f"/2010-04-01/Accounts/{AC}/SMS/Messages",
     f"/2010-04-01/Accounts/{AC}/Messages/{SM}/Media", f"/2010-04-01/Accounts/{AC}/MessagesX"],
)
def test_other_representations_and_resources_are_not_matched(path: str) -> None:
    assert XML.match(path) is None


def test_extension_and_speaks() -> None:
    assert extension("/a/b.json") == ".json"
    assert extension("/a.b/c") == ""
    assert XML.speaks("/x/Messages.xml")
    assert XML.speaks("/x/Messages")
    assert not XML.speaks("/x/Messages.json")


@given(st.sampled_from(["", ".json", ".xml"]), st.booleans(),
       st.sampled_from(["/Messages", "/SMS/Messages"]))
def test_exactly_one_builtin_dialect_claims_each_2010_path(suffix: str, instance: bool,
                                                         collection: str) -> None:
    path = f"/2010-04-01/Accounts/{AC}{collection}{'/' + SM if instance else ''}{suffix}"
    names = ("2010-04-01", "2010-04-01-sms", "2010-04-01-xml", "2010-04-01-sms-xml")
    claims = [name for name in names if get(name).parse_request(WireRequest("GET", path))]
    json_side = suffix == ".json"
    legacy = collection == "/SMS/Messages"
    expected = {(True, False): "2010-04-01", (True, True): "2010-04-01-sms",
                (False, False): "2010-04-01-xml", (False, True): "2010-04-01-sms-xml"}
    assert claims == [expected[(json_side, legacy)]]
