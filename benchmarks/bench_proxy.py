"""Benchmark the legacy proxy: 2008 creates per second through it, with 1 and several workers.

The floor, measured in the same run: the same number of keep-alive clients sending 2010-04-01
creates straight to the emulator (``twilio-compat serve`` in a subprocess). Then
``twilio-compat proxy --workers N`` in front of that emulator, each client sending 2008-08-01
creates to the proxy. Every proxied create is one upstream create, so the emulator (one process)
bounds what any number of proxy workers can reach; the ratio says what the proxy costs on top.
Clients are raw asyncio sockets (httpx's own cost would otherwise be measured on the same CPUs).

Run ``python benchmarks/bench_proxy.py [--workers 1 2 4] [--clients 16] [--seconds 5]``.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import httpx
from loopback import create_request, throughput

from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN
from compat.wire import encode_form

AUTH = "Basic " + base64.b64encode(f"{TEST_ACCOUNT_SID}:{TEST_AUTH_TOKEN}".encode()).decode()
PATH_2010 = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
PATH_2008 = f"/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages"
FORM = encode_form([("To", "+15558675310"), ("From", "+15017122661"), ("Body", "Benchmark")])


def rate(url: str, path: str, clients: int, seconds: float) -> float:
    """Creates per second at ``path`` of the server at ``url``."""
    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    request = create_request(address, path, FORM, AUTH)
    return asyncio.run(throughput(address, request, clients, seconds))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args} exited with {process.returncode}")
        try:
            httpx.get(url + "/__proxy/health")
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not start")


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPAT_PROXY_")}
    process = subprocess.Popen([sys.executable, "-m", "compat", *args, "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                               env=env)
    url = f"http://127.0.0.1:{port}"
    wait_for(url, process)
    return process, url


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.clients} keep-alive clients; {args.seconds:g} s each")
    emulator, upstream = start("serve", "--clock", "manual")
    try:
        floor = rate(upstream, PATH_2010, args.clients, args.seconds)
        print(f"emulator alone (2010 creates):      {floor:8.0f} creates/s")
        for workers in args.workers:
            proxy, url = start("proxy", "--upstream", upstream, "--workers", str(workers))
            try:
                served = rate(url, PATH_2008, args.clients, args.seconds)
            finally:
                stop(proxy)
            print(f"proxy, {workers} worker{'s' if workers > 1 else ' '} (2008 creates): "
                  f"{served:8.0f} creates/s  ({served / floor:.2f}x the emulator alone)")
    finally:
        stop(emulator)


if __name__ == "__main__":
    main()
