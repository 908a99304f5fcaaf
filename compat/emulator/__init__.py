"""A stateful emulator of Twilio's Messages API, for both API generations, over one store.

Served in-process (``httpx.Client(transport=emulator.transport())``, ``emulator.client()``) or over
HTTP (``twilio-compat serve``, :func:`serve_in_thread`). The parts, one job each:

* ``core``: the :class:`Emulator` facade, composed of the parts below; it holds no logic.
* ``service``: the emulated Twilio: store, clock, accounts, outcomes, SIDs, and the operations
  (create, fetch, list, update, delete) taking model objects; ``entry``: a new message's content
  and origin; ``accounts``: accounts, keys, numbers, derived SIDs; ``scheduler``: when lifecycle
  steps happen, and their callbacks; ``lifecycle``: what a step does; ``listing``: filters and
  pages; ``magic``: Twilio's test numbers; ``checks``: the emulator's own create rules;
  ``store``: state, in memory (``memory``) or SQLite (``database``; ``dbfile``: opening and
  checking the file), of ``records``; ``clock``; ``auth``.
* ``gateway``: the door every request comes through; ``api``: the REST side, routed to the dialect
  backends; ``admin``: ``/__admin`` routes; ``inbound``: incoming messages and TwiML replies;
  ``callbacks``: outgoing HTTP; ``errors``: the error answers the emulator builds.
* ``transport`` (httpx), ``asgi`` and ``server`` (HTTP): the ways in, over the ``Host`` protocol;
  ``guard``: the served connections' read deadline; ``crosssite``: which browser requests come
  from another site (refused on ``/__admin``).
* ``events``: change events of the stored messages, for watchers (:meth:`Emulator.watch`).
* ``inbox``: the web page a served emulator shows at ``/``, over the ``InboxHost`` protocol.

Rules: imports flow one way, from the facade down to the service and its parts; no part imports
the facade, and none needs a function-level import to reach another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from compat.emulator.accounts import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN
from compat.emulator.callbacks import Attempt, HttpReply, HttpxSender, OutgoingRequest, Sender
from compat.emulator.clock import Clock, ManualClock, SystemClock
from compat.emulator.core import Emulator
from compat.emulator.inbound import Inbound
from compat.emulator.lifecycle import Mode, Outcome
from compat.emulator.store import Account, ApiKey, PhoneNumber, Store

if TYPE_CHECKING:
    from compat.emulator.server import ServedEmulator, serve_in_thread

__all__ = [
    "TEST_ACCOUNT_SID",
    "TEST_AUTH_TOKEN",
    "Account",
    "ApiKey",
    "Attempt",
    "Clock",
    "Emulator",
    "HttpReply",
    "HttpxSender",
    "Inbound",
    "ManualClock",
    "Mode",
    "Outcome",
    "OutgoingRequest",
    "PhoneNumber",
    "Sender",
    "ServedEmulator",
    "Store",
    "SystemClock",
    "serve_in_thread",
]

_LAZY = ("ServedEmulator", "serve_in_thread")


def __getattr__(name: str) -> Any:
    """Serving from a thread, imported on first use: the server side needs asyncio and h11, which
    an emulator used in-process (``emulator.client()``, ``emulator.transport()``) never does."""
    if name not in _LAZY:
        raise AttributeError(f"module 'compat.emulator' has no attribute {name!r}")
    from compat.emulator import server

    value = getattr(server, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
