"""An in-process stand-in for your application's webhook and callback URLs.

Rules: a :class:`Recorder` is a :class:`~compat.emulator.callbacks.Sender`. It records every
request the emulator makes and answers from a table keyed by URL (without query), defaulting to an
empty 204. Nothing goes on the network. It is thread-safe: a served emulator's callback thread may
call it while the test reads it.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit, urlunsplit

from compat.emulator.callbacks import HttpReply, OutgoingRequest

__all__ = ["Recorder"]


def canned_reply(body: bytes | str, *, content_type: str, status: int) -> HttpReply:
    """The answer :meth:`Recorder.reply` and :meth:`~compat.testing.Receiver.reply` store."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return HttpReply(status, (("Content-Type", content_type),), data)


def _key(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))


class Recorder:
    """Records requests; ``reply(url, body, content_type=..., status=...)`` sets an answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._replies: dict[str, HttpReply] = {}
        self._requests: list[OutgoingRequest] = []

    def reply(
        self,
        url: str,
        body: bytes | str = b"",
        *,
        content_type: str = "text/xml",
        status: int = 200,
    ) -> None:
        """Answer requests to ``url`` (any query) with ``body``."""
        answer = canned_reply(body, content_type=content_type, status=status)
        with self._lock:
            self._replies[_key(url)] = answer

    def __call__(self, request: OutgoingRequest) -> HttpReply:
        with self._lock:
            self._requests.append(request)
            return self._replies.get(_key(request.url), HttpReply(204))

    @property
    def requests(self) -> list[OutgoingRequest]:
        """Every request received, in order."""
        with self._lock:
            return list(self._requests)

    def to(self, url: str) -> list[OutgoingRequest]:
        """The requests sent to ``url`` (compared without query)."""
        key = _key(url)
        return [r for r in self.requests if _key(r.url) == key]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def __repr__(self) -> str:
        return f"<Recorder {len(self._requests)} requests>"
