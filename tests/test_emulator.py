"""The emulator in-process: one store behind every dialect, auth, validation, lifecycle, paging.

Requests go through ``httpx.Client(transport=emulator.transport())`` exactly as they go on the wire
(form bodies, Basic auth), or through the compat clients bound to the emulator.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import logging
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from compat import backends
from compat.backends.v2010 import Backend2010
from compat.client import AsyncClient, Client
from compat.emulator import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    Account,
    Emulator,
    ManualClock,
    Mode,
)
from compat.emulator.callbacks import HttpReply
from compat.emulator.clock import DEFAULT_START
from compat.errors import (
    ApiError,
    BodyTooLong,
    CompatError,
    ConfigurationError,
    InvalidParameter,
    InvalidPhoneNumber,
    MalformedDocument,
)
from compat.model import Direction, Message, Status
from compat.wire import WireResponse

ME = "+15017122661"
JENNY = "+15558675310"
V2010_LIST = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
V2008_LIST = f"/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages"
SMS_LIST = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages.json"


@pytest.fixture
def emulator() -> Any:
    with Emulator() as em:
        yield em


@pytest.fixture
def http(emulator: Emulator) -> Any:
    """Raw HTTP into the emulator, authenticated as the test account."""
    with httpx.Client(
        transport=emulator.transport(),
        base_url="https://api.twilio.com",
        auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN),
    ) as client:
        yield client


def xml_text(response: httpx.Response, path: str) -> str | None:
    root = etree.fromstring(response.content)
    found = root.find(path)
    return None if found is None else (found.text or "")


def create_2010(http: httpx.Client, **form: str) -> httpx.Response:
    data = {"To": JENNY, "From": ME, "Body": "Hello"}
    data.update(form)
    return http.post(V2010_LIST, data={k: v for k, v in data.items() if v is not None})


# -- one store, every dialect ----------------------------------------------------------------------


def test_message_created_through_2008_is_read_through_2010(http: httpx.Client) -> None:
    created = http.post(V2008_LIST, data={"From": "415-555-1212", "To": "555-867-5309",
                                          "Body": "Hello from 2008"})
    assert created.status_code == 201
    assert created.headers["content-type"].startswith("application/xml")
    sid = xml_text(created, "SMSMessage/Sid")
    assert sid is not None
    assert sid.startswith("SM")
    assert xml_text(created, "SMSMessage/To") == "5558675309"

    fetched = http.get(f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages/{sid}.json")
    assert fetched.status_code == 200
    document = fetched.json()
    assert document["sid"] == sid
    assert document["api_version"] == "2008-08-01"
    assert document["to"] == "+15558675309"
    assert document["body"] == "Hello from 2008"
    listed = http.get(V2010_LIST).json()
    assert [m["sid"] for m in listed["messages"]] == [sid]


def test_message_created_through_2010_is_read_through_2008_and_legacy_sms(
    http: httpx.Client,
) -> None:
    sid = create_2010(http, Body="Hello from 2010").json()["sid"]
    fetched = http.get(f"{V2008_LIST}/{sid}")
    assert fetched.status_code == 200
    assert xml_text(fetched, "SMSMessage/Sid") == sid
    assert xml_text(fetched, "SMSMessage/Body") == "Hello from 2010"
    assert xml_text(fetched, "SMSMessage/Flags") == "4"
    legacy = http.get(SMS_LIST).json()
    assert [m["sid"] for m in legacy["sms_messages"]] == [sid]
    assert legacy["sms_messages"][0]["api_version"] == "2010-04-01"


@pytest.mark.parametrize("backend", ["2008-08-01", "2010-04-01", "2010-04-01-sms"])
def test_compat_client_of_every_dialect_round_trips(emulator: Emulator, backend: str) -> None:
    with emulator.client(backend) as client:
        created = client.messages.create(to=JENNY, from_=ME, body="round trip")
        fetched = client.messages.fetch(created.sid)
    assert fetched.sid == created.sid
    assert fetched.body == "round trip"
    assert fetched.to == JENNY
    stored = emulator.message(created.sid)
    assert stored.api_version == ("2008-08-01" if backend == "2008-08-01" else "2010-04-01")
    assert stored.direction == Direction.OUTBOUND_API


def test_async_client_works_in_process(emulator: Emulator) -> None:
    async def scenario() -> tuple[Message, list[Message]]:
        client: AsyncClient = emulator.async_client()
        async with client:
            created = await client.messages.create(to=JENNY, from_=ME, body="async")
            found = [m async for m in client.messages.list()]
        return created, found

    created, found = asyncio.run(scenario())
    assert [m.sid for m in found] == [created.sid]
    assert emulator.message(created.sid).body == "async"


# -- authentication and isolation ------------------------------------------------------------------


def test_missing_credentials_get_401_in_each_dialect(emulator: Emulator) -> None:
    with httpx.Client(transport=emulator.transport(), base_url="https://api.test") as anon:
        json_answer = anon.get(V2010_LIST)
        xml_answer = anon.get(V2008_LIST)
    assert json_answer.status_code == 401
    assert json_answer.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert json_answer.headers["www-authenticate"].startswith("Basic")
    assert xml_answer.status_code == 401
    assert xml_text(xml_answer, "RestException/Code") == "20003"
    assert not emulator.messages


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(f"{TEST_ACCOUNT_SID}:wrong".encode()).decode(),
        "Basic " + base64.b64encode(TEST_ACCOUNT_SID.encode()).decode(),
        "Basic !!!not-base64!!!",
        "Bearer " + TEST_AUTH_TOKEN,
        "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
    ],
)
def test_wrong_credentials_get_401_before_validation(
    emulator: Emulator, authorization: str
) -> None:
    with httpx.Client(transport=emulator.transport(), base_url="https://api.test") as client:
        answer = client.post(V2010_LIST, data={"Body": "no To"},
                             headers={"Authorization": authorization})
    assert answer.status_code == 401
    assert answer.json()["code"] == 20003


def test_accounts_are_isolated(emulator: Emulator, http: httpx.Client) -> None:
    other = emulator.add_account()
    mine = create_2010(http).json()["sid"]
    with httpx.Client(
        transport=emulator.transport(), base_url="https://api.test",
        auth=(other.sid, other.auth_token),
    ) as theirs:
        own_path = f"/2010-04-01/Accounts/{other.sid}/Messages"
        fetched = theirs.get(f"{own_path}/{mine}.json")
        assert fetched.status_code == 404
        assert fetched.json()["code"] == 20404
        assert theirs.get(f"{own_path}.json").json()["messages"] == []
        deleted = theirs.delete(f"{own_path}/{mine}.json")
        assert deleted.status_code == 404
        # valid credentials, but for another account's path
        assert theirs.get(V2010_LIST).status_code == 401
    assert emulator.message(mine).sid == mine


def test_api_key_authenticates_as_its_account(emulator: Emulator) -> None:
    key = emulator.add_api_key()
    with Client(TEST_ACCOUNT_SID, api_key=key.sid, api_secret=key.secret,
                transport=emulator.transport()) as client:
        created = client.messages.create(to=JENNY, from_=ME, body="by key")
    assert emulator.message(created.sid).account_sid == TEST_ACCOUNT_SID
    with httpx.Client(transport=emulator.transport(), base_url="https://api.test",
                      auth=(key.sid, "wrong secret")) as client:
        assert client.get(V2010_LIST).status_code == 401


# -- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "form", "code"),
    [
        (V2010_LIST, {"From": ME, "Body": "x"}, 21604),
        (V2010_LIST, {"To": JENNY, "Body": "x"}, 21603),
        (V2010_LIST, {"To": JENNY, "From": ME}, 21619),
        (V2010_LIST, {"To": "12", "From": ME, "Body": "x"}, 21211),
        (V2010_LIST, {"To": JENNY, "From": "+1 (", "Body": "x"}, 21212),
        (V2010_LIST, {"To": JENNY, "From": ME, "Body": "x" * 1601}, 21617),
        (V2008_LIST, {"From": ME, "Body": "x"}, 21604),
        (V2008_LIST, {"To": JENNY, "Body": "x"}, 21603),
        (V2008_LIST, {"To": JENNY, "From": ME}, 21602),
        (V2008_LIST, {"To": JENNY, "From": ME, "Body": "x" * 161}, 21605),
        (SMS_LIST, {"To": JENNY, "From": ME, "Body": "x" * 161}, 21605),
    ],
)
def test_validation_answers_twilios_codes(
    emulator: Emulator, http: httpx.Client, path: str, form: dict[str, str], code: int
) -> None:
    answer = http.post(path, data=form)
    assert answer.status_code == 400
    if path == V2008_LIST:
        assert xml_text(answer, "RestException/Code") == str(code)
    else:
        assert answer.json()["code"] == code
    assert not emulator.messages


def test_body_at_the_limit_is_accepted(http: httpx.Client) -> None:
    answer = http.post(V2008_LIST, data={"To": JENNY, "From": ME, "Body": "x" * 160})
    assert answer.status_code == 201
    assert create_2010(http, Body="x" * 1600).status_code == 201


@pytest.mark.parametrize(
    ("from_", "to", "code"),
    [
        ("+15005550001", JENNY, 21212),
        ("+15005550007", JENNY, 21606),
        ("+15005550008", JENNY, 21611),
        ("+15005550006", "+15005550001", 21211),
        ("+15005550006", "+15005550002", 21612),
        ("+15005550006", "+15005550003", 21408),
        ("+15005550006", "+15005550004", 21610),
        ("+15005550006", "+15005550009", 21614),
    ],
)
def test_magic_test_numbers(http: httpx.Client, from_: str, to: str, code: int) -> None:
    answer = create_2010(http, From=from_, To=to)
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == code
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert to in body["message"] or from_ in body["message"]


def test_magic_numbers_in_2008_dialect(http: httpx.Client) -> None:
    answer = http.post(V2008_LIST, data={"From": "+15005550006", "To": "+15005550004",
                                         "Body": "x"})
    assert answer.status_code == 400
    assert xml_text(answer, "RestException/Code") == "21610"


def test_passing_magic_from_number_sends(http: httpx.Client) -> None:
    assert create_2010(http, From="+15005550006").status_code == 201


def test_account_with_own_numbers_only_checks_from(emulator: Emulator) -> None:
    strict = emulator.add_account(own_numbers_only=True)
    emulator.add_number("+14155550100", account_sid=strict.sid)
    with Client(strict.sid, strict.auth_token, transport=emulator.transport()) as client:
        client.messages.create(to=JENNY, from_="+14155550100", body="mine")
        client.messages.create(to=JENNY, from_="+15005550006", body="magic")
        with pytest.raises(ApiError) as refused:
            client.messages.create(to=JENNY, from_=ME, body="not mine")
    assert refused.value.code == 21606
    assert len(emulator.messages_for(strict.sid)) == 2


def test_malformed_form_body_is_a_400_not_a_traceback(
    emulator: Emulator, http: httpx.Client
) -> None:
    answer = http.post(
        V2010_LIST,
        content=b"To=%2B15558675310&From=%2B15017122661&Body=\xff\xfe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
    assert "form" in answer.json()["message"]
    assert emulator.errors == []


def test_query_that_is_not_utf8_is_a_400(emulator: Emulator, http: httpx.Client) -> None:
    answer = http.get(V2010_LIST + "?To=%FF")
    assert answer.status_code == 400
    assert emulator.errors == []


def test_unrouted_request_is_404_and_recorded(emulator: Emulator, http: httpx.Client) -> None:
    answer = http.get(f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Calls.json")
    assert answer.status_code == 404
    assert answer.json()["code"] == 20404
    assert emulator.unrouted == [f"GET /2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Calls.json"]
    assert any("unrouted" in problem for problem in emulator.problems())


def test_unsupported_method_is_405(http: httpx.Client) -> None:
    sid = create_2010(http).json()["sid"]
    answer = http.delete(f"{V2008_LIST}/{sid}")
    assert answer.status_code == 405


class ExplodingBackend(Backend2010):
    def render_message(self, message: Message, *, created: bool = False) -> WireResponse:
        raise RuntimeError("boom")


def test_internal_error_is_a_500_in_the_dialect_and_recorded() -> None:
    with Emulator(dialects=[ExplodingBackend()]) as emulator:
        client = httpx.Client(transport=emulator.transport(), base_url="https://api.test",
                              auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN))
        answer = client.post(V2010_LIST, data={"To": JENNY, "From": ME, "Body": "x"})
        client.close()
        assert answer.status_code == 500
        assert answer.json()["status"] == 500
        assert "boom" in emulator.errors[0]
        assert any("emulator error" in p for p in emulator.problems())


# -- lifecycle -------------------------------------------------------------------------------------


def test_immediate_mode_delivers_and_prices(emulator: Emulator, http: httpx.Client) -> None:
    created = create_2010(http, Body="x" * 161).json()
    assert created["status"] == "queued"
    assert created["date_sent"] is None
    stored = emulator.message(created["sid"])
    assert stored.status == Status.DELIVERED
    assert stored.num_segments == 2
    assert stored.price == Decimal("-0.01580")
    assert stored.price_unit == "USD"
    assert stored.date_sent == DEFAULT_START


def test_ucs2_body_is_priced_by_its_segments(emulator: Emulator) -> None:
    with emulator.client() as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="é€😀" * 30).sid
    stored = emulator.message(sid)
    assert stored.num_segments == 2
    assert stored.price == Decimal("-0.01580")


def test_2008_messages_stop_at_sent(emulator: Emulator) -> None:
    with emulator.client("2008-08-01") as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="old").sid
    assert emulator.message(sid).status == Status.SENT


@pytest.mark.parametrize(
    ("outcome", "code", "final", "error_message"),
    [
        ("undelivered", None, Status.UNDELIVERED, "Unreachable destination handset"),
        ("undelivered", 30007, Status.UNDELIVERED, "Message filtered"),
        ("failed", None, Status.FAILED, "Unknown error"),
        ("sent", None, Status.SENT, None),
    ],
)
def test_outcomes_for_chosen_numbers(
    emulator: Emulator, outcome: str, code: int | None, final: Status, error_message: str | None
) -> None:
    emulator.set_outcome(JENNY, outcome, code)
    with emulator.client() as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="x").sid
        fetched = client.messages.fetch(sid)
    assert fetched.status == final
    assert fetched.error_message == error_message
    if final in (Status.UNDELIVERED, Status.FAILED):
        assert fetched.error_code == (code or (30003 if outcome == "undelivered" else 30008))


def test_outcome_status_is_checked(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="outcome"):
        emulator.set_outcome(JENNY, "lost")


def test_manual_mode_steps_only_when_told() -> None:
    with Emulator(mode="manual") as emulator, emulator.client() as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="x").sid
        assert emulator.message(sid).status == Status.QUEUED
        emulator.clock.advance(3600)  # type: ignore[attr-defined]
        assert emulator.message(sid).status == Status.QUEUED
        (sending,) = emulator.advance(sid)
        assert sending.status == Status.SENDING
        assert sending.date_sent == DEFAULT_START + dt.timedelta(hours=1)
        (done,) = emulator.finish(sid)
        assert done.status == Status.DELIVERED
        with pytest.raises(ValueError, match="no further status"):
            emulator.advance(sid)
        assert client.messages.fetch(sid).status == Status.DELIVERED


def test_set_status_forces_a_status(emulator: Emulator) -> None:
    emulator.mode = Mode.MANUAL
    with emulator.client() as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="x").sid
    forced = emulator.set_status(sid, "failed", 30004)
    assert forced.status == Status.FAILED
    assert forced.error_code == 30004
    assert forced.error_message == "Message blocked"
    assert emulator.message(sid).status == Status.FAILED


def test_timed_mode_follows_the_clock() -> None:
    clock = ManualClock()
    with Emulator(mode="timed", clock=clock, delays=(1, 2, 3)) as emulator:
        with emulator.client() as client:
            sid = client.messages.create(to=JENNY, from_=ME, body="x").sid
        statuses = [emulator.message(sid).status]
        for _ in range(6):
            clock.advance(1)
            statuses.append(emulator.message(sid).status)
        stored = emulator.message(sid)
    assert statuses == [
        Status.QUEUED, Status.SENDING, Status.SENDING, Status.SENT,
        Status.SENT, Status.SENT, Status.DELIVERED,
    ]
    assert stored.date_sent == DEFAULT_START + dt.timedelta(seconds=1)
    assert stored.date_updated == DEFAULT_START + dt.timedelta(seconds=6)


def test_timed_mode_catches_up_with_due_times() -> None:
    clock = ManualClock()
    with Emulator(mode="timed", clock=clock, delays=(1, 1, 1)) as emulator:
        with emulator.client() as client:
            sid = client.messages.create(to=JENNY, from_=ME, body="x").sid
        clock.advance(100)
        stored = emulator.message(sid)
    assert stored.status == Status.DELIVERED
    assert stored.date_sent == DEFAULT_START + dt.timedelta(seconds=1)
    assert stored.date_updated == DEFAULT_START + dt.timedelta(seconds=3)


def test_scheduled_message_waits_for_its_send_time(emulator: Emulator, http: httpx.Client) -> None:
    send_at = DEFAULT_START + dt.timedelta(hours=2)
    answer = http.post(V2010_LIST, data={
        "To": JENNY, "MessagingServiceSid": "MG" + "1" * 32, "Body": "later",
        "ScheduleType": "fixed", "SendAt": send_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    })
    assert answer.status_code == 201
    sid = answer.json()["sid"]
    assert answer.json()["status"] == "scheduled"
    emulator.clock.advance(3600)  # type: ignore[attr-defined]
    assert emulator.message(sid).status == Status.SCHEDULED
    emulator.clock.advance(3600)  # type: ignore[attr-defined]
    assert emulator.message(sid).status == Status.DELIVERED


def test_scheduled_message_can_be_canceled(emulator: Emulator, http: httpx.Client) -> None:
    send_at = DEFAULT_START + dt.timedelta(hours=2)
    sid = http.post(V2010_LIST, data={
        "To": JENNY, "MessagingServiceSid": "MG" + "1" * 32, "Body": "later",
        "ScheduleType": "fixed", "SendAt": send_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }).json()["sid"]
    with emulator.client() as client:
        canceled = client.messages.cancel(sid)
    assert canceled.status == Status.CANCELED
    emulator.clock.advance(3 * 3600)  # type: ignore[attr-defined]
    assert emulator.message(sid).status == Status.CANCELED


def test_delivered_message_cannot_be_canceled(emulator: Emulator) -> None:
    with emulator.client() as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="x").sid
        with pytest.raises(ApiError) as refused:
            client.messages.cancel(sid)
    assert refused.value.status == 400
    assert emulator.message(sid).status == Status.DELIVERED


# -- update and delete -----------------------------------------------------------------------------


def test_redact_and_delete(emulator: Emulator) -> None:
    with emulator.client() as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="secret").sid
        redacted = client.messages.redact(sid)
        assert redacted.body == ""
        assert emulator.message(sid).body == ""
        client.messages.delete(sid)
        with pytest.raises(ApiError) as gone:
            client.messages.fetch(sid)
    assert gone.value.status == 404
    assert gone.value.code == 20404
    assert emulator.messages == []


# -- determinism and reset -------------------------------------------------------------------------


def sids(emulator: Emulator, count: int) -> list[str]:
    with emulator.client() as client:
        return [client.messages.create(to=JENNY, from_=ME, body=str(i)).sid for i in range(count)]


def test_same_seed_gives_same_sids_and_dates() -> None:
    with Emulator(seed=7) as first, Emulator(seed=7) as second, Emulator(seed=8) as third:
        a, b, c = sids(first, 3), sids(second, 3), sids(third, 3)
        assert [m.date_created for m in first.messages] == [m.date_created for m in second.messages]
    assert a == b
    assert a != c
    assert len(set(a)) == 3


def test_media_message_gets_an_mm_sid(emulator: Emulator) -> None:
    with emulator.client() as client:
        created = client.messages.create(to=JENNY, from_=ME, media_url=["https://m.test/a.png"])
    assert created.sid.startswith("MM")
    assert emulator.message(created.sid).num_media == 1


def test_reset_returns_to_the_start(emulator: Emulator) -> None:
    first = sids(emulator, 2)
    extra = emulator.add_account()
    emulator.add_number("+14155550100", sms_url="https://hooks.test/sms")
    emulator.clock.advance(60)  # type: ignore[attr-defined]
    emulator.reset()
    assert emulator.messages == []
    assert emulator.store.account(extra.sid) is None
    assert emulator.store.number("+14155550100") is None
    assert emulator.clock.now() == DEFAULT_START
    assert sids(emulator, 2) == first
    emulator.reset(seed=99)
    assert sids(emulator, 1) != first[:1]


# -- listing ---------------------------------------------------------------------------------------


def test_list_is_newest_first_and_pages_through(emulator: Emulator) -> None:
    clock = emulator.clock
    created = []
    with emulator.client() as client:
        for i in range(7):
            created.append(client.messages.create(to=JENNY, from_=ME, body=str(i)).sid)
            clock.advance(1)  # type: ignore[attr-defined]
        listed = [m.sid for m in client.messages.list(page_size=3)]
    assert listed == created[::-1]


def test_list_filters(emulator: Emulator) -> None:
    other = "+14155550199"
    with emulator.client() as client:
        first = client.messages.create(to=JENNY, from_=ME, body="a").sid
        emulator.clock.advance(86400)  # type: ignore[attr-defined]
        second = client.messages.create(to=other, from_=ME, body="b").sid
        by_to = [m.sid for m in client.messages.list(to=other)]
        by_from = [m.sid for m in client.messages.list(from_=ME)]
        day_one = [m.sid for m in client.messages.list(date_sent=DEFAULT_START.date())]
        after = [m.sid for m in client.messages.list(
            date_sent_after=(DEFAULT_START + dt.timedelta(days=1)).date())]
        before = [m.sid for m in client.messages.list(date_sent_before=DEFAULT_START.date())]
    assert by_to == [second]
    assert by_from == [second, first]
    assert day_one == [first]
    assert after == [second]
    assert before == [first]


def test_page_token_keeps_paging_stable_when_messages_arrive(
    emulator: Emulator, http: httpx.Client
) -> None:
    for i in range(4):
        create_2010(http, Body=str(i))
        emulator.clock.advance(1)  # type: ignore[attr-defined]
    first = http.get(V2010_LIST, params={"PageSize": 2}).json()
    create_2010(http, Body="newcomer")
    second = http.get(first["next_page_uri"]).json()
    bodies = [m["body"] for m in first["messages"] + second["messages"]]
    assert bodies == ["3", "2", "1", "0"]
    assert second["next_page_uri"] is None


def test_legacy_sms_list_counts_pages(http: httpx.Client) -> None:
    for i in range(3):
        create_2010(http, Body=str(i))
    page = http.get(SMS_LIST, params={"PageSize": 2}).json()
    assert page["total"] == 3
    assert page["num_pages"] == 2
    assert len(page["sms_messages"]) == 2


def test_2008_list_xml_paging_attributes(http: httpx.Client) -> None:
    for i in range(3):
        http.post(V2008_LIST, data={"To": JENNY, "From": ME, "Body": str(i)})
    answer = http.get(V2008_LIST, params={"PageSize": 2})
    page = etree.fromstring(answer.content).find("SMSMessages")
    assert page is not None
    assert (page.get("total"), page.get("numpages"), page.get("pagesize")) == ("3", "2", "2")


# -- introspection and secrets ---------------------------------------------------------------------


def test_introspection_sees_every_account(emulator: Emulator, http: httpx.Client) -> None:
    other = emulator.add_account()
    create_2010(http)
    with Client(other.sid, other.auth_token, transport=emulator.transport()) as client:
        client.messages.create(to=JENNY, from_=ME, body="theirs")
    assert [m.account_sid for m in emulator.messages] == [TEST_ACCOUNT_SID, other.sid]
    assert [m.body for m in emulator.messages_for(other.sid)] == ["theirs"]
    with pytest.raises(KeyError):
        emulator.message("SM" + "0" * 32)


def test_tokens_never_show(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    key = emulator.add_api_key()
    with httpx.Client(transport=emulator.transport(), base_url="https://api.test",
                      auth=(TEST_ACCOUNT_SID, "wrong-" + TEST_AUTH_TOKEN)) as client:
        answer = client.get(V2010_LIST)
    texts = [
        repr(emulator), repr(emulator.account), repr(key), repr(emulator.store),
        repr(emulator.auth), answer.text, caplog.text, *emulator.problems(),
    ]
    for text in texts:
        assert TEST_AUTH_TOKEN not in text
        assert key.secret not in text


def test_configuration_errors(emulator: Emulator) -> None:
    with pytest.raises(ConfigurationError):
        emulator.add_account(sid="AC-not-hex")
    with pytest.raises(ConfigurationError):
        emulator.add_number(JENNY, account_sid="AC" + "9" * 32)
    with pytest.raises(ConfigurationError):
        emulator.add_number(JENNY, sms_method="PUT")
    with pytest.raises(ConfigurationError):
        Emulator(dialects=[])


def test_message_snapshot_is_a_plain_model(emulator: Emulator) -> None:
    sid = sids(emulator, 1)[0]
    message = emulator.message(sid)
    assert attrs.evolve(message, body="changed").body == "changed"
    assert emulator.message(sid).body == "0"
    assert json.dumps(str(message.status)) == '"delivered"'


@pytest.mark.parametrize(
    ("dialect", "error", "status", "code"),
    [
        ("2010-04-01", InvalidPhoneNumber("12", "too short", field="to"), 400, 21211),
        ("2008-08-01", InvalidPhoneNumber("12", "too short", field="from_"), 400, 21212),
        ("2008-08-01", BodyTooLong(161, 160, "2008-08-01"), 400, 21605),
        ("2010-04-01-sms", BodyTooLong(161, 160, "2010-04-01-sms"), 400, 21605),
        ("2010-04-01", BodyTooLong(1601, 1600, "2010-04-01"), 400, 21617),
        ("2010-04-01", MalformedDocument("not UTF-8", dialect="form"), 400, 20001),
        ("2010-04-01", InvalidParameter("bad", parameter="x"), 400, 20001),
    ],
)
def test_library_errors_become_twilio_answers(
    dialect: str, error: CompatError, status: int, code: int | None
) -> None:
    answer = backends.get(dialect).error_for(error)
    assert (answer.status, answer.code) == (status, code)
    if code is not None:
        assert answer.more_info == f"https://www.twilio.com/docs/errors/{code}"


def test_configured_accounts_survive_reset() -> None:
    account = Account("AC" + "c" * 32, "their-token")
    with Emulator(accounts=[account]) as emulator:
        with Client(account.sid, account.auth_token, transport=emulator.transport()) as client:
            client.messages.create(to=JENNY, from_=ME, body="configured")
        emulator.reset()
        assert emulator.store.account(account.sid) == account
        assert emulator.messages == []


def test_store_refuses_duplicate_and_missing_records(emulator: Emulator) -> None:
    sid = sids(emulator, 1)[0]
    record = emulator.store.get(sid)
    assert record is not None
    with pytest.raises(KeyError):
        emulator.store.add(record)
    emulator.store.delete(sid)
    with pytest.raises(KeyError):
        emulator.store.replace(record)
    assert emulator.store.delete(sid) is None


def test_switching_to_immediate_finishes_waiting_messages() -> None:
    with Emulator(mode="manual") as emulator, emulator.client() as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="x").sid
        assert emulator.message(sid).status == Status.QUEUED
        emulator.mode = "timed"
        assert emulator.message(sid).status == Status.QUEUED
        emulator.clock.advance(1)  # type: ignore[attr-defined]
        assert emulator.message(sid).status == Status.SENDING
        emulator.mode = "immediate"
        assert emulator.message(sid).status == Status.DELIVERED


_PATHS = st.sampled_from([
    V2010_LIST,
    V2008_LIST,
    SMS_LIST,
    f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages/SM{'0' * 32}.json",
    f"/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages/SM{'1' * 32}",
    f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages/not-a-sid.json",
    "/2010-04-01/Accounts/AC/Messages.json",
    "/",
    "/__admin/receive",
    "/__admin/clock",
])
_FORMS = st.lists(
    st.tuples(
        st.sampled_from(["To", "From", "Body", "MediaUrl", "StatusCallback", "PageSize", "Page",
                         "DateSent", "DateSent<", "Status", "SendAt", "ScheduleType",
                         "MessagingServiceSid", "ValidityPeriod", "x"]),
        st.text(max_size=30),
    ),
    max_size=6,
)


@given(
    method=st.sampled_from(["GET", "POST", "DELETE", "PUT", "HEAD"]),
    path=_PATHS,
    form=_FORMS,
    query=_FORMS,
    junk=st.binary(max_size=40),
)
def test_no_request_makes_the_emulator_fail(
    method: str, path: str, form: list[tuple[str, str]], query: list[tuple[str, str]],
    junk: bytes,
) -> None:
    from compat.wire import encode_form

    with Emulator(sender=lambda _request: HttpReply(204)) as emulator:
        headers = [("Authorization", httpx.BasicAuth(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
                    ._auth_header), ("Content-Type", "application/x-www-form-urlencoded")]
        for body in (encode_form(form), junk):
            raw_query = encode_form(query)
            response, _ = emulator.handle_raw(method, path, raw_query, headers, body)
            assert 200 <= response.status < 500
        assert emulator.errors == []


def test_a_dialect_that_fails_to_load_is_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from compat import backends

    real = backends.names()
    monkeypatch.setattr(backends, "names", lambda: [*real, "1999-01-01-broken"])
    with Emulator() as emulator:
        assert [b.name for b in emulator.backends] == real
    assert "1999-01-01-broken" in caplog.text
