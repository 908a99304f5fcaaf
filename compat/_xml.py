"""The one hardened XML parser of the package.

Rules, checked in this order before and after lxml sees the bytes:

1. Only UTF-8 (or ASCII) documents: a UTF-16/UTF-32 byte order mark or a NUL byte is refused, so
   the byte scans below cannot be dodged by another encoding.
2. At most ``max_bytes`` bytes (default 16 MiB), else :class:`~compat.errors.HostileDocument`.
3. No document type declaration and no entity declaration in the prolog (the only place XML
   allows them): no DTD, internal or external, so no billion laughs, no quadratic blowup, no
   external entities (``file:///etc/passwd``), no network. The parser itself is also set never to
   load a DTD, resolve entities or use the network, and a DOCTYPE it still finds is refused.
4. At most ``max_depth`` levels of elements (default 32).
5. Comments and processing instructions are dropped; callers see elements only.

Anything lxml rejects becomes :class:`~compat.errors.MalformedDocument`; no lxml exception escapes.
"""

from __future__ import annotations

import functools
import re
import threading

from lxml import etree

from compat.errors import HostileDocument, MalformedDocument

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH", "parse_xml"]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_DEPTH = 32

_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

_local = threading.local()


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


@functools.lru_cache(maxsize=8)
def _deeper_than(limit: int) -> etree.XPath:
    # An element exists at depth limit + 1: one compiled XPath, no Python walk over the tree.
    return etree.XPath("boolean(" + "/*" * (limit + 1) + ")")


def _depth_exceeds(root: etree._Element, limit: int) -> bool:
    return bool(_deeper_than(limit)(root))


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
    found = _DECLARATION.search(_prolog(data))
    if found:
        kind = found.group(1).decode("ascii").upper()
        raise HostileDocument(
            f"XML documents with a {kind} declaration are refused (no DTDs or entities)",
            dialect=dialect,
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(f"XML is not well-formed: {exc.msg}", dialect=dialect) from None
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
