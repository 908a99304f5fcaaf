"""The inbox's view of an emulator: :class:`~compat.emulator.inbox.InboxHost`.

* The facade keeps the protocol, and the protocol lists exactly what the inbox's modules use of
  an emulator (read from their source), no more.
* The ASGI app builds an inbox for an ``InboxHost`` unless told not to, and serves a host with
  only asgi's narrower ``Host`` without one.
* Whether a ``sent`` message can still be stepped is the backend's answer, per dialect.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path

import pytest

import compat.emulator.inbox
from compat.emulator import Emulator, Mode, OutgoingRequest
from compat.emulator.api import Api
from compat.emulator.asgi import EmulatorApp
from compat.emulator.callbacks import Dispatcher
from compat.emulator.inbox import InboxHost, views
from compat.emulator.inbox.index import Index
from compat.wire import WireResponse

INBOX_MODULES = sorted(Path(compat.emulator.inbox.__file__).parent.glob("*.py"))
#: The names the inbox's modules give the emulator they are handed.
HOST_NAMES = {"emulator", "_emulator"}


def _used_members() -> set[str]:
    """Every attribute the inbox's modules read, call or set on the emulator."""
    used: set[str] = set()
    for path in INBOX_MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute):
                continue
            owner = node.value
            if (isinstance(owner, ast.Name) and owner.id in HOST_NAMES) or (
                isinstance(owner, ast.Attribute)
                and owner.attr in HOST_NAMES
                and isinstance(owner.value, ast.Name)
                and owner.value.id == "self"
            ):
                used.add(node.attr)
    return used


def test_the_facade_is_an_inbox_host() -> None:
    with Emulator() as emulator:
        assert isinstance(emulator, InboxHost)


def test_the_protocol_is_exactly_what_the_inbox_uses() -> None:
    declared = {name for name in vars(InboxHost) if not name.startswith("_")}
    assert _used_members() == declared


class BareHost:
    """Only what asgi's ``Host`` asks for, in front of a real emulator."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator
        self.api: Api = emulator.api
        self.dispatcher: Dispatcher = emulator.dispatcher

    def handle_raw(
        self,
        method: str,
        path: str,
        query: bytes,
        headers: Sequence[tuple[str, str]],
        body: bytes,
    ) -> tuple[WireResponse, list[OutgoingRequest]]:
        return self._emulator.handle_raw(method, path, query, headers, body)

    def submit(self, requests: Sequence[OutgoingRequest]) -> None:
        self._emulator.submit(requests)

    def start_background(self, interval: float = 0.05) -> None:
        self._emulator.start_background(interval)

    def stop_background(self) -> None:
        self._emulator.stop_background()


def test_the_app_builds_an_inbox_for_an_inbox_host_only() -> None:
    with Emulator() as emulator:
        served = EmulatorApp(emulator)
        assert served.inbox is not None
        served.inbox.close()
        assert EmulatorApp(emulator, inbox=False).inbox is None
        bare = BareHost(emulator)
        assert not isinstance(bare, InboxHost)
        assert EmulatorApp(bare).inbox is None


@pytest.mark.parametrize(
    ("dialect", "steppable"),
    [("2010-04-01", True), ("2008-08-01", False), ("2010-04-01-sms", False)],
)
def test_a_sent_message_can_be_stepped_when_its_dialect_goes_past_sent(
    dialect: str, steppable: bool
) -> None:
    with Emulator(mode=Mode.MANUAL) as emulator, emulator.client(dialect) as client:
        index = Index(emulator)
        sid = client.messages.create(to="+15558675310", from_="+14155551212", body="Hi").sid
        emulator.advance(sid)
        (message,) = emulator.advance(sid)
        assert str(message.status) == "sent"
        view = views.message_view(emulator, index, message)
        assert view["dialect"] == dialect
        assert view["steppable"] is steppable
        index.close()
