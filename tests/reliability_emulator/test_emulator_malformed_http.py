"""Malformed HTTP against the served emulator, over raw loopback sockets: every request gets a
well-formed answer below 500 (a Twilio error with a code where the API answers), nothing is
acted on that should not be, the emulator records no internal error, and it keeps serving."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator

import pytest
from emusupport import LIST, THOROUGH, error_document, exchange, request_bytes

from compat.emulator import TEST_ACCOUNT_SID, Emulator, ManualClock, ServedEmulator, serve_in_thread

V2008 = f"/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages"
SMS = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages.json"
FORM = b"To=%2B15558675310&From=%2B15017122661&Body="


@pytest.fixture(scope="module")
def server() -> Iterator[ServedEmulator[Emulator]]:
    emulator = Emulator(clock=ManualClock())
    with serve_in_thread(emulator, read_timeout=5) as served:
        yield served
    emulator.close()


@pytest.fixture(autouse=True)
def healthy(server: ServedEmulator[Emulator]) -> Iterator[None]:
    server.emulator.reset()
    yield
    assert server.emulator.errors == []
    status, _ = exchange(server.host, server.port, request_bytes("POST", LIST, FORM + b"after"))
    assert status == 201, "the emulator stopped serving normal requests"


def _coded(status: int) -> Callable[[int, bytes], None]:
    def check(answer: int, body: bytes) -> None:
        assert answer == status, body[:300]
        assert error_document(body)["status"] == status

    return check


def _created(body_text: str) -> Callable[[int, bytes], None]:
    def check(answer: int, body: bytes) -> None:
        assert answer == 201, body[:300]
        assert json.loads(body)["body"] == body_text

    return check


CASES: dict[str, tuple[bytes, Callable[[int, bytes], None]]] = {
    # bad percent-encoding: a stray % is kept as it is, as form decoders do
    "bad percent-encoding in the body": (request_bytes("POST", LIST, FORM + b"%ZZ%"),
                                         _created("%ZZ%")),
    "bad percent-encoding in a paging value": (request_bytes("GET", LIST + "?PageSize=%G1"),
                                               _coded(400)),
    # non-UTF-8 forms
    "escaped bytes that are not UTF-8": (request_bytes("POST", LIST, FORM + b"%E9t%E9"),
                                         _coded(400)),
    "raw bytes that are not UTF-8": (request_bytes("POST", LIST, FORM + b"\xff\xfe"),
                                     _coded(400)),
    "an escaped UTF-16 surrogate": (request_bytes("POST", LIST, FORM + b"%ED%A0%80"),
                                    _coded(400)),
    "a query that is not UTF-8": (request_bytes("GET", LIST + "?PageToken=%FF"), _coded(400)),
    # duplicate parameters: the last of a scalar wins
    "duplicate parameters": (request_bytes("POST", LIST, FORM + b"one&Body=two"),
                             _created("two")),
    # NUL bytes
    "a NUL in the path": (request_bytes("GET", LIST.replace(".json", "%00.json")), _coded(404)),
    "a NUL in a filter": (request_bytes("GET", LIST + "?To=%2B1555%00"), _coded(400)),
    "a NUL in the body text": (request_bytes("POST", LIST, FORM + b"a%00b"), _created("a\0b")),
    "a NUL in the To number": (request_bytes("POST", LIST, b"To=%2B1555867%0031&From=%2B1501712"
                                             b"2661&Body=x"), _coded(400)),
    # path traversal
    "path traversal in the API": (request_bytes("GET", "/2010-04-01/Accounts/../../etc/passwd"),
                                  _coded(404)),
    "escaped path traversal": (request_bytes("GET", f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/"
                                             "Messages/%2e%2e%2f%2e%2e%2fetc%2fpasswd.json"),
                               _coded(404)),
    # bad paging values
    "a negative page size": (request_bytes("GET", LIST + "?PageSize=-5"), _coded(400)),
    "a page size of 1001": (request_bytes("GET", LIST + "?PageSize=1001"), _coded(400)),
    "a page size of 10**30": (request_bytes("GET", LIST + "?PageSize=" + "9" * 30), _coded(400)),
    "a page that is not a number": (request_bytes("GET", LIST + "?Page=abc"), _coded(400)),
    "a negative page": (request_bytes("GET", LIST + "?Page=-1"), _coded(400)),
    "a bad date filter": (request_bytes("GET", LIST + "?DateSent%3E=soon"), _coded(400)),
    "a forged page token": (request_bytes("GET", LIST + "?PageToken=PAnot-a-sid&Page=7"),
                            lambda status, body: _paged(status, body)),
    # wrong shapes of request
    "a JSON body to a form endpoint": (request_bytes("POST", LIST, b'{"To": "+15558675310"}',
                                                     content_type="application/json"),
                                       _coded(400)),
    "an unsupported method": (request_bytes("PATCH", LIST, FORM + b"x"), _coded(405)),
    "a 2008 create with control characters": (request_bytes("POST", V2008, FORM + b"a%01b"),
                                              lambda status, body: _no_5xx(status)),
    "a legacy SMS create with a NUL": (request_bytes("POST", SMS, FORM + b"a%00b"),
                                       lambda status, body: _no_5xx(status)),
    # admin routes
    "an admin body that is not JSON": (request_bytes("POST", "/__admin/clock", b"{nope",
                                                     content_type="application/json"),
                                       lambda status, body: _admin(status, body, 400)),
    "an admin clock advance of 1e308": (request_bytes("POST", "/__admin/clock",
                                                      b'{"advance": 1e308}',
                                                      content_type="application/json"),
                                        lambda status, body: _admin(status, body, 400)),
    "an admin clock set past year 9999": (request_bytes("POST", "/__admin/clock",
                                                        b'{"set": "9999-12-31T23:59:59+00:00"}',
                                                        content_type="application/json"),
                                          lambda status, body: _admin_no_5xx(status, body)),
    "an admin number with a NUL": (request_bytes("POST", "/__admin/numbers",
                                                 b'{"number": "+1415555\\u00000100"}',
                                                 content_type="application/json"),
                                   lambda status, body: _admin(status, body, 400)),
}


def _paged(status: int, body: bytes) -> None:
    assert status == 200, body[:300]
    assert json.loads(body)["messages"] == []


def _no_5xx(status: int) -> None:
    assert status < 500


def _admin(status: int, body: bytes, expected: int) -> None:
    assert status == expected, body[:300]
    assert "error" in json.loads(body)


def _admin_no_5xx(status: int, body: bytes) -> None:
    assert status < 500, body[:300]
    json.loads(body)


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_request_gets_a_clean_answer(
    server: ServedEmulator[Emulator], name: str
) -> None:
    data, check = CASES[name]
    status, body = exchange(server.host, server.port, data)
    check(status, body)


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    server: ServedEmulator[Emulator],
) -> None:
    size = 2 * 1024 * 1024
    head = request_bytes("POST", LIST, b"")
    head = head.replace(b"Content-Length: 0", f"Content-Length: {size}".encode())
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head + FORM + b"x" * 1024)  # the rest never needs to be sent
        answer = b""
        while b"}" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413")
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["status"] == 413
    assert server.emulator.messages == []


def test_a_chunked_body_over_the_limit_is_refused(server: ServedEmulator[Emulator]) -> None:
    head = request_bytes("POST", LIST, b"").replace(
        b"Content-Length: 0\r\n", b"Transfer-Encoding: chunked\r\n")
    chunk = b"x" * 65536
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head)
        answer = b""
        try:
            for _ in range(20):  # 1.25 MiB: over the 1 MiB limit
                sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed while we were still sending
        try:
            answer = sock.recv(65536)
        except ConnectionResetError:
            answer = b""
    assert answer == b"" or answer.startswith(b"HTTP/1.1 413")
    assert server.emulator.messages == []


@pytest.mark.parametrize("size", [64 * 1024, 1024 * 1024] + ([8 * 1024 * 1024] if THOROUGH else []))
def test_huge_headers_get_a_4xx_or_a_closed_connection(
    server: ServedEmulator[Emulator], size: int
) -> None:
    data = request_bytes("GET", LIST, headers=f"X-Huge: {'a' * size}\r\n")
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        try:
            sock.sendall(data)
            answer = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            answer = b""
    assert answer == b"" or answer[9:10] in (b"2", b"4"), answer[:100]


def test_many_headers(server: ServedEmulator[Emulator]) -> None:
    count = 10000 if THOROUGH else 2000
    lots = "".join(f"X-H{i}: {i}\r\n" for i in range(count))
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        try:
            sock.sendall(request_bytes("GET", LIST, headers=lots))
            answer = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            answer = b""
    assert answer == b"" or answer[9:10] in (b"2", b"4"), answer[:100]


@pytest.mark.parametrize("line", [b"GARBAGE\r\n\r\n",
                                  b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                  b"Content-Length: 6\r\n\r\n",
                                  b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
                                  b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"])
def test_a_broken_request_line_is_a_400(server: ServedEmulator[Emulator], line: bytes) -> None:
    status, _ = exchange(server.host, server.port, line)
    assert status == 400
