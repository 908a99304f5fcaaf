"""When to re-send a request: the retry policy both clients and the proxy follow.

Rules this module keeps:

* **Retries are decided here, once.** :class:`RetryPolicy` is pure (it never sleeps; its clock and
  its randomness are injectable) and :func:`retrying` wraps an operation flow so that each of its
  requests is re-sent as the policy says, yielding a :class:`Pause` where the driver must sleep.
  The drivers in :mod:`compat.client` only send and sleep. Nothing here imports httpx.
* **Only what is safe is re-sent.** 429, 502, 503 and 504 answers and failures that may have reached
  the server (:class:`~compat.errors.ReadError`) are retried for idempotent methods only (GET, HEAD,
  PUT, DELETE, OPTIONS). A POST (a create, a redaction) is re-sent only after a
  :class:`~compat.errors.ConnectError`, which means it certainly never left: re-sending after a 5xx
  or a read timeout could send the SMS twice. ``Retry-After`` is honoured exactly; one longer than
  ``max_retry_after`` ends the retries instead of stalling the caller.
* Retries are logged with the method and the target, phone numbers masked unless the caller
  opted in (:mod:`compat._redact`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
from collections.abc import Callable, Generator
from typing import TypeVar

import attrs

from compat._redact import masked_target
from compat.errors import ConnectError, TransportError
from compat.wire import WireRequest, WireResponse

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "Outcome",
    "Pause",
    "RetryPolicy",
    "Step",
    "retrying",
]

logger = logging.getLogger("compat")

T = TypeVar("T")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})


# -- retry policy ------------------------------------------------------------------------------


def _retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delay-seconds or an HTTP date), else ``None``."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How often and how long to wait before re-sending a request (see the module rules).

    The n-th retry waits ``min(max_backoff, backoff * 2**(n-1))`` seconds, of which the upper half
    is random ("equal jitter": ``rng`` gives the fraction), unless the answer carried
    ``Retry-After``. ``max_retries=0`` turns retrying off. ``rng`` and ``now`` exist for tests.
    """

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    backoff: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_backoff: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    max_retry_after: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    statuses: frozenset[int] = attrs.field(default=RETRY_STATUSES, converter=frozenset)
    rng: Callable[[], float] = attrs.field(default=random.random, eq=False, repr=False)
    now: Callable[[], dt.datetime] = attrs.field(
        default=lambda: dt.datetime.now(dt.timezone.utc), eq=False, repr=False
    )

    def delay(self, request: WireRequest, retries_done: int, outcome: Outcome) -> float | None:
        """Seconds to wait before sending ``request`` again, or ``None`` to stop retrying."""
        if retries_done >= self.max_retries:
            return None
        idempotent = request.method.upper() in IDEMPOTENT_METHODS
        if isinstance(outcome, TransportError):
            if not (idempotent or isinstance(outcome, ConnectError)):
                return None
        elif outcome.status not in self.statuses or not idempotent:
            return None
        else:
            asked = _retry_after(outcome.header("retry-after"), self.now())
            if asked is not None:
                return asked if asked <= self.max_retry_after else None
        ceiling = min(self.max_backoff, self.backoff * 2.0**retries_done)
        fraction = self.rng()
        return ceiling / 2 + fraction * ceiling / 2


# -- the retrying flow -------------------------------------------------------------------------


@attrs.frozen
class Pause:
    """A step telling the driver to sleep before the request is sent again."""

    seconds: float


Step = WireRequest | Pause
Outcome = WireResponse | TransportError


def _describe(outcome: Outcome) -> str:
    if isinstance(outcome, TransportError):
        return type(outcome).__name__
    return f"HTTP {outcome.status}"


def retrying(
    flow: Generator[WireRequest, WireResponse, T],
    policy: RetryPolicy,
    *,
    reveal_numbers: bool = False,
) -> Generator[Step, Outcome | None, T]:
    """Run ``flow``, re-sending each request it yields as ``policy`` allows.

    The driver sends every :class:`~compat.wire.WireRequest` step and answers with the response or
    the :class:`~compat.errors.TransportError` it caught; it sleeps on every :class:`Pause` and
    answers ``None``. A transport error the policy gives up on is raised from here.
    """
    try:
        request = next(flow)
    except StopIteration as done:
        result: T = done.value
        return result
    while True:
        retries_done = 0
        while True:
            outcome = yield request
            if outcome is None:
                raise RuntimeError("the driver answered a request with nothing")
            delay = policy.delay(request, retries_done, outcome)
            if delay is None:
                break
            retries_done += 1
            logger.info(
                "retrying %s %s after %s in %.2f s (retry %d of %d)",
                request.method,
                masked_target(request.path, request.query, reveal=reveal_numbers),
                _describe(outcome),
                delay,
                retries_done,
                policy.max_retries,
            )
            yield Pause(delay)
        try:
            # A transport error we gave up on goes into the flow, so it can say what was already
            # done (a split send names the pieces it sent); flows re-raise it.
            if isinstance(outcome, TransportError):
                request = flow.throw(outcome)
            else:
                request = flow.send(outcome)
        except StopIteration as done:
            finished: T = done.value
            return finished
