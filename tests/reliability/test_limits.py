"""compat._limits: bodies read under a limit while they stream, decoded in bounded steps.

Pure tests of :class:`BoundedBody`, then :func:`read_limited` / :func:`aread_limited` over
httpx.MockTransport with streamed bodies.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from compat._limits import STEP, BoundedBody, aread_limited, read_limited
from compat.errors import HostileDocument, MalformedDocument
from tests.reliability.corpus import bomb

TEXT = b"<TwilioResponse>" + b"hello " * 5000 + b"</TwilioResponse>"


def feed(body: BoundedBody, data: bytes, size: int = 1000) -> bytes:
    for start in range(0, len(data), size):
        body.feed(data[start : start + size])
    return body.finish()


@pytest.mark.parametrize(
    ("encoding", "packed"),
    [("", TEXT), ("identity", TEXT), ("gzip", gzip.compress(TEXT)),
     ("x-gzip", gzip.compress(TEXT)), ("deflate", zlib.compress(TEXT)),
     ("deflate", zlib.compress(TEXT)[2:-4])],
    ids=["none", "identity", "gzip", "x-gzip", "deflate-zlib", "deflate-raw"],
)
@pytest.mark.parametrize("size", [1, 7, 1000, 1 << 20])
def test_bodies_decode_in_any_chunking(encoding: str, packed: bytes, size: int) -> None:
    assert feed(BoundedBody(1 << 20, encoding), packed, size) == TEXT


def test_concatenated_gzip_members_are_one_body() -> None:
    data = gzip.compress(b"<a>") + gzip.compress(b"</a>")
    assert feed(BoundedBody(100, "gzip"), data, 5) == b"<a></a>"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_a_bomb_is_refused_holding_no_more_than_the_limit(encoding: str) -> None:
    body = BoundedBody(1 << 20, "deflate" if encoding == "raw-deflate" else encoding)
    data = bomb(64 << 20, encoding)
    with pytest.raises(HostileDocument, match="1048576-byte limit"):
        feed(body, data, 65536)
    assert body.size <= (1 << 20) + 1 + STEP


def test_exactly_the_limit_is_allowed_and_one_more_is_not() -> None:
    assert feed(BoundedBody(len(TEXT), "gzip"), gzip.compress(TEXT)) == TEXT
    with pytest.raises(HostileDocument):
        feed(BoundedBody(len(TEXT) - 1, "gzip"), gzip.compress(TEXT))
    with pytest.raises(HostileDocument):
        feed(BoundedBody(len(TEXT) - 1), TEXT)


@pytest.mark.parametrize(
    ("encoding", "data", "message"),
    [("gzip", b"not gzip at all", "corrupt"),
     ("gzip", gzip.compress(TEXT)[:-10], "ended early"),
     ("deflate", zlib.compress(TEXT) + b"trailing", "after its end"),
     ("deflate", b"x", "ended early"),
     ("gzip", gzip.compress(TEXT) + b"junk!", "corrupt")],
    ids=["not-gzip", "truncated", "deflate-trailing", "one-byte", "gzip-trailing"],
)
def test_broken_compression_is_malformed(encoding: str, data: bytes, message: str) -> None:
    with pytest.raises(MalformedDocument, match=message):
        feed(BoundedBody(1 << 20, encoding), data)


def test_an_empty_compressed_body_is_empty() -> None:
    assert BoundedBody(10, "gzip").finish() == b""


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that arrives in pieces and records how much was pulled from it."""

    def __init__(self, data: bytes, size: int = 65536) -> None:
        self.data = data
        self.size = size
        self.pulled = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), self.size):
            self.pulled += 1
            yield self.data[start : start + self.size]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self:
            yield piece

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def streamed(data: bytes, headers: dict[str, str]) -> tuple[httpx.Response, Chunks]:
    stream = Chunks(data)
    return httpx.Response(200, headers=headers, stream=stream), stream


def test_read_limited_stops_pulling_at_the_limit_and_closes() -> None:
    data = bomb(256 << 20)
    response, stream = streamed(data, {"Content-Encoding": "gzip"})
    with pytest.raises(HostileDocument):
        read_limited(response, 1 << 20, where="GET /x")
    assert stream.closed
    assert stream.pulled < len(data) // 65536  # it stopped early


def test_aread_limited_the_same() -> None:
    response, stream = streamed(bomb(64 << 20), {"Content-Encoding": "gzip"})
    with pytest.raises(HostileDocument, match=r"^GET /x: "):
        asyncio.run(aread_limited(response, 1 << 20, where="GET /x"))
    assert stream.closed


@pytest.mark.parametrize("reader", ["sync", "async"])
def test_other_encodings_go_through_httpx_and_the_limit(reader: str) -> None:
    headers = {"Content-Encoding": "identity, gzip"}  # a list: httpx's decoders
    read = (read_limited if reader == "sync"
            else lambda r, n: asyncio.run(aread_limited(r, n)))
    response, _ = streamed(gzip.compress(b"x" * 5000), headers)
    with pytest.raises(HostileDocument):
        read(response, 100)
    response, _ = streamed(gzip.compress(b"x" * 100), headers)
    assert read(response, 100) == b"x" * 100


def test_a_body_already_read_is_still_checked() -> None:
    response = httpx.Response(200, content=b"x" * 50)
    response.read()
    assert read_limited(response, 50) == b"x" * 50
    again = httpx.Response(200, content=b"x" * 51)
    again.read()
    with pytest.raises(HostileDocument):
        read_limited(again, 50)
