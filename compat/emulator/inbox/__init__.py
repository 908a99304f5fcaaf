"""The inbox: a web page to watch and drive a served emulator, like Mailpit is for email.

A served emulator answers the page at ``/`` (``twilio-compat serve --no-inbox`` turns it off).
Modules, one job each: ``index`` (conversations, status histories and reply links, kept current by
:meth:`Emulator.watch`), ``views`` (the paged JSON the page reads), ``actions`` (what the page may
change, through the public :class:`~compat.emulator.Emulator` API), ``app`` (routes, the token and
the same-origin checks, security headers). ``static/`` holds the page, its script and its styles:
plain files shipped in the package, with no build step and no third-party code.
"""

from __future__ import annotations

from compat.emulator.inbox.app import CSP, TOKEN_HEADER, Inbox

__all__ = ["CSP", "TOKEN_HEADER", "Inbox"]
