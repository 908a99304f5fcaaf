"""The hardened XML parser refuses hostile documents with compat errors and reads no file."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat._xml import parse_xml
from compat.backends import get
from compat.backends.xml_text import escape
from compat.errors import HostileDocument, MalformedDocument, ResponseError
from compat.wire import WireResponse

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<TwilioResponse><SMSMessage><Body>&lol9;</Body></SMSMessage></TwilioResponse>"""

QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + b"x" * 50_000 + b'">]><r>'
    + b"&a;" * 10_000
    + b"</r>"
)

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<TwilioResponse><SMSMessage><Body>&xxe;</Body></SMSMessage></TwilioResponse>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE TwilioResponse SYSTEM "file:///etc/passwd">
<TwilioResponse/>"""

NETWORK_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE TwilioResponse PUBLIC "-//X//Y" "http://127.0.0.1:9/evil.dtd">
<TwilioResponse/>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><r/>"""


@pytest.mark.parametrize(
    "document",
    [BILLION_LAUGHS, QUADRATIC, XXE_FILE, EXTERNAL_DTD, NETWORK_DTD, PARAMETER_ENTITY],
    ids=["billion-laughs", "quadratic", "xxe-file", "external-dtd", "network-dtd", "param-entity"],
)
def test_hostile_documents_are_refused_without_reading_anything(document: bytes) -> None:
    with pytest.raises(HostileDocument) as info:
        parse_xml(document, dialect="2008-08-01")
    assert "root:" not in str(info.value)  # nothing from /etc/passwd leaks into the message
    assert info.value.dialect == "2008-08-01"


def test_doctype_in_a_declared_latin1_document_is_still_refused() -> None:
    document = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'
    )
    with pytest.raises(HostileDocument):
        parse_xml(document, dialect="x")


@pytest.mark.parametrize(
    "document",
    ["<r/>".encode("utf-16"), "<r/>".encode("utf-16-be"), "<r/>".encode("utf-32")],
    ids=["utf16-bom", "utf16-no-bom", "utf32"],
)
def test_wide_encodings_are_refused(document: bytes) -> None:
    with pytest.raises(MalformedDocument, match="UTF-8"):
        parse_xml(document, dialect="x")


def test_size_limit() -> None:
    document = b"<r>" + b"a" * 2000 + b"</r>"
    assert parse_xml(document, dialect="x").text == "a" * 2000
    with pytest.raises(HostileDocument, match="limit"):
        parse_xml(document, dialect="x", max_bytes=1000)


def test_depth_limit() -> None:
    shallow = b"<a>" * 32 + b"</a>" * 32
    assert parse_xml(shallow, dialect="x").tag == "a"
    deep = b"<a>" * 33 + b"</a>" * 33
    with pytest.raises(HostileDocument, match="deeper"):
        parse_xml(deep, dialect="x")
    for levels in (33, 100, 255, 256, 257, 300, 5000):  # past libxml2's own 256 as well
        very_deep = b"<a>" * levels + b"</a>" * levels
        with pytest.raises(HostileDocument, match="deeper than 32"):
            parse_xml(very_deep, dialect="x")


def test_deep_nesting_is_hostile_even_when_the_document_breaks_later() -> None:
    with pytest.raises(HostileDocument, match="deeper"):
        parse_xml(b"<a>" * 300 + b"</b>", dialect="x")
    with pytest.raises(MalformedDocument):  # broken before it gets deep: malformed
        parse_xml(b"<a><b></a>" + b"<a>" * 300, dialect="x")


@pytest.mark.parametrize(
    "document",
    [b"<r>" + b"a" * 10_500_000 + b"</r>", b'<r a="' + b"a" * 10_500_000 + b'"/>',
     b"<" + b"a" * 60_000 + b"/>"],
    ids=["text-over-10MB", "attribute-over-10MB", "name-over-50000"],
)
def test_libxml2_resource_limits_are_hostile(document: bytes) -> None:
    with pytest.raises(HostileDocument, match="limits"):
        parse_xml(document, dialect="x")


UTF7_DOCTYPE = (
    b'<?xml version="1.0" encoding="UTF-7"?>'
    b'+ADw-!DOCTYPE r +AFs-+ADw-!ENTITY x SYSTEM +ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-'
    b"+ADw-r+AD4-+ACY-x+ADs-+ADw-/r+AD4-"
)


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0" encoding="ISO-8859-1"?><r>caf\xe9</r>',
        b"<?xml version='1.0' encoding='latin1'?><r/>",
        UTF7_DOCTYPE,
        b'<?xml version="1.0" encoding="UTF-7"?><r>+AGEAYgBj-</r>',
        b'<?xml version="1.0" encoding="utf-16"?><r/>',
        b'<?xml version="1.0" encoding="UTF-32"?><r/>',
        b'<?xml version="1.0" encoding="IBM037"?><r/>',
        b'<?xml version="1.0" encoding=UTF-7?><r/>',
        b'<?xml version="1.0" encoding = "Shift_JIS" ?><r/>',
        b'<?xml version="1.0"?><!-- x --><?xml encoding="UTF-7"?><r/>',
        b'\xef\xbb\xbf<?xml version="1.0" encoding="windows-1252"?><r/>',
        b'<?xml version="1.0" encoding=""?><r/>',
    ],
    ids=["latin1", "latin1-alias", "utf7-doctype", "utf7", "utf16-declared", "utf32-declared",
         "ebcdic-declared", "unquoted", "spaced", "second-declaration", "utf8-bom-then-cp1252",
         "empty"],
)
def test_a_declared_encoding_other_than_utf8_is_refused_before_parsing(document: bytes) -> None:
    with pytest.raises(MalformedDocument, match="UTF-8"):
        parse_xml(document, dialect="x")


@pytest.mark.parametrize(
    "document",
    [b'<?xml version="1.0" encoding="UTF-8"?><r>\xc3\xa9</r>',
     b"<?xml version='1.0' encoding='utf8'?><r>\xc3\xa9</r>",
     b'<?xml version="1.0" encoding="US-ASCII"?><r>\xc3\xa9</r>',
     b"\xef\xbb\xbf<r>\xc3\xa9</r>",
     b'<?xml-stylesheet href="a" encoding="latin1"?><r>\xc3\xa9</r>'],
    ids=["utf-8", "utf8", "us-ascii", "utf8-bom", "not-a-declaration"],
)
def test_utf8_declarations_are_read_as_utf8(document: bytes) -> None:
    assert parse_xml(document, dialect="x").text == "\u00e9"


@pytest.mark.parametrize(
    "document",
    ["<r/>".encode("cp037"), b"+ADw-r+AD4-+ADw-/r+AD4-", b"<r>\xe9</r>"],
    ids=["ebcdic-undeclared", "utf7-undeclared", "latin1-undeclared"],
)
def test_undeclared_foreign_encodings_are_read_as_utf8_and_fail(document: bytes) -> None:
    with pytest.raises(MalformedDocument):
        parse_xml(document, dialect="x")


@pytest.mark.parametrize(
    "document",
    [b"", b"   ", b"<r>", b"<r></s>", b"not xml", b"<r>\xff\xfe</r>", b"<r>&undefined;</r>",
     b"<?xml version='1.0'?>", b"<a/><b/>"],
)
def test_malformed_documents_raise_malformed(document: bytes) -> None:
    with pytest.raises(MalformedDocument):
        parse_xml(document, dialect="x")


def test_not_bytes_is_a_clear_error() -> None:
    with pytest.raises(MalformedDocument, match="bytes"):
        parse_xml("<r/>", dialect="x")  # type: ignore[arg-type]


def test_comments_and_processing_instructions_are_dropped() -> None:
    root = parse_xml(b"<r><!-- c --><?pi x?><a>1</a></r>", dialect="x")
    assert [child.tag for child in root] == ["a"]


def test_utf8_text_survives() -> None:
    root = parse_xml("<r>Grüße 😀 ж</r>".encode(), dialect="x")
    assert root.text == "Grüße 😀 ж"


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_escape_as_lxml_errors(data: bytes) -> None:
    with contextlib.suppress(ResponseError):
        parse_xml(data, dialect="x")


@given(st.text(max_size=200))
def test_arbitrary_text_wrapped_in_an_element(text: str) -> None:
    from xml.sax.saxutils import escape

    document = f"<r>{escape(text)}</r>".encode()
    try:
        root = parse_xml(document, dialect="x")
    except MalformedDocument:
        # XML 1.0 cannot carry most control characters; those must be the reason.
        assert any(
            (ord(c) < 0x20 and c not in "\t\n\r") or 0xFFFE <= ord(c) <= 0xFFFF
            or 0xD800 <= ord(c) <= 0xDFFF
            for c in text
        )
    else:
        assert (root.text or "") == text.replace("\r\n", "\n").replace("\r", "\n")


def test_depth_limit_sees_a_deep_branch_beside_shallow_ones() -> None:
    branch = b"<d>" * 31 + b"</d>" * 31
    wide = b"<r>" + b"<a/>" * 100 + b"<b>" + branch + b"</b></r>"  # depth 33 down one branch
    with pytest.raises(HostileDocument, match="deeper"):
        parse_xml(wide, dialect="x")
    assert len(parse_xml(wide, dialect="x", max_depth=33)) == 101


def test_doctype_behind_comments_and_processing_instructions_is_refused() -> None:
    document = (
        b'<?xml version="1.0"?><!-- a comment --><?pi data?>\n<!-- another -->'
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    )
    with pytest.raises(HostileDocument):
        parse_xml(document, dialect="x")


def test_declaration_text_inside_the_document_is_only_text() -> None:
    root = parse_xml(b"<r><Body>&lt;!DOCTYPE is just words; ENTITY too</Body></r>", dialect="x")
    assert root[0].text == "<!DOCTYPE is just words; ENTITY too"


XML_BACKENDS = ["2008-08-01", "2010-04-01-xml", "2010-04-01-sms-xml"]


@pytest.mark.parametrize("dialect", XML_BACKENDS)
@pytest.mark.parametrize(
    "document",
    [BILLION_LAUGHS, QUADRATIC, XXE_FILE, EXTERNAL_DTD, NETWORK_DTD, PARAMETER_ENTITY],
    ids=["billion-laughs", "quadratic", "xxe-file", "external-dtd", "network-dtd", "param-entity"],
)
def test_every_xml_backend_refuses_hostile_documents(dialect: str, document: bytes) -> None:
    backend = get(dialect)
    for parse in (backend.parse_message, backend.parse_page, backend.parse_error):
        with pytest.raises(HostileDocument) as info:
            parse(WireResponse(400 if parse == backend.parse_error else 200,
                               (("Content-Type", "application/xml"),), document))
        assert info.value.dialect == dialect
        assert "root:" not in str(info.value)


@pytest.mark.parametrize("dialect", XML_BACKENDS)
def test_every_xml_backend_refuses_deep_and_huge_documents(dialect: str) -> None:
    backend = get(dialect)
    deep = b"<TwilioResponse>" + b"<a>" * 100 + b"</a>" * 100 + b"</TwilioResponse>"
    huge = b"<TwilioResponse><Body>" + b"x" * (17 * 1024 * 1024) + b"</Body></TwilioResponse>"
    for document in (deep, huge):
        with pytest.raises(HostileDocument):
            backend.parse_message(WireResponse(200, (), document))


def _xml_char(code: int) -> bool:
    """XML 1.0's ``Char`` production, written out from the specification."""
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def test_escape_replaces_exactly_the_characters_xml_cannot_carry() -> None:
    every = "".join(chr(code) for code in range(0x110000) if chr(code) not in "&<>\r")
    written = escape(every)
    assert len(written) == len(every)
    wrong = [hex(ord(c)) for c, w in zip(every, written, strict=True)
             if (w == c) != _xml_char(ord(c)) or (w != c and w != "\ufffd")]
    assert wrong == []
