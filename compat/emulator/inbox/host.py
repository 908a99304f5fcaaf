"""What the inbox needs from an emulator: the :class:`InboxHost` protocol.

Rules: the protocol lists exactly the attributes and operations the inbox's modules use, and no
more; the :class:`~compat.emulator.Emulator` facade keeps it, and the inbox never imports the facade
(nor :mod:`compat.emulator.asgi`, which imports the inbox). It stands alongside asgi's ``Host``
rather than extending it: serving is asgi's business, reading and driving the emulator is the
inbox's. It is runtime-checkable, so the ASGI app can ask whether the host it serves can drive an
inbox (``isinstance`` checks names only, not signatures).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from compat.emulator.callbacks import Attempt
from compat.emulator.clock import Clock
from compat.emulator.events import Listener
from compat.emulator.inbound import Inbound
from compat.emulator.lifecycle import Mode, Outcome
from compat.emulator.store import Account, Store
from compat.model import Message

__all__ = ["InboxHost"]


@runtime_checkable
class InboxHost(Protocol):
    """An emulator the inbox can show and drive."""

    # -- what the page reads ----------------------------------------------------------------------

    @property
    def clock(self) -> Clock: ...
    @property
    def store(self) -> Store: ...
    @property
    def account(self) -> Account: ...
    @property
    def callbacks(self) -> list[Attempt]: ...
    @property
    def delays(self) -> tuple[float, ...]: ...
    @property
    def mode(self) -> Mode: ...
    @mode.setter
    def mode(self, value: Mode | str) -> None: ...

    def message(self, sid: str) -> Message: ...
    def outcome_for(self, to: str | None) -> Outcome: ...
    def watch(self, listener: Listener, *, replay: bool = False) -> Callable[[], None]: ...

    # -- what the page's actions call -------------------------------------------------------------

    def receive(
        self, from_: str, to: str, body: str = "", *, media_urls: Sequence[str] = ()
    ) -> Inbound: ...
    def advance(self, sid: str | None = None) -> list[Message]: ...
    def finish(self, sid: str | None = None) -> list[Message]: ...
    def set_outcome(
        self, to: str, status: str = "delivered", error_code: int | None = None
    ) -> None: ...
    def reset(self, *, seed: int | None = None) -> None: ...
