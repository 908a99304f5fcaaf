"""The official ``twilio`` Python library, unchanged, against the served emulator."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client as TwilioClient

from compat.emulator import ServedEmulator
from compat.testing import Receiver
from compat.webhooks import SIGNATURE_HEADER, validate_signature

ME = "+15017122661"
JENNY = "+15558675310"


@pytest.fixture
def twilio(served: ServedEmulator) -> TwilioClient:
    account = served.emulator.account
    client = TwilioClient(account.sid, account.auth_token)
    client.api.base_url = served.url
    return client


def test_create_and_fetch(twilio: TwilioClient, served: ServedEmulator) -> None:
    created = twilio.messages.create(to=JENNY, from_=ME, body="Hi there")
    assert created.sid.startswith("SM")
    assert created.status == "queued"
    assert created.body == "Hi there"
    assert created.num_segments == "1"
    fetched = twilio.messages(created.sid).fetch()
    assert fetched.status == "delivered"
    assert fetched.price == "-0.00790"
    assert fetched.date_created == served.emulator.message(created.sid).date_created


def test_list_follows_next_page_uri_across_pages(
    twilio: TwilioClient, served: ServedEmulator
) -> None:
    clock = served.emulator.clock
    sids = []
    for i in range(7):
        sids.append(twilio.messages.create(to=JENNY, from_=ME, body=str(i)).sid)
        clock.advance(1)  # type: ignore[attr-defined]
    limited = twilio.messages.list(limit=5, page_size=2)
    assert [m.sid for m in limited] == sids[::-1][:5]
    everything = twilio.messages.list(page_size=3)
    assert [m.sid for m in everything] == sids[::-1]
    filtered = twilio.messages.list(to=JENNY, from_=ME, page_size=4)
    assert len(filtered) == 7


def test_redact_and_delete(twilio: TwilioClient, served: ServedEmulator) -> None:
    sid = twilio.messages.create(to=JENNY, from_=ME, body="secret").sid
    redacted = twilio.messages(sid).update(body="")
    assert redacted.body == ""
    assert served.emulator.message(sid).body == ""
    assert twilio.messages(sid).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        twilio.messages(sid).fetch()
    assert gone.value.status == 404
    assert gone.value.code == 20404


@pytest.mark.parametrize(
    ("to", "from_", "body", "code"),
    [
        ("+15005550009", ME, "x", 21614),
        (JENNY, "+15005550001", "x", 21212),
        ("12", ME, "x", 21211),
        (JENNY, ME, "x" * 1601, 21617),
    ],
)
def test_errors_arrive_as_twilio_rest_exceptions(
    twilio: TwilioClient, to: str, from_: str, body: str, code: int
) -> None:
    with pytest.raises(TwilioRestException) as refused:
        twilio.messages.create(to=to, from_=from_, body=body)
    assert refused.value.status == 400
    assert refused.value.code == code


def test_wrong_token_is_20003(served: ServedEmulator) -> None:
    client = TwilioClient(served.emulator.account.sid, "wrong")
    client.api.base_url = served.url
    with pytest.raises(TwilioRestException) as refused:
        client.messages.create(to=JENNY, from_=ME, body="x")
    assert refused.value.status == 401
    assert refused.value.code == 20003


def test_status_callback_is_verified_by_the_official_validator(
    twilio: TwilioClient, served: ServedEmulator
) -> None:
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(served.emulator.account.auth_token)
    with Receiver() as hooks:
        twilio.messages.create(to=JENNY, from_=ME, body="x", status_callback=hooks.url("/cb"))
        received = hooks.wait(3, path="/cb")
    for item in received:
        signature = item.header(SIGNATURE_HEADER)
        assert validator.validate(item.url, item.params, signature)
        assert validate_signature(served.emulator.account.auth_token, item.url, item.form,
                                  signature)
