"""Record and replay: httpx transports (sync and async) that answer from a cassette or record into
one, in the record modes vcrpy users know.

Record modes (:class:`RecordMode`):

* ``none``: replay only (the default, and what CI runs); a request nothing matches raises
  :class:`~compat.errors.NoMatchingExchange`, naming the closest recorded request and what differed.
* ``once``: record every exchange if the cassette file does not exist yet, else behave as ``none``.
* ``new_episodes``: replay what matches, send and record what does not.
* ``all``: send and record everything, replacing what the cassette held (its pseudonym key kept).

Rules this module keeps:

* :class:`CassetteSession` decides, without I/O: it scrubs each live request with the cassette's
  scrubber, then plays the first exchange not yet played that every matcher accepts. Each recorded
  exchange answers once, so repeated requests are answered in the order they were recorded.
* A replayed response gets back the real values the scrubber saw in live requests
  (:meth:`~compat.testing.scrub.Scrubber.restore`), so a test sees in replay what it saw live.
* Recorded exchanges are written to the cassette file as soon as they happen.
* The transports are the only I/O here; the real transport is made only when a mode may record,
  and closing a cassette transport closes its real one (given or made), as wrappers do.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterable
from pathlib import Path

import httpx

from compat.errors import NoMatchingExchange
from compat.testing.cassette import Cassette
from compat.testing.matching import MatcherSpec, closest, differences, resolve
from compat.wire import WireRequest, WireResponse

__all__ = [
    "AsyncCassetteTransport",
    "AsyncRecordingTransport",
    "AsyncReplayTransport",
    "CassetteSession",
    "CassetteTransport",
    "RecordMode",
    "RecordingTransport",
    "ReplayTransport",
]

_HOP_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})


class RecordMode(str, enum.Enum):
    """When a cassette records (see the module docstring)."""

    NONE = "none"
    ONCE = "once"
    NEW_EPISODES = "new_episodes"
    ALL = "all"


def _describe(request: WireRequest) -> str:
    return f"{request.method} {request.target}"


class CassetteSession:
    """Answers live requests from a cassette and records new ones, by mode; no I/O but saving."""

    def __init__(
        self,
        cassette: Cassette | str | Path,
        *,
        mode: RecordMode | str = RecordMode.NONE,
        matchers: Iterable[MatcherSpec] | None = None,
    ) -> None:
        self.cassette = cassette if isinstance(cassette, Cassette) else Cassette.load(cassette)
        self.mode = RecordMode(mode)
        self.matchers = resolve(matchers)
        self._lock = threading.Lock()
        self._played: set[int] = set()
        if self.mode is RecordMode.ONCE:
            self.recording = not self.cassette.existed
        else:
            self.recording = self.mode in (RecordMode.NEW_EPISODES, RecordMode.ALL)
        if self.mode is RecordMode.ALL and not self.cassette.rerecording:
            self.cassette.exchanges.clear()  # once per cassette: sessions may share one
            self.cassette.rerecording = True
        self.misses: list[NoMatchingExchange] = []

    def __repr__(self) -> str:
        return f"<CassetteSession {self.cassette.path} mode={self.mode.value}>"

    @property
    def replaying(self) -> bool:
        """Whether recorded exchanges answer (every mode but ``all``, and ``once`` when new)."""
        return self.mode is not RecordMode.ALL and not (
            self.mode is RecordMode.ONCE and self.recording
        )

    def answer(self, live: WireRequest) -> WireResponse | None:
        """The recorded answer to ``live``; ``None`` when it is to be sent and recorded; raises
        :class:`NoMatchingExchange` when the mode allows neither."""
        scrubbed = self.cassette.scrubber.request(live)
        with self._lock:
            if self.replaying:
                for index, exchange in enumerate(self.cassette.exchanges):
                    if index in self._played:
                        continue
                    if not any(differences(self.matchers, exchange.request, scrubbed)):
                        self._played.add(index)
                        return self._restored(exchange.response)
            if self.recording:
                return None
            miss = self._miss(scrubbed)
            self.misses.append(miss)
        raise miss

    def _restored(self, response: WireResponse) -> WireResponse:
        try:
            text = response.body.decode("utf-8")
        except UnicodeDecodeError:
            return response
        body = self.cassette.scrubber.restore(text).encode("utf-8")
        return WireResponse(response.status, response.headers, body)

    def _miss(self, scrubbed: WireRequest) -> NoMatchingExchange:
        exchanges = self.cassette.exchanges
        left = [i for i in range(len(exchanges)) if i not in self._played]
        where = f"cassette {self.cassette.path}, record mode {self.mode.value!r}"
        head = f"No recorded exchange matches {_describe(scrubbed)} ({where})."
        if not exchanges:
            return NoMatchingExchange(
                f"{head} The cassette is empty: record it with --twilio-record-mode=once.",
                request=_describe(scrubbed), closest=None, differences=(),
            )
        played_match = [
            i for i in sorted(self._played)
            if not any(differences(self.matchers, exchanges[i].request, scrubbed))
        ]
        pool = left or list(range(len(exchanges)))
        found = closest(self.matchers, [exchanges[i].request for i in pool], scrubbed)
        assert found is not None
        index, lines = pool[found[0]], found[1]
        if played_match and (not left or lines):
            index, lines = played_match[-1], [
                "this request was recorded, but every recording of it was already played "
                "(each recorded exchange answers once)"
            ]
        shown = _describe(exchanges[index].request)
        detail = "\n".join(f"  - {line}" for line in lines)
        message = (
            f"{head}\nClosest recorded request (exchange {index + 1} of {len(exchanges)}): "
            f"{shown}\n{detail}"
        )
        return NoMatchingExchange(
            message, request=_describe(scrubbed), closest=shown, differences=tuple(lines)
        )

    def record(self, live: WireRequest, response: WireResponse) -> None:
        """Scrub and keep one live exchange, and save the cassette."""
        with self._lock:
            self.cassette.record(live, response)
            self._played.add(len(self.cassette.exchanges) - 1)
            if self.cassette.path is not None:
                self.cassette.save()


def _wire_request(request: httpx.Request, body: bytes) -> WireRequest:
    url = request.url
    target = url.raw_path.decode("ascii")
    return WireRequest.from_target(
        request.method, target, request.headers.multi_items(), body
    )


def _to_httpx(response: WireResponse, request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        response.status, headers=list(response.headers), content=response.body, request=request
    )


def _kept(response: httpx.Response, request: httpx.Request) -> tuple[WireResponse, httpx.Response]:
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _HOP_HEADERS]
    wire = WireResponse(response.status_code, headers, response.content)
    return wire, _to_httpx(wire, request)


def _session(
    cassette: Cassette | str | Path | CassetteSession,
    mode: RecordMode | str,
    matchers: Iterable[MatcherSpec] | None,
) -> CassetteSession:
    if isinstance(cassette, CassetteSession):
        return cassette
    return CassetteSession(cassette, mode=mode, matchers=matchers)


class CassetteTransport(httpx.BaseTransport):
    """``httpx.Client(transport=CassetteTransport("cassette.json", mode="once"))``: replays and
    records by mode; ``real`` (default: a new :class:`httpx.HTTPTransport`) carries what is sent."""

    def __init__(
        self,
        cassette: Cassette | str | Path | CassetteSession,
        *,
        mode: RecordMode | str = RecordMode.NONE,
        real: httpx.BaseTransport | None = None,
        matchers: Iterable[MatcherSpec] | None = None,
    ) -> None:
        self.session = _session(cassette, mode, matchers)
        self._real = real

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.session.cassette.path} {self.session.mode.value}>"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        live = _wire_request(request, request.read())
        answer = self.session.answer(live)
        if answer is not None:
            return _to_httpx(answer, request)
        if self._real is None:
            self._real = httpx.HTTPTransport()
        response = self._real.handle_request(request)
        try:
            response.read()
        finally:
            response.close()
        wire, fresh = _kept(response, request)
        self.session.record(live, wire)
        return fresh

    def close(self) -> None:
        """Close the real transport (the one given, or the one made here)."""
        if self._real is not None:
            self._real.close()


class AsyncCassetteTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`CassetteTransport`."""

    def __init__(
        self,
        cassette: Cassette | str | Path | CassetteSession,
        *,
        mode: RecordMode | str = RecordMode.NONE,
        real: httpx.AsyncBaseTransport | None = None,
        matchers: Iterable[MatcherSpec] | None = None,
    ) -> None:
        self.session = _session(cassette, mode, matchers)
        self._real = real

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.session.cassette.path} {self.session.mode.value}>"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        live = _wire_request(request, await request.aread())
        answer = self.session.answer(live)
        if answer is not None:
            return _to_httpx(answer, request)
        if self._real is None:
            self._real = httpx.AsyncHTTPTransport()
        response = await self._real.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        wire, fresh = _kept(response, request)
        self.session.record(live, wire)
        return fresh

    async def aclose(self) -> None:
        """Close the real transport (the one given, or the one made here)."""
        if self._real is not None:
            await self._real.aclose()


class RecordingTransport(CassetteTransport):
    """Sends every request through ``real`` and records it (mode ``all``)."""

    def __init__(self, real: httpx.BaseTransport, cassette: Cassette | str | Path) -> None:
        super().__init__(cassette, mode=RecordMode.ALL, real=real)


class AsyncRecordingTransport(AsyncCassetteTransport):
    """The async twin of :class:`RecordingTransport`."""

    def __init__(self, real: httpx.AsyncBaseTransport, cassette: Cassette | str | Path) -> None:
        super().__init__(cassette, mode=RecordMode.ALL, real=real)


class ReplayTransport(CassetteTransport):
    """Answers from ``cassette`` only (mode ``none``), matching with ``matchers``."""

    def __init__(
        self, cassette: Cassette | str | Path, *, matchers: Iterable[MatcherSpec] | None = None
    ) -> None:
        super().__init__(cassette, mode=RecordMode.NONE, matchers=matchers)


class AsyncReplayTransport(AsyncCassetteTransport):
    """The async twin of :class:`ReplayTransport`."""

    def __init__(
        self, cassette: Cassette | str | Path, *, matchers: Iterable[MatcherSpec] | None = None
    ) -> None:
        super().__init__(cassette, mode=RecordMode.NONE, matchers=matchers)
