"""Benchmark served create against a canned-answer floor, Stoplight Prism, and uvicorn's stacks.

Every server runs in a child process of its own, all started first, then measured in alternating
rounds (each round runs every server's batch in turn, so drift in the machine hits them alike);
figures are medians over the rounds. Clients are keep-alive with Nagle's algorithm off:

* a raw socket sending the bytes of one create (what curl sends) and reading the answer, the
  server's cost alone; and an ``httpx.Client``, what a Python caller sees.

The servers:

* ``emulator``: :func:`compat.emulator.server.make_server`, what ``twilio-compat serve`` runs
  (manual clock, default read timeout, inbox on), on the default stack.
* ``canned``: the floor. The same ``make_server`` configuration (the same protocol class with the
  read deadline and head limit, the same loop) serving an ASGI app that reads the body and answers
  every request with the same fixed 201: a 2010 message created by the emulator, the same headers.
* ``prism``: Stoplight Prism (``@stoplight/prism-cli`` 5, installed with npm into ``--prism-dir``)
  mocking a small OpenAPI 3 document this script writes: ``POST`` of the 2010 Messages list, a form
  body (To, From, Body, MessagingServiceSid, StatusCallback, ...), HTTP basic auth, and a 201 with
  a whole message as its example. Twilio's own spec is far larger (every 2010 resource); Prism
  routes and validates against all of it, so a ratio against this small document flatters Prism.
  Skipped, with a note, when npm is not there.
* the stacks: emulator and canned on uvicorn's h11 and httptools protocols, on asyncio and uvloop;
  median create latency of each, then creates per second with 1, 4, 16 and 64 concurrent
  keep-alive raw-socket clients (each sends its next request as soon as its answer arrived).

Start-up to first answer is timed for Prism and for ``twilio-compat serve``, alternately, three
times each. Run ``python benchmarks/bench_served.py [--quick] [--rounds N]``. Timings are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from bytecode import write_caches
from loopback import create_request, read_answer, throughput

from compat._serving import Stack, bind, server_stack
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator, ManualClock
from compat.wire import WireRequest, encode_form

TO, FROM, BODY = "+15558675310", "+15017122661", "Hello from the benchmark"
PATH = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
FORM = {"To": TO, "From": FROM, "Body": BODY}
AUTH = httpx.BasicAuth(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)._auth_header
PRISM = "@stoplight/prism-cli@5"
STACKS = [Stack("h11", "asyncio"), Stack("h11", "uvloop"), Stack("httptools", "asyncio"),
          Stack("httptools", "uvloop")]
NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


# -- the servers (child processes) ------------------------------------------------------------


def canned_answer() -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body the emulator answers one create with (served as the emulator's app
    sends them: its headers and a content-length)."""
    emulator = Emulator(clock=ManualClock())
    request = WireRequest(
        "POST", PATH, body=encode_form(FORM.items()),
        headers=(("Authorization", AUTH), ("Content-Type", "application/x-www-form-urlencoded")),
    )
    response = emulator.handle(request)
    emulator.close()
    assert response.status == 201, response.body
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers.append((b"content-length", str(len(response.body)).encode("ascii")))
    return headers, response.body


class CannedApp:
    """Answers every HTTP request with the same 201, after reading its body."""

    def __init__(self) -> None:
        self.headers, self.body = canned_answer()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        while (await receive()).get("more_body", False):
            pass
        await send({"type": "http.response.start", "status": 201, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


def child(kind: str, stack: Stack) -> None:
    """Serve ``kind`` (emulator or canned) on ``stack``; print the URL first."""
    from compat.emulator.server import make_server

    emulator = Emulator(clock=ManualClock())
    server = make_server(emulator, stack=stack)
    if kind == "canned":
        server.config.app = CannedApp()
    sock = bind()
    host, port = sock.getsockname()[:2]
    print(f"http://{host}:{port}", flush=True)
    server.run(sockets=[sock])


class Served:
    """A server in a child process: its name, URL and process."""

    def __init__(self, name: str, process: subprocess.Popen[str], url: str) -> None:
        self.name, self.process, self.url = name, process, url
        host, port = url.removeprefix("http://").rsplit(":", 1)
        self.address = (host, int(port))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()


def wait_for_answer(url: str) -> None:
    with httpx.Client(base_url=url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)) as probe:
        while True:
            try:
                probe.post(PATH, data=FORM)
                return
            except httpx.TransportError:
                time.sleep(0.002)


def start_child(kind: str, stack: Stack) -> Served:
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, "--http", stack.http, "--loop", stack.loop],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    wait_for_answer(url)
    return Served(f"{kind} {stack.http}/{stack.loop}", process, url)


# -- Prism ------------------------------------------------------------------------------------


def message_example() -> dict[str, Any]:
    example: dict[str, Any] = json.loads(canned_answer()[1])
    return example


def openapi_document() -> dict[str, Any]:
    """A minimal OpenAPI 3 document for creating a 2010 message, written for this benchmark."""
    example = message_example()
    nullable_string = {"type": "string", "nullable": True}
    message_schema = {
        "type": "object",
        "properties": {key: ({"type": "object"} if isinstance(value, dict) else nullable_string)
                       for key, value in example.items()},
    }
    form = {
        "type": "object",
        "required": ["To"],
        "properties": {
            "To": {"type": "string"},
            "From": {"type": "string"},
            "Body": {"type": "string", "maxLength": 1600},
            "MessagingServiceSid": {"type": "string", "pattern": "^MG[0-9a-fA-F]{32}$"},
            "StatusCallback": {"type": "string", "format": "uri"},
            "ApplicationSid": {"type": "string", "pattern": "^AP[0-9a-fA-F]{32}$"},
            "MaxPrice": {"type": "number"},
            "ProvideFeedback": {"type": "boolean"},
            "ValidityPeriod": {"type": "integer"},
            "MediaUrl": {"type": "array", "items": {"type": "string", "format": "uri"}},
        },
    }
    return {
        "openapi": "3.0.1",
        "info": {"title": "2010 Messages create (benchmark)", "version": "1.0.0"},
        "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
        "security": [{"basic": []}],
        "paths": {
            "/2010-04-01/Accounts/{AccountSid}/Messages.json": {
                "post": {
                    "operationId": "CreateMessage",
                    "parameters": [{
                        "name": "AccountSid", "in": "path", "required": True,
                        "schema": {"type": "string", "pattern": "^AC[0-9a-fA-F]{32}$"},
                    }],
                    "requestBody": {"required": True, "content": {
                        "application/x-www-form-urlencoded": {"schema": form},
                    }},
                    "responses": {"201": {
                        "description": "The message, created",
                        "content": {"application/json": {
                            "schema": message_schema, "example": example,
                        }},
                    }},
                },
            },
        },
    }


def install_prism(folder: Path) -> Path | None:
    """Prism's executable under ``folder`` (installed with npm the first time); None without
    npm."""
    binary = folder / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix",
                    str(folder), PRISM], check=True)
    return binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_prism(binary: Path, spec: Path) -> tuple[Served, float]:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_answer(url)
    return Served("prism", process, url), time.perf_counter() - started


def start_serve() -> float:
    """Seconds from starting ``twilio-compat serve`` to its first answer."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "compat", "serve", "--port", "0", "--clock", "manual"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().split()[-1]
    wait_for_answer(url)
    took = time.perf_counter() - started
    Served("serve", process, url).stop()
    return took


# -- clients ----------------------------------------------------------------------------------


def raw_request(served: Served) -> bytes:
    return create_request(served.address, PATH, encode_form(FORM.items()), AUTH)


@contextlib.contextmanager
def raw_client(served: Served) -> Iterator[Callable[[], object]]:
    request = raw_request(served)
    with socket.create_connection(served.address) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def create() -> object:
            sock.sendall(request)
            return read_answer(sock)

        yield create


@contextlib.contextmanager
def httpx_client(served: Served) -> Iterator[Callable[[], object]]:
    with httpx.Client(base_url=served.url, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN),
                      transport=httpx.HTTPTransport(socket_options=NODELAY)) as http:
        def create() -> object:
            answer = http.post(PATH, data=FORM)
            assert answer.status_code == 201, answer.text
            return answer

        yield create


def alternating(creates: dict[str, Callable[[], object]], rounds: int,
                per_round: int) -> dict[str, float]:
    """Median seconds per create of each, in alternating rounds."""
    times: dict[str, list[float]] = {name: [] for name in creates}
    for create in creates.values():
        for _ in range(100):
            create()
    for _ in range(rounds):
        for name, create in creates.items():
            batch = times[name]
            for _ in range(per_round):
                start = time.perf_counter()
                create()
                batch.append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


# -- the report -------------------------------------------------------------------------------


def latency_lines(title: str, medians: dict[str, float], ratios: list[tuple[str, str]]) -> None:
    print(title)
    for name, value in medians.items():
        print(f"  {name:28s} median {value * 1e6:8.1f} µs")
    for top, bottom in ratios:
        if top in medians and bottom in medians:
            print(f"  {top} / {bottom}".ljust(60) + f"{medians[top] / medians[bottom]:6.2f}x")


def peers(default: Served, canned: Served, prism: Served | None, rounds: int,
          per_round: int) -> None:
    servers = [default, canned] + ([prism] if prism else [])
    ratios = [(default.name, canned.name)] + ([(default.name, "prism")] if prism else [])
    for label, client in (("raw socket", raw_client), ("httpx", httpx_client)):
        with contextlib.ExitStack() as stack:
            creates = {s.name: stack.enter_context(client(s)) for s in servers}
            medians = alternating(creates, rounds, per_round)
        latency_lines(f"== served create, keep-alive {label} client ==", medians, ratios)


def stacks(rounds: int, per_round: int, seconds: float, throughput_rounds: int) -> None:
    servers: dict[Stack, tuple[Served, Served]] = {}
    try:
        for stack in STACKS:
            servers[stack] = (start_child("emulator", stack), start_child("canned", stack))
        with contextlib.ExitStack() as exits:
            creates = {s.name: exits.enter_context(raw_client(s))
                       for pair in servers.values() for s in pair}
            medians = alternating(creates, rounds, per_round)
        base = servers[STACKS[0]][0].name
        print("== server stacks: create latency, keep-alive raw socket client ==")
        for stack, (emulator, canned) in servers.items():
            ours, floor = medians[emulator.name], medians[canned.name]
            print(f"  {stack.http:9s} {stack.loop:7s}  emulator {ours * 1e6:7.1f} µs   canned "
                  f"{floor * 1e6:7.1f} µs   emulator/canned {ours / floor:5.2f}x   "
                  f"emulator vs h11/asyncio {ours / medians[base]:5.2f}x")
        print("== server stacks: emulator creates per second, N concurrent keep-alive clients ==")
        counts = (1, 4, 16, 64)
        rates: dict[tuple[Stack, int], list[float]] = {}
        for clients in counts:
            for _ in range(throughput_rounds):
                for stack, (emulator, _canned) in servers.items():
                    request = raw_request(emulator)
                    rate = asyncio.run(throughput(emulator.address, request, clients, seconds))
                    rates.setdefault((stack, clients), []).append(rate)
        print("  stack                " + "".join(f"{n:>9d}" for n in counts) + "   64 / 1")
        for stack in servers:
            row = [statistics.median(rates[stack, n]) for n in counts]
            print(f"  {stack.http:9s} {stack.loop:7s}    " + "".join(f"{r:9.0f}" for r in row)
                  + f"   {row[-1] / row[0]:5.2f}x")
    finally:
        for pair in servers.values():
            for served in pair:
                served.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 10, quick 4)")
    parser.add_argument("--prism-dir", type=Path,
                        default=Path.home() / ".cache" / "twilio-compat-bench" / "prism",
                        help="where npm installs Prism (and this script writes its document)")
    parser.add_argument("--child", choices=["emulator", "canned"], help=argparse.SUPPRESS)
    parser.add_argument("--http", help=argparse.SUPPRESS)
    parser.add_argument("--loop", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Stack(args.http, args.loop))
        return
    rounds = args.rounds or (4 if args.quick else 10)
    per_round = 250 if args.quick else 500
    seconds = 1.0 if args.quick else 2.0
    stack = server_stack()
    print(f"default stack: {stack.http} on {stack.loop}; {os.cpu_count()} CPUs")

    binary = install_prism(args.prism_dir)
    prism: Served | None = None
    if binary is None:
        print("note: npm not found, Prism skipped")
    spec = args.prism_dir / "messages-create.json"
    if binary is not None:
        spec.write_text(json.dumps(openapi_document(), indent=1))
        caches = write_caches()
        prism_startups, serve_startups = [], []
        for _ in range(3):
            served, took = start_prism(binary, spec)
            served.stop()
            prism_startups.append(took)
            serve_startups.append(start_serve())
        print("== start-up to first answer (median of 3, alternating) ==")
        print(f"  {caches}")
        print(f"  prism mock                 {statistics.median(prism_startups) * 1e3:6.0f} ms")
        print(f"  twilio-compat serve        {statistics.median(serve_startups) * 1e3:6.0f} ms")
        ratio = statistics.median(serve_startups) / statistics.median(prism_startups)
        print("  serve / prism".ljust(50) + f"{ratio:6.2f}x")
        prism = start_prism(binary, spec)[0]

    default = start_child("emulator", stack)
    canned = start_child("canned", stack)
    try:
        peers(default, canned, prism, rounds, per_round)
    finally:
        for served in (default, canned, prism):
            if served is not None:
                served.stop()
    stacks(rounds, per_round // 2, seconds, 3 if args.quick else 5)


if __name__ == "__main__":
    main()
