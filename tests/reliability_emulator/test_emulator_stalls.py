"""Stalled connections on the served emulator: a request that never arrives whole is dropped after
the read timeout, and hundreds of them do not slow anyone else down. Real loopback sockets. The
single-connection cases run on the default stack (httptools on uvloop where installed) and on the
h11/asyncio fallback."""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from emusupport import AUTH, JENNY, LIST, ME, basic, host_port, request_bytes, served_process

from compat._serving import Stack
from compat.emulator import Emulator, ManualClock, ServedEmulator, serve_in_thread
from compat.emulator.server import DEFAULT_READ_TIMEOUT

TIMEOUT = 1.0
SLACK = 2.0
FORM = b"To=%2B15558675310&From=%2B15017122661&Body=stalled"


@pytest.fixture(params=[None, Stack("h11", "asyncio")], ids=["default-stack", "h11-asyncio"])
def server(request: pytest.FixtureRequest) -> Iterator[ServedEmulator[Emulator]]:
    emulator = Emulator(clock=ManualClock())
    with serve_in_thread(emulator, read_timeout=TIMEOUT, stack=request.param) as served:
        yield served
    emulator.close()


def _head(extra: str) -> bytes:
    return (f"POST {LIST} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {basic()}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n{extra}").encode()


STALLS = {
    "nothing sent": b"",
    "headers never finish": _head("X-Slow: "),
    "body shorter than Content-Length": _head(f"Content-Length: {len(FORM) + 40}\r\n\r\n")
    + FORM,
    "absurd chunk size": _head("Transfer-Encoding: chunked\r\n\r\n")
    + b"fffffffffffffff\r\n" + FORM,
    "chunk never ends": _head("Transfer-Encoding: chunked\r\n\r\n") + b"10\r\nTo=%2B1555",
}


def _closed_after(sock: socket.socket, limit: float) -> float:
    """Seconds until the server closed ``sock`` (reading and discarding), failing after limit."""
    start = time.monotonic()
    sock.settimeout(limit)
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            break
        if not chunk:
            break
    return time.monotonic() - start


@pytest.mark.parametrize("name", sorted(STALLS))
def test_a_stalled_request_is_dropped_after_the_read_timeout(
    server: ServedEmulator[Emulator], name: str
) -> None:
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(STALLS[name])
        elapsed = _closed_after(sock, TIMEOUT + SLACK + 5)
    assert TIMEOUT * 0.8 <= elapsed <= TIMEOUT + SLACK, elapsed
    assert server.emulator.messages == []  # a request cut short is never acted on
    assert server.emulator.errors == []


def test_a_slow_trickle_of_header_bytes_does_not_extend_the_deadline(
    server: ServedEmulator[Emulator],
) -> None:
    with socket.create_connection((server.host, server.port)) as sock:
        start = time.monotonic()
        closed = False
        for byte in _head("X-Trickle: " + "a" * 40):
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.05)
            if time.monotonic() - start > TIMEOUT + SLACK:
                break
        if not closed:
            _closed_after(sock, SLACK)
        assert time.monotonic() - start <= TIMEOUT + SLACK + 0.5


def test_a_kept_alive_connection_outlives_the_read_timeout(
    server: ServedEmulator[Emulator],
) -> None:
    with httpx.Client(base_url=server.url, auth=AUTH) as client:
        first = client.post(LIST, data={"To": JENNY, "From": ME, "Body": "one"})
        time.sleep(TIMEOUT + 0.5)  # idle between requests: uvicorn's keep-alive, not the deadline
        second = client.post(LIST, data={"To": JENNY, "From": ME, "Body": "two"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert len(server.emulator.messages) == 2


def test_a_complete_request_is_answered_even_when_the_answer_is_slow_to_read(
    server: ServedEmulator[Emulator],
) -> None:
    data = request_bytes("POST", LIST, FORM)
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(data)
        time.sleep(TIMEOUT + 0.5)  # the request arrived whole: the deadline no longer applies
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 201")


def test_many_stalled_connections_do_not_delay_a_normal_request() -> None:
    stalled_count = 500
    read_timeout = 4.0
    emulator = Emulator(clock=ManualClock())
    with serve_in_thread(emulator, read_timeout=read_timeout) as served:
        selector = selectors.DefaultSelector()
        sockets: list[socket.socket] = []
        try:
            opened = time.monotonic()
            for index in range(stalled_count):
                sock = socket.create_connection((served.host, served.port))
                sock.sendall(_head("X-Stalled: ") if index % 2 else
                             _head(f"Content-Length: 999\r\n\r\n{index}"))
                sock.setblocking(False)
                selector.register(sock, selectors.EVENT_READ)
                sockets.append(sock)
            with httpx.Client(base_url=served.url, auth=AUTH, timeout=10) as client:
                start = time.monotonic()
                answer = client.post(LIST, data={"To": JENNY, "From": ME, "Body": "prompt"})
                took = time.monotonic() - start
            assert answer.status_code == 201
            assert took < 2.0, f"a create took {took:.2f} s behind {stalled_count} stalled sockets"
            closed: set[int] = set()
            deadline = opened + read_timeout + 10
            while len(closed) < stalled_count and time.monotonic() < deadline:
                for key, _ in selector.select(timeout=0.5):
                    sock = key.fileobj
                    assert isinstance(sock, socket.socket)
                    try:
                        data = sock.recv(65536)
                    except (ConnectionResetError, BlockingIOError):
                        data = b""
                    if not data:
                        closed.add(sock.fileno())
                        selector.unregister(sock)
            assert len(closed) == stalled_count
            assert time.monotonic() - opened <= read_timeout + 10
            assert [m.body for m in emulator.messages] == ["prompt"]
        finally:
            selector.close()
            for sock in sockets:
                sock.close()
    emulator.close()


def test_the_default_read_timeout_is_at_most_ten_seconds() -> None:
    assert 0 < DEFAULT_READ_TIMEOUT <= 10


def test_serve_read_timeout_option_drops_a_stalled_connection() -> None:
    with served_process("--read-timeout", "1", "--clock", "manual") as (_process, url):
        with socket.create_connection(host_port(url)) as sock:
            sock.sendall(_head("X-Slow: "))
            elapsed = _closed_after(sock, 10)
        assert 0.8 <= elapsed <= 1 + SLACK
        answer = httpx.post(f"{url}{LIST}", auth=AUTH,
                            data={"To": JENNY, "From": ME, "Body": "after"})
        assert answer.status_code == 201
