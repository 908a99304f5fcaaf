"""Helpers for the served emulator's reliability tests: raw sockets, a served CLI process, modes.

``RELIABILITY=thorough`` selects the full runs (10,000 creates, 500 stalled sockets, more
malformed cases); the default quick mode keeps CI fast with the same checks on fewer requests.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN

THOROUGH = os.environ.get("RELIABILITY", "").lower() == "thorough"
LIST = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
AUTH = (TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
JENNY, ME = "+15558675310", "+15017122661"


def basic() -> str:
    token = base64.b64encode(f"{TEST_ACCOUNT_SID}:{TEST_AUTH_TOKEN}".encode()).decode()
    return f"Basic {token}"


def request_bytes(method: str, target: str, body: bytes = b"", *, headers: str = "",
                  content_type: str = "application/x-www-form-urlencoded") -> bytes:
    """A complete HTTP/1.1 request with the test account's credentials."""
    head = (
        f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {basic()}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n{headers}\r\n"
    )
    return head.encode("latin-1") + body


def exchange(host: str, port: int, data: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """Send raw bytes, read the answer until the server closes; ``(status, body)``."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks: list[bytes] = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    match = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    assert match, f"not an HTTP answer: {raw[:200]!r}"
    _, _, body = raw.partition(b"\r\n\r\n")
    return int(match.group(1)), body


def error_document(body: bytes) -> dict[str, object]:
    """An error body (2010 JSON, or the ``<RestException>`` a bare 2010 path answers in XML),
    checked to carry a Twilio code and its documentation link."""
    if body.lstrip().startswith(b"<"):
        (exception,) = ElementTree.fromstring(body)
        texts = {child.tag: child.text or "" for child in exception}
        document: dict[str, object] = {
            "status": int(texts["Status"]), "code": int(texts["Code"]),
            "more_info": texts["MoreInfo"], "message": texts["Message"],
        }
    else:
        document = json.loads(body)
    assert isinstance(document, dict)
    code = document["code"]
    assert isinstance(code, int), document
    assert document["more_info"] == f"https://www.twilio.com/docs/errors/{code}", document
    return document


@contextmanager
def served_process(*args: str, cwd: Path | None = None) -> Iterator[tuple[subprocess.Popen[str],
                                                                         str]]:
    """``twilio-compat serve --port 0 ARGS`` in a child process; yields it and its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "compat", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"(http://\S+)", first)
        assert match, f"the server printed no URL: {first!r}"
        url = match.group(1)
        deadline = time.monotonic() + 20
        while True:  # the URL is printed before uvicorn accepts: wait for it
            try:
                host, port = url.removeprefix("http://").rsplit(":", 1)
                socket.create_connection((host, int(port)), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield process, url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def host_port(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)
