"""Outgoing HTTP from the emulator: status callbacks, incoming-message webhooks, TwiML fetches.

Rules this module keeps:

* Every request goes through one injectable :class:`Sender`; the default is :class:`HttpxSender`
  (httpx, short timeouts, no redirects followed). Tests may inject any callable, or point the
  default at a real loopback receiver.
* Every request is signed with ``X-Twilio-Signature`` using the account's auth token, which is used
  to sign and then dropped: it is never stored on a request, an attempt or a log line.
* Every attempt is recorded (:attr:`Dispatcher.attempts`); one that raised or got a status of 400 or
  more is a failure. Nothing raised by a sender escapes the dispatcher.
* Status callbacks are delivered in order, either inline (the caller waits: deterministic, for
  in-process use) or by one background thread (a served emulator never blocks its event loop).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlencode, urlsplit, urlunsplit

import attrs

from compat._version import __version__
from compat.webhooks import SIGNATURE_HEADER, compute_signature
from compat.wire import FORM_CONTENT_TYPE, WireResponse, encode_form, form_value

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Attempt",
    "Dispatcher",
    "HttpReply",
    "HttpxSender",
    "OutgoingRequest",
    "Sender",
    "build_request",
    "masked_url",
    "url_password",
]

log = logging.getLogger("compat.emulator")

USER_AGENT = f"TwilioProxy/1.1 (twilio-compat emulator {__version__})"


@attrs.frozen
class OutgoingRequest:
    """A signed request the emulator makes. ``kind``: ``status``, ``incoming``, ``action``,
    ``redirect``. ``params`` are what was signed (the form body, or the query for GET)."""

    kind: str
    method: str
    url: str
    params: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: bytes
    account_sid: str
    message_sid: str | None = None

    def param(self, name: str) -> str | None:
        return form_value(self.params, name)


#: What a callback URL answered: the same envelope a backend reads (status, headers, body).
HttpReply = WireResponse


@attrs.frozen
class Attempt:
    """One delivery attempt: the reply's status, or the error that prevented one; ``reply`` is
    what the URL answered (status, headers, body), when it answered."""

    request: OutgoingRequest
    status: int | None
    error: str | None = None
    reply: HttpReply | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400


class Sender(Protocol):
    """Sends one request and returns the reply; raises on transport failure."""

    def __call__(self, request: OutgoingRequest) -> HttpReply: ...


class HttpxSender:
    """The default sender: a lazily created :class:`httpx.Client` (or the one given)."""

    def __init__(self, client: httpx.Client | None = None, *, timeout: float = 5.0) -> None:
        self._client = client
        self._owned = client is None
        self._timeout = timeout
        self._lock = threading.Lock()
        self._read: Callable[..., bytes] | None = None

    def _get(self) -> tuple[httpx.Client, Callable[..., bytes]]:
        """The client and the bounded reader, both imported on first use (serving starts faster
        without httpx)."""
        with self._lock:
            if self._read is None:
                from compat._limits import read_limited

                self._read = read_limited
            if self._client is None:
                import httpx

                self._client = httpx.Client(timeout=self._timeout, follow_redirects=False)
            return self._client, self._read

    def __call__(self, request: OutgoingRequest) -> HttpReply:
        """Send ``request``; the reply is read while it streams and refused past the client's
        response limit (a webhook answering a decompression bomb costs the limit, not the bomb),
        which the dispatcher records as a failed attempt."""
        client, read = self._get()
        response = client.send(
            client.build_request(
                request.method,
                request.url,
                headers=list(request.headers),
                content=request.body or None,
            ),
            stream=True,
        )
        body = read(response, where=request.url)
        return HttpReply(response.status_code, tuple(response.headers.items()), body)

    def close(self) -> None:
        with self._lock:
            if self._client is not None and self._owned:
                self._client.close()
                self._client = None


def build_request(
    kind: str,
    method: str,
    url: str,
    params: Sequence[tuple[str, str]],
    *,
    auth_token: str,
    account_sid: str,
    message_sid: str | None = None,
) -> OutgoingRequest:
    """A signed request: POST sends ``params`` as a form; GET appends them to the URL's query."""
    method = method.upper()
    pairs = tuple(params)
    headers = [("User-Agent", USER_AGENT), ("Accept", "*/*")]
    if method == "GET":
        parts = urlsplit(url)
        extra = urlencode(pairs)
        query = f"{parts.query}&{extra}" if parts.query and extra else (parts.query or extra)
        url = urlunsplit(parts._replace(query=query))
        body = b""
        signature = compute_signature(auth_token, url)
    else:
        body = encode_form(pairs)
        headers.append(("Content-Type", FORM_CONTENT_TYPE))
        signature = compute_signature(auth_token, url, pairs)
    headers.append((SIGNATURE_HEADER, signature))
    return OutgoingRequest(
        kind=kind,
        method=method,
        url=url,
        params=pairs,
        headers=tuple(headers),
        body=body,
        account_sid=account_sid,
        message_sid=message_sid,
    )


class Dispatcher:
    """Sends requests through a :class:`Sender` and keeps every :class:`Attempt`."""

    def __init__(self, sender: Sender, *, background: bool = False) -> None:
        self.sender = sender
        self.background = background
        self._attempts: list[Attempt] = []
        self._lock = threading.Lock()
        self._queue: queue.Queue[OutgoingRequest | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    @property
    def attempts(self) -> list[Attempt]:
        with self._lock:
            return list(self._attempts)

    @property
    def failures(self) -> list[Attempt]:
        return [a for a in self.attempts if not a.ok]

    def clear(self) -> None:
        with self._lock:
            self._attempts.clear()

    def send_now(self, request: OutgoingRequest) -> tuple[Attempt, HttpReply | None]:
        """Send ``request`` on this thread and record the attempt."""
        reply: HttpReply | None = None
        try:
            reply = self.sender(request)
            attempt = Attempt(request, reply.status, reply=reply)
        except Exception as exc:  # any sender failure is recorded, never raised
            attempt = Attempt(request, None, f"{type(exc).__name__}: {exc}")
        if not attempt.ok:
            log.warning(
                "%s callback to %s failed: %s",
                request.kind,
                _safe_url(request.url),
                attempt.error or f"HTTP {attempt.status}",
            )
        with self._lock:
            self._attempts.append(attempt)
        return attempt, reply

    def submit(self, requests: Sequence[OutgoingRequest]) -> None:
        """Deliver status callbacks: inline, or in order on the background thread."""
        if not requests:
            return
        if not self.background:
            for request in requests:
                self.send_now(request)
            return
        self._ensure_thread()
        for request in requests:
            self._queue.put(request)

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="compat-emulator-callbacks", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self.send_now(item)
            finally:
                self._queue.task_done()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued callback was attempted; ``False`` on timeout."""
        if self._thread is None:
            return True
        if timeout is None:
            self._queue.join()
            return True
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)

    def close(self) -> None:
        """Stop the background thread after what is queued was sent."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout=10)
        self._thread = None


def _safe_url(url: str) -> str:
    """``url`` without user info (a password in a callback URL is not logged)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def masked_url(url: str) -> str:
    """``url`` with the password in its user info shown as ``***`` (the user name is kept)."""
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def url_password(url: str) -> str | None:
    """The password in ``url``'s user info, if it has one."""
    userinfo, at, _host = urlsplit(url).netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return None
    return userinfo.split(":", 1)[1] or None
