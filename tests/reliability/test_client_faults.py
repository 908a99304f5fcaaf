"""Client faults over real loopback sockets, both clients: resets, 429/503 with Retry-After, a
hang past the timeout, truncated bodies and bodies of the wrong type.

The proofs: a create reaches the server once whatever goes wrong after it was sent; every failure
is a compat error naming the request; no credential appears in any message, repr or log line.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from compat import backends
from compat._retry import RetryPolicy
from compat.errors import ApiError, CompatError, ReadError, UnexpectedDocument
from compat.model import Message
from tests.fake_twilio import ACCOUNT, TOKEN, client_factory
from tests.reliability.corpus import THOROUGH
from tests.reliability.loopback import Answer, Hang, Loopback, Reset, Sequence, Truncated

SID = "SM" + "8" * 32
TO, FROM = "+15558675309", "+14155551212"
STORED = Message(sid=SID, account_sid=ACCOUNT, to=TO, from_=FROM, body="hi",
                 date_created=dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc))
V2010 = backends.get("2010-04-01")
JSON = (("Content-Type", "application/json"),)
SECRETS = (TOKEN, base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode())
TIMEOUT = 0.5 if not THOROUGH else 2.0


def ok(status: int = 200) -> Answer:
    return Answer(status, JSON, V2010.render_message(STORED, created=status == 201).body)


def refused(status: int, retry_after: str | None = None) -> Answer:
    wire = V2010.render_error(ApiError(status, "Too many", 20429))
    headers = JSON + ((("Retry-After", retry_after),) if retry_after else ())
    return Answer(status, headers, wire.body)


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture(params=["sync", "async"])
def make(
    request: pytest.FixtureRequest, loopback: Loopback, slept: list[float]
) -> Iterator[Callable[..., Any]]:
    kind: str = request.param

    async def async_sleep(seconds: float) -> None:
        slept.append(seconds)

    with client_factory(kind) as factory:

        def build(**options: Any) -> Any:
            options.setdefault("retry", RetryPolicy(rng=lambda: 0.0))
            options.setdefault("timeout", TIMEOUT)
            sleep = slept.append if kind == "sync" else async_sleep
            return factory(base_url=loopback.url, sleep=sleep, **options)

        yield build


@pytest.fixture(autouse=True)
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every test logs at DEBUG; afterwards no log line may hold a secret."""
    caplog.set_level(logging.DEBUG, logger="compat")
    yield caplog
    for record in caplog.records:
        line = record.getMessage()
        assert not any(secret in line for secret in SECRETS), line


def create(client: Any) -> Message:
    message: Message = client.messages.create(to=TO, from_=FROM, body="exactly once")
    return message


def no_secret(error: BaseException, client: Any) -> None:
    for text in (str(error), repr(error), repr(client), str(error.__cause__)):
        assert not any(secret in text for secret in SECRETS), text


@pytest.mark.parametrize(
    "fault",
    [Reset(), Hang(), Truncated(b'{"sid": "SM', 400), Truncated(b"", 100)],
    ids=["reset", "hang", "truncated", "headers-only"],
)
def test_a_create_reaches_the_server_once_whatever_breaks_after_sending(
    make: Callable[..., Any], loopback: Loopback, slept: list[float], fault: Any
) -> None:
    loopback.route("*", Sequence(fault, ok(201)))
    client = make()
    started = time.perf_counter()
    with pytest.raises(ReadError) as caught:
        create(client)
    assert loopback.total == 1
    assert slept == []
    assert str(caught.value).startswith("POST /2010-04-01/Accounts/")
    assert time.perf_counter() - started < TIMEOUT * 10
    no_secret(caught.value, client)


@pytest.mark.parametrize("fault", [Reset(), Hang(), Truncated(b'{"sid"', 400)],
                         ids=["reset", "hang", "truncated"])
def test_a_fetch_is_retried_after_a_fault_and_then_succeeds(
    make: Callable[..., Any], loopback: Loopback, slept: list[float], fault: Any
) -> None:
    loopback.route("*", Sequence(fault, ok()))
    assert make().messages.fetch(SID).sid == SID
    assert loopback.total == 2
    assert slept == [0.25]


def test_a_hang_past_the_timeout_gives_up_after_the_retries(
    make: Callable[..., Any], loopback: Loopback, slept: list[float]
) -> None:
    loopback.route("*", Hang())
    client = make()
    started = time.perf_counter()
    with pytest.raises(ReadError, match="ReadTimeout"):
        client.messages.fetch(SID)
    elapsed = time.perf_counter() - started
    assert loopback.total == 3
    assert 3 * TIMEOUT <= elapsed < 3 * TIMEOUT + 5


@pytest.mark.parametrize("status", [429, 503])
def test_a_create_is_not_resent_after_429_or_503_even_with_retry_after(
    make: Callable[..., Any], loopback: Loopback, slept: list[float], status: int
) -> None:
    loopback.route("*", Sequence(refused(status, "1"), ok(201)))
    client = make()
    with pytest.raises(ApiError) as caught:
        create(client)
    assert caught.value.status == status
    assert loopback.total == 1
    assert slept == []
    no_secret(caught.value, client)


@pytest.mark.parametrize("status", [429, 503])
def test_a_fetch_honours_retry_after(
    make: Callable[..., Any], loopback: Loopback, slept: list[float], status: int
) -> None:
    loopback.route("*", Sequence(refused(status, "2"), refused(status, "1"), ok()))
    assert make().messages.fetch(SID).body == "hi"
    assert slept == [2.0, 1.0]
    assert loopback.total == 3


def test_a_retry_after_too_long_stops_at_once(
    make: Callable[..., Any], loopback: Loopback, slept: list[float]
) -> None:
    loopback.route("*", Sequence(refused(503, "86400"), ok()))
    with pytest.raises(ApiError):
        make().messages.fetch(SID)
    assert loopback.total == 1
    assert slept == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/html", b"<!DOCTYPE html><title>Portal</title>"), ("application/xml", b"<r/>"),
     ("text/plain", b"ok")],
)
def test_a_2xx_body_of_the_wrong_type_is_named(
    make: Callable[..., Any], loopback: Loopback, content_type: str, body: bytes
) -> None:
    loopback.route("*", Answer(201, (("Content-Type", content_type),), body))
    client = make()
    with pytest.raises(UnexpectedDocument, match=content_type) as caught:
        create(client)
    assert loopback.total == 1
    no_secret(caught.value, client)


def test_a_2xx_html_page_to_the_2008_client_is_named_by_its_type(
    make: Callable[..., Any], loopback: Loopback
) -> None:
    loopback.route("*", Answer(200, (("Content-Type", "text/html"),),
                               b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN"><html/>'))
    with pytest.raises(UnexpectedDocument, match="text/html"):
        make(backend="2008-08-01").messages.fetch(SID)


def test_no_secret_in_any_failure(make: Callable[..., Any], loopback: Loopback) -> None:
    loopback.route("*", Sequence(Reset(), refused(401), Answer(200, JSON, b"{")))
    client = make(retry=RetryPolicy(max_retries=0))
    for _ in range(3):
        with pytest.raises(CompatError) as caught:
            client.messages.fetch(SID)
        no_secret(caught.value, client)
