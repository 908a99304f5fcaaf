"""Accounts, API keys and phone numbers, and the SIDs the emulator derives.

Rules this module keeps:

* Every emulator has the test account, whose SID and token are fixed constants whatever the seed.
  Other accounts and keys get SIDs and secrets derived from the seed and a counter
  (``sha256(seed:kind:n)``), unless given: the same seed and calls give the same SIDs.
* An account SID is ``AC`` + 32 hex digits; a number belongs to an existing account and is
  normalized once, when it is added; its webhook method is GET or POST and its ``api_version`` one
  of the two API generations.
* Changing accounts or keys drops the authenticator's cache, so a new credential works at once.
"""

from __future__ import annotations

import hashlib
import re

from compat import phone
from compat.emulator.auth import Authenticator
from compat.emulator.store import Account, ApiKey, PhoneNumber, Store
from compat.errors import ConfigurationError

__all__ = ["TEST_ACCOUNT_SID", "TEST_AUTH_TOKEN", "Accounts", "Sids"]

#: The test account every emulator starts with (fixed, whatever the seed).
TEST_ACCOUNT_SID = "AC" + hashlib.sha256(b"twilio-compat test account").hexdigest()[:32]
TEST_AUTH_TOKEN = hashlib.sha256(b"twilio-compat test auth token").hexdigest()[:32]

_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
_NUMBER_VERSIONS = ("2008-08-01", "2010-04-01")


class Sids:
    """SIDs and secrets derived from a seed: ``sha256(seed:kind:n)``, 32 hex digits."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._names = 0

    def derive(self, kind: str, number: int) -> str:
        return hashlib.sha256(f"{self.seed}:{kind}:{number}".encode()).hexdigest()[:32]

    def next_name(self) -> int:
        """The counter of configured names (accounts, keys); not the message counter."""
        self._names += 1
        return self._names

    def restart(self, seed: int) -> None:
        self.seed = seed
        self._names = 0


class Accounts:
    """Configures accounts, API keys and numbers in a store (see the module docstring)."""

    def __init__(self, store: Store, auth: Authenticator, sids: Sids) -> None:
        self._store = store
        self._auth = auth
        self._sids = sids

    @property
    def test_account(self) -> Account:
        """The test account (``TEST_ACCOUNT_SID`` / ``TEST_AUTH_TOKEN``)."""
        found = self._store.account(TEST_ACCOUNT_SID)
        assert found is not None
        return found

    def add_account(
        self,
        sid: str | None = None,
        auth_token: str | None = None,
        *,
        friendly_name: str = "Test account",
        own_numbers_only: bool = False,
    ) -> Account:
        """Configure another account (SID and token derived from the seed unless given)."""
        with self._store.lock:
            n = self._sids.next_name()
            account = Account(
                sid=sid or "AC" + self._sids.derive("account", n),
                auth_token=auth_token or self._sids.derive("token", n),
                friendly_name=friendly_name,
                own_numbers_only=own_numbers_only,
            )
            if not _ACCOUNT_SID.fullmatch(account.sid):
                raise ConfigurationError(
                    f"an account SID is AC + 32 hex digits, not {account.sid!r}"
                )
            self._store.put_account(account)
            self._auth.forget()
        return account

    def add_api_key(self, account_sid: str | None = None, secret: str | None = None) -> ApiKey:
        """An API key (``SK...``) for ``account_sid`` (default: the test account)."""
        owner = self._owner(account_sid)
        with self._store.lock:
            n = self._sids.next_name()
            key = ApiKey(
                sid="SK" + self._sids.derive("key", n),
                secret=secret or self._sids.derive("secret", n),
                account_sid=owner,
            )
            self._store.put_key(key)
            self._auth.forget()
        return key

    def add_number(
        self,
        number: str,
        *,
        account_sid: str | None = None,
        sms_url: str | None = None,
        sms_method: str = "POST",
        api_version: str = "2010-04-01",
    ) -> PhoneNumber:
        """Give an account a phone number; incoming messages to it go to ``sms_url``."""
        owner = self._owner(account_sid)
        if sms_method.upper() not in ("GET", "POST"):
            raise ConfigurationError(f"sms_method must be GET or POST, not {sms_method!r}")
        if api_version not in _NUMBER_VERSIONS:
            raise ConfigurationError(
                f"a number's api_version is 2008-08-01 or 2010-04-01, not {api_version!r}"
            )
        entry = PhoneNumber(
            number=phone.normalize(number, field="PhoneNumber"),
            account_sid=owner,
            sms_url=sms_url,
            sms_method=sms_method.upper(),
            api_version=api_version,
        )
        self._store.put_number(entry)
        return entry

    def _owner(self, account_sid: str | None) -> str:
        owner = account_sid or TEST_ACCOUNT_SID
        if self._store.account(owner) is None:
            raise ConfigurationError(f"no account {owner}")
        return owner
