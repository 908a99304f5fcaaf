"""twilio-compat: Twilio's 2008-08-01 and 2010-04-01 SMS APIs behind one message model.

Public names are re-exported here; submodules hold the details.
"""

from __future__ import annotations

from compat._http import RetryPolicy
from compat._version import __version__
from compat.client import AsyncClient, Client
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
