"""Messaging TwiML: reading a reply (``<Sms>`` for 2008, ``<Message>`` for 2010) and writing one.

Rules this module keeps:

* Bytes in go through the package's hardened parser (:func:`compat._xml.parse_xml`): no DTDs, no
  entities, size and depth limits. Not well-formed -> :class:`~compat.errors.MalformedDocument`;
  refused for safety -> :class:`~compat.errors.HostileDocument`; well-formed but not messaging TwiML
  (another root, an unknown verb, a bad ``method``) -> :class:`~compat.errors.UnexpectedDocument`.
* The root is ``<Response>`` (a ``version`` attribute is allowed). Its verbs are ``<Sms>`` (2008),
  ``<Message>`` (2010) and ``<Redirect>``. With ``dialect="2008-08-01"`` only ``<Sms>`` is a message
  verb; 2010 TwiML kept ``<Sms>`` until ``<Message>`` replaced it, so ``"2010-04-01"`` reads both
  (a number's API version and its app's TwiML need not flip at the same moment), as does no
  dialect. Writing 2010 always writes ``<Message>``.
* ``<Message>`` text is its own text plus every ``<Body>``, concatenated in document order; its
  ``<Media>`` nouns are URLs (at most 10). ``<Sms>`` holds text only. Leading and trailing
  whitespace of a body is dropped. ``method`` is ``GET`` or ``POST`` (default ``POST``).
* Writing sorts attributes by name and escapes text; a ``<Message>`` with media puts its text in a
  ``<Body>`` noun. ``<Sms>`` cannot carry media: converting such a reply to 2008 raises
  :class:`~compat.errors.InvalidParameter` rather than dropping them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from compat._xml import parse_xml
from compat.errors import InvalidParameter, UnexpectedDocument

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "MAX_MEDIA",
    "MessageVerb",
    "MessagingResponse",
    "Redirect",
    "convert",
    "parse",
    "render",
]

V2008 = "2008-08-01"
V2010 = "2010-04-01"
MAX_MEDIA = 10
_VERB_FOR = {V2008: "Sms", V2010: "Message"}
_READ_FOR = {V2008: frozenset({"Sms"}), V2010: frozenset({"Sms", "Message"})}
_METHODS = ("GET", "POST")
_DIALECT = "twiml"


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class MessageVerb:
    """A ``<Message>`` or ``<Sms>``: a message to send. ``verb`` records which element it was."""

    body: str = ""
    to: str | None = None
    from_: str | None = None
    action: str | None = None
    method: str = "POST"
    status_callback: str | None = None
    media_urls: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    verb: str = "Message"


@attrs.frozen(kw_only=True)
class Redirect:
    """A ``<Redirect>``: fetch more TwiML from ``url`` (relative to the current document)."""

    url: str
    method: str = "POST"


Verb = MessageVerb | Redirect


def _verbs(value: Iterable[Verb]) -> tuple[Verb, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class MessagingResponse:
    """A messaging ``<Response>``: its verbs in document order."""

    verbs: tuple[Verb, ...] = attrs.field(default=(), converter=_verbs)
    version: str | None = None

    @property
    def messages(self) -> tuple[MessageVerb, ...]:
        return tuple(v for v in self.verbs if isinstance(v, MessageVerb))


def _method(element: etree._Element) -> str:
    value = element.get("method")
    if value is None or not value.strip():
        return "POST"
    method = value.strip().upper()
    if method not in _METHODS:
        raise UnexpectedDocument(
            f"<{element.tag}> method must be GET or POST, got {value!r}", dialect=_DIALECT
        )
    return method


def _text(element: etree._Element) -> str:
    return element.text or ""


def _read_message(element: etree._Element) -> MessageVerb:
    tag = str(element.tag)
    parts = [_text(element)]
    media: list[str] = []
    for child in element:
        child_tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "Sms":
            raise UnexpectedDocument(
                f"<Sms> holds text only, found <{child_tag}>", dialect=_DIALECT
            )
        if child_tag == "Body":
            if len(child):
                raise UnexpectedDocument("<Body> holds text only", dialect=_DIALECT)
            parts.append(_text(child))
        elif child_tag == "Media":
            url = _text(child).strip()
            if not url:
                raise UnexpectedDocument("<Media> needs a URL", dialect=_DIALECT)
            media.append(url)
        else:
            raise UnexpectedDocument(
                f"<Message> may hold <Body> and <Media>, found <{child_tag}>", dialect=_DIALECT
            )
        parts.append(child.tail or "")
    if len(media) > MAX_MEDIA:
        raise UnexpectedDocument(
            f"<Message> has {len(media)} <Media> nouns; at most {MAX_MEDIA}", dialect=_DIALECT
        )
    return MessageVerb(
        body="".join(parts).strip(),
        to=(element.get("to") or "").strip() or None,
        from_=(element.get("from") or "").strip() or None,
        action=(element.get("action") or "").strip() or None,
        method=_method(element),
        status_callback=(element.get("statusCallback") or "").strip() or None,
        media_urls=tuple(media),
        verb=tag,
    )


def parse(data: bytes, *, dialect: str | None = None) -> MessagingResponse:
    """Read a messaging TwiML reply. ``dialect="2008-08-01"`` reads only ``<Sms>`` message verbs,
    ``"2010-04-01"`` (or none) both ``<Sms>`` and ``<Message>``; see the module docstring."""
    if dialect is not None and dialect not in _VERB_FOR:
        raise InvalidParameter(f"TwiML dialect must be 2008-08-01 or 2010-04-01, not {dialect!r}")
    root = parse_xml(data, dialect=_DIALECT)
    if root.tag != "Response":
        raise UnexpectedDocument(
            f"a TwiML reply's root is <Response>, not <{root.tag}>", dialect=_DIALECT
        )
    allowed = set(_READ_FOR[dialect]) if dialect else set(_VERB_FOR.values())
    verbs: list[Verb] = []
    for element in root:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in allowed:
            verbs.append(_read_message(element))
        elif tag == "Redirect":
            url = _text(element).strip()
            if not url:
                raise UnexpectedDocument("<Redirect> needs a URL", dialect=_DIALECT)
            verbs.append(Redirect(url=url, method=_method(element)))
        else:
            expected = " or ".join(f"<{name}>" for name in sorted(allowed | {"Redirect"}))
            raise UnexpectedDocument(
                f"unknown verb <{tag}> in a messaging reply; expected {expected}",
                dialect=_DIALECT,
            )
    return MessagingResponse(verbs=tuple(verbs), version=root.get("version"))


def _attributes(verb: MessageVerb) -> list[tuple[str, str]]:
    pairs: dict[str, str | None] = {
        "action": verb.action,
        "from": verb.from_,
        "method": verb.method if verb.action or verb.method != "POST" else None,
        "statusCallback": verb.status_callback,
        "to": verb.to,
    }
    return [(key, value) for key, value in sorted(pairs.items()) if value is not None]


def render(response: MessagingResponse | Iterable[Verb], *, dialect: str = V2010) -> bytes:
    """TwiML bytes for ``response`` in ``dialect``: message verbs are written as ``<Sms>``
    (2008-08-01) or ``<Message>`` (2010-04-01), whatever element they were read from."""
    if dialect not in _VERB_FOR:
        raise InvalidParameter(f"TwiML dialect must be 2008-08-01 or 2010-04-01, not {dialect!r}")
    if not isinstance(response, MessagingResponse):
        response = MessagingResponse(verbs=tuple(response))
    from lxml import etree  # here, not at the top: the served emulator starts without lxml

    root = etree.Element("Response")
    if response.version is not None:
        root.set("version", response.version)
    try:
        for verb in response.verbs:
            _write_verb(root, verb, dialect)
    except InvalidParameter:
        raise  # our own refusal (media in a 2008 <Sms>) keeps its parameter
    except ValueError as exc:  # lxml refuses control characters XML 1.0 cannot carry
        raise InvalidParameter(f"TwiML cannot carry this text: {exc}") from None
    text: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + text


def _write_verb(root: etree._Element, verb: Verb, dialect: str) -> None:
    from lxml import etree

    if isinstance(verb, Redirect):
        element = etree.SubElement(root, "Redirect")
        if verb.method != "POST":
            element.set("method", verb.method)
        element.text = verb.url
        return
    if dialect == V2008 and verb.media_urls:
        raise InvalidParameter("a 2008 <Sms> cannot carry media", parameter="media_urls")
    element = etree.SubElement(root, _VERB_FOR[dialect])
    for key, value in _attributes(verb):
        element.set(key, value)
    if verb.media_urls:
        if verb.body:
            etree.SubElement(element, "Body").text = verb.body
        for url in verb.media_urls:
            etree.SubElement(element, "Media").text = url
    else:
        element.text = verb.body


def convert(data: bytes, *, to: str) -> bytes:
    """A reply read in either dialect, rewritten for ``to`` (``<Sms>`` <-> ``<Message>``)."""
    return render(parse(data), dialect=to)
