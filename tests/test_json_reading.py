"""The JSON dialects' one-pass message reader against the per-field reader it replaced.

``JsonBackend.read_message`` reads a document in one loop over the dialect's fields, with the
typed getters of :mod:`compat.backends._json` only for what is not a plain string or an optional
null. :func:`reference_read` below is the reader it replaced (one closure per field, every value
through ``get_str``/``require_str``/``get_int``); for any document, valid or not, the two must
give the same message or the same error, word for word.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compat import backends
from compat.backends import DialectRules, Field, JsonBackend
from compat.backends._json import get_int, get_object, get_str, require_str
from compat.backends.dates import format_rfc2822, parse_rfc2822
from compat.backends.forms import finite_decimal
from compat.backends.numbers import read_number
from compat.backends.rules import DERIVED
from compat.errors import InvalidParameter, UnexpectedDocument
from compat.model import Direction, Message, Status
from compat.phone import NumberStyle
from tests import strategies as ms

_REQUIRED = frozenset({"sid", "account_sid", "status"})


def reference_read(backend: JsonBackend, value: object, where: str) -> Message:
    """The reader as it was before the one-pass loop (kept here as the oracle)."""
    name, style = backend.name, backend.rules.number_style

    def fail(message: str) -> UnexpectedDocument:
        return UnexpectedDocument(message, dialect=name)

    def read(field: Field, obj: Mapping[str, Any]) -> Any:
        key, kind = field.wire, field.kind
        if kind in ("text", "uri"):
            if field.model in _REQUIRED:
                return require_str(obj, key, where=where, dialect=name)
            return get_str(obj, key, where=where, dialect=name)
        if kind == "number":
            return read_number(get_str(obj, key, where=where, dialect=name), style)
        if kind == "status":
            text = require_str(obj, key, where=where, dialect=name)
            if not text:
                raise fail(f"{where}: {key!r} is empty")
            return Status._value2member_map_.get(text) or Status(text)
        if kind == "int":
            return get_int(obj, key, where=where, dialect=name)
        text = get_str(obj, key, where=where, dialect=name)
        if kind == "date":
            if not text:
                return None
            try:
                return parse_rfc2822(text)
            except ValueError:
                raise fail(f"{where}: {key!r} is not an RFC 2822 date: {text!r}") from None
        if kind == "direction":
            return (Direction._value2member_map_.get(text) or Direction(text)) if text else None
        if kind == "price":
            if not text:
                return None
            number = finite_decimal(text)
            if number is None:
                raise fail(f"{where}: {key!r} is not a decimal number: {text!r}")
            return number
        assert kind == "count"
        if text is None:
            return None
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            raise fail(f"{where}: {key!r} must be a string of digits, got {text!r}")
        return int(text)

    obj = get_object(value, where=where, dialect=name)
    readable = (*backend.rules.fields, *backend.rules.readable_fields)
    values = {f.model: read(f, obj) for f in readable if f.kind not in DERIVED}
    if "api_version" not in backend.rules.carried:
        values.setdefault("api_version", backend.api_version)
    try:
        return Message(**values)
    except InvalidParameter as exc:
        raise fail(f"{where}: {exc}") from None


class Text(str):
    """A string subclass: read as the string it is, as ``isinstance`` reads it."""


_NANP_RULES: DialectRules = attrs.evolve(
    backends.get("2010-04-01").rules,
    name="acme-nanp",
    number_style=NumberStyle.NANP_DIGITS,
    # A status read from a second key, a required-looking model under another kind, and a
    # field read twice: what a third party's rules may say.
    readable_fields=(Field("api_version", "version"), Field("sid", "other_sid", "number"),
                     Field("body", "text_body")),
)

DIALECTS = [backends.get(name) for name in backends.names()
            if isinstance(backends.get(name), JsonBackend)]
DIALECTS.append(JsonBackend(_NANP_RULES))


@functools.cache
def _good_strings(kind: str) -> st.SearchStrategy[str]:
    good: dict[str, st.SearchStrategy[str]] = {
        "date": ms.aware_datetimes().map(format_rfc2822) | st.just(""),
        "status": ms.statuses().map(lambda s: s._value_),
        "direction": ms.directions(known_only=False).map(lambda d: d._value_ if d else ""),
        "price": ms.prices().map(str),
        "count": st.integers(0, 10**5).map(str),
        "number": ms.phone_numbers() | ms.nanp_numbers().map(lambda n: n[2:]),
    }
    return good.get(kind, st.text(max_size=12))


@functools.cache
def _strings_for(kind: str) -> st.SearchStrategy[str]:
    return st.one_of(_good_strings(kind), ms.message_sids(), ms.account_sids(),
                     st.sampled_from(["", " ", "x", "1e3", "NaN", "-5", "12", "Wed, 31 Feb 2024",
                                      "1" * 19]),
                     st.text(max_size=12))


@functools.cache
def _value_for(kind: str) -> st.SearchStrategy[Any]:
    return st.one_of(
        _strings_for(kind),
        _strings_for(kind).map(Text),
        st.none(),
        st.integers(-(10**20), 10**20),
        st.booleans(),
        st.floats(allow_nan=False),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )


_MISSING = object()


def _fitting(field: Field) -> st.SearchStrategy[Any]:
    if field.kind == "int":
        return st.none() | st.integers(0, 99999)
    if field.model == "sid":
        return ms.message_sids()
    if field.model == "account_sid":
        return ms.account_sids()
    if field.model == "messaging_service_sid":
        return st.none() | ms.service_sids()
    return _good_strings(field.kind)


@functools.cache
def documents(backend: JsonBackend) -> st.SearchStrategy[dict[str, Any]]:
    """Documents that are mostly right (each field a fitting string, an optional one also null
    or missing), with up to two fields spoilt (missing, or a value of any type) and sometimes an
    unknown key."""
    fields = [f for f in (*backend.rules.fields, *backend.rules.readable_fields)
              if f.kind not in DERIVED]
    required = {"sid", "account_sid", "status"}
    good = st.fixed_dictionaries({
        f.wire: _fitting(f) if f.model in required
        else _fitting(f) | st.none() | st.just(_MISSING)
        for f in fields
    })
    spoilt = st.lists(
        st.sampled_from(fields).flatmap(
            lambda f: st.tuples(st.just(f.wire), st.just(_MISSING) | _value_for(f.kind))),
        max_size=2,
    )
    unknown = st.just(_MISSING) | _value_for("text")

    def document(drawn: tuple[dict[str, Any], list[tuple[str, Any]], Any]) -> dict[str, Any]:
        values, changes, extra = drawn
        values = {**values, **dict(changes), "unknown_key": extra}
        return {key: value for key, value in values.items() if value is not _MISSING}

    return st.tuples(good, spoilt, unknown).map(document)


def _outcome(read: Any) -> tuple[str, Any]:
    try:
        return "message", read()
    except (UnexpectedDocument, InvalidParameter) as exc:
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize("backend", DIALECTS, ids=lambda b: b.name)
@settings(max_examples=200)
@given(data=st.data())
def test_one_pass_reader_reads_as_the_per_field_reader(backend: JsonBackend,
                                                        data: st.DataObject) -> None:
    document = data.draw(documents(backend))
    ours = _outcome(lambda: backend.read_message(document, "the message"))
    theirs = _outcome(lambda: reference_read(backend, document, "the message"))
    assert ours == theirs


@pytest.mark.parametrize("backend", DIALECTS, ids=lambda b: b.name)
@given(message=ms.messages())
def test_written_messages_read_as_the_per_field_reader(backend: JsonBackend,
                                                       message: Message) -> None:
    document = backend.message_document(message)
    assert _outcome(lambda: backend.read_message(document, "the message")) == _outcome(
        lambda: reference_read(backend, document, "the message"))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"sid": 5}, "the message: 'sid' must be a string, got a number"),
        ({"sid": None}, "the message: 'sid' must be a string, got null"),
        ({"sid": ...}, "the message: the required key 'sid' is missing"),
        ({"account_sid": ...}, "the message: the required key 'account_sid' is missing"),
        ({"status": None}, "the message: 'status' must be a string, got null"),
        ({"status": ""}, "the message: 'status' is empty"),
        ({"body": 5}, "the message: 'body' must be a string or null, got a number"),
        ({"to": True}, "the message: 'to' must be a string or null, got a boolean"),
        ({"date_created": 1}, "the message: 'date_created' must be a string or null, got a number"),
        ({"date_sent": "yesterday"},
         "the message: 'date_sent' is not an RFC 2822 date: 'yesterday'"),
        ({"error_code": "30001"},
         "the message: 'error_code' must be an integer or null, got a string"),
        ({"error_code": True},
         "the message: 'error_code' must be an integer or null, got a boolean"),
        ({"num_segments": 1},
         "the message: 'num_segments' must be a string or null, got a number"),
        ({"num_segments": "-1"},
         "the message: 'num_segments' must be a string of digits, got '-1'"),
        ({"price": "abc"}, "the message: 'price' is not a decimal number: 'abc'"),
        ({"price": 0.5}, "the message: 'price' must be a string or null, got a number"),
        ({"direction": []}, "the message: 'direction' must be a string or null, got an array"),
        ({"sid": "SMnope"}, "the message: sid 'SMnope' does not match (SM|MM)[0-9a-fA-F]{32}"),
    ],
)
def test_errors_name_the_key_and_where(change: dict[str, Any], error: str) -> None:
    backend = backends.get("2010-04-01")
    message = Message(sid="SM" + "a" * 32, account_sid="AC" + "b" * 32, body="hi",
                      date_created=dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc))
    document = backend.message_document(message)
    for key, value in change.items():
        if value is ...:
            del document[key]
        else:
            document[key] = value
    with pytest.raises(UnexpectedDocument) as raised:
        backend.read_message(document, "the message")
    assert str(raised.value).endswith(error)
    assert _outcome(lambda: reference_read(backend, document, "the message")) == (
        "UnexpectedDocument", str(raised.value))
