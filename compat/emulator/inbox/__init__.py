"""The inbox: a web page to watch and drive a served emulator, like Mailpit is for email.

A served emulator answers the page at ``/`` (``twilio-compat serve --no-inbox`` turns it off).
Modules, one job each: ``host`` (:class:`InboxHost`, what the inbox needs from an emulator),
``index`` (conversations, status histories and reply links, kept current by the host's ``watch``),
``views`` (the paged JSON the page reads), ``actions`` (what the page may change, through the
host's public operations), ``app`` (routes, the token and the same-origin checks, security
headers). ``static/`` holds the page, its script and its styles: plain files shipped in the
package, with no build step and no third-party code.

Rules: the inbox reaches the emulator only through :class:`InboxHost`, which the
:class:`~compat.emulator.Emulator` facade keeps; no inbox module imports the facade or
:mod:`compat.emulator.asgi` (which imports the inbox).
"""

from __future__ import annotations

from compat.emulator.inbox.app import CSP, TOKEN_HEADER, Inbox
from compat.emulator.inbox.host import InboxHost

__all__ = ["CSP", "TOKEN_HEADER", "Inbox", "InboxHost"]
