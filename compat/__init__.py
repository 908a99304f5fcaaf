"""twilio-compat: Twilio's 2008-08-01 and 2010-04-01 SMS APIs behind one message model.

Public names are re-exported here; submodules hold the details.
"""

from __future__ import annotations

import typing as _typing

from compat._version import __version__
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
    from compat._retry import RetryPolicy
    from compat.client import AsyncClient, Client
    from compat.convert import convert_document, detect
    from compat.model import (
        Direction,
        ListQuery,
        Message,
        MessagePage,
        MessageUpdate,
        NewMessage,
        Status,
    )


#: The public names imported on first use, and the module each comes from.
_LAZY: dict[str, str] = {
    "AsyncClient": "compat.client",
    "Client": "compat.client",
    "RetryPolicy": "compat._retry",
    "convert_document": "compat.convert",
    "detect": "compat.convert",
    **dict.fromkeys(
        ("Direction", "ListQuery", "Message", "MessagePage", "MessageUpdate", "NewMessage",
         "Status"),
        "compat.model",
    ),
}


def __getattr__(name: str) -> _typing.Any:
    """The public names that need more than the errors, imported on first use: the clients need
    httpx, their retry policy attrs, the converters lxml and every backend, the message model
    attrs and phonenumbers. ``import compat`` alone (a library catching our errors, the CLI's
    quick commands) loads none of them."""
    if name == "Client" or name == "AsyncClient":
        from compat import client

        value = getattr(client, name)
    elif name == "RetryPolicy":
        from compat import _retry

        value = _retry.RetryPolicy
    elif name == "convert_document" or name == "detect":
        from compat import convert

        value = getattr(convert, name)
    elif _LAZY.get(name) == "compat.model":
        from compat import model

        value = getattr(model, name)
    else:
        raise AttributeError(f"module 'compat' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
