"""twilio-compat: Twilio's 2008-08-01 and 2010-04-01 SMS APIs behind one message model.

Public names are re-exported here; submodules hold the details.
"""

from __future__ import annotations

import typing as _typing

from compat._version import __version__
from compat.convert import convert_document, detect
from compat.errors import (
    ApiError,
    BodyTooLong,
    CassetteError,
    CompatError,
    ConfigurationError,
    ConnectError,
    HostileDocument,
    InvalidParameter,
    InvalidPhoneNumber,
    MalformedDocument,
    NoMatchingExchange,
    PartialSend,
    ReadError,
    RequestError,
    ResponseError,
    TransportError,
    UnexpectedDocument,
    UnsupportedOperation,
)
from compat.model import (
    Direction,
    ListQuery,
    Message,
    MessagePage,
    MessageUpdate,
    NewMessage,
    Status,
)

__all__ = [
    "ApiError",
    "AsyncClient",
    "BodyTooLong",
    "CassetteError",
    "Client",
    "CompatError",
    "ConfigurationError",
    "ConnectError",
    "Direction",
    "HostileDocument",
    "InvalidParameter",
    "InvalidPhoneNumber",
    "ListQuery",
    "MalformedDocument",
    "Message",
    "MessagePage",
    "MessageUpdate",
    "NewMessage",
    "NoMatchingExchange",
    "PartialSend",
    "ReadError",
    "RequestError",
    "ResponseError",
    "RetryPolicy",
    "Status",
    "TransportError",
    "UnexpectedDocument",
    "UnsupportedOperation",
    "__version__",
    "convert_document",
    "detect",
]


if _typing.TYPE_CHECKING:
    from compat._http import RetryPolicy
    from compat.client import AsyncClient, Client


_LAZY = ("AsyncClient", "Client", "RetryPolicy")


def __getattr__(name: str) -> _typing.Any:
    """The clients and their retry policy, imported on first use: they need httpx, which the
    served emulator and the CLI's quick commands start faster without."""
    if name in ("Client", "AsyncClient"):
        from compat import client

        value = getattr(client, name)
    elif name == "RetryPolicy":
        from compat import _http

        value = _http.RetryPolicy
    else:
        raise AttributeError(f"module 'compat' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
