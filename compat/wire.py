"""Plain envelopes for what crosses the wire, and the form codec every dialect shares.

Rules: these classes do no I/O and know no dialect. A :class:`WireRequest` holds a path relative to
the API host (``/2010-04-01/Accounts/AC.../Messages.json``) and its query separately, so the same
request can be sent to Twilio, the emulator or the proxy. Header names compare case-insensitively.
Form bodies are strict: bytes that are not UTF-8 raise :class:`~compat.errors.MalformedDocument`,
and blank values are kept (``Body=`` is how a redaction is spelled).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final
from urllib.parse import quote, urlencode, urlsplit

import attrs

from compat.errors import MalformedDocument

__all__ = [
    "FORM_CONTENT_TYPE",
    "WireRequest",
    "WireResponse",
    "decode_form",
    "encode_form",
    "form_value",
    "form_values",
]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

Pairs = tuple[tuple[str, str], ...]


def _pairs(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> Pairs:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), str(v)) for k, v in items)


def _find(headers: Pairs, name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return None


def encode_form(pairs: Iterable[tuple[str, str]]) -> bytes:
    """Form-encode pairs in order (``application/x-www-form-urlencoded``, UTF-8)."""
    return urlencode(list(pairs), quote_via=quote).encode("ascii")


def decode_form(data: bytes | str, *, max_fields: int = 1000) -> list[tuple[str, str]]:
    """Decode a form body or query string, keeping blank values and the order of repeats.

    Reads exactly as ``urllib.parse.parse_qsl(text, keep_blank_values=True)`` with strict UTF-8
    (a property test holds the two equal): fields split on ``&``, empty fields skipped, a field
    without ``=`` is a blank value, ``+`` is a space, then percent-escapes are undone. Raises
    :class:`MalformedDocument` for bytes or percent-escapes that are not UTF-8, and for more than
    ``max_fields`` fields.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedDocument(
                f"form data is not UTF-8: {exc.reason}", dialect="form"
            ) from None
    else:
        text = data
    if not text:
        return []
    if text.count("&") >= max_fields:
        raise MalformedDocument(
            f"form data refused: more than {max_fields} fields", dialect="form"
        )
    pairs: list[tuple[str, str]] = []
    try:
        for field in text.split("&"):
            if field:
                name, _, value = field.partition("=")
                pairs.append((_unescape(name), _unescape(value)))
    except UnicodeDecodeError as exc:
        raise MalformedDocument(
            f"a form value is not UTF-8 once unescaped: {exc.reason}", dialect="form"
        ) from None
    return pairs


#: A run of percent-escapes. A UTF-8 sequence is bytes of 0x80 and over, so it never spans a
#: literal character: decoding each run alone reads what ``unquote`` reads.
_ESCAPES: Final = re.compile("(?:%[0-9A-Fa-f]{2})+")


def _bytes_of(run: re.Match[str]) -> str:
    return bytes.fromhex(run[0].replace("%", "")).decode("utf-8")


def _unescape(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return _ESCAPES.sub(_bytes_of, text) if "%" in text else text


def form_value(pairs: Sequence[tuple[str, str]], name: str) -> str | None:
    """The last value of ``name`` in decoded form pairs, or ``None``."""
    found: str | None = None
    for key, value in pairs:
        if key == name:
            found = value
    return found


def form_values(pairs: Sequence[tuple[str, str]], name: str) -> list[str]:
    """Every value of a repeated field, in order (``MediaUrl``)."""
    return [value for key, value in pairs if key == name]


@attrs.frozen
class WireRequest:
    """An HTTP request as a backend builds or parses it."""

    method: str
    path: str
    query: Pairs = attrs.field(default=(), converter=_pairs)
    headers: Pairs = attrs.field(default=(), converter=_pairs)
    body: bytes = b""

    @classmethod
    def from_target(
        cls,
        method: str,
        target: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> WireRequest:
        """Build from a request target (``/path?query``) or an absolute URL (its host dropped)."""
        parts = urlsplit(target)
        return cls(
            method.upper(),
            parts.path or "/",
            tuple(decode_form(parts.query)) if parts.query else (),
            headers,
            body,
        )

    @property
    def target(self) -> str:
        """The path with its query string, as it goes on the request line."""
        if not self.query:
            return self.path
        return f"{self.path}?{urlencode(self.query, quote_via=quote)}"

    def header(self, name: str) -> str | None:
        return _find(self.headers, name)

    def form(self) -> list[tuple[str, str]]:
        """The decoded form body (see :func:`decode_form`)."""
        return decode_form(self.body)


@attrs.frozen
class WireResponse:
    """An HTTP response as a backend renders or parses it."""

    status: int
    headers: Pairs = attrs.field(default=(), converter=_pairs)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return _find(self.headers, name)

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased ("" when absent)."""
        value = self.header("content-type") or ""
        return value.split(";", 1)[0].strip().lower()
