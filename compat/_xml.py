"""The one hardened XML parser of the package.

Rules, checked in this order before and after lxml sees the bytes; the first rule a document
breaks decides its error:

1. At most ``max_bytes`` bytes (default 16 MiB), else :class:`~compat.errors.HostileDocument`.
2. UTF-8 only (ASCII is UTF-8). A UTF-16 or UTF-32 byte order mark or a NUL byte is
   :class:`~compat.errors.MalformedDocument`, so the byte scans below cannot be dodged through a
   wide encoding. A UTF-8 byte order mark is allowed.
3. No document type declaration and no entity declaration in the prolog (the only place XML
   allows them) -> ``HostileDocument``: no DTD, internal or external, so no billion laughs, no
   quadratic blowup, no external entities (``file:///etc/passwd``), no network.
4. An ``encoding`` in an XML declaration of the prolog must name UTF-8 (``UTF-8``, ``utf8``,
   ``US-ASCII`` in any case), else ``MalformedDocument``: ISO-8859-1, UTF-7, UTF-16, EBCDIC and any
   other are refused before lxml reads a byte. lxml is also told the bytes are UTF-8 whatever they
   declare, so no declaration can switch it to another decoder (UTF-7's ``+ADw-`` is never ``<``).
5. The parser never loads a DTD, resolves an entity or uses the network; a DOCTYPE it still finds
   is ``HostileDocument``.
6. At most ``max_depth`` levels of elements (default 32) -> ``HostileDocument`` at every depth
   past the limit, including depths where libxml2's own limit (256) stops the parse first; so are
   libxml2's other resource limits (a text node or attribute over 10 MB, a name over 50,000
   characters).
7. Comments and processing instructions are dropped; callers see elements only.

Anything else lxml rejects becomes ``MalformedDocument``; no lxml exception escapes.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Final

from compat.errors import HostileDocument, MalformedDocument, ResponseError

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH", "UTF8_NAMES", "parse_xml"]

DEFAULT_MAX_BYTES: Final = 16 * 1024 * 1024
DEFAULT_MAX_DEPTH: Final = 32

#: Encoding names a declaration may give, lower-cased: all are read as UTF-8.
UTF8_NAMES: Final = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})

_WIDE_BOMS: Final = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_DECLARATION: Final = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_DECLARATION: Final = re.compile(rb"<\?xml[\s?][^>]*", re.IGNORECASE)
_ENCODING: Final = re.compile(rb"""encoding\s*=\s*(["']?)([^"'\s?>]*)\1""", re.IGNORECASE)
_CHUNK: Final = 64 * 1024

_local = threading.local()


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        from lxml import etree

        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            collect_ids=False,
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
        )
        _local.parser = parser
    return parser


@functools.lru_cache(maxsize=8)
def _deeper_than(limit: int) -> etree.XPath:
    # An element exists at depth limit + 1: one compiled XPath, no Python walk over the tree.
    from lxml import etree

    return etree.XPath("boolean(" + "/*" * (limit + 1) + ")")


def _depth_exceeds(root: etree._Element, limit: int) -> bool:
    return bool(_deeper_than(limit)(root))


def _nests_past(data: bytes, limit: int) -> bool:
    """Whether an element deeper than ``limit`` starts before the parse fails, if it fails.

    Run only after lxml refused a document, to tell depth (hostile) from any other fault.
    """
    from lxml import etree

    pull = etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        encoding="utf-8",
    )
    depth = 0
    for offset in range(0, len(data), _CHUNK):
        try:
            pull.feed(data[offset : offset + _CHUNK])
        except etree.LxmlError:
            failed = True
        else:
            failed = False
        for event, _ in pull.read_events():  # the events before a failure are still read
            depth += 1 if event == "start" else -1
            if depth > limit:
                return True
        if failed:
            return False
    return False


def _prolog(data: bytes) -> bytes:
    """The bytes before the root element, where a DOCTYPE (and with it any ENTITY) has to stand.

    XML declarations, processing instructions and comments are skipped; at the first other
    markup the prolog ends. Scanning only the prolog keeps the check cheap on large documents.
    """
    position = 0
    while True:
        start = data.find(b"<", position)
        if start < 0:
            return data
        if data.startswith(b"<?", start):
            end = data.find(b"?>", start + 2)
            if end < 0:
                return data
            position = end + 2
        elif data.startswith(b"<!--", start):
            end = data.find(b"-->", start + 4)
            if end < 0:
                return data
            position = end + 3
        else:
            return data[: data.find(b">", start) + 1 or len(data)]


def _foreign_encoding(prolog: bytes) -> str | None:
    """The first encoding an XML declaration in ``prolog`` names that is not UTF-8, if any."""
    for declaration in _XML_DECLARATION.finditer(prolog):
        text = declaration.group()
        named = _ENCODING.findall(text)
        if not named and b"encoding" in text.lower():
            return "an unreadable encoding"
        for _, name in named:
            if name.decode("latin-1").strip().lower() not in UTF8_NAMES:
                return name.decode("latin-1")[:40] or "an empty encoding"
    return None


def _syntax_refusal(
    data: bytes, exc: etree.XMLSyntaxError, dialect: str, max_depth: int
) -> ResponseError:
    from lxml import etree

    if _nests_past(data, max_depth):
        return HostileDocument(f"XML nesting is deeper than {max_depth} levels", dialect=dialect)
    # libxml2's own limits (text node or attribute over 10 MB, depth over 256, a name too long).
    if getattr(exc, "code", None) in (
        etree.ErrorTypes.ERR_RESOURCE_LIMIT, etree.ErrorTypes.ERR_NAME_TOO_LONG
    ):
        return HostileDocument(f"XML is over the parser's limits: {exc.msg}", dialect=dialect)
    return MalformedDocument(f"XML is not well-formed: {exc.msg}", dialect=dialect)


def parse_xml(
    data: bytes,
    *,
    dialect: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> etree._Element:
    """Parse ``data`` under the rules above and return the root element.

    ``dialect`` names the format in error messages (``"2008-08-01"``, ``"twiml"``).
    """
    if not isinstance(data, bytes):
        raise MalformedDocument(
            f"an XML document must be bytes, got {type(data).__name__}", dialect=dialect
        )
    if len(data) > max_bytes:
        raise HostileDocument(
            f"XML document of {len(data)} bytes is over the {max_bytes}-byte limit", dialect=dialect
        )
    if data.startswith(_WIDE_BOMS) or b"\x00" in data:
        raise MalformedDocument("XML documents must be encoded as UTF-8", dialect=dialect)
    if not data or data.isspace():
        raise MalformedDocument("the XML document is empty", dialect=dialect)
    prolog = _prolog(data)
    found = _DECLARATION.search(prolog)
    if found:
        kind = found.group(1).decode("ascii").upper()
        raise HostileDocument(
            f"XML documents with a {kind} declaration are refused (no DTDs or entities)",
            dialect=dialect,
        )
    foreign = _foreign_encoding(prolog)
    if foreign is not None:
        raise MalformedDocument(
            f"XML documents must be encoded as UTF-8; this one declares {foreign!r}",
            dialect=dialect,
        )
    from lxml import etree  # here, not at the top: importing the package needs no lxml

    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_refusal(data, exc, dialect, max_depth) from None
    except (etree.LxmlError, ValueError) as exc:
        raise MalformedDocument(f"XML could not be read: {exc}", dialect=dialect) from None
    doctype: str = root.getroottree().docinfo.doctype  # type: ignore[union-attr]
    if doctype:
        raise HostileDocument("XML documents with a DOCTYPE are refused", dialect=dialect)
    if _depth_exceeds(root, max_depth):
        raise HostileDocument(
            f"XML nesting is deeper than {max_depth} levels", dialect=dialect
        )
    return root
