"""Behaviour under failure, end to end through both clients and httpx.MockTransport.

The central proof: a create (POST) is sent exactly once when the answer is a 5xx or the read
times out, because re-sending could deliver the SMS twice; it is sent again only after a failure
that means the request never left (refused connection, connect timeout). Idempotent requests are
retried on 429/502/503/504 and transport errors, honouring Retry-After. Sleeping is injected, so
nothing here waits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from compat import backends
from compat._retry import RetryPolicy
from compat.client import AsyncClient, Client
from compat.errors import (
    ApiError,
    ConfigurationError,
    ConnectError,
    MalformedDocument,
    ReadError,
    UnexpectedDocument,
)
from compat.model import ListQuery, Message
from tests.fake_twilio import ACCOUNT, JENNY, ME, TOKEN, client_factory

V2010 = backends.get("2010-04-01")
SID = "SM" + "5" * 32
STORED = Message(sid=SID, account_sid=ACCOUNT, to=JENNY, from_=ME, body="hello",
                 date_created=dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc))
NO_JITTER = RetryPolicy(rng=lambda: 0.0)

Step = Exception | int | tuple[int, dict[str, str]]


def message_response(status: int = 200) -> httpx.Response:
    wire = V2010.render_message(STORED, created=status == 201)
    return httpx.Response(status, headers=list(wire.headers), content=wire.body)


def error_response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    wire = V2010.render_error(ApiError(status, "Service Unavailable", 20503))
    return httpx.Response(status, headers=[*wire.headers, *(headers or {}).items()],
                          content=wire.body)


def page_response() -> httpx.Response:
    page = V2010.make_page(ACCOUNT, ListQuery(), (STORED,), page=0, page_size=50, total=1)
    wire = V2010.render_page(page)
    return httpx.Response(200, headers=list(wire.headers), content=wire.body)


class Script:
    """A transport handler that plays ``steps`` in order: an exception is raised, a status is
    answered (a 2xx with the stored message or a page, anything else with an error document)."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        status, headers = step if isinstance(step, tuple) else (step, {})
        if status >= 400:
            return error_response(status, headers)
        if request.method == "GET" and request.url.path.endswith("/Messages.json"):
            return page_response()
        if request.method == "DELETE":
            return httpx.Response(204)
        return message_response(status)

    @property
    def methods(self) -> list[str]:
        return [r.method for r in self.requests]


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture(params=["sync", "async"])
def client_for(slept: list[float], request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Builds a Client or an AsyncClient over a Script, recording its sleeps in ``slept``."""
    kind: str = request.param

    async def async_sleep(seconds: float) -> None:
        slept.append(seconds)

    with client_factory(kind) as make:

        def build(script: Script, **options: Any) -> Any:
            sleep = slept.append if kind == "sync" else async_sleep
            options.setdefault("retry", NO_JITTER)
            return make(transport=httpx.MockTransport(script), sleep=sleep, **options)

        yield build


def create(client: Any) -> Message:
    message: Message = client.messages.create(to=JENNY, from_=ME, body="once only")
    return message


# -- a create is never sent twice --------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_a_create_is_not_resent_after_an_error_answer(
    client_for: Callable[..., Any], slept: list[float], status: int
) -> None:
    script = Script(status, 201)
    with pytest.raises(ApiError) as caught:
        create(client_for(script))
    assert caught.value.status == status
    assert caught.value.method == "POST"
    assert script.methods == ["POST"]
    assert slept == []


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("read timed out"), httpx.ReadError("connection reset"),
     httpx.RemoteProtocolError("server disconnected"), httpx.WriteTimeout("write timed out")],
    ids=type,
)
def test_a_create_is_not_resent_when_it_may_have_arrived(
    client_for: Callable[..., Any], slept: list[float], failure: Exception
) -> None:
    script = Script(failure, 201)
    with pytest.raises(ReadError):
        create(client_for(script))
    assert script.methods == ["POST"]
    assert slept == []


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("connection refused"), httpx.ConnectTimeout("connect timed out"),
     httpx.PoolTimeout("no connection free")],
    ids=type,
)
def test_a_create_is_resent_when_it_certainly_never_left(
    client_for: Callable[..., Any], slept: list[float], failure: Exception
) -> None:
    script = Script(failure, 201)
    message = create(client_for(script))
    assert message.sid == SID
    assert script.methods == ["POST", "POST"]
    assert slept == [0.25]


def test_connect_failures_give_up_after_max_retries(
    client_for: Callable[..., Any], slept: list[float]
) -> None:
    refused = httpx.ConnectError("connection refused")
    script = Script(refused, refused, refused, 201)
    with pytest.raises(ConnectError, match="POST /2010-04-01/Accounts/"):
        create(client_for(script))
    assert script.methods == ["POST"] * 3
    assert slept == [0.25, 0.5]


def test_redaction_is_a_post_and_is_not_resent_after_a_503(
    client_for: Callable[..., Any], slept: list[float]
) -> None:
    script = Script(503, 200)
    with pytest.raises(ApiError):
        client_for(script).messages.redact(SID)
    assert script.methods == ["POST"]
    assert slept == []


# -- idempotent requests are retried ----------------------------------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_fetch_is_retried_on_a_retryable_status(
    client_for: Callable[..., Any], slept: list[float], status: int
) -> None:
    script = Script(status, 200)
    assert client_for(script).messages.fetch(SID).sid == SID
    assert script.methods == ["GET", "GET"]
    assert slept == [0.25]


def test_fetch_is_not_retried_on_a_500(client_for: Callable[..., Any],
                                       slept: list[float]) -> None:
    script = Script(500, 200)
    with pytest.raises(ApiError, match="HTTP 500"):
        client_for(script).messages.fetch(SID)
    assert script.methods == ["GET"]


def test_retry_after_is_honoured(client_for: Callable[..., Any], slept: list[float]) -> None:
    script = Script((503, {"Retry-After": "3"}), (429, {"Retry-After": "1"}), 200)
    client_for(script).messages.fetch(SID)
    assert slept == [3.0, 1.0]


def test_a_retry_after_beyond_the_limit_raises_at_once(
    client_for: Callable[..., Any], slept: list[float]
) -> None:
    script = Script((429, {"Retry-After": "3600"}), 200)
    with pytest.raises(ApiError) as caught:
        client_for(script).messages.fetch(SID)
    assert caught.value.status == 429
    assert slept == []


def test_fetch_is_retried_after_a_read_timeout(client_for: Callable[..., Any],
                                               slept: list[float]) -> None:
    script = Script(httpx.ReadTimeout("read timed out"), 200)
    assert client_for(script).messages.fetch(SID).body == "hello"
    assert script.methods == ["GET", "GET"]


def test_delete_is_retried_on_a_503(client_for: Callable[..., Any], slept: list[float]) -> None:
    script = Script(503, 204)
    assert client_for(script).messages.delete(SID) is None
    assert script.methods == ["DELETE", "DELETE"]


def test_a_list_page_is_retried(client_for: Callable[..., Any], slept: list[float]) -> None:
    script = Script(502, 200)
    assert [m.sid for m in client_for(script).messages.list()] == [SID]
    assert script.methods == ["GET", "GET"]


def test_retries_run_out_and_the_last_answer_is_raised(
    client_for: Callable[..., Any], slept: list[float]
) -> None:
    script = Script(503, 503, 503, 503, 200)
    with pytest.raises(ApiError) as caught:
        client_for(script).messages.fetch(SID)
    assert caught.value.status == 503
    assert script.methods == ["GET"] * 3
    assert slept == [0.25, 0.5]


def test_retrying_can_be_turned_off(client_for: Callable[..., Any], slept: list[float]) -> None:
    script = Script(httpx.ConnectError("refused"), 201)
    with pytest.raises(ConnectError):
        create(client_for(script, retry=RetryPolicy(max_retries=0)))
    assert script.methods == ["POST"]


def test_backoff_has_jitter_by_default(client_for: Callable[..., Any],
                                       slept: list[float]) -> None:
    script = Script(503, 503, 200)
    client_for(script, retry=RetryPolicy()).messages.fetch(SID)
    first, second = slept
    assert 0.25 <= first <= 0.5
    assert 0.5 <= second <= 1.0


# -- httpx exceptions map to the library's tree ------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (httpx.ConnectError("refused"), ConnectError),
        (httpx.ConnectTimeout("timed out"), ConnectError),
        (httpx.PoolTimeout("pool"), ConnectError),
        (httpx.ProxyError("proxy refused the tunnel"), ConnectError),
        (httpx.ReadTimeout("timed out"), ReadError),
        (httpx.ReadError("reset"), ReadError),
        (httpx.WriteError("broken pipe"), ReadError),
        (httpx.RemoteProtocolError("disconnected"), ReadError),
        (httpx.DecodingError("bad gzip"), MalformedDocument),
        (httpx.UnsupportedProtocol("nope"), ConfigurationError),
        (httpx.TooManyRedirects("loop"), UnexpectedDocument),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else value.__name__,
)
def test_httpx_exceptions_are_mapped(
    client_for: Callable[..., Any], failure: Exception, expected: type[Exception]
) -> None:
    script = Script(failure, failure, failure)
    with pytest.raises(expected) as caught:  # none of these is retried with max_retries=0
        create(client_for(script, retry=RetryPolicy(max_retries=0)))
    assert not isinstance(caught.value, httpx.HTTPError)
    assert caught.value.__cause__ is failure
    assert TOKEN not in str(caught.value)


def test_a_transport_error_names_the_request_with_numbers_masked(
    client_for: Callable[..., Any],
) -> None:
    script = Script(httpx.ReadTimeout("timed out"))
    with pytest.raises(ReadError) as caught:
        list(client_for(script, retry=RetryPolicy(max_retries=0)).messages.list(to=JENNY))
    text = str(caught.value)
    assert text.startswith("GET /2010-04-01/Accounts/")
    assert "5558675309" not in text
    assert "ReadTimeout" in text


# -- timeouts ----------------------------------------------------------------------------------


def timeouts_seen(**options: Any) -> dict[str, float | None]:
    script = Script(201)
    with Client(ACCOUNT, TOKEN, transport=httpx.MockTransport(script), **options) as client:
        create(client)
    timeout: dict[str, float | None] = script.requests[0].extensions["timeout"]
    return timeout


def test_requests_have_connect_and_read_timeouts_by_default() -> None:
    assert timeouts_seen() == {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0}


def test_timeouts_are_configurable() -> None:
    assert timeouts_seen(timeout=2.5) == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}
    custom = httpx.Timeout(10.0, connect=1.0, read=4.0)
    assert timeouts_seen(timeout=custom) == {"connect": 1.0, "read": 4.0, "write": 10.0,
                                             "pool": 10.0}


def test_the_client_timeout_applies_to_a_callers_http_client_too() -> None:
    script = Script(201)
    with httpx.Client(transport=httpx.MockTransport(script), timeout=99.0) as http_client, \
            Client(ACCOUNT, TOKEN, http_client=http_client, timeout=3.0) as client:
        create(client)
    assert script.requests[0].extensions["timeout"]["read"] == 3.0


@pytest.mark.parametrize("bad", [0, -1, "5", True])
def test_a_bad_timeout_is_refused(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        Client(ACCOUNT, TOKEN, timeout=bad)


def test_async_default_timeouts_match() -> None:
    script = Script(201)

    async def scenario() -> None:
        async with AsyncClient(ACCOUNT, TOKEN, transport=httpx.MockTransport(script)) as client:
            await client.messages.create(to=JENNY, from_=ME, body="hi")

    asyncio.run(scenario())
    assert script.requests[0].extensions["timeout"] == {"connect": 5.0, "read": 30.0,
                                                        "write": 30.0, "pool": 30.0}
