"""Webhooks through the proxy: the emulator (standing in for Twilio 2010) calls the proxy, which
calls a legacy WSGI application served on loopback (wsgiref) with 2008 parameters, re-signed, and
carries its ``<Sms>`` reply back as ``<Message>``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import attrs
import httpx
import pytest

from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, ServedEmulator
from compat.model import Direction
from compat.proxy import INCOMING_PATH, ProxyApp, ProxyConfig
from compat.proxy.server import base_url, bind, serve_in_thread
from compat.webhooks import compute_signature
from tests.legacy2008 import Legacy2008Client

NUMBER = "+14155550100"
HANDSET = "+15558675310"


@attrs.define
class Hit:
    path: str
    params: dict[str, str]
    signed: bool


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class LegacyApp:
    """A 2009-style WSGI SMS application: checks Twilio's signature, answers ``<Sms>``."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.server: WSGIServer = make_server("127.0.0.1", 0, self, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def __call__(self, environ: dict[str, object], start_response: object) -> list[bytes]:
        stream = environ["wsgi.input"]
        length = int(str(environ.get("CONTENT_LENGTH") or 0))
        body = stream.read(length).decode()  # type: ignore[attr-defined]
        params = dict(parse_qsl(body, keep_blank_values=True))
        path = str(environ["PATH_INFO"])
        query = str(environ.get("QUERY_STRING") or "")
        url = self.url + path + (f"?{query}" if query else "")
        signature = str(environ.get("HTTP_X_TWILIO_SIGNATURE", ""))
        self.hits.append(Hit(path, params, signature == compute_signature(TEST_AUTH_TOKEN, url,
                                                                          params)))
        if path == "/sms-2010":  # a 2010 verb: not what a 2008 application may answer
            start_response("200 OK", [("Content-Type", "text/xml")])  # type: ignore[operator]
            return [b"<Response><Message>Wrong dialect</Message></Response>"]
        if path == "/sms-action":
            reply = '<Response><Sms action="/after">Noted</Sms></Response>'
            start_response("200 OK", [("Content-Type", "text/xml")])  # type: ignore[operator]
            return [reply.encode()]
        if path == "/sms":
            reply = f'<?xml version="1.0"?><Response><Sms>Got: {params["Body"][:20]}</Sms>' \
                    "</Response>"
            start_response("200 OK", [("Content-Type", "text/xml")])  # type: ignore[operator]
            return [reply.encode()]
        start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
        return [b""]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def app() -> Iterator[LegacyApp]:
    legacy = LegacyApp()
    yield legacy
    legacy.close()


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COMPAT_PROXY_AUTH_TOKEN", TEST_AUTH_TOKEN)
    return TEST_AUTH_TOKEN


def test_an_incoming_message_reaches_the_legacy_app_and_its_sms_reply_is_sent(
    served: ServedEmulator, app: LegacyApp, token: str
) -> None:
    emulator = served.emulator
    config = ProxyConfig(upstream=served.url, incoming_url=app.url + "/sms")
    with serve_in_thread(ProxyApp(config)) as proxy:
        emulator.add_number(NUMBER, sms_url=proxy.url + INCOMING_PATH, api_version="2010-04-01")
        result = emulator.receive(HANDSET, NUMBER, "Hello, legacy app?")
    assert result.errors == ()
    [hit] = app.hits
    assert hit.signed
    assert hit.params == {
        "SmsSid": result.message.sid, "SmsMessageSid": result.message.sid,
        "AccountSid": TEST_ACCOUNT_SID, "From": "5558675310", "To": "4155550100",
        "Body": "Hello, legacy app?",
    }
    [reply] = result.replies
    assert reply.body == "Got: Hello, legacy app?"
    assert (reply.to, reply.from_, reply.direction) == (HANDSET, NUMBER,
                                                        Direction.OUTBOUND_REPLY)
    assert emulator.problems() == []


def test_a_long_message_arrives_as_160_character_pieces(
    served: ServedEmulator, app: LegacyApp, token: str
) -> None:
    body = " ".join(f"word{n}" for n in range(60))
    config = ProxyConfig(upstream=served.url, incoming_url=app.url + "/sms")
    with serve_in_thread(ProxyApp(config)) as proxy:
        served.emulator.add_number(NUMBER, sms_url=proxy.url + INCOMING_PATH)
        result = served.emulator.receive(HANDSET, NUMBER, body)
    pieces = [hit.params["Body"] for hit in app.hits]
    assert len(pieces) == 3
    assert all(len(piece) <= 160 for piece in pieces)
    assert "".join(pieces) == body
    assert {hit.params["SmsSid"] for hit in app.hits} == {result.message.sid}
    assert [r.body for r in result.replies] == [f"Got: {p[:20]}" for p in pieces]


def test_a_webhook_without_a_valid_signature_is_refused(
    served: ServedEmulator, app: LegacyApp, token: str
) -> None:
    config = ProxyConfig(upstream=served.url, incoming_url=app.url + "/sms")
    params = {"MessageSid": "SM" + "2" * 32, "AccountSid": TEST_ACCOUNT_SID, "From": HANDSET,
              "To": NUMBER, "Body": "forged"}
    with serve_in_thread(ProxyApp(config)) as proxy:
        url = proxy.url + INCOMING_PATH
        forged = httpx.post(url, data=params, headers={"X-Twilio-Signature": "bad"})
        unsigned = httpx.post(url, data=params)
        good = httpx.post(url, data=params,
                          headers={"X-Twilio-Signature": compute_signature(token, url, params)})
    assert (forged.status_code, unsigned.status_code, good.status_code) == (403, 403, 200)
    assert [hit.params["Body"] for hit in app.hits] == ["forged"]  # only the signed one
    assert good.text.endswith("<Response><Message>Got: forged</Message></Response>")


def test_without_the_token_webhooks_are_refused(
    served: ServedEmulator, app: LegacyApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPAT_PROXY_AUTH_TOKEN", raising=False)
    config = ProxyConfig(upstream=served.url, incoming_url=app.url + "/sms")
    with serve_in_thread(ProxyApp(config)) as proxy:
        url = proxy.url + INCOMING_PATH
        answer = httpx.post(url, data={"Body": "x"},
                            headers={"X-Twilio-Signature": compute_signature("", url, {})})
    assert answer.status_code == 403
    assert app.hits == []


@pytest.mark.parametrize(("outcome", "expected", "query"), [
    ("delivered", ["sent"], ""),
    ("undelivered", ["sent", "failed"], "?order=a%20b/c&x=%2B1"),
])
def test_status_callbacks_reach_the_legacy_app_as_2008_outcomes(
    served: ServedEmulator, app: LegacyApp, token: str, outcome: str, expected: list[str],
    query: str,
) -> None:
    emulator = served.emulator
    emulator.set_outcome(HANDSET, outcome)
    sock = bind()
    config = ProxyConfig(upstream=served.url, public_url=base_url(sock))
    with serve_in_thread(ProxyApp(config), sock=sock) as proxy:
        legacy = Legacy2008Client(proxy.url, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
        sid = legacy.send_sms("415-555-1212", "555-867-5310", "Hi",
                              status_callback=app.url + "/status" + query)["Sid"]
        assert emulator.flush()
    routed = proxy.url + "/webhooks/status?to=http%3A%2F%2F127.0.0.1"
    assert all(attempt.request.url.startswith(routed) for attempt in emulator.callbacks)
    assert [hit.params for hit in app.hits] == [{"SmsSid": sid, "SmsStatus": status}
                                                for status in expected]
    assert all(hit.signed for hit in app.hits)
    assert emulator.callback_failures == []
    assert len(emulator.callbacks) == 3  # sending, sent, and the outcome: each acknowledged


def test_twiml_action_urls_come_back_through_the_proxy_as_2008_callbacks(
    served: ServedEmulator, app: LegacyApp, token: str
) -> None:
    emulator = served.emulator
    sock = bind()
    config = ProxyConfig(upstream=served.url, incoming_url=app.url + "/sms-action",
                         public_url=base_url(sock))
    with serve_in_thread(ProxyApp(config), sock=sock) as proxy:
        emulator.add_number(NUMBER, sms_url=proxy.url + INCOMING_PATH)
        result = emulator.receive(HANDSET, NUMBER, "Hi")
        assert emulator.flush()
    [reply] = result.replies
    assert reply.body == "Noted"
    after = [hit for hit in app.hits if hit.path == "/after"]
    assert [hit.params for hit in after] == [{"SmsSid": reply.sid, "SmsStatus": "sent"}]
    assert all(hit.signed for hit in app.hits)
    assert emulator.problems() == []


def test_a_reply_that_is_not_2008_twiml_is_a_502_and_sends_nothing(
    served: ServedEmulator, app: LegacyApp, token: str
) -> None:
    config = ProxyConfig(upstream=served.url, incoming_url=app.url + "/sms-2010")
    with serve_in_thread(ProxyApp(config)) as proxy:
        served.emulator.add_number(NUMBER, sms_url=proxy.url + INCOMING_PATH)
        result = served.emulator.receive(HANDSET, NUMBER, "Hi")
    assert result.replies == ()
    [error] = result.errors
    assert "HTTP 502" in error
