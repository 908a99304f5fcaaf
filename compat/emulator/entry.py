"""What a new message is made of: its content, and what the emulator adds (its origin).

Rules: these are plain values with no converters, so nothing is normalized twice. A create stores
the :class:`~compat.model.NewMessage` a backend read as its :class:`Content` (its numbers were
normalized when it was read); messages the emulator makes itself (incoming messages, TwiML
replies) are :class:`Draft` values whose numbers their maker normalized once.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import attrs

from compat.model import Direction, Status

__all__ = ["Content", "Draft", "Origin"]


class Content(Protocol):
    """What a new message says and where it goes: a :class:`~compat.model.NewMessage`, or a
    :class:`Draft` for messages the emulator makes itself."""

    @property
    def to(self) -> str | None: ...
    @property
    def from_(self) -> str | None: ...
    @property
    def body(self) -> str | None: ...
    @property
    def media_urls(self) -> tuple[str, ...]: ...
    @property
    def messaging_service_sid(self) -> str | None: ...
    @property
    def status_callback(self) -> str | None: ...
    @property
    def send_at(self) -> dt.datetime | None: ...


@attrs.frozen(kw_only=True)
class Draft:
    """The content of a message the emulator makes itself (an incoming message, a TwiML reply).
    Its numbers are normalized already, so it has no converters."""

    to: str | None
    from_: str | None
    body: str | None = ""
    media_urls: tuple[str, ...] = ()
    messaging_service_sid: str | None = None
    status_callback: str | None = None
    send_at: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class Origin:
    """What the emulator adds to a new message's content: its first status and direction, the
    dialect whose lifecycle it follows, the ``api_version`` it reports, the statuses to come."""

    status: Status
    direction: Direction
    dialect: str
    api_version: str
    pending: tuple[str, ...] = ()
