"""Status callbacks: what each transition POSTs, signed, to a real loopback receiver."""

from __future__ import annotations

import socket

from compat.emulator import TEST_AUTH_TOKEN, Emulator, Mode
from compat.emulator.callbacks import Dispatcher, HttpReply, OutgoingRequest, build_request
from compat.testing import Receiver, Recorder
from compat.webhooks import SIGNATURE_HEADER, validate_signature

ME = "+15017122661"
JENNY = "+15558675310"


def signed_correctly(item: object, token: str = TEST_AUTH_TOKEN) -> bool:
    from compat.testing import Received

    assert isinstance(item, Received)
    return validate_signature(token, item.url, item.form, item.header(SIGNATURE_HEADER))


def test_2010_callbacks_for_each_transition_are_signed(
    emulator: Emulator, hooks: Receiver
) -> None:
    with emulator.client() as client:
        sid = client.messages.create(
            to=JENNY, from_=ME, body="hi", status_callback=hooks.url("/status")
        ).sid
    received = hooks.wait(3, path="/status")
    assert [r.params["MessageStatus"] for r in received] == ["sending", "sent", "delivered"]
    for item in received:
        assert item.method == "POST"
        assert signed_correctly(item)
        assert item.header("Content-Type") == "application/x-www-form-urlencoded"
    assert received[-1].params == {
        "SmsSid": sid,
        "SmsStatus": "delivered",
        "MessageStatus": "delivered",
        "To": JENNY,
        "MessageSid": sid,
        "AccountSid": emulator.account.sid,
        "From": ME,
        "ApiVersion": "2010-04-01",
    }
    assert [a.ok for a in emulator.callbacks] == [True, True, True]
    assert emulator.problems() == []


def test_2008_callback_reports_the_outcome_only(emulator: Emulator, hooks: Receiver) -> None:
    with emulator.client("2008-08-01") as client:
        sid = client.messages.create(
            to=JENNY, from_=ME, body="hi", status_callback=hooks.url("/status?id=7")
        ).sid
    (received,) = hooks.wait(1, path="/status")
    assert received.params == {"SmsSid": sid, "SmsStatus": "sent"}
    assert received.url.endswith("/status?id=7")
    assert signed_correctly(received)


def test_failed_delivery_carries_the_error_code(emulator: Emulator, hooks: Receiver) -> None:
    emulator.set_outcome(JENNY, "undelivered", 30034)
    with emulator.client() as client:
        client.messages.create(to=JENNY, from_=ME, body="hi", status_callback=hooks.url("/s"))
    last = hooks.wait(3, path="/s")[-1]
    assert last.params["MessageStatus"] == "undelivered"
    assert last.params["ErrorCode"] == "30034"
    assert "ErrorCode" not in hooks.to("/s")[0].params


def test_callbacks_of_another_account_use_its_token(emulator: Emulator, hooks: Receiver) -> None:
    other = emulator.add_account()
    from compat.client import Client

    with Client(other.sid, other.auth_token, transport=emulator.transport()) as client:
        client.messages.create(to=JENNY, from_=ME, body="x", status_callback=hooks.url("/o"))
    received = hooks.wait(3, path="/o")
    assert all(signed_correctly(item, other.auth_token) for item in received)
    assert not any(signed_correctly(item) for item in received)


def test_manual_mode_calls_back_as_the_test_steps(emulator: Emulator, hooks: Receiver) -> None:
    emulator.mode = Mode.MANUAL
    with emulator.client() as client:
        sid = client.messages.create(
            to=JENNY, from_=ME, body="x", status_callback=hooks.url("/m")
        ).sid
    assert hooks.to("/m") == []
    emulator.advance(sid)
    assert [r.params["MessageStatus"] for r in hooks.wait(1, path="/m")] == ["sending"]
    emulator.set_status(sid, "failed", 30008)
    statuses = [r.params["MessageStatus"] for r in hooks.wait(2, path="/m")]
    assert statuses == ["sending", "failed"]


def test_unreachable_callback_is_a_recorded_failure(emulator: Emulator) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/gone"
    with emulator.client() as client:
        created = client.messages.create(to=JENNY, from_=ME, body="x", status_callback=url)
    assert emulator.message(created.sid).status == "delivered"
    assert len(emulator.callback_failures) == 3
    assert all(a.error and "Connect" in a.error for a in emulator.callback_failures)
    assert any(url in problem for problem in emulator.problems())


def test_callback_answered_with_an_error_is_a_failure(emulator: Emulator, hooks: Receiver) -> None:
    hooks.reply("/broken", "nope", status=500, content_type="text/plain")
    with emulator.client() as client:
        client.messages.create(to=JENNY, from_=ME, body="x", status_callback=hooks.url("/broken"))
    assert [a.status for a in emulator.callback_failures] == [500, 500, 500]


def test_recorder_receives_callbacks_in_process() -> None:
    recorder = Recorder()
    with Emulator(sender=recorder) as emulator, emulator.client() as client:
        client.messages.create(to=JENNY, from_=ME, body="x", status_callback="https://app.test/s")
    statuses = [r.param("MessageStatus") for r in recorder.to("https://app.test/s")]
    assert statuses == ["sending", "sent", "delivered"]


def test_background_dispatcher_delivers_in_order(hooks: Receiver) -> None:
    with Emulator(background_callbacks=True) as emulator, emulator.client() as client:
        for i in range(5):
            client.messages.create(to=JENNY, from_=ME, body=str(i),
                                   status_callback=hooks.url(f"/bg{i}"))
        assert emulator.dispatcher.flush(timeout=10)
        order = [a.request.url.rsplit("/", 1)[1] for a in emulator.callbacks]
    assert order == [f"bg{i}" for i in range(5) for _ in range(3)]


def test_sender_exceptions_never_escape() -> None:
    def broken(_request: OutgoingRequest) -> HttpReply:
        raise RuntimeError("sender bug")

    dispatcher = Dispatcher(broken)
    request = build_request("status", "POST", "https://x.test/", [("a", "b")],
                            auth_token="t", account_sid="AC" + "0" * 32)
    attempt, reply = dispatcher.send_now(request)
    assert reply is None
    assert attempt.error == "RuntimeError: sender bug"
    assert not attempt.ok


def test_get_requests_sign_the_url_with_its_query() -> None:
    request = build_request("incoming", "GET", "https://x.test/hook?a=1", [("Body", "hi there")],
                            auth_token="tok", account_sid="AC" + "0" * 32)
    assert request.url == "https://x.test/hook?a=1&Body=hi+there"
    assert request.body == b""
    signature = dict(request.headers)[SIGNATURE_HEADER]
    assert validate_signature("tok", request.url, (), signature)
