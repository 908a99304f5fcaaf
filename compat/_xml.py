"""The one hardened XML parser of the package.

Rules, checked in this order before and after lxml sees the bytes:

1. Only UTF-8 (or ASCII) documents: a UTF-16/UTF-32 byte order mark or a NUL byte is refused, so
   the byte scans below cannot be dodged by another encoding.
2. At most ``max_bytes`` bytes (default 16 MiB), else :class:`~compat.errors.HostileDocument`.
3. No document type declaration and no entity declaration at all: no DTD, internal or external,
   so no billion laughs, no quadratic blowup, no external entities (``file:///etc/passwd``), no
   network. The parser itself is also set never to load a DTD, resolve entities or use the network.
4. At most ``max_depth`` levels of elements (default 32).
5. Comments and processing instructions are dropped; callers see elements only.

Anything lxml rejects becomes :class:`~compat.errors.MalformedDocument`; no lxml exception escapes.
"""

from __future__ import annotations

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


def _depth_exceeds(root: etree._Element, limit: int) -> bool:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


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
    if not data.strip():
        raise MalformedDocument("the XML document is empty", dialect=dialect)
    found = _DECLARATION.search(data)
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
