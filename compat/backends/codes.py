"""Twilio's error answers: codes, their texts and their documentation links.

Rules this module keeps:

* Every answer with a Twilio code carries Twilio's ``more_info`` link for that code.
* The texts are Twilio's own, keyed by code; where a text names a value, ``{}`` stands for it.
* Which code a field's error gets is data (:data:`INVALID_NUMBER` and :data:`INVALID_VALUE`,
  keyed by the model's field name); a dialect may hand other tables to its backend.
* Every error answer carries a code: a bad value Twilio documents no code for gets
  :data:`GENERIC_CODE` (20001), so a client can always read ``code`` and ``more_info``.
"""

from __future__ import annotations

import http
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from compat.errors import ApiError

__all__ = [
    "GENERIC_CODE",
    "INVALID_NUMBER",
    "INVALID_VALUE",
    "NO_BODY",
    "PAGE_SIZE_TOO_LARGE",
    "SEND_AT_MISSING",
    "TOO_LONG",
    "bad_request",
    "body_required",
    "body_too_long",
    "invalid_value",
    "more_info",
    "plain_error",
    "twilio_error",
]

#: Twilio's text for a create without content, by code (21602 before 2010 media, 21619 after).
NO_BODY: Final[Mapping[int, str]] = MappingProxyType({
    21602: "Message body is required.",
    21619: "A text message body or media urls must be specified.",
})

#: Twilio's limit and text for a body over it, by code (21605: 160 characters, 21617: 1,600).
TOO_LONG: Final[Mapping[int, tuple[int, str]]] = MappingProxyType({
    21605: (160, "The message body exceeds the 160 character limit."),
    21617: (1600, "The concatenated message body exceeds the 1600 character limit."),
})

#: Twilio's code and text for a number it cannot read, by model field; ``{}`` is the number.
INVALID_NUMBER: Final[Mapping[str, tuple[int, str]]] = MappingProxyType({
    "to": (21211, "The 'To' number {} is not a valid phone number."),
    "from_": (
        21212,
        "The 'From' number {} is not a valid phone number, shortcode, or alphanumeric sender ID.",
    ),
    "fallback_from": (21212, "The 'FallbackFrom' number {} is not a valid phone number."),
})


#: The code of a bad parameter value Twilio documents no code of its own for: 20001, the REST
#: API's generic parameter code (its dictionary title is "Unknown parameters"; twilio-python's own
#: tests use it for a plain "Bad request"). See docs/dialects.md.
GENERIC_CODE: Final = 20001

#: Twilio's code for a bad value of a model field, where Twilio documents one.
INVALID_VALUE: Final[Mapping[str, int]] = MappingProxyType({
    "validity_period": 21624,  # Invalid validity period value (1..36000 seconds)
    "send_at": 35115,  # Scheduling does not support this timestamp
    "schedule_type": 35126,  # The ScheduleType value provided is not supported
})

#: Twilio's code for a ``PageSize`` over 1,000: 20007 "Page size too large".
PAGE_SIZE_TOO_LARGE: Final = 20007

#: Twilio's code and text for ``ScheduleType=fixed`` without ``SendAt``.
SEND_AT_MISSING: Final = (35111, "SendAt timestamp is missing: ScheduleType 'fixed' needs SendAt.")


def invalid_value(field: str | None, message: str) -> ApiError:
    """The answer to a bad value of model field ``field``: Twilio's code for it where it documents
    one (:data:`INVALID_VALUE`), else :data:`GENERIC_CODE`."""
    return twilio_error(INVALID_VALUE.get(field or "", GENERIC_CODE), message)


def body_required(code: int) -> ApiError:
    """The answer to a create without content, with Twilio's text for ``code``."""
    return twilio_error(code, NO_BODY.get(code, NO_BODY[21602]))


def body_too_long(code: int, limit: int) -> ApiError:
    """The answer to a body over ``limit`` characters: Twilio's text for ``code`` where it states
    that limit, else the same sentence with this limit."""
    known = TOO_LONG.get(code)
    if known is not None and known[0] == limit:
        return twilio_error(code, known[1])
    return twilio_error(code, f"The message body exceeds the {limit} character limit.")


def more_info(code: int) -> str:
    """Twilio's documentation link for an error code."""
    return f"https://www.twilio.com/docs/errors/{code}"


def twilio_error(code: int, message: str, status: int = 400) -> ApiError:
    """An API error with a Twilio code and its ``more_info`` link."""
    return ApiError(status, message, code, more_info(code))


def bad_request(message: str) -> ApiError:
    """A 400 for a malformed request or value Twilio documents no code for (20001)."""
    return twilio_error(GENERIC_CODE, message)


def plain_error(status: int) -> ApiError:
    """The error for a response that holds no error document (a proxy's HTML page, no body)."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return ApiError(status, f"HTTP {status} {phrase} (the response held no error document)")
