"""Helpers for testing code that talks to Twilio.

* :mod:`compat.testing.plugin`: the pytest plugin (entry point ``pytest11``: ``compat``).
* :class:`Receiver`: a real loopback HTTP server standing in for your webhook and callback URLs.
* :class:`Recorder`: a callback sender that answers in-process, for tests that want no sockets.
"""

from __future__ import annotations

from compat.testing.receiver import Received, Receiver
from compat.testing.recorder import Recorder

__all__ = ["Received", "Receiver", "Recorder"]
