"""Incoming messages: the webhook each generation gets, and the TwiML reply carried out."""

from __future__ import annotations

import pytest

from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator
from compat.emulator.inbound import MAX_DOCUMENTS
from compat.errors import InvalidPhoneNumber
from compat.model import Direction, Status
from compat.testing import Received, Receiver
from compat.webhooks import SIGNATURE_HEADER, validate_signature

NUMBER = "+14155550100"
ALICE = "+15558675310"


def signed(item: Received) -> bool:
    return validate_signature(TEST_AUTH_TOKEN, item.url, item.form, item.header(SIGNATURE_HEADER))


def test_2010_webhook_and_message_reply(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"))
    hooks.reply("/sms", '<?xml version="1.0" encoding="UTF-8"?><Response>'
                        "<Message>Thanks <Body>for writing</Body></Message></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hello?")

    (webhook,) = hooks.to("/sms")
    assert signed(webhook)
    params = webhook.params
    assert params["MessageSid"] == result.message.sid
    assert params["SmsStatus"] == "received"
    assert params["From"] == ALICE
    assert params["To"] == NUMBER
    assert params["Body"] == "Hello?"
    assert params["ApiVersion"] == "2010-04-01"

    assert result.message.direction == Direction.INBOUND
    assert result.message.status == Status.RECEIVED
    assert result.message.account_sid == TEST_ACCOUNT_SID
    (reply,) = result.replies
    assert reply.direction == Direction.OUTBOUND_REPLY
    assert (reply.to, reply.from_, reply.body) == (ALICE, NUMBER, "Thanks for writing")
    assert reply.status == Status.DELIVERED
    assert result.errors == ()
    assert [m.sid for m in emulator.messages] == [result.message.sid, reply.sid]


def test_2008_webhook_and_sms_reply(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"), api_version="2008-08-01")
    hooks.reply("/sms", "<Response><Sms>One</Sms><Sms to='+15558675311'>Two</Sms></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hi")
    (webhook,) = hooks.to("/sms")
    assert webhook.params == {
        "SmsSid": result.message.sid,
        "SmsMessageSid": result.message.sid,
        "AccountSid": TEST_ACCOUNT_SID,
        "From": "5558675310",
        "To": "4155550100",
        "Body": "Hi",
    }
    assert signed(webhook)
    assert [(m.to, m.body, m.api_version) for m in result.replies] == [
        (ALICE, "One", "2008-08-01"),
        ("+15558675311", "Two", "2008-08-01"),
    ]
    assert all(m.status == Status.SENT for m in result.replies)


def test_2008_number_ignores_message_verb(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"), api_version="2008-08-01")
    hooks.reply("/sms", "<Response><Message>wrong verb for 2008</Message></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert result.replies == ()
    assert "refused" in result.errors[0]
    assert any("refused" in p for p in emulator.problems())


def test_get_webhook_carries_params_in_the_query(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms?tenant=3"), sms_method="GET")
    emulator.receive(ALICE, NUMBER, "via GET")
    (webhook,) = hooks.to("/sms")
    assert webhook.method == "GET"
    assert webhook.params["tenant"] == "3"
    assert webhook.params["Body"] == "via GET"
    assert validate_signature(TEST_AUTH_TOKEN, webhook.url, (), webhook.header(SIGNATURE_HEADER))


def test_plain_text_reply_is_sent_back(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"))
    hooks.reply("/sms", "Got it.\n", content_type="text/plain")
    (reply,) = emulator.receive(ALICE, NUMBER, "Hi").replies
    assert reply.body == "Got it."


def test_empty_reply_sends_nothing(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"))
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert result.replies == ()
    assert result.errors == ()
    assert emulator.problems() == []


def test_redirect_fetches_the_next_document(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"))
    hooks.reply("/sms", "<Response><Redirect>/next</Redirect><Message>skipped</Message></Response>")
    hooks.reply("/next", "<Response><Message>from next</Message></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert [m.body for m in result.replies] == ["from next"]
    (redirect,) = hooks.to("/next")
    assert redirect.method == "POST"
    assert signed(redirect)


def test_redirect_loop_stops(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/loop"))
    hooks.reply("/loop", "<Response><Redirect method='GET'>/loop</Redirect></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert len(hooks.to("/loop")) == MAX_DOCUMENTS
    assert "more than" in result.errors[0]


def test_2008_sms_action_passes_control(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"), api_version="2008-08-01")
    hooks.reply("/sms", "<Response><Sms action='/after'>first</Sms><Sms>ignored</Sms></Response>")
    hooks.reply("/after", "<Response><Sms>second</Sms></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert [m.body for m in result.replies] == ["first", "second"]
    (action,) = hooks.to("/after")
    assert action.params == {"SmsSid": result.replies[0].sid, "SmsStatus": "sending"}
    assert signed(action)


def test_2008_invalid_sms_reports_invalid_to_action(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"), api_version="2008-08-01")
    hooks.reply("/sms", "<Response><Sms action='/after' to='12'>bad number</Sms></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert result.replies == ()
    (action,) = hooks.to("/after")
    assert action.params == {"SmsSid": "", "SmsStatus": "invalid"}
    assert "14101" in result.errors[0]


def test_2010_message_action_is_its_status_callback(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"))
    hooks.reply("/sms", "<Response><Message action='/status'>hi</Message></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hi")
    statuses = [r.params["MessageStatus"] for r in hooks.wait(3, path="/status")]
    assert statuses == ["sending", "sent", "delivered"]
    assert result.replies[0].sid == hooks.to("/status")[0].params["MessageSid"]


def test_reply_body_over_the_limit_is_not_sent(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"), api_version="2008-08-01")
    hooks.reply("/sms", f"<Response><Sms>{'x' * 161}</Sms></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert result.replies == ()
    assert "14103" in result.errors[0]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'<!DOCTYPE r [<!ENTITY x "y">]><Response><Message>&x;</Message></Response>', "text/xml"),
        (b"<Response><Message>unclosed</Response>", "application/xml"),
        (b"\x89PNG\r\n", "image/png"),
        (b"<Response><Dial>+15558675310</Dial></Response>", "text/xml"),
    ],
)
def test_bad_replies_are_recorded_not_raised(
    emulator: Emulator, hooks: Receiver, body: bytes, content_type: str
) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"))
    hooks.reply("/sms", body, content_type=content_type)
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert result.replies == ()
    assert len(result.errors) == 1
    assert result.message.status == Status.RECEIVED
    assert emulator.problems()


def test_webhook_failure_is_recorded(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"))
    hooks.reply("/sms", "", status=502)
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert "HTTP 502" in result.errors[0]
    assert [a.status for a in emulator.callback_failures] == [502]


def test_unknown_number_is_stored_without_a_webhook(emulator: Emulator) -> None:
    result = emulator.receive(ALICE, "+14155550199", "Hi")
    assert result.message.account_sid == TEST_ACCOUNT_SID
    assert result.replies == ()
    assert emulator.callbacks == []


def test_inbound_media_and_webhook_media_params(emulator: Emulator, hooks: Receiver) -> None:
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"))
    result = emulator.receive(ALICE, NUMBER, "", media_urls=["https://m.test/cat.jpg"])
    assert result.message.sid.startswith("MM")
    params = hooks.to("/sms")[0].params
    assert params["NumMedia"] == "1"
    assert params["MediaUrl0"] == "https://m.test/cat.jpg"
    assert params["MediaContentType0"] == "image/jpeg"


def test_numbers_are_normalized(emulator: Emulator) -> None:
    emulator.add_number("(415) 555-0100")
    result = emulator.receive("555-867-5310", "415-555-0100", "national formats")
    assert (result.message.from_, result.message.to) == (ALICE, NUMBER)
    with pytest.raises(InvalidPhoneNumber):
        emulator.receive("not a number", NUMBER, "x")


def test_inbound_message_is_listed_through_the_api(emulator: Emulator) -> None:
    emulator.add_number(NUMBER)
    inbound = emulator.receive(ALICE, NUMBER, "listed").message
    with emulator.client() as client:
        (listed,) = client.messages.list()
    assert listed.sid == inbound.sid
    assert listed.direction == Direction.INBOUND
    assert listed.status == Status.RECEIVED


def test_a_2010_number_takes_the_sms_verb_2010_twiml_kept(emulator: Emulator,
                                                           hooks: Receiver) -> None:
    """The number moved to 2010 before its app's TwiML did: <Sms> replies still go out, and an
    <Sms action> still passes control with SmsSid and SmsStatus, as 2010's <Sms> did."""
    emulator.add_number(NUMBER, sms_url=hooks.url("/sms"))
    hooks.reply("/sms", "<Response><Sms>one</Sms><Sms action='/after'>two</Sms>"
                        "<Sms>ignored</Sms></Response>")
    hooks.reply("/after", "<Response><Message>three</Message></Response>")
    result = emulator.receive(ALICE, NUMBER, "Hi")
    assert result.errors == ()
    assert [r.body for r in result.replies] == ["one", "two", "three"]
    assert all(r.api_version == "2010-04-01" for r in result.replies)
    (action,) = hooks.to("/after")
    assert action.params == {"SmsSid": result.replies[1].sid, "SmsStatus": "sending"}
