"""JSON dialects write documents as text: it must be exactly what ``json.dumps`` writes.

The golden fixtures pin the values of a few documents; these properties pin the text of every
document: for any message and page, the bytes a JSON backend writes are ``json.dumps``'s own
rendering of the object they denote (same key order, separators and escapes), and that object
is what ``message_document`` / ``page_document`` give.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat.backends import Field, JsonBackend
from compat.backends.v2010 import Backend2010
from compat.backends.v2010_sms import Backend2010Sms
from compat.model import ListQuery, Message
from compat.phone import NumberStyle
from tests import strategies as ms

BACKENDS = [Backend2010(), Backend2010Sms()]
IDS = [b.name for b in BACKENDS]


def as_dumps_writes(body: bytes) -> bytes:
    """The text ``json.dumps`` writes for the object ``body`` denotes."""
    return json.dumps(json.loads(body)).encode("ascii")


@pytest.mark.parametrize("backend", BACKENDS, ids=IDS)
@given(message=ms.messages(), created=st.booleans())
def test_message_text_is_what_json_dumps_writes(
    backend: JsonBackend, message: Message, created: bool
) -> None:
    body = backend.render_message(message, created=created).body
    assert body == as_dumps_writes(body)
    document = json.loads(body)
    assert document == backend.message_document(message, created)
    assert list(document) == [f.wire for f in backend.rules.fields]
    assert document["sid"] == message.sid
    assert document["body"] == message.body
    assert document["uri"] == backend.message_uri(message)
    stem = backend.message_uri(message).removesuffix(".json")
    links = {"media": stem + "/Media.json"} if created else {
        "media": stem + "/Media.json", "feedback": stem + "/Feedback.json"
    }
    assert document.get("subresource_uris", links) == links
    assert ("subresource_uris" in document) == any(
        f.kind == "subresources" for f in backend.rules.fields)


@pytest.mark.parametrize("backend", BACKENDS, ids=IDS)
@given(items=st.lists(ms.messages(), max_size=4), page=st.integers(0, 5),
       page_size=st.integers(1, 50))
def test_page_text_is_what_json_dumps_writes(
    backend: JsonBackend, items: list[Message], page: int, page_size: int
) -> None:
    account = "AC" + "0" * 32
    made = backend.make_page(account, ListQuery(page_size=page_size), tuple(items), page=page,
                             page_size=page_size, total=page * page_size + len(items))
    body = backend.render_page(made).body
    assert body == as_dumps_writes(body)
    document: dict[str, Any] = json.loads(body)
    assert document == backend.page_document(made)
    assert list(document) == [f.wire for f in backend.rules.page_fields]
    listed = next(f.wire for f in backend.rules.page_fields if f.model == "items")
    assert [m["sid"] for m in document[listed]] == [m.sid for m in items]


def test_unusual_keys_and_values_of_a_third_party_dialect() -> None:
    """Keys needing escapes (and a ``%``) are written escaped; a ``text`` field holding a
    number or a tuple is written as ``json.dumps`` writes that value; another number style
    is applied."""
    base = Backend2010()
    rules = attrs.evolve(
        base.rules,
        name="odd-json",
        number_style=NumberStyle.NANP_DIGITS,
        fields=(
            Field("sid", 'S"id %s'),
            Field("body", "Téxt"),
            Field("num_segments", "segments"),
            Field("media_urls", "media"),
            Field("to", "to", "number"),
            Field("error_code", "code", "int"),
        ),
    )
    backend = JsonBackend(rules)
    message = Message(sid="SM" + "a" * 32, account_sid="AC" + "b" * 32, body="snow ☃",
                      num_segments=2, media_urls=("https://example.com/a.png",),
                      to="+15558675310", error_code=-3)
    body = backend.render_message(message).body
    assert body == as_dumps_writes(body)
    assert json.loads(body) == {
        'S"id %s': message.sid, "Téxt": "snow ☃", "segments": 2,
        "media": ["https://example.com/a.png"], "to": "5558675310", "code": -3,
    }
    assert b'"T\\u00e9xt": "snow \\u2603"' in body


@given(message=ms.messages(), created=st.booleans(),
       prefix=st.text(min_size=1, max_size=8), collection=st.text(max_size=8),
       suffix=st.text(max_size=5))
def test_links_of_routes_needing_escapes(
    message: Message, created: bool, prefix: str, collection: str, suffix: str
) -> None:
    """A third-party dialect's routes may hold quotes, ``%``, backslashes or non-ASCII: its
    ``uri`` and ``subresource_uris`` are still the routes' paths, written as ``json.dumps``
    writes them."""
    base = Backend2010()
    routes = attrs.evolve(base.rules.routes, prefix=prefix, collection=collection,
                          suffix=suffix)
    backend = JsonBackend(attrs.evolve(base.rules, name="routed-json", routes=routes))
    body = backend.render_message(message, created=created).body
    assert body == as_dumps_writes(body)
    document = json.loads(body)
    path = routes.instance_path(message.account_sid, message.sid)
    assert document["uri"] == path == backend.message_uri(message)
    stem = path[:len(path) - len(suffix)]
    expected = {"media": f"{stem}/Media{suffix}"}
    if not created:
        expected["feedback"] = f"{stem}/Feedback{suffix}"
    assert document["subresource_uris"] == expected
