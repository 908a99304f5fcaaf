"""The emulator served by uvicorn on loopback: curl's exact requests, admin routes, concurrency,
timed callbacks, persistence, and bad input over real HTTP."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from compat.emulator import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    Emulator,
    ManualClock,
    ServedEmulator,
    SystemClock,
    serve_in_thread,
)
from compat.emulator.asgi import MAX_BODY, EmulatorApp
from compat.model import Status
from compat.testing import Receiver

ME = "+15017122661"
JENNY = "+15558675310"
AUTH = "Basic " + base64.b64encode(f"{TEST_ACCOUNT_SID}:{TEST_AUTH_TOKEN}".encode()).decode()


@pytest.fixture
def api(served: ServedEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)) as client:
        yield client


def raw_http(served: ServedEmulator, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` byte for byte and read one response (status, headers, body)."""
    with socket.create_connection((served.host, served.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, body


def curl_post(served: ServedEmulator, path: str, form: bytes) -> bytes:
    """What ``curl -X POST URL --data-urlencode ... -u SID:TOKEN`` puts on the wire."""
    return (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: {served.host}:{served.port}\r\n"
        f"Authorization: {AUTH}\r\n"
        "User-Agent: curl/8.5.0\r\n"
        "Accept: */*\r\n"
        f"Content-Length: {len(form)}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "\r\n"
    ).encode("ascii") + form


def curl_get(served: ServedEmulator, path: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {served.host}:{served.port}\r\n"
        f"Authorization: {AUTH}\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"
    ).encode("ascii")


# -- the documentation's curl commands ----------------------------------------------------------


def test_curl_2010_create_fetch_and_list(served: ServedEmulator) -> None:
    path = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    status, headers, body = raw_http(served, curl_post(
        served, path, b"Body=Hi%20there&From=%2B15017122661&To=%2B15558675310"
    ))
    assert status == 201
    assert headers["content-type"].startswith("application/json")
    created = json.loads(body)
    assert (created["body"], created["from"], created["to"]) == ("Hi there", ME, JENNY)
    assert created["status"] == "queued"

    status, _, body = raw_http(served, curl_get(served, created["uri"]))
    assert status == 200
    assert json.loads(body)["status"] == "delivered"
    status, _, body = raw_http(served, curl_get(served, path))
    assert [m["sid"] for m in json.loads(body)["messages"]] == [created["sid"]]


def test_curl_2008_create_and_list(served: ServedEmulator) -> None:
    path = f"/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages"
    status, headers, body = raw_http(served, curl_post(
        served, path, b"From=415-555-1212&To=555-867-5309&Body=Hello+from+2008"
    ))
    assert status == 201
    assert headers["content-type"].startswith("application/xml")
    message = etree.fromstring(body).find("SMSMessage")
    assert message is not None
    assert message.findtext("To") == "5558675309"
    assert message.findtext("From") == "4155551212"
    assert message.findtext("Body") == "Hello from 2008"
    status, _, body = raw_http(served, curl_get(served, path))
    assert status == 200
    assert etree.fromstring(body).find("SMSMessages/SMSMessage/Sid") is not None


def test_curl_without_credentials_is_401(served: ServedEmulator) -> None:
    request = (
        f"GET /2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json HTTP/1.1\r\n"
        f"Host: {served.host}:{served.port}\r\nAccept: */*\r\n\r\n"
    ).encode()
    status, headers, body = raw_http(served, request)
    assert status == 401
    assert json.loads(body)["code"] == 20003
    assert "basic" in headers["www-authenticate"].lower()


# -- bad input over the wire -----------------------------------------------------------------------


def test_invalid_utf8_body_is_a_400(served: ServedEmulator) -> None:
    path = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    status, _, body = raw_http(served, curl_post(served, path, b"To=%2B15558675310&Body=\xc3\x28"))
    assert status == 400
    assert json.loads(body)["status"] == 400
    assert served.emulator.errors == []


def test_invalid_utf8_query_is_a_400(served: ServedEmulator) -> None:
    path = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json?To=%C3%28"
    status, _, _ = raw_http(served, curl_get(served, path))
    assert status == 400


def test_oversized_body_is_a_413(api: httpx.Client) -> None:
    path = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    answer = api.post(path, content=b"Body=" + b"x" * (MAX_BODY + 1),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413
    assert answer.json()["status"] == 413


def test_non_http_scopes_are_refused() -> None:
    app = EmulatorApp(Emulator())

    async def call() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "websocket.connect"}

        async def send(_message: Any) -> None:
            return None

        await app({"type": "websocket", "path": "/"}, receive, send)

    with pytest.raises(RuntimeError, match="HTTP only"):
        asyncio.run(call())
    app.emulator.close()


# -- admin routes ----------------------------------------------------------------------------------


def test_admin_health_messages_and_reset(served: ServedEmulator, api: httpx.Client) -> None:
    created = api.post(f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json",
                       data={"To": JENNY, "From": ME, "Body": "x"}).json()
    health = httpx.get(f"{served.url}/__admin/health").json()
    assert health == {"status": "ok", "messages": 1, "mode": "immediate"}
    listed = httpx.get(f"{served.url}/__admin/messages").json()["messages"]
    assert [m["sid"] for m in listed] == [created["sid"]]
    one = httpx.get(f"{served.url}/__admin/messages/{created['sid']}").json()["message"]
    assert one["status"] == "delivered"
    assert httpx.post(f"{served.url}/__admin/reset").json()["status"] == "reset"
    assert httpx.get(f"{served.url}/__admin/messages").json()["messages"] == []


def test_admin_lifecycle_controls(served: ServedEmulator, api: httpx.Client) -> None:
    base = f"{served.url}/__admin"
    assert httpx.post(f"{base}/mode", json={"mode": "manual"}).json() == {"mode": "manual"}
    sid = api.post(f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json",
                   data={"To": JENNY, "From": ME, "Body": "x"}).json()["sid"]
    stepped = httpx.post(f"{base}/messages/{sid}/advance").json()["message"]
    assert stepped["status"] == "sending"
    forced = httpx.post(f"{base}/messages/{sid}/status",
                        data={"status": "undelivered", "error_code": "30005"}).json()["message"]
    assert (forced["status"], forced["error_code"]) == ("undelivered", 30005)
    assert httpx.post(f"{base}/messages/{sid}/advance").status_code == 409


def test_admin_clock_and_timed_mode(served: ServedEmulator, api: httpx.Client) -> None:
    base = f"{served.url}/__admin"
    httpx.post(f"{base}/mode", json={"mode": "timed"})
    sid = api.post(f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json",
                   data={"To": JENNY, "From": ME, "Body": "x"}).json()["sid"]
    before = httpx.get(f"{base}/clock").json()
    assert before["manual"] is True
    after = httpx.post(f"{base}/clock", json={"advance": 10}).json()
    assert after["now"] > before["now"]
    assert served.emulator.message(sid).status == Status.DELIVERED
    assert httpx.post(f"{base}/clock", json={"set": "2000-01-01T00:00:00Z"}).status_code == 400


def test_admin_numbers_outcomes_accounts_and_receive(
    served: ServedEmulator, api: httpx.Client
) -> None:
    base = f"{served.url}/__admin"
    with Receiver() as hooks:
        hooks.reply("/sms", "<Response><Message>pong</Message></Response>")
        number = httpx.post(f"{base}/numbers", json={
            "number": "+14155550100", "sms_url": hooks.url("/sms"),
        }).json()["number"]
        assert number["api_version"] == "2010-04-01"
        assert httpx.get(f"{base}/numbers").json()["numbers"] == [number]
        httpx.post(f"{base}/outcomes", json={"to": JENNY, "status": "failed"})
        result = httpx.post(f"{base}/receive", data={
            "from": JENNY, "to": "+14155550100", "body": "ping",
        }).json()
    assert result["message"]["body"] == "ping"
    assert [(m["body"], m["status"], m["error_code"]) for m in result["replies"]] == [
        ("pong", "failed", 30008)
    ]
    callbacks = httpx.get(f"{base}/callbacks").json()["callbacks"]
    assert [c["kind"] for c in callbacks] == ["incoming"]
    account = httpx.post(f"{base}/accounts", json={}).json()
    answer = httpx.get(f"{served.url}/2010-04-01/Accounts/{account['sid']}/Messages.json",
                       auth=(account["sid"], account["auth_token"]))
    assert answer.status_code == 200
    assert httpx.get(f"{base}/problems").json() == {"problems": []}


@pytest.mark.parametrize(
    ("method", "path", "payload", "status"),
    [
        ("GET", "/__admin/nothing", None, 404),
        ("GET", "/__admin/reset", None, 405),
        ("POST", "/__admin/mode", {"mode": "sometimes"}, 400),
        ("POST", "/__admin/receive", {"to": "+14155550100"}, 400),
        ("GET", "/__admin/messages/SM00000000000000000000000000000000", None, 404),
        ("POST", "/__admin/outcomes", {"to": JENNY, "status": "x"}, 400),
    ],
)
def test_admin_refusals(
    served: ServedEmulator, method: str, path: str, payload: Any, status: int
) -> None:
    answer = httpx.request(method, served.url + path, json=payload)
    assert answer.status_code == status
    assert "error" in answer.json()


def test_admin_refuses_bad_json(served: ServedEmulator) -> None:
    answer = httpx.post(f"{served.url}/__admin/mode", content=b"{not json",
                        headers={"Content-Type": "application/json"})
    assert answer.status_code == 400


def test_system_clock_cannot_be_moved() -> None:
    with Emulator(clock=SystemClock()) as emulator, serve_in_thread(emulator) as server:
        assert httpx.post(f"{server.url}/__admin/clock", json={"advance": 1}).status_code == 409


# -- concurrency, timed mode, persistence ----------------------------------------------------------


def test_concurrent_creates_are_neither_lost_nor_duplicated(served: ServedEmulator) -> None:
    path = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    sids: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        with httpx.Client(base_url=served.url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)) as c:
            for i in range(25):
                answer = c.post(path, data={"To": JENNY, "From": ME, "Body": f"{n}-{i}"})
                assert answer.status_code == 201
                with lock:
                    sids.append(answer.json()["sid"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sids) == 200
    assert len(set(sids)) == 200
    assert sorted(m.sid for m in served.emulator.messages) == sorted(sids)
    assert sorted(m.body or "" for m in served.emulator.messages) == sorted(
        f"{n}-{i}" for n in range(8) for i in range(25)
    )


def test_timed_mode_on_the_system_clock_calls_back_by_itself() -> None:
    emulator = Emulator(mode="timed", clock=SystemClock(), delays=(0.05, 0.05, 0.05))
    with Receiver() as hooks, serve_in_thread(emulator) as server:
        httpx.post(f"{server.url}/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json",
                   data={"To": JENNY, "From": ME, "Body": "x", "StatusCallback": hooks.url("/s")},
                   auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN))
        received = hooks.wait(3, path="/s", timeout=10)
    emulator.close()
    assert [r.params["MessageStatus"] for r in received] == ["sending", "sent", "delivered"]


def test_sqlite_keeps_everything_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    first = Emulator(db=db, clock=SystemClock())
    extra = first.add_account()
    with serve_in_thread(first) as server, httpx.Client(
        base_url=server.url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
    ) as c:
        path = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
        made = [c.post(path, data={"To": JENNY, "From": ME, "Body": str(i)}).json()
                for i in range(3)]
        deleted = made[-1]["sid"]
        assert c.delete(f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages/{deleted}.json"
                        ).status_code == 204
    before = {m.sid: m for m in first.messages}
    first.close()

    second = Emulator(db=db, clock=SystemClock())
    try:
        assert {m.sid: m for m in second.messages} == before
        assert second.store.account(extra.sid) == extra
        with second.client() as client:
            new = client.messages.create(to=JENNY, from_=ME, body="after restart").sid
        assert new not in {m["sid"] for m in made}
    finally:
        second.close()


def test_sqlite_resumes_a_lifecycle_in_progress(tmp_path: Path) -> None:
    db = tmp_path / "timed.db"
    with Emulator(db=db, mode="timed", clock=ManualClock()) as first, first.client() as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="x").sid
        assert first.message(sid).status == Status.QUEUED
    clock = ManualClock()
    with Emulator(db=db, mode="timed", clock=clock) as second:
        assert second.message(sid).status == Status.QUEUED
        clock.advance(60)
        assert second.message(sid).status == Status.DELIVERED
