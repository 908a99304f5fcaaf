"""The retry policy and the retrying flow, pure: which outcomes are retried, how long the waits are.

The end-to-end proofs (a create is sent once after a 503 or a read timeout, and again after a
refused connection) are in test_client.py, against httpx.MockTransport.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Generator

import pytest

from compat._retry import Outcome, Pause, RetryPolicy, retrying
from compat.errors import ConnectError, ReadError
from compat.wire import WireRequest, WireResponse

GET = WireRequest("GET", "/2010-04-01/Accounts/AC1/Messages.json", query=[("To", "+15558675309")])
POST = WireRequest("POST", "/2010-04-01/Accounts/AC1/Messages.json", body=b"Body=hi")
DELETE = WireRequest("DELETE", "/2010-04-01/Accounts/AC1/Messages/SM1.json")
NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)


def policy(**options: object) -> RetryPolicy:
    return RetryPolicy(rng=lambda: 0.0, now=lambda: NOW, **options)  # type: ignore[arg-type]


def answer(status: int, **headers: str) -> WireResponse:
    return WireResponse(status, list(headers.items()))


@pytest.mark.parametrize("status", [429, 502, 503, 504])
@pytest.mark.parametrize("request_", [GET, DELETE])
def test_idempotent_requests_are_retried_on_the_listed_statuses(
    request_: WireRequest, status: int
) -> None:
    assert policy().delay(request_, 0, answer(status)) is not None


@pytest.mark.parametrize("status", [200, 201, 204, 400, 401, 404, 409, 500, 501])
def test_other_statuses_are_not_retried(status: int) -> None:
    assert policy().delay(GET, 0, answer(status)) is None


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_a_post_is_never_resent_after_an_answer(status: int) -> None:
    assert policy().delay(POST, 0, answer(status)) is None


def test_a_post_is_never_resent_after_a_read_error() -> None:
    assert policy().delay(POST, 0, ReadError("read timed out")) is None


def test_a_post_is_resent_after_a_connect_error() -> None:
    assert policy().delay(POST, 0, ConnectError("refused")) is not None


def test_idempotent_requests_are_retried_after_any_transport_error() -> None:
    assert policy().delay(GET, 0, ReadError("dropped")) is not None
    assert policy().delay(GET, 0, ConnectError("refused")) is not None


def test_retries_stop_after_max_retries() -> None:
    rules = policy(max_retries=3)
    assert [rules.delay(GET, n, answer(503)) is not None for n in range(5)] == [
        True, True, True, False, False,
    ]
    assert policy(max_retries=0).delay(POST, 0, ConnectError("refused")) is None


def test_backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half() -> None:
    low = RetryPolicy(backoff=0.5, max_backoff=3.0, rng=lambda: 0.0, max_retries=10)
    high = RetryPolicy(backoff=0.5, max_backoff=3.0, rng=lambda: 0.999999, max_retries=10)
    lows = [low.delay(GET, n, answer(503)) for n in range(5)]
    highs = [high.delay(GET, n, answer(503)) for n in range(5)]
    assert lows == [0.25, 0.5, 1.0, 1.5, 1.5]
    assert highs == pytest.approx([0.5, 1.0, 2.0, 3.0, 3.0], rel=1e-5)


def test_retry_after_seconds_is_honoured_exactly() -> None:
    assert policy().delay(GET, 0, answer(429, **{"Retry-After": "7"})) == 7.0


def test_retry_after_as_an_http_date_is_honoured() -> None:
    later = "Wed, 01 May 2024 12:00:12 GMT"
    assert policy().delay(GET, 0, answer(503, **{"Retry-After": later})) == 12.0
    earlier = "Wed, 01 May 2024 11:00:00 GMT"
    assert policy().delay(GET, 0, answer(503, **{"Retry-After": earlier})) == 0.0


def test_a_retry_after_longer_than_allowed_ends_the_retries() -> None:
    assert policy(max_retry_after=30).delay(GET, 0, answer(429, **{"Retry-After": "31"})) is None


def test_an_unreadable_retry_after_falls_back_to_backoff() -> None:
    assert policy().delay(GET, 0, answer(503, **{"Retry-After": "soon"})) == 0.25


def test_retry_after_never_makes_a_post_retryable() -> None:
    assert policy().delay(POST, 0, answer(429, **{"Retry-After": "1"})) is None


# -- the retrying flow -------------------------------------------------------------------------


def one_request(request: WireRequest) -> Generator[WireRequest, WireResponse, int]:
    response = yield request
    return response.status


def drive(steps: Generator[object, Outcome | None, int], outcomes: list[Outcome]) -> tuple[
    int, list[object]
]:
    seen: list[object] = []
    reply: Outcome | None = None
    try:
        while True:
            step = steps.send(reply)
            seen.append(step)
            reply = None if isinstance(step, Pause) else outcomes.pop(0)
    except StopIteration as done:
        return done.value, seen


def test_retrying_resends_after_each_pause_and_returns_the_final_answer() -> None:
    result, seen = drive(retrying(one_request(GET), policy()), [answer(503), answer(502),
                                                               answer(200)])
    assert result == 200
    assert seen == [GET, Pause(0.25), GET, Pause(0.5), GET]


def test_retrying_hands_the_last_error_answer_to_the_flow_when_retries_run_out() -> None:
    result, seen = drive(retrying(one_request(GET), policy(max_retries=1)),
                         [answer(503), answer(503)])
    assert result == 503
    assert seen == [GET, Pause(0.25), GET]


def test_retrying_raises_a_transport_error_it_gives_up_on() -> None:
    error = ReadError("read timed out")
    with pytest.raises(ReadError) as caught:
        drive(retrying(one_request(POST), policy()), [error])
    assert caught.value is error


def test_retrying_resends_a_post_after_a_refused_connection() -> None:
    outcomes: list[Outcome] = [ConnectError("refused"), answer(201)]
    result, seen = drive(retrying(one_request(POST), policy()), outcomes)
    assert result == 201
    assert seen == [POST, Pause(0.25), POST]


def test_each_request_of_a_flow_gets_its_own_retry_budget() -> None:
    def two_requests() -> Generator[WireRequest, WireResponse, int]:
        first = yield GET
        second = yield DELETE
        return first.status + second.status

    outcomes: list[Outcome] = [answer(503), answer(200), answer(503), answer(204)]
    result, seen = drive(retrying(two_requests(), policy(max_retries=1)), outcomes)
    assert result == 404
    assert seen == [GET, Pause(0.25), GET, DELETE, Pause(0.25), DELETE]


def test_retries_are_logged_with_numbers_masked(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="compat")
    drive(retrying(one_request(GET), policy()), [answer(503), answer(200)])
    [record] = [r for r in caplog.records if r.name == "compat"]
    text = record.getMessage()
    assert "retrying GET" in text
    assert "HTTP 503" in text
    assert "5558675309" not in text

