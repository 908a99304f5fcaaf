"""Upstream faults through the proxy: each gives the right 2008 error and never a duplicate send.

The upstream is a raw loopback server that misbehaves on purpose (503, a reset connection, no
answer, HTML instead of JSON) and counts the requests it got; nothing listening stands for an
upstream that is down. A stalled legacy client (a head that never ends, a body shorter than its
Content-Length) is dropped after the configured timeout while other requests are answered.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from compat._retry import RetryPolicy
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, ServedEmulator
from compat.proxy import ProxyApp, ProxyConfig
from compat.proxy.server import ServedProxy, base_url, bind, serve_in_thread
from tests.legacy2008 import Legacy2008Client, RestException

SID = "SM" + "1" * 32
JSON_503 = (b'{"code": 20503, "message": "Service Unavailable", "more_info": '
            b'"https://www.twilio.com/docs/errors/20503", "status": 503}')
HTML = b"<html><body><h1>Welcome to nginx!</h1></body></html>"


class FaultyUpstream:
    """A loopback HTTP server answering every request by ``mode``; counts requests by method."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests: list[str] = []
        self._sock = bind()
        self.url = base_url(self._sock)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def count(self, method: str) -> int:
        return sum(1 for line in self.requests if line.startswith(method + " "))

    def _serve(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = next((int(line.split(":", 1)[1]) for line in lines
                           if line.lower().startswith("content-length:")), 0)
            while len(body) < length:
                body += conn.recv(65536)
            self.requests.append(lines[0])
            if self.mode == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            if self.mode == "silent":
                self._stop.wait(5)
                return
            status, kind, payload = {
                "503": ("503 Service Unavailable", "application/json", JSON_503),
                "html": ("200 OK", "text/html", HTML),
                "html-502": ("502 Bad Gateway", "text/html", HTML),
            }[self.mode]
            conn.sendall(
                f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(payload)}"
                "\r\nConnection: close\r\n\r\n".encode() + payload
            )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


def _proxy(upstream: str, **options: object) -> ServedProxy:
    config = ProxyConfig(upstream=upstream, upstream_timeout=0.5,
                         retry=RetryPolicy(max_retries=2, backoff=0.0), **options)  # type: ignore[arg-type]
    return serve_in_thread(ProxyApp(config))


@pytest.fixture(params=["503", "reset", "silent", "html", "html-502"])
def fault(request: pytest.FixtureRequest) -> Iterator[FaultyUpstream]:
    upstream = FaultyUpstream(request.param)
    yield upstream
    upstream.close()


EXPECTED = {
    "503": (502, "the upstream API answered HTTP 503 (Service Unavailable)"),
    "reset": (502, "the connection to the upstream API failed before it answered"),
    "silent": (504, "did not answer within 0.5 s"),
    "html": (502, "is not a 2010-04-01 document"),
    "html-502": (502, "the upstream API answered HTTP 502"),
}


def test_a_create_is_sent_upstream_once_whatever_the_fault(fault: FaultyUpstream) -> None:
    with _proxy(fault.url) as proxy:
        legacy = Legacy2008Client(proxy.url, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
        with pytest.raises(RestException) as caught:
            legacy.send_sms("415-555-1212", "555-867-5309", "only once")
    status, text = EXPECTED[fault.mode]
    assert caught.value.status == status
    assert text in caught.value.message
    assert caught.value.body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse>')
    assert fault.count("POST") == 1
    if fault.mode in ("reset", "silent"):
        assert "may have been sent" in caught.value.message


def test_a_fetch_is_retried_as_the_client_retries(fault: FaultyUpstream) -> None:
    with _proxy(fault.url) as proxy:
        legacy = Legacy2008Client(proxy.url, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
        with pytest.raises(RestException) as caught:
            legacy.get_sms(SID)
    status, text = EXPECTED[fault.mode]
    assert (caught.value.status, text in caught.value.message) == (status, True)
    retried = fault.mode in ("503", "reset", "silent", "html-502")
    assert fault.count("GET") == (3 if retried else 1)
    assert "/2010-04-01/" not in caught.value.body  # no upstream URL leaks


def test_an_upstream_that_is_down_is_a_502() -> None:
    sock = bind()
    url = base_url(sock)
    sock.close()  # nothing listens there now
    with _proxy(url) as proxy:
        legacy = Legacy2008Client(proxy.url, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
        with pytest.raises(RestException) as caught:
            legacy.send_sms("415-555-1212", "555-867-5309", "Hi")
    assert caught.value.status == 502
    assert caught.value.message == "Bad gateway: the upstream API could not be reached."


def _raw(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    sock.settimeout(seconds)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        return False, received
    except ConnectionResetError:
        pass
    return True, received


def test_stalled_connections_are_dropped_while_others_are_answered(
    served: ServedEmulator,
) -> None:
    with _proxy(served.url, header_timeout=0.5, body_timeout=0.5) as proxy:
        path = f"/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages"
        stalled_head = _raw(proxy.url)
        stalled_head.sendall(f"GET {path} HTTP/1.1\r\nHost: proxy\r\nX-Half: ".encode())
        short_body = _raw(proxy.url)
        short_body.sendall(f"POST {path} HTTP/1.1\r\nHost: proxy\r\nContent-Type: "
                           "application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
                           "To=555".encode())
        started = time.monotonic()
        legacy = Legacy2008Client(proxy.url, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
        assert legacy.send_sms("415-555-1212", "555-867-5309", "still served")["Status"]
        closed, answer = _closed_within(short_body, 5)
        assert closed
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b"<Status>408</Status>" in answer
        closed, nothing = _closed_within(stalled_head, 5)
        assert (closed, nothing) == (True, b"")
        assert time.monotonic() - started < 4
        stalled_head.close()
        short_body.close()
    assert len(served.emulator.messages) == 1
