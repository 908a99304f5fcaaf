"""Regression tests for the emulator's fidelity gaps: addresses Twilio refuses, cancel and delete
on messages that cannot take them, a 404 before validation, and a Twilio code on every 400."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from emusupport import AUTH, JENNY, LIST, ME

from compat.emulator import TEST_ACCOUNT_SID, Emulator

V2008_LIST = f"/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages"
MISSING = "SM" + "0" * 32
FUTURE = "2030-01-01T00:00:00Z"
SERVICE = "MG" + "a" * 32


@pytest.fixture
def manual() -> Iterator[Emulator]:
    with Emulator(mode="manual") as emulator:
        yield emulator


@pytest.fixture
def http(manual: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=manual.transport(), base_url="http://emulator.invalid",
                      auth=AUTH) as client:
        yield client


def create(http: httpx.Client, **form: str) -> httpx.Response:
    return http.post(LIST, data={"To": JENNY, "From": ME, "Body": "x", **form})


def instance(sid: str) -> str:
    return LIST.removesuffix(".json") + f"/{sid}.json"


def coded(answer: httpx.Response, status: int, code: int) -> dict[str, object]:
    body = answer.json()
    assert (answer.status_code, body["code"], body["status"]) == (status, code, status), body
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    return dict(body)


# -- item 6: addresses Twilio refuses ---------------------------------------------------------


@pytest.mark.parametrize("to", ["ACME", "Hello World", SERVICE])
def test_a_to_that_can_only_send_is_21211(manual: Emulator, http: httpx.Client, to: str) -> None:
    body = coded(create(http, To=to), 400, 21211)
    assert to in str(body["message"])
    assert manual.messages == []


def test_an_alphanumeric_from_is_still_accepted(http: httpx.Client) -> None:
    assert create(http, From="ACME").status_code == 201


@pytest.mark.parametrize("from_", [JENNY, "(555) 867-5310", "555.867.5310"])
def test_to_equal_to_from_is_21266(manual: Emulator, http: httpx.Client, from_: str) -> None:
    coded(create(http, From=from_), 400, 21266)
    assert manual.messages == []


def test_to_equal_to_from_is_refused_in_2008_too(http: httpx.Client) -> None:
    answer = http.post(V2008_LIST, data={"To": JENNY, "From": JENNY, "Body": "x"})
    assert answer.status_code == 400
    assert b"<Code>21266</Code>" in answer.content


# -- item 7: a Twilio code on every 400 ------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"ScheduleType": "fixed"}, 35111),
        ({"ScheduleType": "fixed", "SendAt": "next tuesday"}, 35115),
        ({"ScheduleType": "whenever", "SendAt": FUTURE}, 35126),
        ({"SendAt": FUTURE}, 20001),
        ({"Attempt": "two"}, 20001),
        ({"Attempt": "1.5"}, 20001),
        ({"ValidityPeriod": "soon"}, 21624),
        ({"ValidityPeriod": "0"}, 21624),
        ({"ValidityPeriod": "36001"}, 21624),
        ({"SmartEncoded": "yes"}, 20001),
        ({"MaxPrice": "cheap"}, 20001),
        ({"ContentRetention": ""}, None),
        ({"MessagingServiceSid": "MGnope"}, 20001),
    ],
)
def test_every_refused_create_carries_a_code(
    manual: Emulator, http: httpx.Client, form: dict[str, str], code: int | None
) -> None:
    answer = create(http, **form)
    if code is None:  # a blank parameter is absent: accepted
        assert answer.status_code == 201
        return
    coded(answer, 400, code)
    assert manual.messages == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"PageSize": "1001"}, 20007),
        ({"PageSize": "0"}, 20001),
        ({"PageSize": "ten"}, 20001),
        ({"Page": "-1"}, 20001),
        ({"Page": "1.5"}, 20001),
        ({"DateSent": "yesterday"}, 20001),
        ({"DateSent<": "2024-13-45"}, 20001),
        ({"DateSent>": "06/11/2019 22:05:25 MST"}, 20001),
    ],
)
def test_every_refused_list_carries_a_code(
    http: httpx.Client, query: dict[str, str], code: int
) -> None:
    coded(http.get(LIST, params=query), 400, code)


def test_list_filters_that_are_not_numbers_get_creates_code_and_text(http: httpx.Client) -> None:
    created_from = coded(create(http, From="12"), 400, 21212)
    listed_from = coded(http.get(LIST, params={"From": "12"}), 400, 21212)
    assert listed_from["message"] == created_from["message"]
    created_to = coded(create(http, To="12"), 400, 21211)
    listed_to = coded(http.get(LIST, params={"To": "12"}), 400, 21211)
    assert listed_to["message"] == created_to["message"]


def test_the_2008_dialect_carries_the_code_too(http: httpx.Client) -> None:
    answer = http.get(V2008_LIST, params={"PageSize": "ten"})
    assert answer.status_code == 400
    assert b"<Code>20001</Code>" in answer.content
    assert b"https://www.twilio.com/docs/errors/20001" in answer.content


@pytest.mark.parametrize("form", [{}, {"Body": "replaced"}, {"Status": "sent"},
                                  {"Body": "replaced", "Status": "canceled"}])
def test_every_refused_update_carries_a_code(
    manual: Emulator, http: httpx.Client, form: dict[str, str]
) -> None:
    sid = create(http).json()["sid"]
    coded(http.post(instance(sid), data=form), 400, 20001)
    assert manual.message(sid).body == "x"


# -- item 7: 404 first, cancel and delete -------------------------------------------------------


@pytest.mark.parametrize("form", [{}, {"Body": "replaced"}, {"Body": ""}, {"Status": "canceled"}])
def test_an_update_to_an_unknown_sid_is_a_404(http: httpx.Client, form: dict[str, str]) -> None:
    coded(http.post(instance(MISSING), data=form), 404, 20404)


def test_an_update_to_another_accounts_sid_is_a_404(manual: Emulator) -> None:
    other = manual.add_account()
    with manual.client(account=other) as theirs:
        sid = theirs.messages.create(to=JENNY, from_=ME, body="theirs").sid
    with httpx.Client(transport=manual.transport(), base_url="http://emulator.invalid",
                      auth=AUTH) as mine:
        coded(mine.post(instance(sid), data={"Body": "not a redaction"}), 404, 20404)


@pytest.mark.parametrize("form", [{}, {"MessagingServiceSid": SERVICE, "From": ""}])
def test_only_a_scheduled_message_can_be_canceled(
    manual: Emulator, http: httpx.Client, form: dict[str, str]
) -> None:
    sid = create(http, **form).json()["sid"]
    assert str(manual.message(sid).status) in ("queued", "accepted")
    body = coded(http.post(instance(sid), data={"Status": "canceled"}), 400, 30409)
    assert "cannot be canceled" in str(body["message"])
    assert str(manual.message(sid).status) in ("queued", "accepted")
    manual.finish(sid)
    coded(http.post(instance(sid), data={"Status": "canceled"}), 400, 30409)


def test_a_scheduled_message_is_canceled(manual: Emulator, http: httpx.Client) -> None:
    sid = create(http, MessagingServiceSid=SERVICE, ScheduleType="fixed", SendAt=FUTURE
                 ).json()["sid"]
    answer = http.post(instance(sid), data={"Status": "canceled"})
    assert answer.status_code == 200
    assert answer.json()["status"] == "canceled"


def test_a_message_in_progress_cannot_be_deleted(manual: Emulator, http: httpx.Client) -> None:
    sid = create(http).json()["sid"]
    for _ in range(2):  # queued, then sending
        coded(http.delete(instance(sid)), 409, 20009)
        assert manual.message(sid).sid == sid
        manual.advance(sid)
    manual.finish(sid)
    assert http.delete(instance(sid)).status_code == 204
    coded(http.delete(instance(sid)), 404, 20404)


def test_a_canceled_or_failed_message_can_be_deleted(manual: Emulator, http: httpx.Client) -> None:
    scheduled = create(http, MessagingServiceSid=SERVICE, ScheduleType="fixed", SendAt=FUTURE
                       ).json()["sid"]
    http.post(instance(scheduled), data={"Status": "canceled"})
    assert http.delete(instance(scheduled)).status_code == 204
    manual.set_outcome("+15558675311", "failed")
    failed = create(http, To="+15558675311").json()["sid"]
    manual.finish(failed)
    assert str(manual.message(failed).status) == "failed"
    assert http.delete(instance(failed)).status_code == 204


def test_a_method_the_resource_lacks_stays_a_405_for_an_unknown_sid(http: httpx.Client) -> None:
    answer = http.post(f"{V2008_LIST}/{MISSING}", data={"Body": "x"})
    assert answer.status_code == 405
    assert b"<Code>20004</Code>" in answer.content
