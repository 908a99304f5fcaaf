"""What the inbox page can change: each action is one call of the host's public API.

Rules: actions read a JSON object and answer a JSON-ready dict; a refusal raises :class:`Refused`
with the HTTP status to answer (400 bad input, 404 unknown message, 409 not possible now). Whether
the request may act at all (same origin, the token) is decided before, in :mod:`.app`. The host is
an :class:`~.host.InboxHost`. Actions may call the application's webhook, so they run off the
event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from compat.emulator.clock import ManualClock
from compat.emulator.inbox.host import InboxHost
from compat.emulator.inbox.index import Index
from compat.emulator.inbox.views import message_view
from compat.emulator.lifecycle import Mode, Outcome
from compat.errors import CompatError

__all__ = ["ACTIONS", "Refused", "act"]

#: The longest clock step the page may take at once (a week).
MAX_ADVANCE = 7 * 24 * 3600.0


class Refused(Exception):
    """An action that cannot be done: ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Action = Callable[[InboxHost, Index, dict[str, Any], str], dict[str, Any]]


def _text(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise Refused(400, f"{name!r} is required")
        return ""
    if not isinstance(value, str):
        raise Refused(400, f"{name!r} must be a string")
    return value


def _receive(emulator: InboxHost, index: Index, data: dict[str, Any], _sid: str) -> dict[str, Any]:
    result = emulator.receive(
        _text(data, "from"), _text(data, "to"), _text(data, "body", required=False)
    )
    return {
        "message": message_view(emulator, index, result.message),
        "replies": [message_view(emulator, index, m) for m in result.replies],
        "errors": list(result.errors),
    }


def _clock(emulator: InboxHost, _index: Index, data: dict[str, Any], _sid: str) -> dict[str, Any]:
    clock = emulator.clock
    if not isinstance(clock, ManualClock):
        raise Refused(409, "the emulator runs on the system clock, which the page cannot move")
    try:
        seconds = float(data.get("advance", 1))
    except (TypeError, ValueError):
        raise Refused(400, "'advance' must be a number of seconds") from None
    if not 0 <= seconds <= MAX_ADVANCE:
        raise Refused(400, f"'advance' must be between 0 and {MAX_ADVANCE:.0f} seconds")
    return {"now": clock.advance(seconds).isoformat()}


def _mode(emulator: InboxHost, _index: Index, data: dict[str, Any], _sid: str) -> dict[str, Any]:
    try:
        emulator.mode = Mode(_text(data, "mode"))
    except ValueError:
        raise Refused(400, "'mode' is immediate, manual or timed") from None
    return {"mode": emulator.mode.value}


def _step(emulator: InboxHost, index: Index, sid: str, finish: bool) -> dict[str, Any]:
    try:
        emulator.message(sid)
    except KeyError:
        raise Refused(404, f"no message {sid}") from None
    try:
        (message,) = emulator.finish(sid) if finish else emulator.advance(sid)
    except ValueError as exc:
        raise Refused(409, str(exc)) from None
    return {"message": message_view(emulator, index, message)}


def _advance(emulator: InboxHost, index: Index, _data: dict[str, Any], sid: str) -> dict[str, Any]:
    return _step(emulator, index, sid, finish=False)


def _finish(emulator: InboxHost, index: Index, _data: dict[str, Any], sid: str) -> dict[str, Any]:
    return _step(emulator, index, sid, finish=True)


def _outcome(emulator: InboxHost, _index: Index, data: dict[str, Any], _sid: str) -> dict[str, Any]:
    to = _text(data, "to")
    status = _text(data, "status", required=False) or "delivered"
    code = data.get("error_code")
    try:
        error_code = int(code) if code not in (None, "") else None
        Outcome(status, error_code)
    except (TypeError, ValueError) as exc:
        raise Refused(400, str(exc)) from None
    emulator.set_outcome(to, status, error_code)
    return {"to": to, "status": status, "error_code": error_code}


def _reset(emulator: InboxHost, _index: Index, _data: dict[str, Any], _sid: str) -> dict[str, Any]:
    emulator.reset()
    return {"reset": True}


#: Action name -> (handler, whether it takes a message SID from the path).
ACTIONS: dict[str, tuple[Action, bool]] = {
    "receive": (_receive, False),
    "clock": (_clock, False),
    "mode": (_mode, False),
    "outcome": (_outcome, False),
    "reset": (_reset, False),
    "advance": (_advance, True),
    "finish": (_finish, True),
}


def act(emulator: InboxHost, index: Index, name: str, data: dict[str, Any], sid: str = "") -> dict[
    str, Any
]:
    """Run action ``name``; emulator errors on bad input become a 400 :class:`Refused`."""
    handler, _takes_sid = ACTIONS[name]
    try:
        return handler(emulator, index, data, sid)
    except Refused:
        raise
    except (CompatError, ValueError, KeyError) as exc:
        raise Refused(400, f"{type(exc).__name__}: {exc}") from None
