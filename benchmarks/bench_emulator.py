"""Benchmark the emulator: in-process create, served create, throughput, and serve start-up.

Floors, measured in the same run:

* in-process: the same compat ``Client`` over ``httpx.MockTransport`` with a handler that returns a
  canned 201 (the client's own cost, no emulator). Targets: median create at most 300 µs and at
  most 2x the floor.
* server side alone: ``Emulator.handle`` on a prepared request, against the backend's own
  ``parse_request`` + ``render_message`` (what any server of the dialect must do).
* served: ``twilio-compat serve`` in a subprocess, one keep-alive httpx client; median create
  (target at most 2 ms), then requests per second with N concurrent keep-alive clients, then the
  time from starting the process to its first answer. Clients turn Nagle's algorithm off
  (``TCP_NODELAY``); a second series uses a raw keep-alive socket to show the server alone.

Run ``python benchmarks/bench_emulator.py [--quick]``. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import httpx
from bytecode import write_caches
from loopback import create_request, read_answer, throughput

from compat import backends
from compat.client import Client
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator
from compat.wire import WireRequest, encode_form

TO, FROM, BODY = "+15558675310", "+15017122661", "Hello from the benchmark"
PATH = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
FORM = {"To": TO, "From": FROM, "Body": BODY}


def timings(fn: Callable[[], object], count: int) -> list[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def interleaved(
    a: Callable[[], object], b: Callable[[], object], rounds: int, per_round: int
) -> tuple[list[float], list[float]]:
    """Alternate batches of ``a`` and ``b`` so drift in the machine hits both alike."""
    first: list[float] = []
    second: list[float] = []
    for _ in range(50):
        a()
        b()
    gc.collect()
    for _ in range(rounds):
        first += timings(a, per_round)
        second += timings(b, per_round)
    return first, second


def summary(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[int(len(values) * 0.9)]
    return f"median {statistics.median(values) * 1e6:8.1f} µs   p90 {p90 * 1e6:8.1f} µs"


def in_process(rounds: int, per_round: int) -> None:
    print("== in-process create (compat Client, 2010-04-01) ==")
    emulator = Emulator()
    client = emulator.client()
    canned = client.messages.create(to=TO, from_=FROM, body=BODY)
    backend = backends.get("2010-04-01")
    response = backend.render_message(emulator.message(canned.sid), created=True)

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(response.status, headers=list(response.headers),
                              content=response.body)

    floor = Client(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, base_url="http://emulator.invalid",
                   transport=httpx.MockTransport(handler))

    def via_emulator() -> object:
        return client.messages.create(to=TO, from_=FROM, body=BODY)

    def via_mock() -> object:
        return floor.messages.create(to=TO, from_=FROM, body=BODY)

    emulated, mocked = interleaved(via_emulator, via_mock, rounds, per_round)
    ratio = statistics.median(emulated) / statistics.median(mocked)
    print(f"  emulator transport   {summary(emulated)}")
    print(f"  MockTransport floor  {summary(mocked)}")
    print(f"  ratio (median)       {ratio:.2f}x")
    client.close()
    floor.close()
    emulator.close()

    print("== server side alone (one create request) ==")
    emulator = Emulator()
    request = WireRequest(
        "POST", PATH,
        headers=(
            ("Authorization", httpx.BasicAuth(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)._auth_header),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ),
        body=encode_form(FORM.items()),
    )
    message = emulator.message(
        backend.parse_message(emulator.handle(request)).sid
    )

    def backend_only() -> object:
        backend.parse_request(request)
        return backend.render_message(message, created=True)

    handled, floor_times = interleaved(lambda: emulator.handle(request), backend_only,
                                       rounds, per_round)
    print(f"  Emulator.handle      {summary(handled)}")
    print(f"  parse+render floor   {summary(floor_times)}")
    ratio = statistics.median(handled) / statistics.median(floor_times)
    print(f"  ratio (median)       {ratio:.2f}x")
    emulator.close()


#: Clients turn Nagle's algorithm off, as latency-minded clients do.
NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


def keepalive_client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN),
                        transport=httpx.HTTPTransport(socket_options=NODELAY))


def start_server(*extra: str) -> tuple[subprocess.Popen[str], str, float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "compat", "serve", "--port", "0", "--clock", "manual", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().split()[-1]
    with httpx.Client(base_url=url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)) as probe:
        while True:
            try:
                probe.get(PATH)
                break
            except httpx.TransportError:
                time.sleep(0.002)
    return process, url, time.perf_counter() - started


def raw_request(url: str) -> tuple[tuple[str, int], bytes]:
    """The server address and the bytes of one keep-alive create request."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    address = (host, int(port))
    auth = httpx.BasicAuth(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)._auth_header
    return address, create_request(address, PATH, encode_form(FORM.items()), auth)


def served(count: int, seconds: float) -> None:
    print("== served (twilio-compat serve, loopback, keep-alive) ==")
    print(f"  {write_caches()}")
    startups = []
    for _ in range(3):
        process, url, startup = start_server()
        startups.append(startup)
        process.terminate()
        process.communicate(timeout=30)
    print(f"  start-up to first answer   median {statistics.median(startups) * 1e3:.0f} ms "
          f"(of 3: {', '.join(f'{s * 1e3:.0f}' for s in startups)} ms)")
    process, url, _ = start_server()
    try:
        with keepalive_client(url) as http:
            def create() -> object:
                return http.post(PATH, data=FORM)

            for _ in range(100):
                create()
            print(f"  create, httpx client        {summary(timings(create, count))}")
        raw = raw_request(url)
        with socket.create_connection(raw[0]) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def raw_create() -> object:
                sock.sendall(raw[1])
                return read_answer(sock)

            for _ in range(100):
                raw_create()
            print(f"  create, raw socket client   {summary(timings(raw_create, count))}")
        httpx.post(f"{url}/__admin/reset")
        for clients in (1, 4, 16, 64):
            rate = asyncio.run(throughput(*raw_request(url), clients, seconds))
            print(f"  {clients:3d} concurrent keep-alive clients   {rate:8.0f} creates/s")
    finally:
        process.terminate()
        process.communicate(timeout=30)
    with tempfile.TemporaryDirectory() as folder:
        process, url, _ = start_server("--db", os.path.join(folder, "bench.db"))
        try:
            rate = asyncio.run(throughput(*raw_request(url), 4, seconds))
            print(f"  with --db (SQLite, synchronous=FULL), 4 clients   {rate:8.0f} creates/s")
        finally:
            process.terminate()
            process.communicate(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args()
    rounds, per_round = (4, 250) if args.quick else (10, 500)
    in_process(rounds, per_round)
    served(500 if args.quick else 2000, 1.0 if args.quick else 3.0)


if __name__ == "__main__":
    main()
