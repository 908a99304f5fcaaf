"""The one door every request comes through: ``/__admin`` routes to :mod:`.admin`, the rest to
the REST side (:mod:`.api`), both over one :class:`~.service.Service`.

Rules this module keeps:

* Before an API request is answered, the lifecycle steps due by the clock are taken (timed mode,
  scheduled sends), so a response never shows a status the clock has already passed.
* Invalid input never becomes a traceback: a bad query string is a 400 (code 20001) and an
  unexpected failure a 500, both in the dialect's format (admin routes answer their own JSON); a
  failure is logged (without secrets) and kept in the service's ``errors``.
* Handling returns the status callbacks a request caused instead of sending them, so each way in
  picks when: :meth:`Gateway.handle` sends them before returning, transports and the ASGI app after
  the response.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from compat.backends.codes import GENERIC_CODE
from compat.emulator.admin import handle_admin
from compat.emulator.api import Api
from compat.emulator.callbacks import OutgoingRequest
from compat.emulator.errors import api_error
from compat.emulator.service import Service
from compat.errors import MalformedDocument
from compat.wire import WireRequest, WireResponse, decode_form

__all__ = ["Gateway"]

log = logging.getLogger("compat.emulator")


class Gateway:
    """Answers requests (API and admin) from a service; see the module docstring."""

    def __init__(self, service: Service, api: Api | None = None) -> None:
        self.service = service
        self.api = api if api is not None else Api(service)

    def handle(self, request: WireRequest) -> WireResponse:
        """Answer one request, delivering the status callbacks it caused before returning."""
        response, outbox = self.handle_deferred(request)
        self.service.dispatcher.submit(outbox)
        return response

    def handle_raw(
        self,
        method: str,
        path: str,
        query: bytes,
        headers: Sequence[tuple[str, str]],
        body: bytes,
    ) -> tuple[WireResponse, list[OutgoingRequest]]:
        """Like :meth:`handle_deferred`, from a raw query string (a bad one is answered 400)."""
        try:
            pairs = decode_form(query) if query else []
        except MalformedDocument as exc:
            error = api_error(400, GENERIC_CODE, f"The query string could not be read: {exc}")
            return self.api.fallback(path).render_error(error), []
        return self.handle_deferred(WireRequest(method.upper(), path, pairs, headers, body))

    def handle_deferred(self, request: WireRequest) -> tuple[WireResponse, list[OutgoingRequest]]:
        """Answer one request; the status callbacks it caused are returned, not sent."""
        if request.path.startswith("/__admin"):
            return handle_admin(self.service, request), []
        outbox: list[OutgoingRequest] = []
        self.service.scheduler.catch_up(outbox)
        try:
            response = self.api.dispatch(request, outbox)
        except Exception as exc:  # a bug in the emulator or a backend: never a traceback out
            log.exception("emulator error on %s %s", request.method, request.path)
            self.service.errors.append(
                f"{request.method} {request.path}: {type(exc).__name__}: {exc}"
            )
            error = api_error(500, None, "An internal error occurred in the emulator.")
            response = self.api.fallback(request.path).render_error(error)
        return response, outbox
