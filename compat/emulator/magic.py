"""Twilio's magic test numbers, as data.

Rules: this module is a table, not logic. Twilio's test-credentials page documents what each number
does when used as ``From`` or ``To``; the emulator looks a number up here after the dialect backend
has validated the request, and answers the error below (HTTP 400) in the dialect's own format.
``+15005550006`` is the one ``From`` that always passes, even when an account only allows its own
numbers. Numbers not in the table behave like any other number.
"""

from __future__ import annotations

from types import MappingProxyType

import attrs

__all__ = ["FROM_ERRORS", "PASSING_FROM", "TO_ERRORS", "MagicError", "check"]


@attrs.frozen
class MagicError:
    """The error a magic number causes: Twilio's code and a message naming the number."""

    code: int
    template: str

    def message(self, number: str) -> str:
        return self.template.format(number=number)


#: The ``From`` number that is always accepted.
PASSING_FROM = "+15005550006"

FROM_ERRORS = MappingProxyType({
    "+15005550001": MagicError(
        21212,
        "The 'From' number {number} is not a valid phone number, shortcode, or alphanumeric "
        "sender ID.",
    ),
    "+15005550007": MagicError(
        21606,
        "The From phone number {number} is not a valid, SMS-capable inbound phone number or short "
        "code for your account.",
    ),
    "+15005550008": MagicError(
        21611, "This 'From' number {number} has exceeded the maximum number of queued messages."
    ),
})

TO_ERRORS = MappingProxyType({
    "+15005550001": MagicError(21211, "The 'To' number {number} is not a valid phone number."),
    "+15005550002": MagicError(
        21612, "The 'To' phone number {number} is not currently reachable via SMS."
    ),
    "+15005550003": MagicError(
        21408,
        "Permission to send an SMS has not been enabled for the region indicated by the 'To' "
        "number: {number}.",
    ),
    "+15005550004": MagicError(21610, "Attempt to send to unsubscribed recipient {number}."),
    "+15005550009": MagicError(21614, "'To' number: {number}, is not a valid mobile number"),
})


def check(from_: str | None, to: str) -> tuple[int, str] | None:
    """The ``(code, message)`` a create with these numbers gets (``From`` first), or ``None``."""
    if from_ is not None and from_ in FROM_ERRORS:
        err = FROM_ERRORS[from_]
        return err.code, err.message(from_)
    if to in TO_ERRORS:
        err = TO_ERRORS[to]
        return err.code, err.message(to)
    return None
