"""The public base for form-encoded dialects: requests, validation and refusals, from rules.

Rules this module keeps:

* A :class:`FormBackend` is its :class:`~compat.backends.rules.DialectRules` plus the code that
  writes and reads its documents. Everything about requests comes from the rules: paths, the
  create, list, update and delete forms, Twilio's validation of them on the server side, the
  method override, paging requests, error answers for library errors, and what a round trip
  keeps (:meth:`FormBackend.restrict`). No method here looks at the dialect's name.
* Subclasses supply the document side: ``parse_message``, ``parse_page``, ``parse_error``,
  ``render_message``, ``render_page`` and ``render_error``. :class:`~compat.backends.json_backend.
  JsonBackend` and :class:`~compat.backends.xml_backend.XmlBackend` do, from the rules' field
  tables, so most new dialects subclass one of those and supply only data.
* The server side never lets a :class:`~compat.errors.RequestError` escape: every refusal is an
  :class:`~compat.errors.ApiError` with Twilio's status, code and ``more_info`` link.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar
from urllib.parse import urlencode

import attrs

from compat.backends.base import (
    CreateCall,
    DeleteCall,
    FetchCall,
    ListCall,
    Operation,
    ServerCall,
    UpdateCall,
)
from compat.backends.codes import bad_request, body_too_long, twilio_error
from compat.backends.forms import (
    decode_create,
    decode_query,
    decode_update,
    encode_create,
    encode_query,
    encode_update,
)
from compat.backends.numbers import read_number, write_number
from compat.backends.rules import READ_ONLY, DialectRules
from compat.errors import (
    ApiError,
    BodyTooLong,
    CompatError,
    InvalidPhoneNumber,
    MalformedDocument,
    ResponseError,
    UnexpectedDocument,
    UnsupportedOperation,
)
from compat.model import (
    ACCOUNT_SID,
    MESSAGE_SID,
    ListQuery,
    Message,
    MessagePage,
    MessageUpdate,
    NewMessage,
    Status,
)
from compat.wire import FORM_CONTENT_TYPE, WireRequest, WireResponse, encode_form, form_value

__all__ = ["FormBackend"]

_DATES = ("date_created", "date_updated", "date_sent")
_FORM_HEADERS = (("Content-Type", FORM_CONTENT_TYPE),)


class FormBackend(abc.ABC):
    """A form-encoded dialect, both sides, driven by its :class:`DialectRules`.

    A subclass sets :attr:`RULES` (or an instance is made with ``rules=``) and writes and reads
    its documents. Stateless: one instance serves every thread.
    """

    #: The rules an instance made without ``rules=`` takes.
    RULES: ClassVar[DialectRules]

    def __init__(self, rules: DialectRules | None = None) -> None:
        self.rules: DialectRules = rules if rules is not None else type(self).RULES
        self.name: str = self.rules.name
        self.api_version: str = self.rules.api_version
        self.max_body_length: int = self.rules.max_body_length
        self.body_too_long_code: int = self.rules.body_too_long_code
        self.operations: frozenset[Operation] = self.rules.operations

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    def _require(self, operation: Operation) -> None:
        if operation not in self.operations:
            raise UnsupportedOperation(self.name, operation.value)

    # -- client side: model -> request ---------------------------------------------------------

    def build_create(self, account_sid: str, message: NewMessage) -> WireRequest:
        if message.body is not None and len(message.body) > self.max_body_length:
            raise BodyTooLong(len(message.body), self.max_body_length, self.name)
        return WireRequest(
            "POST",
            self.rules.routes.list_path(account_sid),
            headers=_FORM_HEADERS,
            body=encode_form(encode_create(message, self.rules)),
        )

    def build_fetch(self, account_sid: str, sid: str) -> WireRequest:
        return WireRequest("GET", self.rules.routes.instance_path(account_sid, sid))

    def build_list(self, account_sid: str, query: ListQuery) -> WireRequest:
        return WireRequest("GET", self.rules.routes.list_path(account_sid),
                           query=encode_query(query, self.rules))

    def build_next_page(
        self, account_sid: str, query: ListQuery, page: MessagePage
    ) -> WireRequest | None:
        """Follow ``next_page_uri``; without one, page + 1 when ``num_pages`` says it exists."""
        if page.next_page_uri:
            return WireRequest.from_target("GET", page.next_page_uri)
        if not page.has_next:
            return None
        following = attrs.evolve(query, page=page.page + 1, page_size=page.page_size)
        return self.build_list(account_sid, following)

    def build_update(self, account_sid: str, sid: str, update: MessageUpdate) -> WireRequest:
        self._require(Operation.UPDATE)
        return WireRequest(
            "POST",
            self.rules.routes.instance_path(account_sid, sid),
            headers=_FORM_HEADERS,
            body=encode_form(encode_update(update)),
        )

    def build_delete(self, account_sid: str, sid: str) -> WireRequest:
        self._require(Operation.DELETE)
        return WireRequest("DELETE", self.rules.routes.instance_path(account_sid, sid))

    # -- client side: response -> model --------------------------------------------------------

    @abc.abstractmethod
    def parse_message(self, response: WireResponse) -> Message:
        """The message a 200/201 response holds; an error response raises its ApiError."""

    @abc.abstractmethod
    def parse_page(self, response: WireResponse) -> MessagePage:
        """The page a 200 response holds; an error response raises its ApiError."""

    @abc.abstractmethod
    def parse_error(self, response: WireResponse) -> ApiError:
        """The error an error response reports."""

    def _check_status(self, response: WireResponse, what: str, ok: Iterable[int]) -> None:
        """Raise the error an error response reports, or refuse a status outside ``ok``."""
        if response.status >= 400:
            raise self.parse_error(response)
        if response.status not in ok:
            raise UnexpectedDocument(
                f"unexpected HTTP status {response.status} for {what}", dialect=self.name
            )

    def parse_deleted(self, response: WireResponse) -> None:
        if response.status >= 400:
            raise self.parse_error(response)
        self._require(Operation.DELETE)
        self._check_status(response, "a delete", (200, 204))

    # -- server side: request -> model ---------------------------------------------------------

    def parse_request(self, request: WireRequest) -> ServerCall | None:
        matched = self.rules.routes.match(request.path)
        if matched is None:
            return None
        account, sid = matched
        if not ACCOUNT_SID.match(account) or (sid is not None and not MESSAGE_SID.match(sid)):
            raise self.not_found(request.path)
        method = request.method.upper()
        if self.rules.method_override and method == "POST":
            override = form_value(request.query, "_method")
            if override:
                method = override.upper()
        if sid is None:
            if method == "GET":
                return ListCall(account, decode_query(request.query, self.rules))
            if method == "POST":
                return CreateCall(account, decode_create(self._form(request), self.rules))
        elif method == "GET":
            return FetchCall(account, sid)
        elif method == "POST" and Operation.UPDATE in self.operations:
            return UpdateCall(account, sid, decode_update(self._form(request)))
        elif method == "DELETE" and Operation.DELETE in self.operations:
            return DeleteCall(account, sid)
        raise self.method_not_allowed(method, request.path)

    @staticmethod
    def _form(request: WireRequest) -> list[tuple[str, str]]:
        try:
            return request.form()
        except MalformedDocument as exc:
            raise bad_request(f"The request body is not form data: {exc}") from None

    def status_for(self, status: Status) -> Status:
        return self.rules.status(status)

    def error_for(self, error: CompatError) -> ApiError:
        """Twilio's answer, in this dialect, for a library error raised while serving a request."""
        if isinstance(error, ApiError):
            return error
        if isinstance(error, InvalidPhoneNumber):
            table = self.rules.invalid_number
            code, template = table.get(error.field or "to", table["to"])
            return twilio_error(code, template.format(error.value))
        if isinstance(error, BodyTooLong):
            return body_too_long(self.body_too_long_code, self.max_body_length)
        if isinstance(error, ResponseError):
            return bad_request(f"The request could not be read: {error}")
        return bad_request(str(error))

    def not_found(self, path: str) -> ApiError:
        """The dialect's 404, naming the path as Twilio does (code 20404)."""
        return twilio_error(20404, f"The requested resource {path} was not found", 404)

    def method_not_allowed(self, method: str, path: str) -> ApiError:
        """The dialect's 405 for a method its resource does not support (code 20004)."""
        return twilio_error(20004, f"Method not allowed: {method} is not supported on {path}", 405)

    # -- server side: model -> response --------------------------------------------------------

    def make_page(
        self,
        account_sid: str,
        query: ListQuery,
        items: tuple[Message, ...],
        *,
        page: int,
        page_size: int,
        total: int,
    ) -> MessagePage:
        """A page with the paging facts and URIs this dialect's documents carry.

        Counted dialects carry ``total``, ``num_pages`` and number their pages; the others link
        pages by token: ``PA`` plus the last SID on this page for the next one, ``PB`` plus the
        first for the previous one (the page number stays authoritative).
        """
        start = page * page_size
        counted = self.rules.counted_pages
        num_pages = -(-total // page_size) if page_size else 0
        facts: dict[str, Any] = {
            "items": items, "page": page, "page_size": page_size, "start": start,
            "end": start + len(items) - 1 if items else start,
            "total": total if counted else None, "num_pages": num_pages if counted else None,
        }
        if not self.rules.page_uris:
            return MessagePage(**facts)
        filters = encode_query(
            attrs.evolve(query, page=None, page_size=None, page_token=None), self.rules
        )

        def uri(number: int, token: str | None = None) -> str:
            return self._page_uri(account_sid, filters, page_size, number, token)

        has_next = bool(items) and (page + 1) * page_size < total
        facts.update(uri=uri(page, query.page_token), first_page_uri=uri(0))
        if counted:
            facts.update(
                next_page_uri=uri(page + 1) if has_next else None,
                previous_page_uri=uri(page - 1) if page > 0 else None,
                last_page_uri=uri(max(num_pages - 1, 0)),
            )
        else:
            facts.update(
                next_page_uri=uri(page + 1, "PA" + items[-1].sid) if has_next else None,
                previous_page_uri=(uri(page - 1, "PB" + items[0].sid if items else None)
                                   if page > 0 else None),
            )
        return MessagePage(**facts)

    def _page_uri(self, account_sid: str, filters: list[tuple[str, str]], size: int,
                  number: int, token: str | None) -> str:
        pairs = list(filters)
        for name in self.rules.page_uri_order:
            pairs.append((name, str(size) if name == "PageSize" else str(number)))
        if token:
            pairs.append(("PageToken", token))
        return f"{self.rules.routes.list_path(account_sid)}?{urlencode(pairs)}"

    @abc.abstractmethod
    def render_message(self, message: Message, *, created: bool = False) -> WireResponse:
        """A message answer (201 for a create)."""

    @abc.abstractmethod
    def render_page(self, page: MessagePage) -> WireResponse:
        """A list page answer."""

    @abc.abstractmethod
    def render_error(self, error: ApiError) -> WireResponse:
        """An error answer."""

    def render_deleted(self) -> WireResponse:
        self._require(Operation.DELETE)
        return WireResponse(204)

    # -- what a round trip keeps ---------------------------------------------------------------

    def message_uri(self, message: Message) -> str:
        """The URI this dialect writes for a message."""
        return self.rules.routes.instance_path(message.account_sid, message.sid)

    def restrict(self, message: Message) -> Message:
        """``message`` as a round trip through this dialect gives it back.

        Fields the documents lack become ``None`` (``media_urls`` ``()``), except
        ``api_version``, which reads as the dialect's own; statuses map down; dates lose their
        sub-second part and come back in UTC (the instant is unchanged); numbers come back as
        the dialect's number style re-reads them; ``uri`` is the dialect's own URI.
        """
        rules = self.rules
        carried = rules.carried
        changes: dict[str, Any] = {}
        for attribute in attrs.fields(Message):
            if attribute.name not in carried:
                changes[attribute.name] = () if attribute.name in READ_ONLY else None
        if "api_version" not in carried:
            changes["api_version"] = rules.api_version
        for name in _DATES:
            value: dt.datetime | None = getattr(message, name)
            if value is not None and name in carried:
                changes[name] = value.astimezone(dt.timezone.utc).replace(microsecond=0)
        changes["status"] = rules.status(message.status)
        if "uri" in carried:
            changes["uri"] = self.message_uri(message)
        style = rules.number_style
        for field in rules.fields:
            if field.kind == "number":
                written = write_number(getattr(message, field.model), style)
                changes[field.model] = read_number(written, style)
        return attrs.evolve(message, **changes)
