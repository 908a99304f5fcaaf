"""The emulator as an ASGI application, with no web framework: bytes in, the emulator, bytes out.

Rules this module keeps:

* ``http`` scopes: the body is read up to :data:`MAX_BODY` bytes (more is a 413, in the dialect's
  error format, answered before reading when ``Content-Length`` says so), then the emulator answers.
  A request whose client went away before its body was read whole (a body cut short, a connection
  the server's read deadline closed) is not acted on and gets no answer: a truncated form never
  creates a message. API requests are answered on the event loop (they do no I/O); the status
  callbacks they cause go to the emulator's background dispatcher, after the response. Admin
  requests may call webhooks, so they run on a worker thread.
* ``lifespan`` scopes start the emulator's background work (the timed-mode ticker, the callback
  thread) and stop it at shutdown. Other scope types are refused.
* With ``inbox`` (the default) and a host that is also an :class:`~.inbox.InboxHost` (as the
  facade is), ``/``, ``/favicon.ico`` and ``/__inbox/`` are the inbox page's (:mod:`.inbox`),
  answered on a worker thread; every other path is the API's or the admin's. A bare ``Host`` is
  served without the inbox.
* Nothing raised escapes as a traceback to the client: an unexpected error is a 500 in the dialect's
  format, kept in the emulator's errors.
* The app (like the transports and the server) needs only the :class:`Host` protocol, which the
  :class:`~compat.emulator.Emulator` facade keeps; it never imports the facade.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

import anyio.to_thread

from compat._asgi import BodyTooLarge, ClientGone, Receive, Scope, Send, read_body, route
from compat.emulator.api import Api
from compat.emulator.callbacks import Dispatcher, OutgoingRequest
from compat.emulator.errors import api_error
from compat.emulator.inbox import Inbox, InboxHost
from compat.errors import ApiError
from compat.wire import WireResponse

__all__ = ["MAX_BODY", "EmulatorApp", "Host", "handle_async"]

MAX_BODY = 1024 * 1024



class Host(Protocol):
    """What a way in (transport, ASGI app, server) needs from an emulator."""

    @property
    def api(self) -> Api: ...
    @property
    def dispatcher(self) -> Dispatcher: ...

    def handle_raw(
        self,
        method: str,
        path: str,
        query: bytes,
        headers: Sequence[tuple[str, str]],
        body: bytes,
    ) -> tuple[WireResponse, list[OutgoingRequest]]: ...
    def submit(self, requests: Sequence[OutgoingRequest]) -> None: ...
    def start_background(self, interval: float = 0.05) -> None: ...
    def stop_background(self) -> None: ...


async def handle_async(
    emulator: Host,
    method: str,
    path: str,
    query: bytes,
    headers: Sequence[tuple[str, str]],
    body: bytes,
) -> tuple[WireResponse, list[OutgoingRequest]]:
    """:meth:`Host.handle_raw` from an event loop: API requests inline (they do no I/O),
    admin requests on a worker thread (they may call webhooks)."""
    if path.startswith("/__admin"):
        return await anyio.to_thread.run_sync(
            emulator.handle_raw, method, path, query, headers, body
        )
    return emulator.handle_raw(method, path, query, headers, body)


H = TypeVar("H", bound=Host)


class EmulatorApp(Generic[H]):
    """``uvicorn.run(EmulatorApp(emulator))``; see the module docstring."""

    def __init__(self, emulator: H, *, max_body: int = MAX_BODY, inbox: bool = True) -> None:
        self.emulator = emulator
        self.max_body = max_body
        self.inbox: Inbox | None = None
        if inbox and isinstance(emulator, InboxHost):
            self.inbox = Inbox(emulator)
        emulator.dispatcher.background = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await route(scope, receive, send, self._http, serves="the emulator",
                    start=self._start, stop=self._stop)

    async def _start(self) -> None:
        self.emulator.start_background()

    async def _stop(self) -> None:
        self.emulator.stop_background()
        if self.inbox is not None:
            self.inbox.close()

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        emulator = self.emulator
        path: str = scope["path"]
        method: str = scope["method"]
        try:
            if _declared_size(scope) > self.max_body:
                raise BodyTooLarge
            body = await read_body(receive, self.max_body)
        except ClientGone:
            return
        except BodyTooLarge:
            error = _too_large(self.max_body)
            response = emulator.api.fallback(path).render_error(error)
            await _send(send, response)
            return
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        query: bytes = scope.get("query_string", b"")
        if self.inbox is not None and self.inbox.handles(path):
            page = await anyio.to_thread.run_sync(
                self.inbox.handle, method, path, query, headers, body
            )
            await _send(send, page)
            return
        response, outbox = await handle_async(emulator, method, path, query, headers, body)
        await _send(send, response)
        emulator.submit(outbox)


def _declared_size(scope: Scope) -> int:
    """The request's ``Content-Length`` (0 when absent or unreadable: the body is then counted)."""
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else 0
    return 0


def _too_large(limit: int) -> ApiError:
    return api_error(413, None, f"The request body is over the {limit}-byte limit.")


async def _send(send: Send, response: WireResponse) -> None:
    headers = [
        (k.lower().encode("latin-1"), v.encode("latin-1"))
        for k, v in response.headers
        if k.lower() != "content-length"
    ]
    headers.append((b"content-length", str(len(response.body)).encode("ascii")))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
