"""Benchmark the client: its overhead per create, and the official twilio client, in one run.

1. **Overhead.** ``compat.Client.messages.create`` against an in-process transport that returns a
   canned 2010 create response, versus the floor: a bare ``httpx.Client.post`` of the same form,
   with the same auth and the same transport. Target: at most 1.5x the floor.
2. **Against twilio, in-process.** ``compat.Client.messages.create`` and ``.fetch`` on a canned
   ``httpx.MockTransport`` answer, against ``twilio.rest.Client(...).messages.create`` and
   ``.messages(sid).fetch()`` on a canned answer, given to twilio two ways: by a
   ``twilio.http.HttpClient`` subclass (no HTTP library at all), and by twilio's own ``requests``
   client with a canned transport adapter (the counterpart of ``MockTransport``). Target: ours at
   most 0.5x twilio's per call.
3. **Where a create's time goes.** Its parts, each timed alone: building the ``NewMessage``, the
   backend's form, reading the canned answer into a ``Message``, parsing the URL, and httpx sending
   a prebuilt request and reading the answer.
4. **Against twilio over loopback.** The same creates through ``compat.Client`` and through the
   official ``twilio.rest.Client``, both pointed at one loopback uvicorn server on 127.0.0.1
   serving the canned response. The server runs in a child process started from this script; it
   counts requests and stops itself once it has answered them all, or after a deadline. Target:
   ratio (ours / twilio) below 1.

Best of several repeats, the two sides interleaved. Timings are printed, never asserted.

    python benchmarks/bench_client.py [--creates 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import socket
import subprocess
import sys
import threading
import time
import timeit
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import httpx
import requests
import uvicorn
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from twilio.http import HttpClient as TwilioHttpClient
from twilio.http.http_client import TwilioHttpClient as TwilioRequestsClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client as TwilioClient

from compat import backends
from compat.client import Client
from compat.model import Message, NewMessage
from compat.wire import WireResponse

ACCOUNT = "AC" + "0123456789abcdef" * 2
TOKEN = "benchmark-token"
TO, FROM, BODY = "+15558675309", "+14155551212", "Hi Jenny!"
CANNED = backends.get("2010-04-01").render_message(
    Message(sid="SM" + "1" * 32, account_sid=ACCOUNT, to=TO, from_=FROM, body=BODY,
            status="queued", direction="outbound-api", api_version="2010-04-01",
            date_created=dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc),
            date_updated=dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc),
            num_segments=1, num_media=0, price_unit="USD"),
    created=True,
)
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
REPEATS = 7


# -- 1. overhead against an in-process transport ------------------------------------------------


def canned_transport() -> httpx.MockTransport:
    headers, content = list(CANNED.headers), CANNED.body
    return httpx.MockTransport(lambda _request: httpx.Response(201, headers=headers,
                                                               content=content))


def best_per_call(run: Callable[[], object], number: int) -> float:
    return min(timeit.repeat(run, number=number, repeat=1)) / number


def overhead(number: int) -> tuple[float, float]:
    """(seconds per compat create, seconds per bare httpx post), best of REPEATS, interleaved."""
    form = {"To": TO, "From": FROM, "Body": BODY}
    with httpx.Client(transport=canned_transport(), auth=(ACCOUNT, TOKEN)) as bare, \
            Client(ACCOUNT, TOKEN, transport=canned_transport()) as ours:
        def bare_post() -> object:
            return bare.post(MESSAGES_URL, data=form)

        def compat_create() -> object:
            return ours.messages.create(to=TO, from_=FROM, body=BODY)

        assert bare_post().status_code == 201  # type: ignore[attr-defined]
        assert compat_create().sid == "SM" + "1" * 32  # type: ignore[attr-defined]
        ours_best = bare_best = float("inf")
        for _ in range(REPEATS):
            bare_best = min(bare_best, best_per_call(bare_post, number))
            ours_best = min(ours_best, best_per_call(compat_create, number))
    return ours_best, bare_best


# -- 2. against twilio, each on a canned in-process answer ----------------------------------------

SID = "SM" + "1" * 32


class CannedTwilioHttp(TwilioHttpClient):
    """twilio's seam for the network: every request gets the canned answer."""

    def __init__(self) -> None:
        super().__init__(logging.getLogger("twilio.http_client"), is_async=False)
        self.text = CANNED.body.decode()
        self.headers = dict(CANNED.headers)

    def request(self, method: str, uri: str, params: Any = None, data: Any = None,
                headers: Any = None, auth: Any = None, timeout: Any = None,
                allow_redirects: bool = False) -> TwilioResponse:
        return TwilioResponse(201 if method == "POST" else 200, self.text, self.headers)


class CannedAdapter(BaseAdapter):
    """A ``requests`` transport adapter answering every request with the canned answer: the
    counterpart of ``httpx.MockTransport`` for twilio's own ``requests``-based client."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        response = requests.Response()
        response.status_code = 201 if request.method == "POST" else 200
        response._content = CANNED.body
        response.headers = CaseInsensitiveDict(dict(CANNED.headers))
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def canned_requests_client() -> TwilioRequestsClient:
    http = TwilioRequestsClient()
    assert http.session is not None
    http.session.mount("https://", CannedAdapter())
    return http


def in_process(number: int) -> dict[str, tuple[float, float]]:
    """{operation: (seconds per compat call, seconds per twilio call)}, best of REPEATS,
    interleaved."""
    theirs = TwilioClient(ACCOUNT, TOKEN, http_client=CannedTwilioHttp())
    full = TwilioClient(ACCOUNT, TOKEN, http_client=canned_requests_client())
    results: dict[str, tuple[float, float]] = {}
    with Client(ACCOUNT, TOKEN, transport=canned_transport()) as ours:
        pairs: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
            "create": (lambda: ours.messages.create(to=TO, from_=FROM, body=BODY),
                       lambda: theirs.messages.create(to=TO, from_=FROM, body=BODY)),
            "fetch": (lambda: ours.messages.fetch(SID),
                      lambda: theirs.messages(SID).fetch()),
            "create, twilio through requests": (
                lambda: ours.messages.create(to=TO, from_=FROM, body=BODY),
                lambda: full.messages.create(to=TO, from_=FROM, body=BODY)),
            "fetch, twilio through requests": (
                lambda: ours.messages.fetch(SID), lambda: full.messages(SID).fetch()),
        }
        for name, (compat_call, twilio_call) in pairs.items():
            assert compat_call().sid == SID  # type: ignore[attr-defined]
            assert twilio_call().sid == SID  # type: ignore[attr-defined]
            ours_best = theirs_best = float("inf")
            for _ in range(REPEATS):
                theirs_best = min(theirs_best, best_per_call(twilio_call, number))
                ours_best = min(ours_best, best_per_call(compat_call, number))
            results[name] = (ours_best, theirs_best)
    return results


# -- 3. against twilio over loopback -----------------------------------------------------------

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class CannedApp:
    """An ASGI app answering every request with the canned create; it asks the server to stop
    once it has answered ``limit`` requests."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.served = 0
        self.server: uvicorn.Server | None = None
        self.headers = [(k.lower().encode(), v.encode()) for k, v in CANNED.headers]
        self.headers.append((b"content-length", str(len(CANNED.body)).encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 201, "headers": self.headers})
        await send({"type": "http.response.body", "body": CANNED.body})
        self.served += 1
        if self.served >= self.limit and self.server is not None:
            self.server.should_exit = True


def serve(limit: int, deadline: float) -> None:
    """Run the canned server on 127.0.0.1 (``--serve``): print the port, answer ``limit``
    requests, then stop; stop after ``deadline`` seconds in any case."""
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and
    # without it every response waits out a 40 ms delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    app = CannedApp(limit)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off",
                                           access_log=False, timeout_keep_alive=30))
    app.server = server
    timer = threading.Timer(deadline, lambda: setattr(server, "should_exit", True))
    timer.daemon = True
    timer.start()
    print(sock.getsockname()[1], flush=True)
    server.run(sockets=[sock])
    timer.cancel()
    sock.close()


@contextlib.contextmanager
def loopback_server(limit: int, deadline: float = 300.0) -> Iterator[str]:
    """The canned server in a child process (a server thread in this process would share its
    GIL with the clients being timed); yields its base URL and waits for it to stop by itself."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(limit), "--deadline", str(deadline)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        base_url = f"http://127.0.0.1:{port}"
        for _ in range(500):
            with contextlib.suppress(httpx.TransportError):
                httpx.get(base_url + "/ready", timeout=1.0)
                break
            time.sleep(0.01)
        yield base_url
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.terminate()
            child.wait(timeout=10)


def against_twilio(creates: int, rounds: int = 3, warmup: int = 20) -> tuple[float, float, int]:
    """(compat seconds, twilio seconds, requests the server answered) for ``creates`` creates
    each, best of ``rounds`` interleaved rounds, after ``warmup`` creates each."""
    limit = 1 + 2 * (warmup + rounds * creates)
    with loopback_server(limit) as base_url:
        theirs = TwilioClient(ACCOUNT, TOKEN)
        theirs.api.base_url = base_url
        with Client(ACCOUNT, TOKEN, base_url=base_url) as ours:
            def compat_run(count: int) -> None:
                for _ in range(count):
                    ours.messages.create(to=TO, from_=FROM, body=BODY)

            def twilio_run(count: int) -> None:
                for _ in range(count):
                    theirs.messages.create(to=TO, from_=FROM, body=BODY)

            compat_run(warmup)
            twilio_run(warmup)
            ours_best = theirs_best = float("inf")
            for _ in range(rounds):
                started = time.perf_counter()
                compat_run(creates)
                ours_best = min(ours_best, time.perf_counter() - started)
                started = time.perf_counter()
                twilio_run(creates)
                theirs_best = min(theirs_best, time.perf_counter() - started)
    return ours_best, theirs_best, limit


def breakdown(number: int) -> dict[str, float]:
    """Seconds per call of the parts of one create (best of REPEATS): what the figures in the
    docs' account of a create come from."""
    backend = backends.get("2010-04-01")
    message = NewMessage(to=TO, from_=FROM, body=BODY)
    answer = WireResponse(201, tuple(CANNED.headers), CANNED.body)
    url = f"https://api.twilio.com{backend.build_create(ACCOUNT, message).path}"
    with httpx.Client(transport=canned_transport()) as http:
        request = http.build_request("POST", url, content=b"To=x")
        parts: dict[str, Callable[[], object]] = {
            "NewMessage(to=, from_=, body=)": lambda: NewMessage(to=TO, from_=FROM, body=BODY),
            "backend.build_create (form)": lambda: backend.build_create(ACCOUNT, message),
            "backend.parse_message (JSON)": lambda: backend.parse_message(answer),
            "httpx.URL(url) (parsing)": lambda: httpx.URL(url),
            "httpx send + read, prebuilt request": lambda: http.send(request).read(),
        }
        return {name: min(best_per_call(run, number) for _ in range(REPEATS))
                for name, run in parts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creates", type=int, default=1000)
    parser.add_argument("--skip-loopback", action="store_true", help="only the in-process parts")
    parser.add_argument("--number", type=int, default=2000, help="calls per overhead repeat")
    parser.add_argument("--serve", type=int, metavar="LIMIT", help=argparse.SUPPRESS)
    parser.add_argument("--deadline", type=float, default=300.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.deadline)
        return
    logging.getLogger("twilio").setLevel(logging.WARNING)

    ours, bare = overhead(args.number)
    print("1. overhead per create, in-process canned transport")
    print(f"   bare httpx.Client.post : {bare * 1e6:8.1f} us")
    print(f"   compat Client.create   : {ours * 1e6:8.1f} us")
    print(f"   ratio compat / bare    : {ours / bare:8.2f}x   (target <= 1.5x)")

    print("2. per call against twilio, each on a canned in-process answer (twilio: a canned "
          "HttpClient, or its own requests client with a canned adapter)")
    for name, (mine, twilio_s) in in_process(args.number).items():
        print(f"   {name:32} compat {mine * 1e6:7.1f} us   twilio {twilio_s * 1e6:7.1f} us   "
              f"ratio {mine / twilio_s:5.2f}x   (target <= 0.5x)")

    print("3. the parts of one create, each alone")
    for name, seconds in breakdown(args.number).items():
        print(f"   {name:36} {seconds * 1e6:7.1f} us")

    if args.skip_loopback:
        return
    ours_s, theirs_s, served = against_twilio(args.creates)
    each = 1e6 / args.creates
    print(f"4. {args.creates} creates over loopback uvicorn (best of 3; {served} requests served)")
    print(f"   compat Client          : {ours_s:8.3f} s  ({ours_s * each:.0f} us each)")
    print(f"   twilio Client          : {theirs_s:8.3f} s  ({theirs_s * each:.0f} us each)")
    print(f"   ratio compat / twilio  : {ours_s / theirs_s:8.2f}x   (target < 1)")


if __name__ == "__main__":
    main()
