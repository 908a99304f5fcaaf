"""Scrubbing what a cassette keeps: secrets removed, phone numbers and account SIDs pseudonymized.

Rules this module keeps:

* Credentials never reach a cassette. The ``Authorization`` header is never recorded at all; the
  password of a Basic ``Authorization`` (an auth token or an API-key secret), a Bearer token, the
  values of fields named like secrets (``AuthToken``, ``auth_token``, ``secret``, ``password``...)
  and any secret given explicitly are replaced by :data:`SCRUBBED` in paths, queries and bodies,
  before anything else looks at them. No secret is kept on a :class:`Scrubber` after the call that
  received it, and none appears in a ``repr``.
* With ``pseudonymize`` on, phone numbers (``To`` / ``From`` values in any form, E.164 numbers
  anywhere, 2008's bare ten digits in ``<To>`` / ``<From>``) and account SIDs are replaced by
  pseudonyms derived from the value by PBKDF2-HMAC-SHA256 under the cassette's key. The same value
  always gets the same pseudonym, so a live request scrubbed the same way matches its recording.
  A value that already is one of the cassette's pseudonyms is kept (scrubbing is idempotent).
* Pseudonyms hide values from readers of a cassette; they are not encryption. Numbers are few, so
  someone holding the cassette (and its key) could test guesses, slowly.
* :meth:`Scrubber.restore` puts back, in a replayed response, the real values this scrubber saw in
  live requests, so a replay answers what the live API answered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from compat import phone
from compat.errors import CompatError
from compat.wire import FORM_CONTENT_TYPE, WireRequest, decode_form, encode_form

__all__ = ["SCRUBBED", "Scrubber", "credentials_secrets"]

SCRUBBED = "[scrubbed]"
NUMBER_FIELDS = frozenset({"To", "From"})
_SECRET_NAME = re.compile(r"(?i)\A(auth_?token|api_?secret|secret|password|token)\Z")
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
_E164 = re.compile(r"(?<![\w+%])\+[1-9][0-9]{7,14}(?![0-9])")
_E164_ENCODED = re.compile(r"(?i)%2B([1-9][0-9]{7,14})(?![0-9])")
_XML_NUMBER = re.compile(r"<(To|From)>([^<]*)</\1>")
_FORM_NUMBER = re.compile(r"(?<![\w])(To|From)=([0-9]{10})(?![0-9])")
_JSON_SECRET = re.compile(
    r'("(?:auth_token|secret|password|api_secret)"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE
)
_XML_SECRET = re.compile(r"<(AuthToken|Secret|Password)>[^<]*</\1>")
_ITERATIONS = 2_000


def credentials_secrets(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The secrets an ``Authorization`` header carries: a Basic password or a Bearer token."""
    found: list[str] = []
    for name, value in headers:
        if name.lower() != "authorization":
            continue
        scheme, _, rest = value.strip().partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                continue
            _, sep, password = decoded.partition(":")
            if sep and password:
                found.append(password)
        elif scheme.lower() == "bearer" and rest.strip():
            found.append(rest.strip())
    return found


class Scrubber:
    """Scrubs requests and response bodies for one cassette; see the module docstring.

    ``key`` is the cassette's pseudonym key (hex); ``known`` the pseudonyms it already holds (new
    ones are added as they are made); ``secrets`` are extra strings never to record.
    """

    def __init__(
        self,
        key: str,
        *,
        pseudonymize: bool = True,
        known: Iterable[str] = (),
        secrets: Iterable[str] = (),
    ) -> None:
        self._key = bytes.fromhex(key)
        self.pseudonymize = pseudonymize
        self._lock = threading.Lock()
        self._known: set[str] = set(known)
        self._made: dict[str, str] = {}
        self._seen: dict[str, str] = {}
        self._secrets = tuple(s for s in secrets if s)

    def __repr__(self) -> str:
        return f"<Scrubber pseudonymize={self.pseudonymize} pseudonyms={len(self._known)}>"

    @property
    def pseudonyms(self) -> list[str]:
        """Every pseudonym of this cassette, sorted."""
        with self._lock:
            return sorted(self._known)

    # -- pseudonyms -------------------------------------------------------------------------------

    def _digest(self, kind: str, value: str) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", f"{kind}:{value}".encode(), self._key, _ITERATIONS)

    def _pseudonym(self, kind: str, real: str) -> str:
        with self._lock:
            if real in self._known:
                return real
            made = self._made.get(real)
        if made is None:
            digest = self._digest(kind, real)
            if kind == "account":
                made = "AC" + digest[:16].hex()
            else:
                rest = int.from_bytes(digest[:8], "big")
                made = f"+1555{2 + rest % 8}{rest // 8 % 10**6:06d}"
        with self._lock:
            self._made[real] = made
            self._known.add(made)
            self._seen[made] = real
        return made

    def number(self, value: str) -> str:
        """The pseudonym of a number written as the wire writes it (E.164, or 2008's ten digits);
        values that are not numbers (short codes, sender IDs, channel addresses) are kept."""
        if not self.pseudonymize or value in self._known:
            return value
        bare = len(value) == 10 and value.isdigit()
        try:
            e164 = phone.normalize(value)
        except (CompatError, ValueError, TypeError):
            return value
        if not re.fullmatch(r"\+[0-9]{8,15}", e164) or len(value.strip()) < 7:
            return value
        made = self._pseudonym("number", e164)
        return made[2:] if bare else made

    def account(self, sid: str) -> str:
        """The pseudonym of an account SID."""
        return self._pseudonym("account", sid) if self.pseudonymize else sid

    # -- requests ---------------------------------------------------------------------------------

    def _secret_text(self, text: str, secrets: Sequence[str]) -> str:
        for secret in secrets:
            text = text.replace(secret, SCRUBBED)
            encoded = quote(secret, safe="")
            if encoded != secret:
                text = text.replace(encoded, quote(SCRUBBED, safe=""))
        return text

    def _pair(self, name: str, value: str, secrets: Sequence[str]) -> tuple[str, str]:
        if _SECRET_NAME.match(name):
            return name, SCRUBBED
        value = self._secret_text(value, secrets)
        if self.pseudonymize:
            if name in NUMBER_FIELDS:
                value = self.number(value)
            value = _E164.sub(lambda m: self.number(m.group(0)), value)
            value = _ACCOUNT_SID.sub(lambda m: self.account(m.group(0)), value)
        return name, value

    def pairs(
        self, pairs: Iterable[tuple[str, str]], secrets: Sequence[str] = ()
    ) -> list[tuple[str, str]]:
        """Form or query pairs, scrubbed."""
        every = (*secrets, *self._secrets)
        return [self._pair(name, value, every) for name, value in pairs]

    def request(self, request: WireRequest) -> WireRequest:
        """``request`` as a cassette keeps it: no headers, secrets gone, pseudonyms in."""
        secrets = (*credentials_secrets(request.headers), *self._secrets)
        path = self.text(request.path, secrets)
        query = self.pairs(request.query, secrets)
        body = request.body
        form = (request.header("content-type") or FORM_CONTENT_TYPE).startswith(FORM_CONTENT_TYPE)
        if body and form:
            try:
                body = encode_form(self.pairs(decode_form(body), secrets))
            except CompatError:
                form = False
        if body and not form:
            body = self.body(body, secrets)
        return WireRequest(request.method.upper(), path, query, (), body)

    # -- response bodies and free text ------------------------------------------------------------

    def text(self, text: str, secrets: Sequence[str] = ()) -> str:
        """Free text (a path, a response body) with secrets and, if on, pseudonyms applied."""
        text = self._secret_text(text, (*secrets, *self._secrets))
        text = _JSON_SECRET.sub(lambda m: f'{m.group(1)}"{SCRUBBED}"', text)
        text = _XML_SECRET.sub(lambda m: f"<{m.group(1)}>{SCRUBBED}</{m.group(1)}>", text)
        if not self.pseudonymize:
            return text
        text = _ACCOUNT_SID.sub(lambda m: self.account(m.group(0)), text)
        text = _E164.sub(lambda m: self.number(m.group(0)), text)
        text = _E164_ENCODED.sub(lambda m: "%2B" + self.number("+" + m.group(1))[1:], text)
        text = _XML_NUMBER.sub(
            lambda m: f"<{m.group(1)}>{self.number(m.group(2))}</{m.group(1)}>", text
        )
        return _FORM_NUMBER.sub(lambda m: f"{m.group(1)}={self.number(m.group(2))}", text)

    def body(self, body: bytes, secrets: Sequence[str] = ()) -> bytes:
        """A response body, scrubbed (bytes that are not UTF-8 are kept only if no secret shows)."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body if not any(s.encode() in body for s in (*secrets, *self._secrets)) else b""
        return self.text(text, secrets).encode("utf-8")

    def restore(self, text: str) -> str:
        """``text`` with every pseudonym this scrubber made from a live value turned back into it
        (numbers in E.164, ten-digit and percent-encoded forms; account SIDs)."""
        with self._lock:
            seen = dict(self._seen)
        for made, real in seen.items():
            if made.startswith("AC"):
                text = text.replace(made, real)
                continue
            forms = [(made, real), ("%2B" + made[1:], quote(real, safe=""))]
            if real.startswith("+1") and len(real) == 12:
                forms.append((made[2:], real[2:]))
            for fake, true in forms:
                text = re.sub(rf"(?<![0-9A-Za-z+]){re.escape(fake)}(?![0-9])", true, text)
        return text
