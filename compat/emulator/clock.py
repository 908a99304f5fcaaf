"""Clocks for the emulator: a manual one tests step, and the system clock for a served emulator.

Rules: every time the emulator writes (``date_created``, ``date_sent``, steps due in timed mode)
comes from its clock, never from :func:`datetime.now` directly. Times are aware and in UTC. Clocks
keep fractions of a second (timed steps may be sub-second apart); the emulator drops them when it
stamps a date on a message, since RFC 2822 dates carry none. A manual clock moves only when told
to, and tells its listeners (the emulator's timed lifecycle) after it moved, outside any lock.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

__all__ = ["DEFAULT_START", "Clock", "ManualClock", "SystemClock"]

#: Where a manual clock starts unless told otherwise: fixed, so dates are reproducible.
DEFAULT_START = dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


@runtime_checkable
class Clock(Protocol):
    """What the emulator needs from a clock."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """Wall-clock UTC time."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that stands still until :meth:`advance` or :meth:`set` moves it."""

    def __init__(self, start: dt.datetime = DEFAULT_START) -> None:
        self.start = _utc(start)
        self._now = self.start
        self._lock = threading.Lock()
        self._listeners: list[Callable[[dt.datetime], object]] = []

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, seconds: float = 1.0) -> dt.datetime:
        """Move forward by ``seconds`` (not backwards) and return the new time."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward; got {seconds} seconds")
        with self._lock:
            self._now = _utc(self._now + dt.timedelta(seconds=seconds))
            now = self._now
        self._notify(now)
        return now

    def set(self, when: dt.datetime) -> dt.datetime:
        """Jump to ``when`` (aware, not earlier than now)."""
        target = _utc(when)
        with self._lock:
            if target < self._now:
                raise ValueError(f"a clock only moves forward; {target} is before {self._now}")
            self._now = target
        self._notify(target)
        return target

    def restart(self, when: dt.datetime | None = None) -> None:
        """Back to ``when`` (default: where the clock started), even backwards. For resetting an
        emulator; listeners are not told."""
        target = self.start if when is None else _utc(when)
        with self._lock:
            self._now = target

    def subscribe(self, listener: Callable[[dt.datetime], object]) -> None:
        """Call ``listener(now)`` each time the clock moves."""
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[dt.datetime], object]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _notify(self, now: dt.datetime) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(now)

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"the clock needs an aware datetime, got naive {value.isoformat()}")
    return value.astimezone(dt.timezone.utc)
