"""Requests Twilio sends to your application: incoming messages, status callbacks, their signature.

Rules this module keeps:

* Parameters are ordered ``(name, value)`` pairs, ready for :func:`compat.wire.encode_form`; the
  parsers accept pairs, a mapping, or a mapping of lists (repeated names).
* The parameter set follows the message's ``api_version``: ``"2008-08-01"`` sends the small 2008 set
  (``SmsSid``, ten-digit US numbers); anything else sends the 2010-04-01 set.
* ``X-Twilio-Signature`` is base64(HMAC-SHA1(auth token, URL + sorted name/value pairs)); repeated
  values are sorted and de-duplicated, and validation accepts the URL with or without its default
  port, as Twilio's own validator does. Comparison is constant-time.
* The auth token is a secret: it is never stored on an object, logged, or put in an exception.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import attrs

from compat import phone
from compat.backends.numbers import render_number
from compat.backends.rules import STATUSES_2008
from compat.errors import CompatError, UnexpectedDocument
from compat.model import Direction, Message, Status
from compat.phone import NumberStyle
from compat.wire import form_value

__all__ = [
    "SIGNATURE_HEADER",
    "Params",
    "StatusCallback",
    "compute_signature",
    "incoming_message_params",
    "parse_incoming_message",
    "parse_status_callback",
    "status_callback_params",
    "validate_signature",
]

SIGNATURE_HEADER = "X-Twilio-Signature"
V2008 = "2008-08-01"
V2010 = "2010-04-01"

Params = Mapping[str, str] | Mapping[str, Sequence[str]] | Iterable[tuple[str, str]]

_FAILED = frozenset({"failed", "undelivered"})
_DEFAULT_PORTS = {"https": 443, "http": 80}


# -- parameters ------------------------------------------------------------------------------------


def _pairs(params: Params) -> list[tuple[str, str]]:
    if isinstance(params, Mapping):
        out: list[tuple[str, str]] = []
        for name, value in params.items():
            if isinstance(value, str):
                out.append((str(name), value))
            else:
                out.extend((str(name), str(item)) for item in value)
        return out
    return [(str(name), str(value)) for name, value in params]


def _number(value: str | None, api_version: str) -> str:
    """A number as the dialect writes it: E.164 for 2010, ten digits for NANP numbers in 2008 (a
    value that is not a number is written unchanged, as Twilio writes a caller ID)."""
    if not value:
        return ""
    return render_number(value, NumberStyle.NANP_DIGITS) if api_version == V2008 else value


def _status_for(status: Status, api_version: str) -> str:
    """2008 knows four statuses; later ones are reported as the nearest 2008 status."""
    if api_version != V2008 or not status.known:
        return str(status)
    return str(STATUSES_2008.get(status, status))


def incoming_message_params(
    message: Message, *, api_version: str | None = None
) -> list[tuple[str, str]]:
    """The form parameters of the incoming-message webhook for ``message``.

    ``api_version`` defaults to the message's own; ``"2008-08-01"`` gives the 2008 set (``SmsSid``
    and ``SmsMessageSid``, ``AccountSid``, ``From``, ``To``, ``Body``), anything else the 2010 set.
    """
    version = api_version or message.api_version or V2010
    body = message.body or ""
    if version == V2008:
        return [
            ("SmsSid", message.sid),
            ("SmsMessageSid", message.sid),
            ("AccountSid", message.account_sid),
            ("From", _number(message.from_, version)),
            ("To", _number(message.to, version)),
            ("Body", body),
        ]
    params = [
        ("SmsMessageSid", message.sid),
        ("NumMedia", str(len(message.media_urls))),
        ("SmsSid", message.sid),
        ("SmsStatus", "received"),
        ("Body", body),
        ("To", message.to or ""),
        ("NumSegments", str(message.num_segments if message.num_segments is not None else 1)),
        ("MessageSid", message.sid),
        ("AccountSid", message.account_sid),
        ("From", message.from_ or ""),
        ("ApiVersion", V2010),
    ]
    if message.messaging_service_sid:
        params.append(("MessagingServiceSid", message.messaging_service_sid))
    for index, url in enumerate(message.media_urls):
        guessed, _ = mimetypes.guess_type(urlsplit(url).path)
        params.append((f"MediaContentType{index}", guessed or "application/octet-stream"))
        params.append((f"MediaUrl{index}", url))
    return params


def status_callback_params(
    message: Message, *, api_version: str | None = None
) -> list[tuple[str, str]]:
    """The form parameters of a status callback reporting ``message``'s current status.

    2008: ``SmsSid`` and ``SmsStatus`` only. 2010: ``MessageSid``, ``MessageStatus``, ``SmsSid``,
    ``SmsStatus``, ``AccountSid``, ``From``, ``To``, ``ApiVersion``, plus ``ErrorCode`` when the
    status is ``failed`` or ``undelivered`` and ``MessagingServiceSid`` when there is one.
    """
    version = api_version or message.api_version or V2010
    status = _status_for(message.status, version)
    if version == V2008:
        return [("SmsSid", message.sid), ("SmsStatus", status)]
    params: list[tuple[str, str]] = []
    if status in _FAILED and message.error_code is not None:
        params.append(("ErrorCode", str(message.error_code)))
    params += [
        ("SmsSid", message.sid),
        ("SmsStatus", status),
        ("MessageStatus", status),
        ("To", message.to or ""),
        ("MessageSid", message.sid),
        ("AccountSid", message.account_sid),
        ("From", message.from_ or ""),
        ("ApiVersion", message.api_version or V2010),
    ]
    if message.messaging_service_sid:
        params.append(("MessagingServiceSid", message.messaging_service_sid))
    return params


@attrs.frozen(kw_only=True)
class StatusCallback:
    """A status callback as your application receives it (either generation)."""

    sid: str
    status: Status = attrs.field(converter=Status)
    account_sid: str | None = None
    to: str | None = None
    from_: str | None = None
    api_version: str | None = None
    error_code: int | None = None
    messaging_service_sid: str | None = None


def _last(pairs: Sequence[tuple[str, str]], *names: str) -> str | None:
    """The last value of the first of ``names`` present (:func:`compat.wire.form_value`)."""
    for name in names:
        found = form_value(pairs, name)
        if found is not None:
            return found
    return None


def _read_number(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return phone.normalize(value)
    except (CompatError, ValueError):
        return value


def parse_status_callback(params: Params) -> StatusCallback:
    """Read a status callback of either generation. Raises :class:`UnexpectedDocument` when the
    message SID or status is missing, or ``ErrorCode`` is not a number."""
    pairs = _pairs(params)
    sid = _last(pairs, "MessageSid", "SmsSid", "SmsMessageSid")
    status = _last(pairs, "MessageStatus", "SmsStatus")
    if not sid or not status:
        raise UnexpectedDocument(
            "a status callback needs MessageSid or SmsSid, and MessageStatus or SmsStatus",
            dialect="webhook",
        )
    code_text = _last(pairs, "ErrorCode")
    error_code: int | None = None
    if code_text:
        if not code_text.isascii() or not code_text.isdigit() or len(code_text) > 9:
            raise UnexpectedDocument(
                f"ErrorCode {code_text[:40]!r} is not a Twilio error code", dialect="webhook"
            )
        error_code = int(code_text)
    has_2010 = _last(pairs, "MessageSid") is not None
    return StatusCallback(
        sid=sid,
        status=status,
        account_sid=_last(pairs, "AccountSid"),
        to=_read_number(_last(pairs, "To")),
        from_=_read_number(_last(pairs, "From")),
        api_version=_last(pairs, "ApiVersion") or (None if has_2010 else V2008),
        error_code=error_code,
        messaging_service_sid=_last(pairs, "MessagingServiceSid") or None,
    )


def parse_incoming_message(params: Params) -> Message:
    """Read an incoming-message webhook of either generation into a :class:`Message`.

    Numbers are normalized to E.164 when they can be (2008 sends ten-digit US numbers); media come
    from ``MediaUrl0``, ``MediaUrl1``, ... in index order. Raises :class:`UnexpectedDocument` when
    the SIDs are missing or malformed.
    """
    pairs = _pairs(params)
    sid = _last(pairs, "MessageSid", "SmsSid", "SmsMessageSid")
    account_sid = _last(pairs, "AccountSid")
    if not sid or not account_sid:
        raise UnexpectedDocument(
            "an incoming-message webhook needs MessageSid (or SmsSid) and AccountSid",
            dialect="webhook",
        )
    media: list[tuple[int, str]] = []
    for key, value in pairs:
        suffix = key[len("MediaUrl"):]
        if key.startswith("MediaUrl") and suffix.isascii() and suffix.isdigit() \
                and len(suffix) <= 4:  # ten media at most; never a 5,000-digit int()
            media.append((int(suffix), value))
    media.sort()
    has_2010 = _last(pairs, "MessageSid") is not None
    segments = _last(pairs, "NumSegments")
    try:
        return Message(
            sid=sid,
            account_sid=account_sid,
            to=_read_number(_last(pairs, "To")),
            from_=_read_number(_last(pairs, "From")),
            body=_last(pairs, "Body") or "",
            status=Status.RECEIVED,
            direction=Direction.INBOUND,
            num_segments=segments if segments and segments.isdigit() else None,
            num_media=len(media),
            messaging_service_sid=_last(pairs, "MessagingServiceSid") or None,
            api_version=_last(pairs, "ApiVersion") or (V2010 if has_2010 else V2008),
            media_urls=tuple(url for _, url in media),
        )
    except ValueError as exc:
        raise UnexpectedDocument(
            f"incoming-message webhook refused: {exc}", dialect="webhook"
        ) from None


# -- signature -------------------------------------------------------------------------------------


def _signing_string(url: str, pairs: Iterable[tuple[str, str]]) -> str:
    grouped: dict[str, set[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, set()).add(value)
    parts = [url]
    for name in sorted(grouped):
        for value in sorted(grouped[name]):
            parts.append(name)
            parts.append(value)
    return "".join(parts)


def compute_signature(auth_token: str, url: str, params: Params = ()) -> str:
    """The ``X-Twilio-Signature`` Twilio sends with a request to ``url`` carrying ``params``.

    ``url`` is the full URL as requested (scheme, host, path, query); ``params`` are the POST form
    parameters (none for GET, whose parameters are already in the URL).
    """
    # A lone surrogate (from a framework decoding with surrogateescape) must not raise: it is
    # signed as its own bytes, which no genuine Twilio request matches.
    data = _signing_string(url, _pairs(params)).encode("utf-8", "surrogatepass")
    digest = hmac.new(auth_token.encode("utf-8"), data, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _port_variants(url: str) -> list[str]:
    """``url`` as given, plus the same URL with its default port added or removed."""
    parts = urlsplit(url)
    variants = [url]
    default = _DEFAULT_PORTS.get(parts.scheme)
    if default is None or not parts.hostname:
        return variants
    userinfo, _, _ = parts.netloc.rpartition("@")
    prefix = f"{userinfo}@" if userinfo else ""
    host = parts.netloc[len(prefix):]
    try:
        port = parts.port
    except ValueError:
        return variants
    if port is None:
        variants.append(urlunsplit(parts._replace(netloc=f"{prefix}{host}:{default}")))
    elif port == default:
        bare = host.rsplit(":", 1)[0]
        variants.append(urlunsplit(parts._replace(netloc=f"{prefix}{bare}")))
    return variants


def validate_signature(
    auth_token: str,
    url: str,
    params: Params = (),
    signature: str | None = None,
    *,
    body: bytes | None = None,
) -> bool:
    """Whether ``signature`` is what Twilio would send for this request.

    For JSON bodies pass the raw ``body``: the URL's ``bodySHA256`` query parameter must match it,
    and the URL alone is signed. A missing signature is never valid.
    """
    if not signature:
        return False
    pairs = _pairs(params)
    if body is not None:
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        expected_hash = query.get("bodySHA256", "")
        actual_hash = hashlib.sha256(body).hexdigest()
        if not hmac.compare_digest(expected_hash.encode(), actual_hash.encode()):
            return False
        pairs = []
    given = signature.encode("utf-8", "replace")
    ok = False
    for candidate in _port_variants(url):
        expected = compute_signature(auth_token, candidate, pairs).encode("ascii")
        ok |= hmac.compare_digest(expected, given)
    return ok
