"""Helpers for testing code that talks to Twilio.

* :mod:`compat.testing.plugin`: the pytest plugin (entry point ``pytest11``: ``compat``), with its
  cassette half in :mod:`compat.testing.cassette_plugin`.
* :class:`Receiver`: a real loopback HTTP server standing in for your webhook and callback URLs.
* :class:`Recorder`: a callback sender that answers in-process, for tests that want no sockets.
* Record and replay (:mod:`.replay`, :mod:`.cassette`, :mod:`.scrub`, :mod:`.matching`,
  :mod:`.cassette_server`): httpx transports that record exchanges with Twilio into a cassette and
  replay them, and a loopback server for code that is not on httpx.
* :mod:`.golden`: checking a folder of your own golden cases (``twilio-compat check DIR``).
"""

from __future__ import annotations

from compat.testing.cassette import Cassette
from compat.testing.receiver import Received, Receiver
from compat.testing.recorder import Recorder
from compat.testing.replay import (
    AsyncCassetteTransport,
    AsyncRecordingTransport,
    AsyncReplayTransport,
    CassetteSession,
    CassetteTransport,
    RecordingTransport,
    RecordMode,
    ReplayTransport,
)

__all__ = [
    "AsyncCassetteTransport",
    "AsyncRecordingTransport",
    "AsyncReplayTransport",
    "Cassette",
    "CassetteSession",
    "CassetteTransport",
    "Received",
    "Receiver",
    "RecordMode",
    "Recorder",
    "RecordingTransport",
    "ReplayTransport",
]
