"""Benchmark compression bombs: peak memory and time before a client refuses one.

A loopback server (a child process, so its memory is not counted) answers every request with a
200 whose ``Content-Encoding: gzip`` body inflates to ``--size`` bytes of zeros (1 GiB by default,
about 1 MiB on the wire, chunked). Each measurement runs in a fresh child process that fetches a
message once and reports its peak RSS (``ru_maxrss``) over its RSS before the request, and the
time until the refusal:

* ``compat``: ``compat.Client`` (2008-08-01 dialect), which reads the body under the 16 MiB limit
  while it streams and raises ``HostileDocument``.
* ``floor``: a bare ``httpx.Client.get`` reading the same body whole, as the client did before
  (run with ``--floor-size``, 256 MiB by default, to spare the machine: memory grows with it).

Numbers are printed, never asserted.

    python benchmarks/bench_bombs.py [--size 1073741824] [--floor-size 268435456]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from compat.client import Client
from compat.errors import CompatError

SID = "SM" + "7" * 32
ACCOUNT = "AC" + "0123456789abcdef" * 2


def _bomb(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    parts.append(packer.compress(bytes(size & ((1 << 20) - 1))))
    parts.append(packer.flush())
    return b"".join(parts)


def serve(size: int) -> None:
    """Child: serve the bomb on a free port, print the port, run until killed."""
    data = _bomb(size)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for start in range(0, len(data), 65536):
                    piece = data[start : start + 65536]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # the client hanging up at its limit is the point

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], len(data), flush=True)
    server.serve_forever()


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(mode: str, url: str) -> None:
    """Child: one fetch; print peak RSS growth, time and outcome as JSON."""
    before = _rss_mib()
    started = time.perf_counter()
    outcome = "read"
    if mode == "compat":
        with Client(ACCOUNT, "token", backend="2008-08-01", base_url=url) as client:
            try:
                client.messages.fetch(SID)
            except CompatError as exc:
                outcome = type(exc).__name__
    else:
        with httpx.Client(timeout=120) as client:
            outcome = f"read {len(client.get(url + '/x').content)} bytes"
    elapsed = time.perf_counter() - started
    print(json.dumps({"peak_mib": _rss_mib() - before, "seconds": elapsed, "outcome": outcome}))


def _run(mode: str, size: int) -> dict[str, object]:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(size)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port, wire = server.stdout.readline().split()
        result = subprocess.run(
            [sys.executable, __file__, "--measure", mode, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        )
        found: dict[str, object] = json.loads(result.stdout)
        found["wire_kib"] = int(wire) / 1024
        return found
    finally:
        server.kill()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1 << 30)
    parser.add_argument("--floor-size", type=int, default=256 << 20)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return
    if args.measure is not None:
        measure(*args.measure)
        return
    for mode, size in (("compat", args.size), ("floor", args.floor_size)):
        found = _run(mode, size)
        print(
            f"{mode:7} bomb {size / 2**20:7.0f} MiB ({found['wire_kib']:6.0f} KiB on the wire): "
            f"peak RSS +{found['peak_mib']:7.1f} MiB, {found['seconds']:5.2f} s, "
            f"{found['outcome']}"
        )


if __name__ == "__main__":
    main()
