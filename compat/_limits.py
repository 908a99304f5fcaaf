"""Reading an HTTP response body under a size limit, while it streams.

Rules this module keeps:

* **The limit holds while the body arrives, not after.** A body is read in raw chunks; a
  ``Content-Length`` over the limit is refused before a byte is read, and a body that grows past
  the limit is refused at the first chunk that crosses it. The compressed size is never what is
  limited: the decoded size is.
* **Decompression is bounded per step.** ``gzip`` (and ``x-gzip``) and ``deflate`` (zlib-wrapped
  or raw) are inflated here, each step asked for at most :data:`STEP` bytes more than the room
  left, so a compression bomb costs at most the limit plus a small constant of memory, never the
  bomb's size. Any other ``Content-Encoding`` (``br``, ``zstd``, a list of several) is decoded by
  httpx, chunk by chunk, and still stopped at the limit.
* **Errors are the library's.** Over the limit -> :class:`~compat.errors.HostileDocument`;
  compressed data that is corrupt or ends early -> :class:`~compat.errors.MalformedDocument`.
  Network failures while reading stay ``httpx.RequestError`` for the caller to map (see
  :func:`compat._http.transport_error`). The response is always closed.
* httpx only; usable by any component that sends requests (the clients, the emulator's callback
  sender): :func:`read_limited` for ``httpx.Client`` responses, :func:`aread_limited` for
  ``httpx.AsyncClient`` ones, both from ``client.send(request, stream=True)``.
"""

from __future__ import annotations

import zlib
from typing import Final

import httpx

from compat.errors import HostileDocument, MalformedDocument

__all__ = ["MAX_RESPONSE_BYTES", "STEP", "BoundedBody", "aread_limited", "read_limited"]

#: The largest decoded response body read: the parsers' own document limit (16 MiB).
MAX_RESPONSE_BYTES: Final = 16 * 1024 * 1024

#: The most a single inflate step or raw read adds at once.
STEP: Final = 64 * 1024

_GZIP: Final = frozenset({"gzip", "x-gzip"})
_IDENTITY: Final = frozenset({"", "identity"})


def _prefix(where: str) -> str:
    return f"{where}: " if where else ""


class BoundedBody:
    """Accumulates one body, decoding ``gzip``/``deflate`` itself, refusing it past ``limit``.

    Pure (no I/O): feed it raw chunks with :meth:`feed`, then take the body with :meth:`finish`.
    """

    def __init__(self, limit: int, encoding: str = "", *, where: str = "") -> None:
        self._limit = limit
        self._where = where
        self._encoding = encoding
        self._chunks: list[bytes] = []
        self._size = 0
        self._inflater: zlib._Decompress | None = None
        self._pending = b""  # deflate: bytes held until the wrapper can be told apart

    @staticmethod
    def handles(encoding: str) -> bool:
        """Whether this class decodes ``encoding`` itself (else httpx must decode first)."""
        return encoding in _GZIP or encoding in _IDENTITY or encoding == "deflate"

    @property
    def size(self) -> int:
        return self._size

    def _add(self, data: bytes) -> None:
        if not data:
            return
        self._size += len(data)
        if self._size > self._limit:
            self._chunks.clear()
            raise HostileDocument(
                f"{_prefix(self._where)}the response body is over the {self._limit}-byte limit"
            )
        self._chunks.append(data)

    def add_decoded(self, data: bytes) -> None:
        """Add bytes that are already decoded."""
        self._add(data)

    def feed(self, raw: bytes) -> None:
        """Add a raw chunk as it came off the wire."""
        if self._encoding in _IDENTITY:
            self._add(raw)
            return
        if self._inflater is None:
            if self._encoding in _GZIP:
                self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            else:
                self._pending += raw
                if len(self._pending) < 2:
                    return
                raw, self._pending = self._pending, b""
                wrapped = raw[0] & 0x0F == 8 and (raw[0] << 8 | raw[1]) % 31 == 0
                self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        self._inflate(raw)

    def _inflate(self, data: bytes) -> None:
        while data:
            assert self._inflater is not None
            room = max(self._limit - self._size, 0) + 1
            try:
                out = self._inflater.decompress(data, min(room, STEP))
            except zlib.error as exc:
                raise MalformedDocument(
                    f"{_prefix(self._where)}the {self._encoding} response body is corrupt "
                    f"({exc})"
                ) from None
            self._add(out)
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if rest and self._encoding in _GZIP:  # another gzip member follows
                    self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
                    data = rest + data
                elif rest.strip(b"\x00") or data:
                    raise MalformedDocument(
                        f"{_prefix(self._where)}the {self._encoding} response body has bytes "
                        "after its end"
                    )
                else:
                    return

    def finish(self) -> bytes:
        """The whole decoded body; refuses a compressed body that ended early."""
        if self._pending:
            raise MalformedDocument(
                f"{_prefix(self._where)}the {self._encoding} response body ended early"
            )
        if self._inflater is not None and not self._inflater.eof:
            raise MalformedDocument(
                f"{_prefix(self._where)}the {self._encoding} response body ended early"
            )
        body = b"".join(self._chunks)
        self._chunks.clear()
        return body


def _body_for(response: httpx.Response, limit: int, where: str) -> tuple[BoundedBody, bool]:
    """The bounded body to fill from ``response``, and whether its raw chunks feed it (else httpx
    decodes them first). A body already read (by an event hook) is in it whole: only the check
    is left. A declared ``Content-Length`` over ``limit`` is refused before anything is read."""
    if response.is_stream_consumed:
        body = BoundedBody(limit, where=where)
        body.add_decoded(response.content)
        return body, False
    declared = response.headers.get("content-length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise HostileDocument(
            f"{_prefix(where)}the response body is over the {limit}-byte limit "
            f"(Content-Length: {int(declared)})"
        )
    encoding = (response.headers.get("content-encoding") or "").strip().lower()
    return BoundedBody(limit, encoding, where=where), BoundedBody.handles(encoding)


def read_limited(
    response: httpx.Response, limit: int = MAX_RESPONSE_BYTES, *, where: str = ""
) -> bytes:
    """The decoded body of a streamed ``response``, refused past ``limit`` (see the rules)."""
    try:
        body, raw = _body_for(response, limit, where)
        if not response.is_stream_consumed:
            feed = body.feed if raw else body.add_decoded
            for chunk in response.iter_raw(STEP) if raw else response.iter_bytes(STEP):
                feed(chunk)
        return body.finish()
    finally:
        response.close()


async def aread_limited(
    response: httpx.Response, limit: int = MAX_RESPONSE_BYTES, *, where: str = ""
) -> bytes:
    """:func:`read_limited` for a response from an ``httpx.AsyncClient``."""
    try:
        body, raw = _body_for(response, limit, where)
        if not response.is_stream_consumed:
            feed = body.feed if raw else body.add_decoded
            async for chunk in response.aiter_raw(STEP) if raw else response.aiter_bytes(STEP):
                feed(chunk)
        return body.finish()
    finally:
        await response.aclose()
