"""The inbox over real loopback HTTP, without a browser: the page and its headers, the paged JSON
views, status histories, the callback log, the actions, the same-origin guard, and
:meth:`Emulator.watch` that feeds it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from compat.emulator import TEST_AUTH_TOKEN, Emulator, ManualClock, SystemClock, serve_in_thread
from compat.emulator.events import MessageEvent
from compat.emulator.inbox import CSP, TOKEN_HEADER
from compat.emulator.inbox.app import host_allowed
from compat.testing import Receiver

ME = "+14155550100"
JENNY = "+15558675310"


class Inbox:
    """A served emulator and an httpx client that speaks to its inbox like its own page does."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.server = serve_in_thread(emulator)
        self.url = self.server.url
        self.http = httpx.Client(base_url=self.url)
        page = self.http.get("/").text
        found = re.search(r'<meta name="inbox-token" content="([^"]+)">', page)
        assert found is not None
        self.token = found.group(1)

    def get(self, view: str, **params: Any) -> Any:
        answer = self.http.get(f"/__inbox/api/{view}", params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def post(self, path: str, data: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
        sent = {"Content-Type": "application/json", TOKEN_HEADER: self.token,
                "Origin": self.url, "Sec-Fetch-Site": "same-origin", **headers}
        return self.http.post(f"/__inbox/api/{path}", content=json.dumps(data or {}),
                              headers=sent)

    def close(self) -> None:
        self.http.close()
        self.server.stop()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with Emulator(clock=ManualClock()) as emulator:
        served = Inbox(emulator)
        yield served
        served.close()


def send(emulator: Emulator, body: str = "Hi", to: str = JENNY, **extra: Any) -> str:
    with emulator.client() as client:
        return client.messages.create(to=to, from_=ME, body=body, **extra).sid


# -- the page -------------------------------------------------------------------------------------


def test_page_is_served_at_the_root_with_a_strict_policy(inbox: Inbox) -> None:
    answer = inbox.http.get("/")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    policy = answer.headers["content-security-policy"]
    assert policy == CSP
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    # No inline script or style: every <script> has a src, no on* handler attributes.
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", answer.text) == []
    assert re.search(r"\son[a-z]+=", answer.text) is None
    assert "<style" not in answer.text
    for path, kind in [("/__inbox/static/inbox.js", "text/javascript"),
                       ("/__inbox/static/inbox.css", "text/css"),
                       ("/favicon.ico", "image/svg+xml")]:
        asset = inbox.http.get(path)
        assert asset.status_code == 200
        assert asset.headers["content-type"].startswith(kind)
        assert asset.headers["content-security-policy"] == CSP
    assert inbox.http.get("/__inbox/static/../app.py").status_code == 404
    js = inbox.http.get("/__inbox/static/inbox.js").text
    assert "innerHTML" not in js
    assert "eval(" not in js


def test_each_process_has_its_own_token() -> None:
    with Emulator() as emulator:
        first, second = Inbox(emulator), Inbox(emulator)
        try:
            assert first.token != second.token
            assert len(first.token) >= 32
        finally:
            first.close()
            second.close()


def test_the_api_and_admin_paths_are_untouched(inbox: Inbox) -> None:
    health = inbox.http.get("/__admin/health").json()
    assert health["status"] == "ok"
    answer = inbox.http.get("/2010-04-01/Accounts/AC/Messages.json")
    assert answer.status_code in (401, 404)
    assert "code" in answer.json()  # the dialect's error document, not the inbox's
    assert "content-security-policy" not in answer.headers
    assert inbox.http.get("/favicon.ico").status_code == 200
    assert not any("favicon" in item for item in inbox.emulator.unrouted)


def test_no_inbox_serves_only_the_api() -> None:
    with Emulator() as emulator, serve_in_thread(emulator, inbox=False) as server:
        answer = httpx.get(f"{server.url}/")
        assert answer.status_code == 404
        assert "content-security-policy" not in answer.headers
        assert httpx.get(f"{server.url}/__inbox/api/state").status_code == 404


def test_no_auth_token_is_ever_shown(inbox: Inbox) -> None:
    emulator = inbox.emulator
    other = emulator.add_account(auth_token="f" * 32, friendly_name="Second")
    emulator.add_number(ME, sms_url="http://user:hunter2@127.0.0.1:9/sms")
    send(emulator, status_callback="http://127.0.0.1:9/status")
    emulator.receive(JENNY, ME, "hello")
    shown = [inbox.http.get("/").text, inbox.http.get("/__inbox/static/inbox.js").text]
    for account in (emulator.account.sid, other.sid):
        shown += [json.dumps(inbox.get(view, account=account))
                  for view in ("state", "conversations", "log")]
    conversation = inbox.get("conversations")["conversations"][0]["id"]
    shown.append(json.dumps(inbox.get("thread", id=conversation)))
    everything = "\n".join(shown)
    for secret in (TEST_AUTH_TOKEN, other.auth_token, "hunter2"):
        assert secret not in everything
    assert other.sid in everything
    assert "***@127.0.0.1:9/sms" in everything


def test_host_names_other_than_addresses_are_refused(inbox: Inbox) -> None:
    assert inbox.http.get("/", headers={"Host": "evil.example"}).status_code == 403
    assert inbox.http.get("/__inbox/api/state", headers={"Host": "rebind.test:80"}
                          ).status_code == 403
    assert [host_allowed(h) for h in ("127.0.0.1:8080", "localhost:1", "[::1]:80", "10.0.0.2")] == [
        True, True, True, True]
    assert [host_allowed(h) for h in (None, "", "localhost.evil.example", "[::1")] == [
        False, False, False, False]


# -- views ----------------------------------------------------------------------------------------


def test_conversations_group_both_directions_newest_first(inbox: Inbox) -> None:
    emulator = inbox.emulator
    send(emulator, "to jenny")
    send(emulator, "to bob", to="+15558675311")
    emulator.receive(JENNY, ME, "jenny answers")
    listed = inbox.get("conversations")
    assert listed["total"] == 2
    assert [(c["phone"], c["ours"], c["count"]) for c in listed["conversations"]] == [
        (JENNY, ME, 2), ("+15558675311", ME, 1)]
    assert listed["conversations"][0]["last"]["body"] == "jenny answers"
    thread = inbox.get("thread", id=listed["conversations"][0]["id"])
    assert [(m["body"], m["direction"]) for m in thread["messages"]] == [
        ("to jenny", "outbound-api"), ("jenny answers", "inbound")]
    first = thread["messages"][0]
    assert (first["dialect"], first["segments"], first["encoding"]) == ("2010-04-01", 1, "GSM-7")
    assert (first["price"], first["price_unit"]) == ("-0.00790", "USD")
    assert [s["status"] for s in first["history"]] == ["queued", "sending", "sent", "delivered"]
    assert inbox.http.get("/__inbox/api/thread", params={"id": "nobody,here"}).status_code == 404


def test_paging_and_filters(inbox: Inbox) -> None:
    emulator = inbox.emulator
    for n in range(120):
        send(emulator, f"number {n}", to=f"+1555867{n:04d}")
    emulator.set_outcome("+15558670007", "failed")
    send(emulator, "the failing one", to="+15558670007")
    first = inbox.get("conversations", size=50)
    assert (first["total"], len(first["conversations"]), first["more"]) == (120, 50, True)
    assert first["conversations"][0]["phone"] == "+15558670007"
    last = inbox.get("conversations", size=50, page=2)
    assert (len(last["conversations"]), last["more"]) == (20, False)
    assert last["conversations"][-1]["phone"] == "+15558670000"
    assert inbox.get("conversations", size="junk")["size"] == 50
    by_number = inbox.get("conversations", number="555-867-0119")["conversations"]
    assert [c["phone"] for c in by_number] == ["+15558670119"]
    failed = inbox.get("conversations", status="failed")["conversations"]
    assert [(c["phone"], c["count"]) for c in failed] == [("+15558670007", 2)]
    texts = inbox.get("conversations", q="NUMBER 11")["conversations"]
    assert sorted(c["phone"] for c in texts) == sorted(
        ["+15558670011", *(f"+1555867{n:04d}" for n in range(110, 120))])
    messages = [send(emulator, f"again {n}") for n in range(60)]
    thread_id = inbox.get("conversations")["conversations"][0]["id"]
    newest = inbox.get("thread", id=thread_id, size=50)
    assert [m["sid"] for m in newest["messages"]] == messages[10:]
    assert newest["older"] is True
    older = inbox.get("thread", id=thread_id, size=50, page=1)
    assert [m["body"] for m in older["messages"]][-10:] == [f"again {n}" for n in range(10)]
    assert older["older"] is False


def test_history_in_manual_mode_is_observed_step_by_step(inbox: Inbox) -> None:
    emulator = inbox.emulator
    emulator.mode = "manual"
    sid = send(emulator)
    emulator.clock.advance(5)  # type: ignore[attr-defined]
    emulator.advance(sid)
    emulator.clock.advance(5)  # type: ignore[attr-defined]
    emulator.finish(sid)
    (message,) = inbox.get("thread", id=f"{ME},{JENNY}")["messages"]
    assert [(s["status"], s["at"][11:19], s["inferred"]) for s in message["history"]] == [
        ("queued", "12:00:00", False), ("sending", "12:00:05", False),
        ("sent", "12:00:10", False), ("delivered", "12:00:10", False)]


def test_history_fills_in_steps_taken_together(inbox: Inbox) -> None:
    emulator = inbox.emulator
    emulator.mode = "timed"
    sid = send(emulator)
    emulator.clock.advance(30)  # type: ignore[attr-defined]
    history = inbox.get("thread", id=f"{ME},{JENNY}")["messages"][0]["history"]
    assert [(s["status"], s["at"][11:19], s["inferred"]) for s in history] == [
        ("queued", "12:00:00", False), ("sending", "12:00:01", True),
        ("sent", "12:00:02", True), ("delivered", "12:00:04", False)]
    assert emulator.message(sid).status == "delivered"


def test_log_shows_what_was_sent_what_the_app_answered_and_what_it_led_to(inbox: Inbox) -> None:
    emulator = inbox.emulator
    with Receiver() as hooks:
        hooks.reply("/sms", "<Response><Message>pong</Message></Response>")
        emulator.add_number(ME, sms_url=hooks.url("/sms"))
        result = emulator.receive(JENNY, ME, "ping")
    log = inbox.get("log")
    (entry,) = log["entries"]
    assert (entry["kind"], entry["method"], entry["ok"], entry["status"]) == (
        "incoming", "POST", True, 200)
    assert ["Body", "ping"] in entry["params"]
    assert entry["answer"]["body"] == "<Response><Message>pong</Message></Response>"
    assert [m["body"] for m in entry["led_to"]] == ["pong"]
    (reply,) = result.replies
    thread = inbox.get("thread", id=f"{ME},{JENNY}")["messages"]
    assert thread[0]["replies"] == [reply.sid]
    assert thread[1]["reply_to"] == result.message.sid
    other = emulator.add_account()
    assert inbox.get("log", account=other.sid)["entries"] == []
    assert inbox.get("log", sid="SM" + "0" * 32)["entries"] == []


def test_state_lists_accounts_with_the_test_account_first(inbox: Inbox) -> None:
    extra = inbox.emulator.add_account(friendly_name="Staging")
    inbox.emulator.add_number(ME, account_sid=extra.sid)
    state = inbox.get("state")
    assert state["account"] == inbox.emulator.account.sid
    assert [a["test"] for a in state["accounts"]] == [True, False]
    assert state["manual_clock"] is True
    chosen = inbox.get("state", account=extra.sid)
    assert chosen["account"] == extra.sid
    assert [n["number"] for n in chosen["numbers"]] == [ME]
    assert inbox.get("state", account="AC" + "9" * 32)["account"] == inbox.emulator.account.sid


# -- actions and the guard ------------------------------------------------------------------------


def test_actions_drive_the_emulator(inbox: Inbox) -> None:
    emulator = inbox.emulator
    assert inbox.post("mode", {"mode": "manual"}).json() == {"mode": "manual"}
    sid = send(emulator)
    stepped = inbox.post(f"messages/{sid}/advance").json()["message"]
    assert stepped["status"] == "sending"
    assert inbox.post(f"messages/{sid}/finish").json()["message"]["status"] == "delivered"
    assert inbox.post(f"messages/{sid}/advance").status_code == 409
    assert inbox.post(f"messages/SM{'0' * 32}/finish").status_code == 404
    before = emulator.clock.now()
    assert inbox.post("clock", {"advance": 90}).status_code == 200
    assert (emulator.clock.now() - before).total_seconds() == 90
    assert inbox.post("clock", {"advance": -1}).status_code == 400
    assert inbox.post("outcome", {"to": JENNY, "status": "undelivered"}).status_code == 200
    assert emulator.outcome_for(JENNY).status == "undelivered"
    assert inbox.post("outcome", {"to": JENNY, "status": "lost"}).status_code == 400
    received = inbox.post("receive", {"from": JENNY, "to": ME, "body": "yo"}).json()
    assert received["message"]["status"] == "received"
    assert inbox.post("receive", {"from": "", "to": ME}).status_code == 400
    assert inbox.post("receive", {"from": "+1", "to": ME}).status_code == 400
    assert inbox.post("mode", {"mode": "sometimes"}).status_code == 400
    assert inbox.post("nothing").status_code == 404
    assert inbox.post("reset").json() == {"reset": True}
    assert emulator.messages == []
    assert inbox.get("conversations")["conversations"] == []


def test_the_system_clock_cannot_be_moved_from_the_page() -> None:
    with Emulator(clock=SystemClock()) as emulator:
        served = Inbox(emulator)
        try:
            assert served.post("clock", {"advance": 1}).status_code == 409
        finally:
            served.close()


@pytest.mark.parametrize(
    "headers",
    [
        {TOKEN_HEADER: ""},
        {TOKEN_HEADER: "not-the-token"},
        {"Origin": "http://127.0.0.1:1"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "text/plain"},
    ],
)
def test_state_changes_need_the_token_from_the_same_origin(
    inbox: Inbox, headers: dict[str, str]
) -> None:
    sid = send(inbox.emulator)
    answer = inbox.post("reset", **headers)
    assert answer.status_code == 403
    assert "error" in answer.json()
    assert [m.sid for m in inbox.emulator.messages] == [sid]


def test_a_plain_form_post_is_refused(inbox: Inbox) -> None:
    send(inbox.emulator)
    answer = inbox.http.post("/__inbox/api/reset", data={"x": "1"})
    assert answer.status_code == 403
    assert inbox.http.delete("/__inbox/api/reset").status_code == 405
    assert len(inbox.emulator.messages) == 1


# -- Emulator.watch -------------------------------------------------------------------------------


def test_watch_tells_every_change_in_order() -> None:
    with Emulator(mode="manual") as emulator:
        before = send(emulator, "before")
        seen: list[MessageEvent] = []

        def broken(_event: MessageEvent) -> None:
            raise RuntimeError("a listener that fails")

        stop_broken = emulator.watch(broken)
        stop = emulator.watch(seen.append, replay=True)
        sid = send(emulator)
        emulator.advance(sid)
        emulator.set_status(sid, "delivered")  # deletable: nothing left to happen
        with emulator.client() as client:
            client.messages.delete(sid)
        emulator.reset()
        stop()
        stop_broken()
        send(emulator, "after")
    assert [(e.kind, e.sid) for e in seen] == [
        ("created", before), ("created", sid), ("updated", sid), ("updated", sid),
        ("deleted", sid), ("cleared", None)]
    assert [str(e.message.status) for e in seen if e.message is not None] == [
        "queued", "queued", "sending", "delivered", "delivered"]
    assert {e.dialect for e in seen if e.message is not None} == {"2010-04-01"}


def test_a_listener_may_stop_itself_while_being_told() -> None:
    with Emulator() as emulator:
        once: list[str | None] = []
        others: list[str | None] = []

        def first(event: MessageEvent) -> None:
            once.append(event.sid)
            stop_first()

        stop_first = emulator.watch(first)
        emulator.watch(lambda event: others.append(event.sid))
        sids = [send(emulator, "one"), send(emulator, "two")]
    assert once == [sids[0]]
    assert others == [sids[0], sids[1]]


def test_serve_prints_the_inbox_address_and_no_inbox_turns_it_off() -> None:
    for extra, expected in (([], True), (["--no-inbox"], False)):
        process = subprocess.Popen(
            [sys.executable, "-m", "compat", "serve", "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(4)]
        finally:
            process.terminate()
            process.communicate(timeout=30)
        base = lines[0].split()[-1]
        assert (lines[3] == f"inbox at {base}/ (open it in a browser)\n") is expected
        assert lines[3].startswith("mode=") is not expected
