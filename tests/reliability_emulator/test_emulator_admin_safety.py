"""The served emulator's admin routes: API keys over HTTP, callback passwords masked, and no
driving from another web page (browsers mark cross-site requests; curl and SDKs do not)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from emusupport import AUTH, JENNY, LIST, ME

from compat.emulator import Emulator, ManualClock, ServedEmulator, serve_in_thread
from compat.testing import Receiver


@pytest.fixture
def server() -> Iterator[ServedEmulator[Emulator]]:
    emulator = Emulator(clock=ManualClock())
    with serve_in_thread(emulator) as served:
        yield served
    emulator.close()


def test_an_api_key_made_over_http_authenticates(server: ServedEmulator[Emulator]) -> None:
    made = httpx.post(f"{server.url}/__admin/keys", json={})
    assert made.status_code == 200
    key = made.json()
    assert key["sid"].startswith("SK")
    assert key["account_sid"] == server.emulator.account.sid
    answer = httpx.post(f"{server.url}{LIST}", data={"To": JENNY, "From": ME, "Body": "by key"},
                        auth=(key["sid"], key["secret"]))
    assert answer.status_code == 201
    wrong = httpx.post(f"{server.url}{LIST}", data={"To": JENNY, "From": ME, "Body": "x"},
                       auth=(key["sid"], "not-the-secret"))
    assert wrong.status_code == 401


def test_an_api_key_for_another_account_and_with_a_given_secret(
    server: ServedEmulator[Emulator],
) -> None:
    account = httpx.post(f"{server.url}/__admin/accounts", json={}).json()
    key = httpx.post(f"{server.url}/__admin/keys",
                     data={"account_sid": account["sid"], "secret": "chosen-secret"}).json()
    assert (key["account_sid"], key["secret"]) == (account["sid"], "chosen-secret")
    theirs = LIST.replace(server.emulator.account.sid, account["sid"])
    answer = httpx.post(f"{server.url}{theirs}", data={"To": JENNY, "From": ME, "Body": "x"},
                        auth=(key["sid"], "chosen-secret"))
    assert answer.status_code == 201
    unknown = httpx.post(f"{server.url}/__admin/keys", json={"account_sid": "AC" + "9" * 32})
    assert unknown.status_code == 400
    assert "error" in unknown.json()


def test_callbacks_show_urls_without_their_passwords(server: ServedEmulator[Emulator]) -> None:
    secret = "s3cret-pa55"
    with Receiver() as hooks:
        callback = hooks.url("/status").replace("http://", f"http://alice:{secret}@")
        answer = httpx.post(f"{server.url}{LIST}", auth=AUTH, data={
            "To": JENNY, "From": ME, "Body": "x", "StatusCallback": callback})
        assert answer.status_code == 201
        assert server.emulator.flush(10)
        hooks.wait(3, path="/status", timeout=10)
    shown = httpx.get(f"{server.url}/__admin/callbacks")
    assert shown.status_code == 200
    assert secret not in shown.text
    urls = [attempt["url"] for attempt in shown.json()["callbacks"]]
    assert urls
    assert all("alice:***@" in url for url in urls)


def test_a_failed_callbacks_error_does_not_carry_the_password(
    server: ServedEmulator[Emulator],
) -> None:
    secret = "another-secret"
    callback = f"http://bob:{secret}@127.0.0.1:9/status"  # the discard port: nothing listens
    httpx.post(f"{server.url}{LIST}", auth=AUTH, data={
        "To": JENNY, "From": ME, "Body": "x", "StatusCallback": callback})
    deadline = time.monotonic() + 30  # callbacks are queued after the answer: wait for them
    while True:
        shown = httpx.get(f"{server.url}/__admin/callbacks")
        if len(shown.json()["callbacks"]) >= 3 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert secret not in shown.text
    assert shown.json()["callbacks"]
    assert all(attempt["error"] for attempt in shown.json()["callbacks"])


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-origin"},
    ],
)
def test_admin_refuses_requests_from_other_sites(
    server: ServedEmulator[Emulator], headers: dict[str, str]
) -> None:
    httpx.post(f"{server.url}{LIST}", auth=AUTH, data={"To": JENNY, "From": ME, "Body": "x"})
    for method, path in (("POST", "/__admin/reset"), ("GET", "/__admin/messages"),
                         ("POST", "/__admin/keys"), ("GET", "/__admin/callbacks")):
        answer = httpx.request(method, f"{server.url}{path}", headers=headers)
        assert answer.status_code == 403, (method, path)
        assert "error" in answer.json()
    assert len(server.emulator.messages) == 1  # the reset was refused


@pytest.mark.parametrize(
    "headers",
    [{}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, "own-origin"],
)
def test_admin_answers_scripts_and_its_own_origin(
    server: ServedEmulator[Emulator], headers: dict[str, str] | str
) -> None:
    if headers == "own-origin":
        headers = {"Origin": server.url, "Sec-Fetch-Site": "same-origin"}
    assert isinstance(headers, dict)
    answer = httpx.post(f"{server.url}/__admin/reset", headers=headers)
    assert answer.status_code == 200
    assert httpx.get(f"{server.url}/__admin/health", headers=headers).json()["status"] == "ok"
