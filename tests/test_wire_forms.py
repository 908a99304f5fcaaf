"""The form codec: it reads what ``urllib.parse.parse_qsl`` reads (blank values kept, strict
UTF-8), round-trips every pair list it writes, and refuses bad input with MalformedDocument."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat.errors import MalformedDocument
from compat.wire import decode_form, encode_form

#: Form text built from the characters that matter to a form reader, so that separators,
#: escapes (good, bad and non-UTF-8) and pluses meet often.
form_text = st.lists(
    st.sampled_from(["&", "=", "+", "%", "%2", "%20", "%2B", "%26", "%3D", "%zz", "%C3%A9",
                     "%FF", "%C3", "%e2%82%ac", "a", "To", "Body", " ", "é", "€", "😀", "\x00"]),
    max_size=30,
).map("".join)


def reference(text: str) -> list[tuple[str, str]] | None:
    """``parse_qsl`` with the codec's settings; ``None`` where it refuses the text."""
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return None


@given(form_text)
def test_decode_reads_what_parse_qsl_reads(text: str) -> None:
    expected = reference(text)
    if expected is None:
        with pytest.raises(MalformedDocument, match="not UTF-8 once unescaped"):
            decode_form(text)
    else:
        assert decode_form(text) == expected


@given(form_text)
def test_bytes_and_text_read_alike(text: str) -> None:
    try:
        from_text = decode_form(text)
    except MalformedDocument:
        with pytest.raises(MalformedDocument):
            decode_form(text.encode("utf-8"))
    else:
        assert decode_form(text.encode("utf-8")) == from_text


pairs = st.lists(st.tuples(st.text(min_size=1), st.text()).filter(
    lambda pair: not any("\ud800" <= c <= "\udfff" for c in pair[0] + pair[1])), max_size=8)


@given(pairs)
def test_encode_then_decode_gives_the_pairs_back(written: list[tuple[str, str]]) -> None:
    assert decode_form(encode_form(written)) == written


def test_a_field_without_equals_is_a_blank_value_and_empty_fields_are_skipped() -> None:
    assert decode_form("Body&&To=%2B1555+0100&") == [("Body", ""), ("To", "+1555 0100")]


def test_field_count_limit() -> None:
    assert len(decode_form("&".join(["a=1"] * 1000))) == 1000
    with pytest.raises(MalformedDocument, match="more than 1000 fields"):
        decode_form("&".join(["a=1"] * 1001))
    with pytest.raises(MalformedDocument, match="more than 3 fields"):
        decode_form("a&b&c&", max_fields=3)  # parse_qsl counts separators, not fields


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(MalformedDocument, match="form data is not UTF-8"):
        decode_form(b"Body=\xff")


def test_escapes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(MalformedDocument, match="once unescaped"):
        decode_form("Body=" + quote(b"\xff"))
