"""The emulator's own HTTP client (status callbacks, webhooks, TwiML fetches) reads replies under
the same streamed size limit as the clients: a webhook that answers with a decompression bomb
costs the limit plus a small constant, and the attempt is recorded as failed, never raised."""

from __future__ import annotations

import tracemalloc

import pytest

from compat.emulator import Emulator, HttpxSender
from compat.emulator.callbacks import OutgoingRequest
from compat.errors import HostileDocument
from tests.reliability.corpus import LIMIT, THOROUGH, bomb
from tests.reliability.loopback import GzipBomb, Loopback

pytestmark = pytest.mark.reliability

BOMB_SIZE = 1024**3 if THOROUGH else 64 * 1024**2
SLACK = 8 * 1024**2


def test_the_sender_refuses_a_bomb_in_bounded_memory(loopback: Loopback) -> None:
    loopback.route("*", GzipBomb(bomb(BOMB_SIZE), content_type="application/xml"))
    sender = HttpxSender()
    tracemalloc.start()
    try:
        with pytest.raises(HostileDocument, match="limit"):
            sender(OutgoingRequest("incoming", "POST", f"{loopback.url}/sms", (("Body", "hi"),),
                                   (), b"Body=hi", "AC" + "0" * 32))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        sender.close()
    assert peak < LIMIT + SLACK, f"peak {peak / 2**20:.1f} MiB"


def test_an_inbound_webhook_bomb_is_a_failed_attempt(loopback: Loopback) -> None:
    loopback.route("*", GzipBomb(bomb(BOMB_SIZE), content_type="application/xml"))
    with Emulator(seed=2) as emulator:
        number = emulator.add_number("+15005550006", sms_url=f"{loopback.url}/sms")
        emulator.receive(from_="+15558675310", to=number.number, body="hello")
        emulator.flush()
        (attempt,) = [a for a in emulator.callbacks if a.request.url.endswith("/sms")]
        assert attempt.status is None
        assert "HostileDocument" in (attempt.error or "")
        assert emulator.messages  # the inbound message itself was kept
