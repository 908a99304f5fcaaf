"""The exception tree of twilio-compat.

Every exception the library raises on purpose derives from :class:`CompatError`.
The tree is named for who is to blame::

    CompatError
    ├── ConfigurationError        set up wrong: missing credentials, unknown backend
    ├── RequestError              a request we refuse to build; nothing was sent
    │   ├── InvalidPhoneNumber    a number that cannot be normalized (names number and field)
    │   ├── BodyTooLong           a body longer than the dialect allows
    │   ├── InvalidParameter      any other bad argument (type, conflict, unknown field)
    │   └── UnsupportedOperation  the backend has no such operation (2008 has no delete)
    ├── ResponseError             a document we cannot read
    │   ├── MalformedDocument     not well-formed XML / JSON / form data, invalid UTF-8
    │   ├── HostileDocument       entities, DTDs, external references, over size or depth
    │   └── UnexpectedDocument    well-formed but not what the dialect promises
    ├── ApiError                  the API answered an error (status, code, message, more_info)
    ├── PartialSend               a split body was sent only in part (.sent, .pieces, .error)
    ├── TransportError            the request may not have reached the API
    │   ├── ConnectError          it certainly did not (refused, DNS, connect timeout)
    │   └── ReadError             it may have (read timeout, connection dropped)
    └── CassetteError             a test cassette cannot be read, written or replayed
        └── NoMatchingExchange    a request matches nothing recorded (names the closest)

Rules: messages name the offending value and field but never a secret; nothing here imports lxml,
json or httpx, so the tree is cheap to import and safe to catch anywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from compat.model import Message

__all__ = [
    "ApiError",
    "BodyTooLong",
    "CassetteError",
    "CompatError",
    "ConfigurationError",
    "ConnectError",
    "HostileDocument",
    "InvalidParameter",
    "InvalidPhoneNumber",
    "MalformedDocument",
    "NoMatchingExchange",
    "PartialSend",
    "ReadError",
    "RequestError",
    "ResponseError",
    "TransportError",
    "UnexpectedDocument",
    "UnsupportedOperation",
]


class CompatError(Exception):
    """Base class of every error twilio-compat raises on purpose."""


class ConfigurationError(CompatError):
    """The library was set up wrong: missing credentials, an unknown backend name."""


class RequestError(CompatError):
    """A request we refuse to build. Nothing was sent."""


class InvalidPhoneNumber(RequestError, ValueError):
    """A phone number, short code or sender ID that cannot be normalized.

    ``field`` is the wire field it came from (``"To"``, ``"From"``) when known; the server side maps
    ``To`` to Twilio code 21211 and ``From`` to 21212.
    """

    def __init__(self, value: str, reason: str, *, field: str | None = None) -> None:
        self.value = value
        self.reason = reason
        self.field = field
        where = f"The {field!r} number" if field else "The number"
        super().__init__(f"{where} {value!r} is not a valid phone number: {reason}")


class BodyTooLong(RequestError, ValueError):
    """A message body longer than the dialect allows (160 or 1,600 characters)."""

    def __init__(self, length: int, limit: int, dialect: str) -> None:
        self.length = length
        self.limit = limit
        self.dialect = dialect
        super().__init__(
            f"The message body is {length} characters; "
            f"the {dialect} dialect allows at most {limit}"
        )


class InvalidParameter(RequestError, ValueError):
    """Any other argument we refuse: wrong type, conflicting or missing fields, an unknown field."""

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(message)


class UnsupportedOperation(RequestError):
    """The backend has no such operation (the 2008 API cannot delete or redact)."""

    def __init__(self, backend: str, operation: str) -> None:
        self.backend = backend
        self.operation = operation
        super().__init__(f"The {backend} backend does not support {operation!r}")


class ResponseError(CompatError):
    """A document we cannot read. ``dialect`` names the format when known."""

    def __init__(self, message: str, *, dialect: str | None = None) -> None:
        self.dialect = dialect
        super().__init__(message)


class MalformedDocument(ResponseError, ValueError):
    """Not well-formed XML, JSON or form data, or bytes that are not valid UTF-8."""


class HostileDocument(ResponseError, ValueError):
    """A document refused for safety: entities, a DTD, external references, or over a size or depth
    limit. Nothing it references was read."""


class UnexpectedDocument(ResponseError, ValueError):
    """Well-formed, but not what the dialect promises: a missing, unknown or mistyped field."""


class ApiError(CompatError):
    """The API answered with an error.

    ``status`` is the HTTP status, ``code`` the Twilio error code (``None`` when the API gave none),
    ``message`` the API's text and ``more_info`` its documentation link. A client fills in
    ``method`` and ``url`` of the request that failed.
    """

    def __init__(
        self,
        status: int,
        message: str,
        code: int | None = None,
        more_info: str | None = None,
        *,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.code = code
        self.more_info = more_info
        self.method = method
        self.url = url
        super().__init__(status, message, code, more_info)

    def __str__(self) -> str:
        head = f"HTTP {self.status}"
        if self.code is not None:
            head += f" (code {self.code})"
        where = f" on {self.method} {self.url}" if self.method and self.url else ""
        return f"{head}{where}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"ApiError(status={self.status!r}, message={self.message!r}, code={self.code!r}, "
            f"more_info={self.more_info!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ApiError):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[int, str, int | None, str | None]:
        return (self.status, self.message, self.code, self.more_info)

    def with_request(self, method: str, url: str) -> ApiError:
        """A copy that names the request that failed."""
        return ApiError(
            self.status, self.message, self.code, self.more_info, method=method, url=url
        )


class PartialSend(CompatError):
    """A body split into several messages was sent only in part.

    ``sent`` holds the messages that were sent (in order), ``pieces`` how many there were to send,
    and ``error`` the :class:`ApiError` or :class:`TransportError` that stopped the rest (also the
    exception's ``__cause__``). Nothing after the failed piece was sent.
    """

    def __init__(self, sent: tuple[Message, ...], pieces: int, error: CompatError) -> None:
        self.sent = sent
        self.pieces = pieces
        self.error = error
        super().__init__(
            f"{len(sent)} of {pieces} pieces of a split body were sent, then: {error}"
        )


class TransportError(CompatError):
    """The request may not have reached the API."""


class ConnectError(TransportError):
    """The request certainly did not reach the API: refused, unresolvable, or a connect timeout."""


class ReadError(TransportError):
    """The request may have reached the API: a read timeout or a dropped connection."""


class CassetteError(CompatError):
    """A test cassette cannot be read, written or replayed (see :mod:`compat.testing.replay`)."""


class NoMatchingExchange(CassetteError):
    """A request matches no recorded exchange that is left to play.

    ``request`` describes the request (scrubbed), ``closest`` the nearest recorded one (or
    ``None`` when the cassette is empty) and ``differences`` what differed, field by field.
    """

    def __init__(
        self, message: str, *, request: str, closest: str | None, differences: tuple[str, ...]
    ) -> None:
        self.request = request
        self.closest = closest
        self.differences = differences
        super().__init__(message)
