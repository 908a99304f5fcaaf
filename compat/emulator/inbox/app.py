"""The inbox over HTTP: the page at ``/``, its assets and JSON under ``/__inbox/``.

Rules this module keeps:

* Every answer carries a Content-Security-Policy that allows only this origin's own scripts and
  styles (no inline script, no ``eval``) and no framing, with ``nosniff`` and no caching. The page
  is static markup; every value reaches it as JSON and is written with ``textContent``.
* The ``Host`` must be an IP address or ``localhost``: a name another site controls (DNS rebinding)
  is refused, so no other page can read the inbox as if it were its own.
* A state-changing request is a POST with a JSON body, the per-process token in the
  ``X-Inbox-Token`` header (the token is written only into the page's own markup), and, when the
  browser says so, a same-origin ``Origin`` and ``Sec-Fetch-Site``. A form posted by another page
  has none of these and is refused with a 403.
* No auth token is ever part of an answer. Handling is synchronous: the ASGI app runs it on a
  worker thread, as actions may call the application's webhook.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl

from compat.emulator.inbox import views
from compat.emulator.inbox.actions import ACTIONS, Refused, act
from compat.emulator.inbox.host import InboxHost
from compat.emulator.inbox.index import Index
from compat.wire import WireResponse

__all__ = ["CSP", "PREFIX", "TOKEN_HEADER", "Inbox"]

PREFIX = "/__inbox/"
TOKEN_HEADER = "x-inbox-token"
CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_SECURITY = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)
_TYPES = {
    "inbox.js": "text/javascript; charset=utf-8",
    "inbox.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
_TOKEN_MARK = b"__INBOX_TOKEN__"
_VIEWS = {
    "version": lambda e, i, q: {"version": views.version(e, i)},
    "state": views.state,
    "conversations": views.conversations,
    "thread": views.thread,
    "log": views.log,
}
_MAX_JSON = 64 * 1024


def _asset(name: str) -> bytes:
    return resources.files("compat.emulator.inbox").joinpath("static").joinpath(name).read_bytes()


def _respond(status: int, content_type: str, body: bytes) -> WireResponse:
    return WireResponse(status, (("Content-Type", content_type), *_SECURITY), body)


def _json(status: int, payload: Any) -> WireResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _respond(status, "application/json", body)


def _error(status: int, message: str) -> WireResponse:
    return _json(status, {"error": message})


def _host_name(host: str) -> str:
    """The host of a ``Host`` header, without port or IPv6 brackets."""
    if host.startswith("["):
        inside, bracket, _port = host[1:].partition("]")
        return inside if bracket else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str | None) -> bool:
    """Whether ``host`` (a ``Host`` header) names this machine by address or as ``localhost``."""
    if not host:
        return False
    name = _host_name(host.strip()).lower()
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Inbox:
    """The inbox of one emulator: its :class:`~.index.Index`, its token and its routes."""

    def __init__(self, emulator: InboxHost, *, token: str | None = None) -> None:
        self.emulator = emulator
        self.token = token or secrets.token_urlsafe(32)
        self.index = Index(emulator)
        page = _asset("index.html")
        if page.count(_TOKEN_MARK) != 1:
            raise RuntimeError("the inbox page must hold exactly one token mark")
        self._page = page.replace(_TOKEN_MARK, self.token.encode("ascii"))
        self._assets = {name: _asset(name) for name in _TYPES}

    def close(self) -> None:
        self.index.close()

    @staticmethod
    def handles(path: str) -> bool:
        """Whether ``path`` is the inbox's (the rest belongs to the API and admin routes)."""
        return path in ("/", "/favicon.ico") or path.startswith(PREFIX)

    def handle(
        self,
        method: str,
        path: str,
        query: bytes,
        headers: Sequence[tuple[str, str]],
        body: bytes,
    ) -> WireResponse:
        """Answer one request for the inbox."""
        lower = {k.lower(): v for k, v in headers}
        if not host_allowed(lower.get("host")):
            return _error(403, "the inbox answers only to an IP address or localhost as host")
        method = method.upper()
        if method in ("GET", "HEAD"):
            return self._get(path, query)
        if method == "POST" and path.startswith(PREFIX + "api/"):
            return self._post(path, lower, body)
        return _error(405, f"{method} is not allowed on {path}")

    # -- reading ----------------------------------------------------------------------------------

    def _get(self, path: str, query: bytes) -> WireResponse:
        if path == "/":
            return _respond(200, "text/html; charset=utf-8", self._page)
        if path == "/favicon.ico":
            return _respond(200, _TYPES["icon.svg"], self._assets["icon.svg"])
        if path.startswith(PREFIX + "static/"):
            name = path[len(PREFIX + "static/") :]
            if name in self._assets:
                return _respond(200, _TYPES[name], self._assets[name])
            return _error(404, f"no asset {name}")
        if path.startswith(PREFIX + "api/"):
            name = path[len(PREFIX + "api/") :]
            view = _VIEWS.get(name)
            if view is None:
                return _error(404 if name not in ACTIONS else 405, f"no view {name}")
            try:
                params = dict(parse_qsl(query.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                return _error(400, "the query string is not UTF-8")
            found = view(self.emulator, self.index, params)
            if found is None:
                return _error(404, "no such conversation")
            return _json(200, found)
        return _error(404, f"nothing at {path}")

    # -- acting -----------------------------------------------------------------------------------

    def refusal(self, headers: Mapping[str, str]) -> str | None:
        """Why a state-changing request with these (lower-cased) headers is refused, if it is."""
        sent = headers.get(TOKEN_HEADER, "")
        if not sent or not hmac.compare_digest(sent.encode(), self.token.encode()):
            return "missing or wrong inbox token"
        site = headers.get("sec-fetch-site")
        if site is not None and site != "same-origin":
            return f"a {site} request may not change the emulator"
        origin = headers.get("origin")
        if origin is not None and origin != f"http://{headers.get('host', '')}":
            return f"requests from {origin} may not change the emulator"
        kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if kind != "application/json":
            return "actions take a JSON body"
        return None

    def _post(self, path: str, headers: Mapping[str, str], body: bytes) -> WireResponse:
        reason = self.refusal(headers)
        if reason is not None:
            return _error(403, reason)
        parts = path[len(PREFIX + "api/") :].split("/")
        if len(parts) == 1 and parts[0] in ACTIONS and not ACTIONS[parts[0]][1]:
            name, sid = parts[0], ""
        elif len(parts) == 3 and parts[0] == "messages" and ACTIONS.get(parts[2], (None, 0))[1]:
            name, sid = parts[2], parts[1]
        else:
            return _error(404, f"no action at {path}")
        if len(body) > _MAX_JSON:
            return _error(413, "the JSON body is too large")
        try:
            data = json.loads(body.decode("utf-8")) if body else {}
        except (UnicodeDecodeError, ValueError):
            return _error(400, "the body is not JSON")
        if not isinstance(data, dict):
            return _error(400, "the body must be a JSON object")
        try:
            return _json(200, act(self.emulator, self.index, name, data, sid))
        except Refused as exc:
            return _error(exc.status, exc.message)
