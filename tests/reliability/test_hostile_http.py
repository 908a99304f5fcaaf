"""Hostile answers to both clients over HTTP: the corpus as response bodies (MockTransport), and
over real loopback sockets the compression bombs, bodies over the limit and redirect loops.

A refused answer is never retried, and a bomb is refused at the 16 MiB limit with memory bounded
by the limit plus a small constant (measured with tracemalloc), whatever it would inflate to.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from compat import backends
from compat._retry import RetryPolicy
from compat.async_client import AsyncClient
from compat.client import Client
from compat.errors import HostileDocument, UnexpectedDocument
from compat.model import Message
from tests.fake_twilio import ACCOUNT, TOKEN, client_factory
from tests.reliability.corpus import LIMIT, THOROUGH, Case, bomb, json_cases, xml_cases
from tests.reliability.loopback import Answer, GzipBomb, Loopback, RedirectToSelf

SID = "SM" + "7" * 32
STORED = Message(sid=SID, account_sid=ACCOUNT, to="+15558675309", from_="+14155551212",
                 body="hi", date_created=dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc))
V2008, V2010 = backends.get("2008-08-01"), backends.get("2010-04-01")
XML = xml_cases(V2008.render_message(STORED).body)
JSON = json_cases()
BOMB_SIZE = 1024**3 if THOROUGH else 64 * 1024**2
#: What reading a bomb may cost beyond the limit: chunks, the inflater, the response objects.
SLACK = 8 * 1024 * 1024


@pytest.fixture(params=["sync", "async"])
def make(request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    with client_factory(request.param) as factory:
        yield factory


def _serving(case: Case, content_type: str) -> httpx.MockTransport:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": content_type}, content=case.data)

    transport = httpx.MockTransport(answer)
    transport.seen = seen  # type: ignore[attr-defined]
    return transport


@pytest.mark.parametrize("case", XML, ids=[c.name for c in XML])
def test_the_xml_corpus_as_an_answer_to_a_2008_fetch_and_create(
    make: Callable[..., Any], case: Case
) -> None:
    transport = _serving(case, "application/xml")
    client = make(backend="2008-08-01", transport=transport)
    operations = (lambda: client.messages.fetch(SID),
                  lambda: client.messages.create(to="+15558675309", from_="+14155551212",
                                                 body="once"))
    for number, operation in enumerate(operations, 1):
        with pytest.raises(case.reader) as caught:
            operation()
        assert type(caught.value) is case.reader
        assert len(transport.seen) == number  # type: ignore[attr-defined]  # never retried
        assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("case", JSON, ids=[c.name for c in JSON])
def test_the_json_corpus_as_an_answer_to_a_2010_client(
    make: Callable[..., Any], case: Case
) -> None:
    transport = _serving(case, "application/json")
    client = make(transport=transport)
    with pytest.raises(case.reader):
        client.messages.create(to="+15558675309", from_="+14155551212", body="once")
    assert len(transport.seen) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("encoding", "packed", "length"),
    [("gzip", "gzip", False), ("gzip", "gzip", True), ("deflate", "deflate", False),
     ("deflate", "raw-deflate", False), ("x-gzip", "gzip", True)],
    ids=["gzip-chunked", "gzip-length", "deflate", "raw-deflate", "x-gzip"],
)
def test_a_compression_bomb_is_refused_at_the_limit_in_bounded_memory(
    make: Callable[..., Any], loopback: Loopback, encoding: str, packed: str, length: bool
) -> None:
    loopback.route("*", GzipBomb(bomb(BOMB_SIZE, packed), encoding=encoding, length=length))
    client = make(backend="2008-08-01", base_url=loopback.url)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(HostileDocument, match="over the 16777216-byte limit"):
            client.messages.fetch(SID)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < LIMIT + SLACK, f"peak {peak / 2**20:.1f} MiB"
    assert loopback.total == 1
    assert time.perf_counter() - started < 30


def test_a_body_over_the_limit_is_refused_by_its_content_length_unread(
    make: Callable[..., Any], loopback: Loopback
) -> None:
    loopback.route("*", Answer(200, (("Content-Type", "application/json"),
                                     ("Content-Length", str(LIMIT + 1))), b""))
    client = make(base_url=loopback.url, timeout=5.0)
    with pytest.raises(HostileDocument, match="Content-Length"):
        client.messages.fetch(SID)
    assert loopback.total == 1


def test_a_plain_chunked_body_over_the_limit_is_refused(
    make: Callable[..., Any], loopback: Loopback
) -> None:
    loopback.route("*", GzipBomb(b"x" * (LIMIT + 1), encoding="identity"))
    client = make(base_url=loopback.url)
    with pytest.raises(HostileDocument, match="limit"):
        client.messages.fetch(SID)


def test_a_body_at_the_limit_is_read(make: Callable[..., Any], loopback: Loopback) -> None:
    body = V2010.render_message(STORED).body
    padded = body + b" " * (LIMIT - len(body))  # white space after the document
    assert len(padded) == LIMIT
    loopback.route("*", Answer(200, (("Content-Type", "application/json"),), padded))
    client = make(base_url=loopback.url)
    assert client.messages.fetch(SID).body == "hi"


# -- redirects -------------------------------------------------------------------------------


def test_a_redirect_loop_is_an_unexpected_document_and_not_retried(loopback: Loopback) -> None:
    loopback.route("*", RedirectToSelf())
    with httpx.Client(follow_redirects=True, max_redirects=5) as http, \
            Client(ACCOUNT, TOKEN, base_url=loopback.url, http_client=http) as client, \
            pytest.raises(UnexpectedDocument, match="redirected too many times") as caught:
        client.messages.fetch(SID)
    assert loopback.total == 6  # the first request and five redirects, once
    assert isinstance(caught.value.__cause__, httpx.TooManyRedirects)


def test_a_redirect_loop_on_the_async_client(loopback: Loopback) -> None:
    loopback.route("*", RedirectToSelf(307))

    async def scenario() -> None:
        async with httpx.AsyncClient(follow_redirects=True, max_redirects=3) as http, \
                AsyncClient(ACCOUNT, TOKEN, base_url=loopback.url, http_client=http) as client:
            with pytest.raises(UnexpectedDocument, match="redirected"):
                await client.messages.fetch(SID)

    asyncio.run(scenario())
    assert loopback.total == 4


def test_our_own_client_does_not_follow_a_redirect(
    make: Callable[..., Any], loopback: Loopback
) -> None:
    loopback.route("*", RedirectToSelf())
    client = make(base_url=loopback.url, retry=RetryPolicy(rng=lambda: 0.0))
    with pytest.raises(UnexpectedDocument, match="302"):
        client.messages.create(to="+15558675309", from_="+14155551212", body="once")
    assert loopback.total == 1
