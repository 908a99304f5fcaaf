"""Raw loopback clients the served benchmarks share.

A raw socket measures the server alone: an HTTP client library's own cost would otherwise be what
is timed, on the same CPUs as the server. Every client turns Nagle's algorithm off and keeps its
connection alive; every answer must be a 201.
"""

from __future__ import annotations

import asyncio
import socket
import time

__all__ = ["create_request", "read_answer", "throughput"]


def create_request(address: tuple[str, int], path: str, form: bytes, authorization: str) -> bytes:
    """The bytes of one keep-alive form ``POST`` to ``path`` (what curl sends)."""
    host, port = address
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: {authorization}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(form)}\r\n\r\n"
    )
    return head.encode("ascii") + form


def _length(head: bytes) -> int:
    assert head.startswith(b"HTTP/1.1 201"), head
    return int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])


def read_answer(sock: socket.socket) -> bytes:
    """The body of the next answer on ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = _length(head)
    while len(body) < length:
        body += sock.recv(65536)
    return body


async def throughput(
    address: tuple[str, int], request: bytes, clients: int, seconds: float
) -> float:
    """Answers per second with ``clients`` connections, each sending ``request`` again as soon as
    its previous answer arrived."""
    done = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection(*address)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while time.perf_counter() < stop:
            writer.write(request)
            await writer.drain()
            await reader.readexactly(_length(await reader.readuntil(b"\r\n\r\n")))
            done += 1
        writer.close()
        await writer.wait_closed()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return done / (time.perf_counter() - began)
