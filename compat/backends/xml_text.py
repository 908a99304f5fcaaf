"""Text in the XML the backends write: escaped for element content and attribute values.

Rules: characters XML 1.0 cannot carry are written as U+FFFD; ``&``, ``<`` and ``>`` are escaped; a
carriage return is written ``&#13;`` so it survives the parser's line-end normalisation; an empty or
null value is a self-closing element.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["element", "escape"]

#: The characters XML 1.0 cannot carry, listed as themselves: the complement of its ``Char``
#: production would span the astral planes, and compiling that class costs milliseconds at import.
_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """``text`` as XML 1.0 element content (see the module rules)."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("\ufffd", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def element(name: str, text: str | None) -> str:
    """``<name>text</name>``, or ``<name/>`` for an empty or null value."""
    if not text:
        return f"<{name}/>"
    return f"<{name}>{escape(text)}</{name}>"
