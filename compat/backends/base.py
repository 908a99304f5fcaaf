"""The contract every dialect backend keeps.

Rules: a backend is pure. It turns model objects into :class:`~compat.wire.WireRequest` values and
:class:`~compat.wire.WireResponse` values back into model objects (the client side), and incoming
requests into :data:`ServerCall` values and model objects into responses (the server side). No
sockets, no ``await``, no httpx. The two sides are mirror images: what ``render_*`` writes,
``parse_*`` reads back equal, restricted to what the dialect can carry.

Errors: building a request the dialect cannot express raises a :class:`~compat.errors.RequestError`;
a response that cannot be read raises a :class:`~compat.errors.ResponseError`; an error response is
returned by :meth:`Backend.parse_error` and raised (as :class:`~compat.errors.ApiError`) by the
other ``parse_*`` methods. On the server side, an invalid request raises
:class:`~compat.errors.ApiError` carrying Twilio's status and code, ready for
:meth:`Backend.render_error`.
"""

from __future__ import annotations

import enum
from typing import Protocol, runtime_checkable

import attrs

from compat.errors import ApiError, CompatError
from compat.model import ListQuery, Message, MessagePage, MessageUpdate, NewMessage, Status
from compat.wire import WireRequest, WireResponse

__all__ = [
    "Backend",
    "CreateCall",
    "DeleteCall",
    "FetchCall",
    "ListCall",
    "Operation",
    "ServerCall",
    "UpdateCall",
]


class Operation(str, enum.Enum):
    """The operations a dialect may offer."""

    CREATE = "create"
    FETCH = "fetch"
    LIST = "list"
    UPDATE = "update"
    DELETE = "delete"


@attrs.frozen
class CreateCall:
    account_sid: str
    message: NewMessage


@attrs.frozen
class FetchCall:
    account_sid: str
    sid: str


@attrs.frozen
class ListCall:
    account_sid: str
    query: ListQuery


@attrs.frozen
class UpdateCall:
    account_sid: str
    sid: str
    update: MessageUpdate


@attrs.frozen
class DeleteCall:
    account_sid: str
    sid: str


ServerCall = CreateCall | FetchCall | ListCall | UpdateCall | DeleteCall


@runtime_checkable
class Backend(Protocol):
    """One API dialect, both directions. See the module docstring for the rules."""

    #: Registry name, e.g. ``"2008-08-01"``.
    name: str
    #: The ``api_version`` messages created through this dialect carry.
    api_version: str
    #: The longest body the dialect accepts, in characters.
    max_body_length: int
    #: Twilio's error code for a body over ``max_body_length`` (21605 or 21617).
    body_too_long_code: int
    #: What the dialect can do.
    operations: frozenset[Operation]

    # -- client side: model -> request ---------------------------------------------------------
    def build_create(self, account_sid: str, message: NewMessage) -> WireRequest: ...
    def build_fetch(self, account_sid: str, sid: str) -> WireRequest: ...
    def build_list(self, account_sid: str, query: ListQuery) -> WireRequest: ...
    def build_next_page(
        self, account_sid: str, query: ListQuery, page: MessagePage
    ) -> WireRequest | None:
        """The request for the page after ``page``, or ``None`` when it was the last."""
        ...

    def build_update(self, account_sid: str, sid: str, update: MessageUpdate) -> WireRequest: ...
    def build_delete(self, account_sid: str, sid: str) -> WireRequest: ...

    # -- client side: response -> model --------------------------------------------------------
    def parse_message(self, response: WireResponse) -> Message: ...
    def parse_page(self, response: WireResponse) -> MessagePage: ...
    def parse_deleted(self, response: WireResponse) -> None: ...
    def parse_error(self, response: WireResponse) -> ApiError: ...

    # -- server side: request -> model ---------------------------------------------------------
    def parse_request(self, request: WireRequest) -> ServerCall | None:
        """The call a request makes, or ``None`` when its path is not this dialect's."""
        ...

    def status_for(self, status: Status) -> Status:
        """``status`` as this dialect writes it (richer statuses map down to the nearest one it
        documents; an unknown string passes through unchanged)."""
        ...

    def error_for(self, error: CompatError) -> ApiError:
        """The error this dialect answers for a library error raised while reading or serving a
        request: an invalid number, a body over the limit, a bad parameter (named by its model
        field, answered with the dialect's wire name, Twilio code and message)."""
        ...

    def not_found(self, path: str) -> ApiError:
        """The dialect's 404 for ``path``."""
        ...

    def method_not_allowed(self, method: str, path: str) -> ApiError:
        """The dialect's 405 for a method its resource does not offer."""
        ...

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
        """A page with this dialect's paging facts and URIs filled in."""
        ...

    def render_message(self, message: Message, *, created: bool = False) -> WireResponse: ...
    def render_page(self, page: MessagePage) -> WireResponse: ...
    def render_deleted(self) -> WireResponse: ...
    def render_error(self, error: ApiError) -> WireResponse: ...

    # -- what a round trip keeps ---------------------------------------------------------------
    def restrict(self, message: Message) -> Message:
        """``message`` as a round trip through this dialect gives it back."""
        ...
