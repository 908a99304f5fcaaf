"""Who is asking: HTTP Basic credentials checked against the store's accounts and API keys.

Rules: a request authenticates as an account when its ``Authorization: Basic`` header carries the
account SID and auth token, or an API key SID (``SK...``) and its secret; the account must also be
the one in the request's path. Secrets are compared in constant time and never logged, stored
outside the store, or put in an error. Decoded headers are cached (bounded); the cache is dropped
whenever accounts or keys change.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading

from compat.emulator.errors import api_error
from compat.emulator.store import Store
from compat.errors import ApiError

__all__ = ["Authenticator", "unauthorized"]

_CACHE_SIZE = 256


def unauthorized() -> ApiError:
    """Twilio's answer to missing or wrong credentials."""
    return api_error(401, 20003, "Authenticate")


class Authenticator:
    """Maps ``Authorization`` header values to the account they authenticate."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._cache: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Drop cached answers (call after accounts or keys change)."""
        with self._lock:
            self._cache.clear()

    def check(self, header: str | None, account_sid: str | None) -> ApiError | None:
        """``None`` when ``header`` authenticates as ``account_sid``, else the 401 to answer."""
        principal = self.principal(header) if header else None
        if principal is None or principal != account_sid:
            return unauthorized()
        return None

    def principal(self, header: str) -> str | None:
        """The account SID a Basic ``Authorization`` value authenticates, or ``None``."""
        cached = self._cache.get(header, "")
        if cached != "":
            return cached
        scheme, _, value = header.partition(" ")
        principal: str | None = None
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                decoded = ""
            user, sep, password = decoded.partition(":")
            if sep:
                principal = self._verify(user, password)
        with self._lock:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[header] = principal
        return principal

    def _verify(self, user: str, password: str) -> str | None:
        given = password.encode("utf-8")
        account = self._store.account(user)
        if account is not None:
            ok = hmac.compare_digest(account.auth_token.encode("utf-8"), given)
            return account.sid if ok else None
        key = self._store.key(user)
        if key is not None and hmac.compare_digest(key.secret.encode("utf-8"), given):
            return key.account_sid
        return None

    def __repr__(self) -> str:
        return f"<Authenticator {len(self._cache)} cached>"
