"""Which dialect and kind of document some bytes are, told from their content alone.

Rules this module keeps:

* Leading whitespace (and a UTF-8 byte-order mark) is skipped; then ``<`` means XML, ``{`` JSON,
  anything else form-encoded webhook parameters. XML goes through the hardened parser, JSON
  through the strict reader; nothing else is attempted.
* XML: ``<Response>`` is TwiML (``2010-04-01`` when it holds a ``<Message>``, else
  ``2008-08-01``). ``<TwilioResponse>`` holds ``<Message>``/``<Messages>`` (2010-04-01-xml),
  ``<SMSMessage>``/``<SMSMessages>`` (2008-08-01 when a message carries numeric ``<Flags>`` or a
  page carries no ``uri`` attribute, else 2010-04-01-sms-xml) or ``<RestException>`` (every XML
  dialect writes errors alike: 2010-04-01-xml when the message names a 2010 path, else 2008-08-01).
* JSON: ``messages`` is a 2010-04-01 page, ``sms_messages`` a legacy one; an object with ``sid``
  is a message (legacy when its ``uri`` names ``/SMS/Messages`` or it lacks every property only
  ``/Messages`` has); one with ``message`` and ``status`` an error (2010-04-01).
* Form parameters with ``MessageSid``, ``SmsSid`` or ``SmsMessageSid`` are a webhook: 2010-04-01
  when ``MessageSid`` or ``ApiVersion=2010-04-01`` is present, else 2008-08-01; ``incoming`` when
  a ``Body`` is present, else a ``status`` callback.
* Anything else raises :class:`~compat.errors.UnexpectedDocument` (or the parser's
  :class:`~compat.errors.MalformedDocument` / :class:`~compat.errors.HostileDocument`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from compat._xml import parse_xml
from compat.backends._json import load_json
from compat.errors import UnexpectedDocument
from compat.wire import decode_form

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["KINDS", "Detected", "detect", "detect_parsed"]

#: The kinds of document: REST ``message``, ``page`` and ``error``; ``webhook`` parameters
#: (``incoming`` or ``status``); ``twiml``.
KINDS: Final = ("message", "page", "error", "incoming", "status", "twiml")

_WHERE: Final = "detect"
_ONLY_NEWER: Final = frozenset({"num_segments", "num_media", "subresource_uris", "price_unit",
                                "error_code", "messaging_service_sid"})
_SIDS: Final = ("MessageSid", "SmsSid", "SmsMessageSid")


@attrs.frozen
class Detected:
    """What a document is: its ``dialect`` (a backend name for REST documents, an API version
    for webhooks and TwiML) and its ``kind`` (one of :data:`KINDS`)."""

    dialect: str
    kind: str


def _fail(text: str) -> UnexpectedDocument:
    return UnexpectedDocument(text, dialect=_WHERE)


def _strip(data: bytes) -> bytes:
    return data[3:].lstrip() if data.startswith(b"\xef\xbb\xbf") else data.lstrip()


def detect(data: bytes) -> Detected:
    """What ``data`` is; see the module rules."""
    return detect_parsed(data)[0]


def detect_parsed(data: bytes) -> tuple[Detected, Any]:
    """What ``data`` is, and what was parsed to tell (an XML root, a JSON value or form pairs)."""
    if not isinstance(data, bytes):
        raise _fail(f"a document is bytes, not {type(data).__name__}")
    head = _strip(data)
    if not head:
        raise _fail("the document is empty")
    if head.startswith(b"<"):
        root = parse_xml(data, dialect=_WHERE)
        return _xml(root), root
    if head.startswith(b"{"):
        value = load_json(head, dialect=_WHERE)
        return _json(value), value
    pairs = decode_form(head.strip())
    return _form(pairs), pairs


def _xml(root: etree._Element) -> Detected:
    if root.tag == "Response":
        newer = any(child.tag == "Message" for child in root)
        return Detected("2010-04-01" if newer else "2008-08-01", "twiml")
    if root.tag != "TwilioResponse":
        raise _fail(f"an XML document with root <{root.tag}> is neither TwiML nor a REST answer")
    children = [child for child in root if isinstance(child.tag, str)]
    if len(children) != 1:
        raise _fail(f"<TwilioResponse> holds {len(children)} elements, not one")
    child = children[0]
    tag = child.tag
    if tag == "Message":
        return Detected("2010-04-01-xml", "message")
    if tag == "Messages":
        return Detected("2010-04-01-xml", "page")
    if tag == "SMSMessage":
        return Detected(_sms_dialect(child), "message")
    if tag == "SMSMessages":
        if child.get("uri") is not None:
            return Detected("2010-04-01-sms-xml", "page")
        first = next(iter(child), None)
        return Detected("2008-08-01" if first is None else _sms_dialect(first), "page")
    if tag == "RestException":
        text = child.findtext("Message") or ""
        return Detected("2010-04-01-xml" if "/2010-04-01/" in text else "2008-08-01", "error")
    raise _fail(f"<TwilioResponse><{tag}> is not an SMS document")


def _sms_dialect(element: etree._Element) -> str:
    flags = element.find("Flags")
    if flags is not None and len(flags) == 0 and (flags.text or "").strip().isdigit():
        return "2008-08-01"
    if element.find("Direction") is None and element.find("Uri") is None:
        return "2008-08-01"
    return "2010-04-01-sms-xml"


def _json(value: Any) -> Detected:
    if not isinstance(value, dict):
        raise _fail("a JSON document is an object")
    if "messages" in value:
        return Detected("2010-04-01", "page")
    if "sms_messages" in value:
        return Detected("2010-04-01-sms", "page")
    if "sid" in value:
        uri = value.get("uri")
        legacy = (isinstance(uri, str) and "/SMS/Messages/" in uri) or not (
            _ONLY_NEWER & set(value)
        )
        return Detected("2010-04-01-sms" if legacy else "2010-04-01", "message")
    if "message" in value and "status" in value:
        return Detected("2010-04-01", "error")
    raise _fail("a JSON object with none of messages, sms_messages, sid or message")


def _form(pairs: list[tuple[str, str]]) -> Detected:
    names = {name for name, _ in pairs}
    if not names & set(_SIDS):
        raise _fail("not XML, not JSON, and not webhook parameters (no MessageSid or SmsSid)")
    versions = {value for name, value in pairs if name == "ApiVersion"}
    newer = "MessageSid" in names or "2010-04-01" in versions
    return Detected("2010-04-01" if newer else "2008-08-01",
                    "incoming" if "Body" in names else "status")
