"""The rules each backend carries: every status, direction and Flags value maps or raises, nothing
falls through, and the field and parameter tables cover the model; checked against hand-written
expectations (``tests/expected.py``) and against the tables printed in docs/dialects.md."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from compat import backends
from compat.backends.flags import direction_from_flags, flags_from_direction
from compat.errors import InvalidParameter, UnexpectedDocument
from compat.model import Direction, ListQuery, Message, NewMessage, Status
from tests.expected import CARRIED, DIALECTS, STATUS_WRITTEN

V2008, V2010, V2010_SMS, V2010_XML, V2010_SMS_XML = DIALECTS


def status_for(dialect: str, status: Status) -> Status:
    return backends.get(dialect).rules.status(status)  # type: ignore[attr-defined, no-any-return]


def rules(dialect: str) -> backends.DialectRules:
    return backends.get(dialect).rules  # type: ignore[attr-defined, no-any-return]

DOCUMENTED = {
    V2008: {"queued", "sending", "sent", "failed"},
    V2010_SMS: {"queued", "sending", "sent", "failed", "received"},
    V2010: {status.value for status in Status},
    V2010_XML: {status.value for status in Status},
    V2010_SMS_XML: {"queued", "sending", "sent", "failed", "received"},
}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("status", list(Status))
def test_every_known_status_maps_into_the_dialect(dialect: str, status: Status) -> None:
    written = status_for(dialect, status)
    assert written.known
    assert written.value in DOCUMENTED[dialect]
    # A status the dialect documents is written as itself.
    if status.value in DOCUMENTED[dialect]:
        assert written is status


@pytest.mark.parametrize("dialect", DIALECTS)
def test_status_tables_cover_every_member(dialect: str) -> None:
    assert set(rules(dialect).statuses) == set(Status)
    assert {s.value: status_for(dialect, s).value for s in Status} == STATUS_WRITTEN[dialect]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_unknown_status_passes_through_unchanged(dialect: str) -> None:
    strange = Status("carrier-held")
    assert status_for(dialect, strange) is strange


@pytest.mark.parametrize(
    ("status", "down"),
    [("delivered", "sent"), ("undelivered", "failed"), ("received", "sent"),
     ("receiving", "sending"), ("accepted", "queued"), ("scheduled", "queued"),
     ("read", "sent"), ("partially_delivered", "sent"), ("canceled", "failed")],
)
def test_2008_status_decisions(status: str, down: str) -> None:
    assert status_for(V2008, Status(status)) == down


EXPECTED_FLAGS: dict[int, Direction | None] = {
    0: None, 1: Direction.INBOUND, 2: Direction.OUTBOUND_REPLY, 3: None,
    4: Direction.OUTBOUND_API, 5: None, 6: Direction.OUTBOUND_API, 7: None,
}


@pytest.mark.parametrize("flags", range(64))
def test_every_flags_value_maps_or_raises(flags: int) -> None:
    expected = EXPECTED_FLAGS[flags & 7]
    if expected is None:
        with pytest.raises(UnexpectedDocument):
            direction_from_flags(flags)
    else:
        assert direction_from_flags(flags) is expected


def test_negative_flags_raise() -> None:
    with pytest.raises(UnexpectedDocument, match="non-negative"):
        direction_from_flags(-1)


@pytest.mark.parametrize("direction", list(Direction))
def test_every_direction_has_flags_and_reads_back(direction: Direction) -> None:
    flags = flags_from_direction(direction)
    assert flags in (1, 2, 4)
    expected = Direction.OUTBOUND_REPLY if direction is Direction.OUTBOUND_CALL else direction
    assert direction_from_flags(flags) is expected


def test_unknown_direction_has_no_flags() -> None:
    with pytest.raises(InvalidParameter, match="no 2008 Flags"):
        flags_from_direction(Direction("outbound-carrier-pigeon"))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_field_tables_name_model_fields_once(dialect: str) -> None:
    every = {a.name for a in attrs.fields(Message)}
    names = [field.model for field in rules(dialect).fields if field.kind != "subresources"]
    assert len(names) == len(set(names))
    assert set(names) <= every
    assert {f.model for f in rules(dialect).readable_fields if f.kind != "subresources"} <= every


@pytest.mark.parametrize("dialect", DIALECTS)
def test_carried_fields(dialect: str) -> None:
    assert rules(dialect).carried == CARRIED[dialect]


def test_2010_xml_element_orders_are_the_decided_ones() -> None:
    assert [f.wire for f in rules(V2010_SMS_XML).fields] == [
        "Sid", "DateCreated", "DateUpdated", "DateSent", "AccountSid", "To", "From", "Body",
        "Status", "Direction", "Price", "ApiVersion", "Uri"]
    assert [f.wire for f in rules(V2010_XML).fields] == [
        "Sid", "DateCreated", "DateUpdated", "DateSent", "AccountSid", "To", "From",
        "MessagingServiceSid", "Body", "Status", "NumSegments", "NumMedia", "Direction",
        "ApiVersion", "Price", "PriceUnit", "ErrorCode", "ErrorMessage", "Uri"]
    assert [f.wire for f in rules(V2010_SMS_XML).page_fields] == [
        "page", "numpages", "pagesize", "total", "start", "end", "uri", "firstpageuri",
        "previouspageuri", "nextpageuri", "lastpageuri", "SMSMessages"]
    assert [f.wire for f in rules(V2010_XML).page_fields] == [
        "page", "pagesize", "start", "end", "uri", "firstpageuri", "previouspageuri",
        "nextpageuri", "Messages"]


def test_each_xml_twin_keeps_its_json_twin_s_rules() -> None:
    for xml, json in ((V2010_XML, V2010), (V2010_SMS_XML, V2010_SMS)):
        a, b = rules(xml), rules(json)
        assert (a.api_version, a.statuses, a.number_style, a.max_body_length,
                a.body_too_long_code, a.no_body_code, a.operations, a.create_params,
                a.list_params, a.counted_pages) == (
            b.api_version, b.statuses, b.number_style, b.max_body_length,
            b.body_too_long_code, b.no_body_code, b.operations, b.create_params,
            b.list_params, b.counted_pages)
        assert a.carried == b.carried


def test_2008_element_order_is_the_documented_one() -> None:
    order = [field.wire for field in rules(V2008).fields]
    assert order == ["Sid", "DateCreated", "DateUpdated", "DateSent", "AccountSid", "To", "From",
                     "Body", "Status", "Flags"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_parameter_tables_cover_the_request_models(dialect: str) -> None:
    create, listing = rules(dialect).create_params, rules(dialect).list_params
    assert {p.model for p in create} <= {a.name for a in attrs.fields(NewMessage)}
    assert {p.model for p in listing} <= {a.name for a in attrs.fields(ListQuery)}
    for table in (create, listing):
        wires = [p.wire for p in table]
        assert len(wires) == len(set(wires))
    assert {"to", "from_", "body"} <= {p.model for p in create}


def test_2010_has_every_request_field() -> None:
    assert {p.model for p in rules(V2010).create_params} == {
        a.name for a in attrs.fields(NewMessage)
    }
    assert {p.model for p in rules(V2010).list_params} == {a.name for a in attrs.fields(ListQuery)}


def test_restrict_drops_what_2008_lacks() -> None:
    from decimal import Decimal

    message = Message(sid="SM" + "a" * 32, account_sid="AC" + "b" * 32, price=Decimal("1"),
                      num_segments=2, status=Status.DELIVERED, direction=Direction.OUTBOUND_CALL,
                      media_urls=("https://example.com/x",), uri="/x", body=None,
                      api_version="2010-04-01")
    restricted = backends.get(V2008).restrict(message)
    assert restricted == Message(sid="SM" + "a" * 32, account_sid="AC" + "b" * 32,
                                 status=Status.SENT, direction=Direction.OUTBOUND_REPLY, body="",
                                 api_version="2008-08-01")


DOC = Path(__file__).resolve().parent.parent / "docs" / "dialects.md"


def _normalized_rows() -> set[str]:
    rows = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            rows.add(" ".join(cell.strip().strip("`") for cell in line.strip("|").split("|")))
    return rows


def test_the_status_table_in_the_docs_is_the_data() -> None:
    rows = _normalized_rows()
    for status in Status:
        line = " ".join([status.value, *(status_for(d, status).value for d in DIALECTS)])
        assert line in rows, f"docs/dialects.md lacks the status row: {line}"


def test_the_flags_table_in_the_docs_is_the_data() -> None:
    rows = _normalized_rows()
    for direction in Direction:
        line = f"{direction.value} {flags_from_direction(direction)}"
        assert any(row.startswith(line) for row in rows), f"docs lack the Flags row: {line}"
