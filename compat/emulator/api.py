"""The REST side of the emulator: route a request to a dialect backend, authenticate, operate.

Rules this module keeps:

* A request is offered to each registered backend's ``parse_request``; the first that claims it owns
  the answer, rendered in its own dialect (2008 XML, 2010 JSON). No backend claims it: 404 (20404
  where the dialect has codes), and the request is recorded in ``Emulator.unrouted``.
* Authentication comes before validation (:mod:`.auth`); missing or wrong credentials, or an
  account other than the one in the path, get 401 / 20003 with a ``WWW-Authenticate`` header. An
  account only ever sees its own messages (404 for anyone else's SID).
* Checks after the backend's own validation: Twilio's magic test numbers (:mod:`.magic`), then, for
  accounts that ask for it, that ``From`` is one of the account's numbers (21606).
* A library error raised while reading a request becomes the 400 Twilio would answer (an invalid
  number 21211 / 21212, a long body 21605 / 21617), never a traceback.
* Only scheduled, accepted and queued messages can be canceled; anything else is a 400.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

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
from compat.backends.codes import twilio_error
from compat.emulator import lifecycle, listing, magic
from compat.emulator.callbacks import OutgoingRequest
from compat.emulator.store import Record
from compat.errors import ApiError, CompatError
from compat.model import Direction, Message, Status
from compat.wire import WireRequest, WireResponse

if TYPE_CHECKING:
    from compat.emulator.core import Emulator

__all__ = ["Api", "api_error"]

_ACCOUNT_IN_PATH = re.compile(r"/Accounts/([^/.]+)")
_CANCELABLE = frozenset({"scheduled", "accepted", "queued"})


def api_error(status: int, code: int | None, message: str) -> ApiError:
    """Twilio's error answer: with a code it carries the code's documentation link."""
    return ApiError(status, message) if code is None else twilio_error(code, message, status)


class Api:
    """Answers API requests for an emulator (see the module docstring)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def fallback(self, path: str) -> Backend:
        """The backend that answers for ``path`` when none claimed it: by API version, else 2010."""
        for backend in self.emulator.backends:
            if path.startswith(f"/{backend.api_version}/"):
                return backend
        by_name = {b.name: b for b in self.emulator.backends}
        return by_name.get("2010-04-01", self.emulator.backends[0])

    def dispatch(self, request: WireRequest, outbox: list[OutgoingRequest]) -> WireResponse:
        """Answer ``request``; status callbacks it causes are appended to ``outbox``."""
        owner: Backend | None = None
        call: ServerCall | None = None
        error: ApiError | None = None
        for backend in self.emulator.backends:
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
            self.emulator.unrouted.append(f"{request.method} {request.path}")
            fallback = self.fallback(request.path)
            return fallback.render_error(self._not_found(request, fallback))
        account_sid = call.account_sid if call is not None else self._path_account(request.path)
        denied = self.emulator.auth.check(request.header("authorization"), account_sid)
        if denied is not None:
            response = owner.render_error(denied)
            return attrs.evolve(
                response,
                headers=(*response.headers, ("WWW-Authenticate", 'Basic realm="Twilio API"')),
            )
        if error is not None:
            return owner.render_error(error)
        assert call is not None
        try:
            return self._execute(owner, call, request, outbox)
        except ApiError as exc:
            return owner.render_error(exc)

    @staticmethod
    def _not_found(request: WireRequest, backend: Backend) -> ApiError:
        """The dialect's 404 (2008 gives no code)."""
        return backend.not_found(request.path)

    @staticmethod
    def _path_account(path: str) -> str | None:
        found = _ACCOUNT_IN_PATH.search(path)
        return found.group(1) if found else None

    def _execute(
        self,
        backend: Backend,
        call: ServerCall,
        request: WireRequest,
        outbox: list[OutgoingRequest],
    ) -> WireResponse:
        if isinstance(call, CreateCall):
            message = self._create(backend, call, outbox)
            return backend.render_message(message, created=True)
        if isinstance(call, FetchCall):
            record = self._owned(backend, call.account_sid, call.sid, request)
            return backend.render_message(record.message)
        if isinstance(call, ListCall):
            return self._list(backend, call)
        if isinstance(call, UpdateCall):
            record = self._owned(backend, call.account_sid, call.sid, request)
            return backend.render_message(self._update(record, call, outbox))
        if isinstance(call, DeleteCall):
            self._owned(backend, call.account_sid, call.sid, request)
            self.emulator.store.delete(call.sid)
            return backend.render_deleted()
        raise TypeError(f"unknown call {type(call).__name__}")

    def _owned(
        self, backend: Backend, account_sid: str, sid: str, request: WireRequest
    ) -> Record:
        record = self.emulator.store.get(sid, account_sid)
        if record is None:
            raise self._not_found(request, backend)
        return record

    def _create(
        self, backend: Backend, call: CreateCall, outbox: list[OutgoingRequest]
    ) -> Message:
        new = call.message
        hit = magic.check(new.from_, new.to)
        if hit is not None:
            code, text = hit
            raise api_error(400, code, text)
        account = self.emulator.store.account(call.account_sid)
        if account is not None and account.own_numbers_only and new.from_ is not None:
            owned = self.emulator.store.number(new.from_)
            if new.from_ != magic.PASSING_FROM and (
                owned is None or owned.account_sid != account.sid
            ):
                raise api_error(
                    400,
                    21606,
                    f"The From phone number {new.from_} is not a valid, SMS-capable inbound "
                    "phone number or short code for your account.",
                )
        if new.send_at is not None:
            first = Status.SCHEDULED
        elif new.messaging_service_sid is not None and new.from_ is None:
            first = Status.ACCEPTED
        else:
            first = Status.QUEUED
        pending = lifecycle.plan(
            self.emulator.outcome_for(new.to),
            backend.name,
            scheduled=first is not Status.QUEUED,
        )
        return self.emulator.store_message(
            account_sid=call.account_sid,
            to=new.to,
            from_=new.from_,
            body=new.body or "",
            media_urls=new.media_urls,
            status=first,
            direction=Direction.OUTBOUND_API,
            dialect=backend.name,
            api_version=backend.api_version,
            messaging_service_sid=new.messaging_service_sid,
            status_callback=new.status_callback,
            pending=pending,
            send_at=new.send_at,
            outbox=outbox,
        )

    def _list(self, backend: Backend, call: ListCall) -> WireResponse:
        query = call.query
        found = listing.ordered(self.emulator.store.records(call.account_sid), query)
        window, total = listing.page_slice(found, query)
        items = tuple(r.message for r in window)
        result = backend.make_page(
            call.account_sid,
            query,
            items,
            page=query.page or 0,
            page_size=query.page_size or listing.DEFAULT_PAGE_SIZE,
            total=total,
        )
        return backend.render_page(result)

    def _update(
        self, record: Record, call: UpdateCall, outbox: list[OutgoingRequest]
    ) -> Message:
        update = call.update
        now = self.emulator.clock.now().replace(microsecond=0)
        with self.emulator.store.lock:
            current = self.emulator.store.get(record.sid)
            if current is None:
                raise api_error(404, 20404, f"The requested resource {record.sid} was not found")
            message = current.message
            changes: dict[str, Any] = {"date_updated": now}
            canceled = False
            if update.status == Status.CANCELED:
                if str(message.status) not in _CANCELABLE:
                    raise api_error(
                        400,
                        None,
                        f"Message {message.sid} cannot be canceled: its status is "
                        f"{message.status}.",
                    )
                changes.update(status=Status.CANCELED, date_sent=None)
                canceled = True
            if update.body is not None:
                changes["body"] = update.body
            updated = attrs.evolve(
                current,
                message=attrs.evolve(message, **changes),
                pending=() if canceled else current.pending,
                due_at=None if canceled else current.due_at,
            )
            self.emulator.store.replace(updated)
        if canceled and lifecycle.calls_back(updated, "canceled"):
            outbox.extend(self.emulator.status_requests(updated))
        return updated.message
