"""The hostile-input corpus: documents that must be refused, each with the error it must raise.

Each :class:`Case` names what the hardened parser itself raises (``parser``: ``None`` when the
bytes are well-formed XML the parser accepts, such as an XInclude) and what a reader of a dialect
raises (``reader``: a backend or TwiML, which also refuse documents of the wrong shape). The sizes
follow the suite's mode: ``RELIABILITY=thorough`` builds the full-size ones.
"""

from __future__ import annotations

import base64
import os
import zlib
from functools import cache

import attrs

from compat.errors import HostileDocument, MalformedDocument, ResponseError, UnexpectedDocument

__all__ = ["LIMIT", "SECRET_FILE", "THOROUGH", "Case", "bomb", "json_cases", "xml_cases"]

#: ``RELIABILITY=thorough`` runs the full-size cases; the default is quick enough for every run.
THOROUGH = os.environ.get("RELIABILITY", "").lower() == "thorough"

LIMIT = 16 * 1024 * 1024
SECRET_FILE = "file:///etc/passwd"


@attrs.frozen
class Case:
    name: str
    data: bytes = attrs.field(repr=False)
    parser: type[ResponseError] | None
    reader: type[ResponseError]


def _hostile(name: str, data: bytes) -> Case:
    return Case(name, data, HostileDocument, HostileDocument)


def _malformed(name: str, data: bytes) -> Case:
    return Case(name, data, MalformedDocument, MalformedDocument)


def _utf7(text: str) -> bytes:
    """``text`` in UTF-7 with every markup character escaped (no ``<`` byte anywhere)."""
    out = []
    for ch in text:
        out.append(ch if ch.isalnum() or ch in " ./:" else "+" + _b64(ch) + "-")
    return "".join(out).encode("ascii")


def _b64(ch: str) -> str:
    return base64.b64encode(ch.encode("utf-16-be")).decode("ascii").rstrip("=")


def xml_cases(valid: bytes) -> list[Case]:
    """The XML corpus; ``valid`` is a well-formed document of the dialect under test, which the
    truncation cases cut short."""
    levels = "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a0 "lol">{levels}]>'
        "<TwilioResponse>&a9;</TwilioResponse>"
    ).encode()
    cases = [
        _hostile("billion-laughs", laughs),
        _hostile("quadratic-blowup", b'<!DOCTYPE r [<!ENTITY a "' + b"x" * 50_000 + b'">]><r>'
                 + b"&a;" * 10_000 + b"</r>"),
        _hostile("external-entity", b'<!DOCTYPE r [<!ENTITY x SYSTEM "' + SECRET_FILE.encode()
                 + b'">]><TwilioResponse>&x;</TwilioResponse>'),
        _hostile("parameter-entity", b'<!DOCTYPE r [<!ENTITY % p SYSTEM "' + SECRET_FILE.encode()
                 + b'"> %p;]><r/>'),
        _hostile("external-dtd", b'<!DOCTYPE TwilioResponse SYSTEM "' + SECRET_FILE.encode()
                 + b'"><TwilioResponse/>'),
        _hostile("network-dtd", b'<!DOCTYPE r PUBLIC "-//A//B" "http://127.0.0.1:9/x.dtd"><r/>'),
        _hostile("doctype-behind-comment", b"<?xml version='1.0'?><!-- c --><?pi x?>"
                 b"<!doctype r><r/>"),
        _hostile("entity-lowercase-spaced", b"<! DOCTYPE r><r/>"),
        _hostile("deep-33", b"<a>" * 33 + b"</a>" * 33),
        _hostile("deep-300", b"<a>" * 300 + b"</a>" * 300),
        _hostile("deep-5000-unclosed", b"<a>" * 5000),
        _hostile("huge-text", b"<r>" + b"a" * 10_500_000 + b"</r>"),
        _hostile("huge-attribute", b'<r a="' + b"a" * 10_500_000 + b'"/>'),
        _hostile("huge-name", b"<" + b"a" * 60_000 + b"/>"),
        _hostile("over-16-MiB", b"<r>" + b" " * LIMIT + b"</r>"),
        Case("xinclude", b'<TwilioResponse xmlns:xi="http://www.w3.org/2001/XInclude">'
             b'<xi:include href="' + SECRET_FILE.encode() + b'" parse="text"/></TwilioResponse>',
             None, UnexpectedDocument),
        Case("wrong-root-html", b"<html><body>Service Unavailable</body></html>", None,
             UnexpectedDocument),
        Case("many-attributes", b"<r " + b" ".join(b"a%d='1'" % i for i in range(50_000))
             + b"/>", None, UnexpectedDocument),
        # every encoding trick
        _malformed("declared-latin1", b'<?xml version="1.0" encoding="ISO-8859-1"?><r>\xe9</r>'),
        _malformed("declared-utf7-hiding-a-dtd",
                   b'<?xml version="1.0" encoding="UTF-7"?>'
                   + _utf7('<!DOCTYPE r [<!ENTITY x SYSTEM "' + SECRET_FILE + '">]><r>&x;</r>')),
        _malformed("undeclared-utf7", _utf7("<TwilioResponse/>")),
        _malformed("utf16-bom", "<TwilioResponse/>".encode("utf-16")),
        _malformed("utf16-no-bom", "<TwilioResponse/>".encode("utf-16-le")),
        _malformed("utf16-declared-as-utf8",
                   '<?xml version="1.0" encoding="UTF-8"?><r/>'.encode("utf-16")),
        _malformed("utf32", "<TwilioResponse/>".encode("utf-32")),
        _malformed("ebcdic", '<?xml version="1.0" encoding="IBM037"?><r/>'.encode("cp037")),
        _malformed("ebcdic-declared-in-ascii", b'<?xml version="1.0" encoding="IBM037"?><r/>'),
        _malformed("declaration-lies-utf8-but-latin1", b'<?xml version="1.0" encoding="UTF-8"?>'
                   b"<r>caf\xe9</r>"),
        _malformed("encoding-in-a-second-declaration", b"<?xml version='1.0'?>\n"
                   b"<?xml encoding='UTF-7'?><r/>"),
        _malformed("utf8-bom-then-cp1252", b'\xef\xbb\xbf<?xml version="1.0" '
                   b'encoding="windows-1252"?><r/>'),
        _malformed("nul-byte", b"<r>\x00</r>"),
        _malformed("overlong-utf8", b"<r>\xc0\xbc</r>"),
        _malformed("lone-surrogate", b"<r>\xed\xa0\x80</r>"),
        # truncation and not-XML
        _malformed("empty", b""),
        _malformed("blank", b" \r\n\t "),
        _malformed("json-instead", b'{"sid": "SM1"}'),
        _malformed("undefined-entity", b"<r>&undefined;</r>"),
        _malformed("two-roots", b"<a/><b/>"),
    ]
    for cut in sorted({1, 2, len(valid) // 3, len(valid) // 2, len(valid) - 1}):
        cases.append(_malformed(f"truncated-at-{cut}", valid[:cut]))
    return cases


def json_cases() -> list[Case]:
    """The JSON corpus for the 2010 dialects (``parser`` is what :func:`load_json` raises)."""
    cases = [
        _hostile("deep-array", b"[" * 100_000 + b"]" * 100_000),
        _hostile("deep-object", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        _hostile("over-16-MiB", b'{"sid": "' + b"a" * LIMIT + b'"}'),
        _malformed("utf16", '{"sid": "SM1"}'.encode("utf-16")),
        _malformed("utf8-bom", b'\xef\xbb\xbf{"sid": "SM1"}'),
        _malformed("latin1", b'{"body": "caf\xe9"}'),
        _malformed("nan", b'{"price": NaN}'),
        _malformed("infinity", b'{"price": -Infinity}'),
        _malformed("duplicate-key", b'{"sid": "SM1", "sid": "SM2"}'),
        _malformed("huge-integer", b'{"num_segments": ' + b"9" * 5000 + b"}"),
        _malformed("trailing-garbage", b'{"sid": "SM1"} x'),
        _malformed("empty", b""),
        _malformed("html", b"<html>oops</html>"),
        _malformed("truncated", b'{"sid": "SM1", "body": "hel'),
        _malformed("lone-surrogate-escape-raw", b'{"body": "\xed\xa0\x80"}'),
        Case("wrong-type", b'{"sid": 5, "account_sid": "AC1", "status": "sent"}', None,
             UnexpectedDocument),
        Case("array-root", b"[]", None, UnexpectedDocument),
        Case("null-root", b"null", None, UnexpectedDocument),
        Case("deep-but-under-the-stack", b"[" * 50 + b"]" * 50, None, UnexpectedDocument),
    ]
    return cases


@cache
def bomb(size: int, encoding: str = "gzip") -> bytes:
    """``size`` zero bytes compressed (about 1,000 times smaller): ``gzip``, ``deflate`` (zlib
    wrapped) or ``raw-deflate``."""
    wbits = {"gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS, "raw-deflate": -zlib.MAX_WBITS}
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits[encoding])
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    parts.append(packer.compress(bytes(size % len(block))))
    parts.append(packer.flush())
    return b"".join(parts)
