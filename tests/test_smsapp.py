"""smsapp's own tests, run against the emulator (docs/migration.md, step 1)."""

import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from tests import smsapp


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def twilio(twilio_server, twilio_emulator, monkeypatch):
    monkeypatch.setattr(smsapp, "TWILIO", twilio_server.url)
    monkeypatch.setattr(smsapp, "ACCOUNT_SID", twilio_emulator.account.sid)
    monkeypatch.setattr(smsapp, "AUTH_TOKEN", twilio_emulator.account.auth_token)
    return twilio_emulator


@pytest.fixture
def sms_url():
    server = make_server("127.0.0.1", 0, smsapp.sms_reply, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()


def test_send_and_list(twilio):
    sent = smsapp.send_sms("555-867-5310", "Your table is ready")
    assert (sent["To"], sent["From"], sent["Flags"]) == ("5558675310", "4155550100", "4")
    assert [sms["Sid"] for sms in smsapp.list_sms("5558675310")] == [sent["Sid"]]


def test_replies_to_a_text(twilio, sms_url):
    twilio.add_number("+14155550100", sms_url=sms_url, api_version="2008-08-01")
    result = twilio.receive("+15558675310", "+14155550100", "Table for 2?")
    assert [reply.body for reply in result.replies] == ["You said: Table for 2?"]
