"""Benchmark the inbox page with 100,000 stored messages: how long it takes to open.

Two shapes of store, each of 100,000 messages: 1,000 conversations of 100 messages, and 100,000
conversations of one message. For each, measured in one run against a served emulator:

* the index's start-up: reading the stored messages on the inbox's first request (serving itself
  does not wait for it);
* the page's requests over one keep-alive httpx client, as the page makes them on opening (the
  HTML, its script and styles, the header state, the first page of conversations, the newest page
  of the first conversation), against the floor of one ``/__admin/health`` round trip;
* a filtered list (text search over every body), which scans instead of paging;
* with Chromium at ``/usr/bin/chromium``: the time from navigation to the first conversation drawn,
  and to its messages drawn after a click, against the floor of navigating to ``/__admin/health``
  (a one-line JSON document) in the same fresh browser context.

First, what keeping the index costs a create: ``Emulator.handle`` of one create on an emulator whose
inbox index is built, against one without an inbox, in alternating rounds.

Run ``python benchmarks/bench_inbox.py [--quick]`` (``--quick``: 20,000 messages). Timings are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import httpx
from playwright.sync_api import sync_playwright

from compat.emulator import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    Emulator,
    ManualClock,
    Outcome,
    lifecycle,
    serve_in_thread,
)
from compat.emulator.inbox import Inbox
from compat.model import Direction, Status
from compat.wire import WireRequest, encode_form

ME = "+14155550100"


def phone(n: int) -> str:
    """A distinct valid US number for each ``n`` below 8,000,000."""
    return f"+1{200 + n // 10000}555{n % 10000:04d}"


def fill(emulator: Emulator, count: int, conversations: int) -> None:
    plan = lifecycle.plan(Outcome(), "2010-04-01")
    account = emulator.account.sid
    for n in range(count):
        emulator.store_message(
            account_sid=account,
            to=phone(n % conversations),
            from_=ME,
            body=f"Message {n}: your code is {n % 1000000:06d}",
            status=Status.QUEUED,
            direction=Direction.OUTBOUND_API,
            dialect="2010-04-01",
            api_version="2010-04-01",
            pending=plan,
            outbox=[],
        )


def median_ms(fn: Callable[[], object], rounds: int) -> float:
    fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def open_page(client: httpx.Client) -> None:
    for path in ("/", "/__inbox/static/inbox.js", "/__inbox/static/inbox.css"):
        client.get(path).raise_for_status()
    client.get("/__inbox/api/state").raise_for_status()
    listed = client.get("/__inbox/api/conversations", params={"page": 0})
    listed.raise_for_status()
    first = listed.json()["conversations"][0]["id"]
    client.get("/__inbox/api/thread", params={"id": first, "page": 0}).raise_for_status()


def browser_open(url: str, rounds: int) -> tuple[float, float, float] | None:
    if not os.path.exists("/usr/bin/chromium"):
        return None
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    floor: list[float] = []
    to_list: list[float] = []
    to_thread: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for _ in range(rounds + 1):
            context = browser.new_context()
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url + "/__admin/health")
            floor.append(time.perf_counter() - start)
            start = time.perf_counter()
            page.goto(url + "/")
            page.locator(".conv").first.wait_for()
            listed = time.perf_counter()
            page.locator(".conv").first.click()
            page.locator(".bubble").first.wait_for()
            to_list.append(listed - start)
            to_thread.append(time.perf_counter() - listed)
            context.close()
        browser.close()
    nav, listed, thread = (statistics.median(s[1:]) * 1000 for s in (floor, to_list, to_thread))
    return nav, listed, thread


def run(count: int, conversations: int, rounds: int) -> None:
    print(f"\n{count:,} messages in {conversations:,} conversations")
    with Emulator(clock=ManualClock()) as emulator:
        start = time.perf_counter()
        fill(emulator, count, conversations)
        print(f"  filling the store          {time.perf_counter() - start:8.2f} s")
        start = time.perf_counter()
        with serve_in_thread(emulator) as server:
            print(f"  serving                    {time.perf_counter() - start:8.2f} s")
            with httpx.Client(base_url=server.url) as client:
                start = time.perf_counter()
                client.get("/__inbox/api/conversations").raise_for_status()
                print(f"  first inbox request, index {time.perf_counter() - start:8.2f} s")
                floor = median_ms(lambda: client.get("/__admin/health"), rounds)
                page = median_ms(lambda: open_page(client), rounds)
                listed = median_ms(lambda: client.get("/__inbox/api/conversations"), rounds)
                search = median_ms(
                    lambda: client.get("/__inbox/api/conversations", params={"q": "code is 0042"}),
                    max(3, rounds // 4),
                )
            print(f"  floor: /__admin/health     {floor:8.2f} ms")
            print(f"  page open, 6 requests      {page:8.2f} ms  ({page / floor:5.1f}x floor)")
            print(f"  one page of conversations  {listed:8.2f} ms  ({listed / floor:5.1f}x floor)")
            print(f"  text search, all bodies    {search:8.2f} ms")
            measured = browser_open(server.url, max(3, rounds // 4))
            if measured is None:
                print("  browser: /usr/bin/chromium not found, skipped")
            else:
                nav, listed_ms, thread_ms = measured
                print(f"  Chromium floor: navigating to /__admin/health {nav:8.1f} ms")
                print(f"  Chromium: navigation to the list drawn   {listed_ms:8.1f} ms  "
                      f"({listed_ms / nav:4.1f}x floor)")
                print(f"  Chromium: click to the thread drawn      {thread_ms:8.1f} ms")


def index_cost(rounds: int, per_round: int = 200) -> None:
    """Median ``Emulator.handle`` of a create with the inbox's index kept, and without."""
    auth = httpx.BasicAuth(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)._auth_header
    path = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    plain, watched = Emulator(clock=ManualClock()), Emulator(clock=ManualClock())
    inbox = Inbox(watched)
    built = inbox.handle("GET", "/__inbox/api/conversations", b"", [("Host", "127.0.0.1")], b"")
    assert built.status == 200, built.body
    times: dict[str, list[float]] = {"without": [], "with": []}
    n = 0
    for _ in range(rounds):
        for name, emulator in (("without", plain), ("with", watched)):
            for _ in range(per_round):
                n += 1
                form = encode_form([("To", phone(n)), ("From", ME), ("Body", f"Message {n}")])
                request = WireRequest("POST", path, body=form, headers=(
                    ("Authorization", auth),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                ))
                start = time.perf_counter()
                emulator.handle(request)
                times[name].append(time.perf_counter() - start)
    inbox.close()
    plain.close()
    watched.close()
    without, with_index = (statistics.median(times[k]) * 1e6 for k in ("without", "with"))
    print("== a create with the inbox's index kept (Emulator.handle, median) ==")
    print(f"  without an inbox           {without:8.1f} µs")
    print(f"  with the index kept        {with_index:8.1f} µs  (+{with_index - without:.1f} µs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 messages, fewer rounds")
    args = parser.parse_args()
    count = 20_000 if args.quick else 100_000
    rounds = 10 if args.quick else 40
    index_cost(rounds)
    run(count, 1_000, rounds)
    run(count, count, rounds)


if __name__ == "__main__":
    main()
