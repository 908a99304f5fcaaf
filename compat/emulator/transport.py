"""httpx transports that answer from an emulator in-process: no socket, no thread.

Rules: a transport hands the emulator the request's method, path, raw query, headers and body, and
turns the answer into an :class:`httpx.Response`. The host in the URL is ignored, so any base URL
works. The sync transport delivers the status callbacks a request caused before it returns. The
async transport never blocks its event loop on HTTP: those callbacks, and admin requests (which may
call webhooks), run on a worker thread.
"""

from __future__ import annotations

import anyio.to_thread
import httpx

from compat.emulator.asgi import Host, handle_async
from compat.wire import WireResponse

__all__ = ["AsyncEmulatorTransport", "EmulatorTransport"]


def _to_httpx(response: WireResponse, request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        status_code=response.status,
        headers=list(response.headers),
        content=response.body,
        request=request,
    )


class EmulatorTransport(httpx.BaseTransport):
    """``httpx.Client(transport=emulator.transport())``."""

    def __init__(self, emulator: Host) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        response, outbox = self.emulator.handle_raw(
            request.method, url.path, url.query, request.headers.multi_items(), request.read()
        )
        self.emulator.submit(outbox)
        return _to_httpx(response, request)

    def __repr__(self) -> str:
        return f"<EmulatorTransport {self.emulator!r}>"


class AsyncEmulatorTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=emulator.async_transport())``."""

    def __init__(self, emulator: Host) -> None:
        self.emulator = emulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        body = await request.aread()
        response, outbox = await handle_async(
            self.emulator, request.method, url.path, url.query, request.headers.multi_items(), body
        )
        if outbox:
            await anyio.to_thread.run_sync(self.emulator.submit, outbox)
        return _to_httpx(response, request)

    def __repr__(self) -> str:
        return f"<AsyncEmulatorTransport {self.emulator!r}>"
