"""The REST side of the emulator: route a request to a dialect backend, authenticate, operate.

Rules this module keeps:

* A request is offered to each registered backend's ``parse_request``; the first that claims it owns
  the answer, rendered in its own dialect (2008 XML, 2010 JSON). No backend claims it: the fallback
  dialect's 404 (``not_found``, in the representation the path's suffix asks for), and the request
  is recorded in the service's ``unrouted``.
* Authentication comes before validation (:mod:`.auth`); missing or wrong credentials, or an
  account other than the one in the path, get 401 / 20003 with a ``WWW-Authenticate`` header. An
  account only ever sees its own messages (the dialect's 404 for anyone else's SID). A request to
  a message that does not exist is a 404 before its form is judged (an invalid update of an
  unknown SID is a 404, not a 400); a method the resource lacks stays a 405.
* Which error a library error raised while reading a request becomes, and what a 404 looks like,
  is the backend's to say (``error_for``, ``not_found``): this module never looks at field names,
  limits or codes. The operations themselves are the :class:`~.service.Service`'s.
"""

from __future__ import annotations

import re

import attrs

from compat.backends.base import (
    Backend,
    CreateCall,
    DeleteCall,
    FetchCall,
    ListCall,
    ServerCall,
    UpdateCall,
)
from compat.backends.form_backend import FormBackend
from compat.emulator.callbacks import OutgoingRequest
from compat.emulator.service import Service
from compat.errors import ApiError, CompatError
from compat.model import Message
from compat.wire import WireRequest, WireResponse

__all__ = ["Api"]

_ACCOUNT_IN_PATH = re.compile(r"/Accounts/([^/.]+)")
_CHALLENGE = ("WWW-Authenticate", 'Basic realm="Twilio API"')


class Api:
    """Answers API requests from a service (see the module docstring)."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def fallback(self, path: str) -> Backend:
        """The backend that answers for ``path`` when none claimed it: of those whose API version
        starts the path, the first whose routes take the path's suffix (``.json`` JSON, none or
        ``.xml`` XML), else the first; with none, the first of the newest API version."""
        served = self.service.backends
        same = [b for b in served if path.startswith(f"/{b.api_version}/")]
        for backend in same:
            if isinstance(backend, FormBackend) and backend.rules.routes.speaks(path):
                return backend
        if same:
            return same[0]
        return max(served, key=lambda backend: backend.api_version)

    def dispatch(self, request: WireRequest, outbox: list[OutgoingRequest]) -> WireResponse:
        """Answer ``request``; status callbacks it causes are appended to ``outbox``."""
        owner: Backend | None = None
        call: ServerCall | None = None
        error: ApiError | None = None
        for backend in self.service.backends:
            try:
                call = backend.parse_request(request)
            except ApiError as exc:
                owner, error = backend, exc
                break
            except CompatError as exc:
                owner, error = backend, backend.error_for(exc)
                break
            if call is not None:
                owner = backend
                break
        if owner is None:
            self.service.unrouted.append(f"{request.method} {request.path}")
            fallback = self.fallback(request.path)
            return fallback.render_error(fallback.not_found(request.path))
        account_sid = call.account_sid if call is not None else _path_account(request.path)
        denied = self.service.auth.check(request.header("authorization"), account_sid)
        if denied is not None:
            response = owner.render_error(denied)
            return attrs.evolve(response, headers=(*response.headers, _CHALLENGE))
        if error is not None:
            if error.status == 400 and self._names_a_missing_message(owner, request):
                return owner.render_error(owner.not_found(request.path))
            return owner.render_error(error)
        assert call is not None
        try:
            return self._execute(owner, call, request.path, outbox)
        except ApiError as exc:
            return owner.render_error(exc)

    def _names_a_missing_message(self, backend: Backend, request: WireRequest) -> bool:
        """Whether ``request`` is addressed to a message its account does not have: that is a 404
        before anything in the request is judged (an update of an unknown SID)."""
        try:
            call = backend.parse_request(WireRequest("GET", request.path))
        except CompatError:
            return False
        return isinstance(call, FetchCall) and self.service.fetch(*_key(call)) is None

    def _execute(
        self, backend: Backend, call: ServerCall, path: str, outbox: list[OutgoingRequest]
    ) -> WireResponse:
        service = self.service
        if isinstance(call, CreateCall):
            created = service.create(call.account_sid, call.message, dialect=backend, outbox=outbox)
            return backend.render_message(created, created=True)
        if isinstance(call, FetchCall):
            return backend.render_message(_found(backend, path, service.fetch(*_key(call))))
        if isinstance(call, ListCall):
            return backend.render_page(service.page(call.account_sid, call.query, dialect=backend))
        if isinstance(call, UpdateCall):
            updated = service.update(call.account_sid, call.sid, call.update, outbox)
            return backend.render_message(_found(backend, path, updated))
        if isinstance(call, DeleteCall):
            if not service.delete(*_key(call)):
                raise backend.not_found(path)
            return backend.render_deleted()
        raise TypeError(f"unknown call {type(call).__name__}")


def _key(call: FetchCall | DeleteCall) -> tuple[str, str]:
    return call.account_sid, call.sid


def _found(backend: Backend, path: str, message: Message | None) -> Message:
    if message is None:
        raise backend.not_found(path)
    return message


def _path_account(path: str) -> str | None:
    found = _ACCOUNT_IN_PATH.search(path)
    return found.group(1) if found else None
