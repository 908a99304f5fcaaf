"""Twilio's error answers as the emulator builds them (the dialects render them).

Rules: an error with a code carries the code's documentation link as ``more_info``; one without a
code (a 404 in the 2008 dialect, a 413, a 500) has none. The emulator builds only errors of its own
rules here (magic numbers, own numbers, authentication, cancellation); errors in a request the
backends read come from the backend (``error_for``, ``not_found``).
"""

from __future__ import annotations

from compat.backends.codes import twilio_error
from compat.errors import ApiError

__all__ = ["api_error", "twilio_error"]


def api_error(status: int, code: int | None, message: str) -> ApiError:
    """An error answer; with a code it carries the code's documentation link."""
    return ApiError(status, message) if code is None else twilio_error(code, message, status)
