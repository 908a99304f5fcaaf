"""Change events of the emulator's message store, for watchers such as the inbox page.

Rules: an event says what changed after the change was applied (and, with a database, committed).
Listeners run on the thread that made the change, with the store's lock held, so they see changes in
the order they happened; they must be quick, do no I/O and never call back into the emulator's
operations. A listener that raises is logged and skipped; the change it was told about stands.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

import attrs

from compat.model import Message

__all__ = [
    "CLEARED",
    "CREATED",
    "DELETED",
    "UPDATED",
    "Listener",
    "MessageEvent",
    "Watchers",
    "notify",
]

log = logging.getLogger("compat.emulator")

CREATED = "created"
UPDATED = "updated"
DELETED = "deleted"
CLEARED = "cleared"


@attrs.frozen
class MessageEvent:
    """One change: ``kind`` is ``created``, ``updated``, ``deleted`` (``message`` is the message as
    it was) or ``cleared`` (every message went; ``message`` is ``None``). ``dialect`` is the backend
    that created the message."""

    kind: str
    message: Message | None = None
    dialect: str | None = None

    @property
    def sid(self) -> str | None:
        return self.message.sid if self.message is not None else None


Listener = Callable[[MessageEvent], object]


def notify(listeners: Iterable[Listener], event: MessageEvent) -> None:
    """Tell every listener about ``event``; one that raises is logged and skipped."""
    for listener in tuple(listeners):
        try:
            listener(event)
        except Exception:
            log.exception("a store listener failed on a %s event", event.kind)


class Watchers:
    """The listeners of one store. The store calls :meth:`tell` with its lock held."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._listeners: list[Listener] = []

    def add(self, listener: Listener, replay: Iterable[MessageEvent] = ()) -> Callable[[], None]:
        """Tell ``listener`` the ``replay`` events, then every change; returns its stop function.
        Both under the store's lock, so nothing is missed or told twice."""
        with self._lock:
            for event in replay:
                notify((listener,), event)
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def tell(self, kind: str, message: Message | None = None, dialect: str | None = None) -> None:
        if self._listeners:
            notify(self._listeners, MessageEvent(kind, message, dialect))
