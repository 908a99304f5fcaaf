"""The inbox in a real browser: Debian's Chromium driven by Playwright, against a served emulator.

The browser is started once for the module; each test gets a fresh context (no shared cookies or
storage) and a fresh emulator. Chromium is at ``/usr/bin/chromium`` (``.ci/run`` installs it);
a missing browser fails these tests rather than skipping them.
"""

from __future__ import annotations

import re
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect, sync_playwright

from compat.emulator import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    Emulator,
    ManualClock,
    ServedEmulator,
    serve_in_thread,
)
from compat.testing import Receiver

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ME = "+14155550100"
JENNY = "+15558675310"
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "img" / "inbox.png"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright gives every launch a fresh temporary profile (user-data-dir).
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Session:
    """A served emulator, a page open on its inbox, and what the page reported."""

    def __init__(self, browser: Browser, emulator: Emulator) -> None:
        self.emulator = emulator
        self.server: ServedEmulator = serve_in_thread(emulator)
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page: Page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.api = httpx.Client(base_url=self.server.url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(message.text)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self) -> Page:
        self.page.goto(self.server.url + "/")
        expect(self.page.locator("#now")).not_to_have_text("…")
        return self.page

    def create(self, body: str, to: str = JENNY) -> str:
        answer = self.api.post(f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json",
                               data={"To": to, "From": ME, "Body": body})
        assert answer.status_code == 201, answer.text
        sid: str = answer.json()["sid"]
        return sid

    def close(self) -> None:
        self.api.close()
        self.context.close()
        self.server.stop()


@pytest.fixture
def session(browser: Browser) -> Iterator[Session]:
    emulator = Emulator(clock=ManualClock())
    opened = Session(browser, emulator)
    yield opened
    opened.close()
    emulator.close()
    assert opened.problems == []


def test_a_message_sent_through_the_api_appears_within_a_second(session: Session) -> None:
    page = session.open()
    expect(page.locator(".conversations .empty")).to_be_visible()
    started = time.monotonic()
    session.create("Your code is 123456")
    conversation = page.locator(".conv", has_text=JENNY)
    expect(conversation).to_be_visible(timeout=1000)
    assert time.monotonic() - started < 1.0
    expect(conversation).to_contain_text("Your code is 123456")
    conversation.click()
    bubble = page.locator(".bubble").first
    expect(bubble.locator(".body")).to_have_text("Your code is 123456")
    expect(bubble.locator(".meta")).to_contain_text("2010-04-01")
    expect(bubble.locator(".meta")).to_contain_text("1 segment · GSM-7")
    expect(bubble.locator(".meta")).to_contain_text("-0.00790 USD")
    expect(bubble.locator(".history .step")).to_have_text(
        ["queued 12:00:00", "sending 12:00:00", "sent 12:00:00", "delivered 12:00:00"])


def test_status_moves_as_the_clock_advances(session: Session) -> None:
    session.emulator.mode = "timed"
    page = session.open()
    sid = session.create("Timed")
    page.locator(".conv", has_text=JENNY).click()
    bubble = page.locator(f".bubble[data-sid='{sid}']")
    expect(bubble).to_have_attribute("data-status", "queued")
    session.emulator.clock.advance(1)  # type: ignore[attr-defined]
    expect(bubble).to_have_attribute("data-status", "sending")
    page.locator("#advance-1").click()  # the page's own clock control (a same-origin POST)
    expect(bubble).to_have_attribute("data-status", "sent")
    expect(page.locator("#now")).to_contain_text("12:00:02")
    page.locator("#advance-10").click()
    expect(bubble).to_have_attribute("data-status", "delivered")
    expect(bubble.locator(".history .step")).to_have_text(
        ["queued 12:00:00", "sending 12:00:01", "sent 12:00:02", "delivered 12:00:04"])


def test_finishing_a_message_in_manual_mode_and_setting_an_outcome(session: Session) -> None:
    session.emulator.mode = "manual"
    page = session.open()
    sid = session.create("Manual")
    page.locator(".conv", has_text=JENNY).click()
    bubble = page.locator(f".bubble[data-sid='{sid}']")
    bubble.locator(".step-advance").click()
    expect(bubble).to_have_attribute("data-status", "sending")
    bubble.locator(".step-finish").click()
    expect(bubble).to_have_attribute("data-status", "delivered")
    expect(bubble.locator(".step-finish")).to_have_count(0)
    page.locator("#outcome").select_option("failed")
    expect(page.locator("#notice")).to_contain_text("end failed")
    assert session.emulator.outcome_for(JENNY).status == "failed"


def test_a_reply_typed_in_the_page_reaches_the_webhook_and_its_twiml_reply_appears(
    session: Session,
) -> None:
    with Receiver() as hooks:
        hooks.reply("/sms", "<Response><Message>Thanks, we got: STOP</Message></Response>")
        session.emulator.add_number(ME, sms_url=hooks.url("/sms"))
        page = session.open()
        session.create("Reply STOP to stop")
        page.locator(".conv", has_text=JENNY).click()
        page.locator("#reply-body").fill("STOP")
        page.locator("#reply-form button").click()
        (request,) = hooks.wait(1, path="/sms", timeout=5)
    assert request.params["Body"] == "STOP"
    assert request.params["From"] == JENNY
    assert request.params["To"] == ME
    bubbles = page.locator(".bubble .body")
    expect(bubbles).to_have_text(
        ["Reply STOP to stop", "STOP", "Thanks, we got: STOP"])
    expect(page.locator(".bubble.in")).to_have_count(1)
    page.locator("#tab-log").click()
    entry = page.locator(".entry[data-kind='incoming']")
    expect(entry.locator(".answer-body")).to_have_text(
        "<Response><Message>Thanks, we got: STOP</Message></Response>")
    expect(entry.locator(".reply-message")).to_contain_text("Thanks, we got: STOP")


HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"><b>bold</b>'


def test_a_hostile_body_renders_as_text(session: Session) -> None:
    with Receiver() as hooks:
        hooks.reply("/sms", f"<h1>{HOSTILE}</h1>", content_type="text/html")
        session.emulator.add_number(ME, sms_url=hooks.url("/sms"))
        page = session.open()
        session.create(HOSTILE)
        session.emulator.receive(JENNY, ME, HOSTILE)
    conversation = page.locator(".conv", has_text=JENNY)
    expect(conversation).to_contain_text(HOSTILE)
    conversation.click()
    expect(page.locator(".bubble .body").first).to_have_text(HOSTILE)
    page.locator("#tab-log").click()
    expect(page.locator(".entry .answer-body").first).to_contain_text("<img src=x")
    assert page.locator("img, b, main h1, main script").count() == 0
    assert page.evaluate("document.scripts.length") == 1
    assert session.dialogs == []


def test_a_cross_origin_form_post_is_refused(session: Session) -> None:
    sid = session.create("Keep me")
    target = f"{session.server.url}/__inbox/api/reset"
    attacker = (
        "<!doctype html><html><body>"
        f'<form id="f" method="post" action="{target}" enctype="text/plain">'
        '<input name=\'{"x":"\' value=\'1"}\'><button id="go">go</button></form>'
        "</body></html>"
    )
    with Receiver() as other_origin:
        other_origin.reply("/", attacker, content_type="text/html")
        page = session.page
        page.goto(other_origin.url("/"))
        with page.expect_navigation():
            page.locator("#go").click()
        assert page.url == target
        assert "error" in page.locator("body").inner_text()
    assert [m.sid for m in session.emulator.messages] == [sid]
    session.problems.clear()  # the refused navigation logs a 403 in the console


def test_switching_accounts(session: Session) -> None:
    other = session.emulator.add_account(friendly_name="Staging")
    page = session.open()
    session.create("test account message")
    expect(page.locator(".conv")).to_have_count(1)
    page.locator("#account").select_option(other.sid)
    expect(page.locator(".conversations .empty")).to_be_visible()
    with session.emulator.client(account=other) as client:
        client.messages.create(to="+15558675311", from_=ME, body="staging message")
    expect(page.locator(".conv", has_text="staging message")).to_be_visible()
    assert other.auth_token not in page.content()


def test_paging_and_filters(session: Session) -> None:
    emulator = session.emulator
    emulator.set_outcome("+15558670007", "failed")
    with emulator.client() as client:
        for n in range(60):
            client.messages.create(to=f"+1555867{n:04d}", from_=ME, body=f"order {n} shipped")
    page = session.open()
    expect(page.locator("#conv-range")).to_have_text("1–50 of 60")
    expect(page.locator(".conv")).to_have_count(50)
    expect(page.locator(".conv").first).to_contain_text("+15558670059")
    page.locator("#conv-next").click()
    expect(page.locator("#conv-range")).to_have_text("51–60 of 60")
    expect(page.locator(".conv").last).to_contain_text("+15558670000")
    page.locator("#filter-text").fill("order 42 ")
    expect(page.locator(".conv")).to_have_text([re.compile(r"^\+15558670042")])
    page.locator("#filter-text").fill("")
    page.locator("#filter-status").select_option("failed")
    expect(page.locator(".conv")).to_have_text([re.compile(r"^\+15558670007")])
    page.locator(".conv").click()
    expect(page.locator(".bubble.match .error-code")).to_have_text("error 30008")
    page.locator("#filter-status").select_option("")
    page.locator("#filter-number").fill("867-0012")
    expect(page.locator(".conv")).to_have_text([re.compile(r"^\+15558670012.*order 12 shipped")])


def test_screenshot_for_the_documentation(session: Session) -> None:
    emulator = session.emulator
    emulator.mode = "timed"
    with Receiver() as hooks:
        hooks.reply("/sms", "<Response><Message>You are booked for 3 pm. Reply C to cancel."
                            "</Message></Response>")
        emulator.add_number(ME, sms_url=hooks.url("/sms"), api_version="2010-04-01")
        with emulator.client() as client:
            client.messages.create(to=JENNY, from_=ME, body="Your appointment is tomorrow. "
                                   "Reply Y to confirm.", status_callback=hooks.url("/status"))
            emulator.clock.advance(5)  # type: ignore[attr-defined]
            emulator.receive(JENNY, ME, "Y")
            emulator.clock.advance(5)  # type: ignore[attr-defined]
            emulator.set_outcome("+15558675311", "undelivered")
            client.messages.create(to="+15558675311", from_=ME, body="Tu código es 482913")
            client.messages.create(to="+15558675312", from_=ME, body="Your order has shipped.")
            emulator.clock.advance(1)  # type: ignore[attr-defined]
        assert emulator.flush()  # status callbacks go out in the background: let them finish
        page = session.open()
        page.locator(".conv", has_text=JENNY).click()
        expect(page.locator(".bubble")).to_have_count(3)
        page.locator(".bubble .more").first.evaluate("details => { details.open = true; }")
        version = session.api.get("/__inbox/api/version").json()["version"]
        expect(page.locator("body")).to_have_attribute("data-version", version)
        taken = page.screenshot()
    assert len(pixels(taken)) == 1280 * 800 * 3 + 800  # RGB rows, each with its filter byte
    # Chromium's PNG bytes vary from run to run with the same pixels, and a button's anti-aliased
    # corner may differ by a few bytes: rewrite the image only when more than that changed (a
    # changed character alone changes hundreds).
    if not SCREENSHOT.exists() or changed(pixels(SCREENSHOT.read_bytes()), pixels(taken)) > 64:
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(taken)


def changed(old: bytes, new: bytes) -> int:
    """How many bytes of image data differ (all of them when the sizes differ)."""
    if len(old) != len(new):
        return max(len(old), len(new))
    return sum(a != b for a, b in zip(old, new, strict=True))


def pixels(png: bytes) -> bytes:
    """The decompressed image data of a PNG (its IDAT chunks)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    data, at = b"", 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        if png[at + 4 : at + 8] == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length
    return zlib.decompress(data)
