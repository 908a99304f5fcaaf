"""The model: open enums, converters, validators and the rules of each class."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat.errors import InvalidParameter
from compat.model import (
    Direction,
    ListQuery,
    Message,
    MessagePage,
    MessageUpdate,
    NewMessage,
    Status,
    _optional_direction,
    _status,
)

SID = "SM" + "0123456789abcdef" * 2
ACCOUNT = "AC" + "fedcba9876543210" * 2
SERVICE = "MG" + "a" * 32
UTC = dt.timezone.utc


def message(**changes: object) -> Message:
    return Message(sid=SID, account_sid=ACCOUNT, **changes)  # type: ignore[arg-type]


# -- open enums -------------------------------------------------------------------------------


def test_known_statuses_cover_both_generations() -> None:
    for value in ("queued", "sending", "sent", "failed"):  # 2008
        assert Status(value).known
    for value in ("delivered", "undelivered", "receiving", "received", "accepted", "scheduled",
                  "read", "partially_delivered", "canceled"):  # 2010 additions
        assert Status(value).known
    assert len(Status) == 13


@given(st.text(min_size=1).filter(lambda s: s not in Status._value2member_map_))
def test_unknown_status_strings_are_carried_exactly(value: str) -> None:
    status = Status(value)
    assert isinstance(status, Status)
    assert status.value == value
    assert str(status) == value
    assert status == value
    assert not status.known
    assert status == Status(value)
    assert hash(status) == hash(Status(value))


@given(st.sampled_from(list(Status)))
def test_known_status_compares_with_its_string(status: Status) -> None:
    assert status == status.value
    assert Status(status.value) is status
    assert status.known


def test_unknown_direction_is_carried() -> None:
    early = Direction("incoming")  # early 2010 docs
    assert early.value == "incoming"
    assert not early.known
    assert "unknown" in repr(early)
    assert Direction("outbound-reply") is Direction.OUTBOUND_REPLY


@pytest.mark.parametrize("bad", ["", None, 3])
def test_status_refuses_non_strings_and_empty(bad: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - Enum's own error for the lookup
        Status(bad)


# -- Message ----------------------------------------------------------------------------------


def test_message_converts_wire_shaped_values() -> None:
    msg = message(status="sent", direction="outbound-api", price="-0.00750", num_segments="2",
                  num_media="0", error_code="30007", media_urls=["https://x/1.png"])
    assert msg.status is Status.SENT
    assert msg.direction is Direction.OUTBOUND_API
    assert msg.price == Decimal("-0.00750")
    assert msg.num_segments == 2
    assert msg.num_media == 0
    assert msg.error_code == 30007
    assert msg.media_urls == ("https://x/1.png",)


def test_message_is_frozen_and_evolves() -> None:
    msg = message(body="hi")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        msg.body = "changed"  # type: ignore[misc]
    changed = attrs.evolve(msg, status="delivered")
    assert changed.status is Status.DELIVERED
    assert msg.status is Status.QUEUED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sid", "SM123"),
        ("sid", "XX" + "0" * 32),
        ("account_sid", "AC" + "g" * 32),
        ("messaging_service_sid", "MG123"),
        ("price", "not money"),
        ("price", "NaN"),
        ("price", True),
        ("num_segments", "-1"),
        ("num_segments", True),
        ("num_media", "1.5"),
        ("error_code", "thirty"),
        ("body", 42),
        ("to", 4155551212),
        ("media_urls", [1, 2]),
    ],
)
def test_message_refuses_bad_values_with_invalid_parameter(field: str, value: object) -> None:
    kwargs: dict[str, object] = {"sid": SID, "account_sid": ACCOUNT, field: value}
    with pytest.raises(InvalidParameter):
        Message(**kwargs)  # type: ignore[arg-type]


def test_message_requires_aware_datetimes() -> None:
    aware = dt.datetime(2009, 10, 4, 3, 48, 8, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    assert message(date_sent=aware).date_sent == aware
    with pytest.raises(InvalidParameter, match="timezone-aware"):
        message(date_created=dt.datetime(2009, 10, 4, 3, 48, 8))
    with pytest.raises(InvalidParameter, match="datetime"):
        message(date_updated="Sun, 04 Oct 2009 03:48:08 -0700")


# -- NewMessage -------------------------------------------------------------------------------


def test_new_message_normalizes_numbers() -> None:
    new = NewMessage(to="(555) 867-5309", from_="415-555-1212", body="Hi Jenny!")
    assert new.to == "+15558675309"
    assert new.from_ == "+14155551212"


def test_new_message_requires_a_sender() -> None:
    with pytest.raises(InvalidParameter, match="sender") as info:
        NewMessage(to="+14155551212", body="hi")
    assert info.value.parameter == "from_"
    assert NewMessage(to="+14155551212", messaging_service_sid=SERVICE, body="hi").from_ is None


def test_new_message_requires_content() -> None:
    with pytest.raises(InvalidParameter, match="content") as info:
        NewMessage(to="+14155551212", from_="+14155550000")
    assert info.value.parameter == "body"
    with pytest.raises(InvalidParameter, match="content"):
        NewMessage(to="+14155551212", from_="+14155550000", body="")
    media = NewMessage(to="+14155551212", from_="+14155550000", media_urls="https://x/a.png")
    assert media.media_urls == ("https://x/a.png",)


@pytest.mark.parametrize(
    ("changes", "parameter"),
    [
        ({"media_urls": [f"https://x/{i}" for i in range(11)]}, "media_urls"),
        ({"validity_period": 0}, "validity_period"),
        ({"validity_period": 36001}, "validity_period"),
        ({"schedule_type": "fixed"}, "send_at"),
        ({"schedule_type": "later", "send_at": dt.datetime(2030, 1, 1, tzinfo=UTC)},
         "schedule_type"),
        ({"provide_feedback": "yes"}, "provide_feedback"),
    ],
)
def test_new_message_rules(changes: dict[str, object], parameter: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        NewMessage(to="+14155551212", from_="+14155550000", body="hi", **changes)  # type: ignore[arg-type]
    assert info.value.parameter == parameter


def test_new_message_closed_enums() -> None:
    new = NewMessage(to="+14155551212", from_="+14155550000", body="hi",
                     content_retention="discard", address_retention="obfuscate")
    assert new.content_retention is not None
    assert new.content_retention.value == "discard"
    with pytest.raises(InvalidParameter, match="retain"):
        NewMessage(to="+14155551212", from_="+14155550000", body="hi", content_retention="keep")  # type: ignore[arg-type]


def test_new_message_scheduled() -> None:
    when = dt.datetime(2030, 1, 1, 12, tzinfo=UTC)
    new = NewMessage(to="+14155551212", messaging_service_sid=SERVICE, body="later",
                     schedule_type="fixed", send_at=when)
    assert new.send_at == when


# -- MessageUpdate, ListQuery, MessagePage ----------------------------------------------------


def test_update_allows_only_redaction_and_cancel() -> None:
    assert MessageUpdate(body="").body == ""
    assert MessageUpdate(status="canceled").status is Status.CANCELED
    with pytest.raises(InvalidParameter, match="redacted"):
        MessageUpdate(body="new text")
    with pytest.raises(InvalidParameter, match="canceled"):
        MessageUpdate(status="sent")
    with pytest.raises(InvalidParameter, match="needs"):
        MessageUpdate()


def test_list_query_bounds_and_numbers() -> None:
    query = ListQuery(to="415-555-1212", page_size=1000, page=0,
                      date_sent_after=dt.date(2009, 7, 6))
    assert query.to == "+14155551212"
    for bad in (0, 1001, "ten"):
        with pytest.raises(InvalidParameter):
            ListQuery(page_size=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameter):
        ListQuery(page=-1)
    with pytest.raises(InvalidParameter, match="timezone-aware"):
        ListQuery(date_sent=dt.datetime(2020, 1, 1))
    with pytest.raises(InvalidParameter):
        ListQuery(date_sent="2020-01-01")  # type: ignore[arg-type]


def test_page_has_next_by_uri_or_count() -> None:
    items = (message(),)
    assert MessagePage(items=items, next_page_uri="/next").has_next
    assert not MessagePage(items=items, next_page_uri=None).has_next
    assert MessagePage(items=items, page=0, num_pages=2).has_next
    assert not MessagePage(items=items, page=1, num_pages=2).has_next
    page = MessagePage(items=items)
    assert len(page) == 1
    assert list(page) == list(items)
    with pytest.raises(InvalidParameter):
        MessagePage(items=["not a message"])  # type: ignore[list-item]
    with pytest.raises(InvalidParameter):
        MessagePage(items=items, page=-1)


@pytest.mark.parametrize("enum", [Status, Direction])
def test_a_known_string_converts_to_its_member_as_the_enum_call_does(enum: type) -> None:
    convert = {Status: _status, Direction: _optional_direction}[enum]
    for member in enum:
        assert convert(member.value) is enum(member.value) is member
        assert convert(member) is member
    carried = convert("carrier-held")
    assert carried == enum("carrier-held") == "carrier-held"
    assert carried.known is False
    with pytest.raises(InvalidParameter):
        convert("")
    with pytest.raises(InvalidParameter):
        convert(3)


def test_messages_hold_members_for_known_strings() -> None:
    message = Message(sid="SM" + "0" * 32, account_sid="AC" + "0" * 32, status="delivered",
                      direction="outbound-api")
    assert message.status is Status.DELIVERED
    assert message.direction is Direction.OUTBOUND_API
