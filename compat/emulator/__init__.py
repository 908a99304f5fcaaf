"""A stateful emulator of Twilio's Messages API, for both API generations, over one store.

Served in-process (``httpx.Client(transport=emulator.transport())``, ``emulator.client()``) or over
HTTP (``twilio-compat serve``, :func:`serve_in_thread`). Modules, one job each: ``core`` (the
:class:`Emulator` facade), ``api`` (routing a request to a dialect backend, and the operations),
``auth`` (credentials), ``store`` (state, the SQLite option), ``clock``, ``lifecycle`` (statuses
and when), ``listing`` (filters, order, pages), ``magic`` (Twilio's test numbers), ``inbound``
(incoming messages and TwiML replies), ``callbacks`` (outgoing HTTP), ``transport`` (httpx),
``asgi`` and ``server`` (HTTP), ``admin`` (``/__admin`` routes).
"""

from __future__ import annotations

from compat.emulator.accounts import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN
from compat.emulator.callbacks import Attempt, HttpReply, HttpxSender, OutgoingRequest, Sender
from compat.emulator.clock import Clock, ManualClock, SystemClock
from compat.emulator.core import Emulator
from compat.emulator.inbound import Inbound
from compat.emulator.lifecycle import Mode, Outcome
from compat.emulator.server import ServedEmulator, serve_in_thread
from compat.emulator.store import Account, ApiKey, PhoneNumber, Store

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
