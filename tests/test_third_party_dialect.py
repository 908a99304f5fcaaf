"""A fourth dialect from outside the package: data on a public base, found by entry point.

The distribution below touches nothing in ``compat/``: it subclasses
:class:`compat.backends.JsonBackend` with its own :class:`compat.backends.DialectRules` (other
paths, other field names, its own body limit) and declares an entry point in the
``compat.backends`` group. Through the registry it then works end to end: the client, the emulator
serving it over the same store as the built-in dialects, error answers, the golden-case runner on
cases it ships, and the round-trip properties.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given

import compat.backends as registry
from compat import ApiError, BodyTooLong, UnsupportedOperation, fixtures
from compat.backends import Backend, JsonBackend
from compat.backends.base import FetchCall
from compat.emulator import Emulator
from compat.model import Message
from compat.testing import golden
from compat.wire import WireRequest
from tests import strategies as ms

NAME = "acme-2012"
TO, FROM = "+15558675310", "+15005550006"

ACME_MODULE = '''
from compat.backends import DialectRules, Field, JsonBackend, Operation, Routes
from compat.backends.rules import CREATE_PARAMS_LEGACY, LIST_PARAMS_LEGACY, STATUSES_2010
from compat.phone import NumberStyle

RULES = DialectRules(
    name="acme-2012",
    api_version="acme-2012",
    routes=Routes("/acme/2012/Accounts/", "/Texts", ".json"),
    operations=frozenset({Operation.CREATE, Operation.FETCH, Operation.LIST}),
    create_params=CREATE_PARAMS_LEGACY,
    list_params=LIST_PARAMS_LEGACY,
    fields=(
        Field("sid", "Id"),
        Field("account_sid", "Account"),
        Field("to", "Recipient", "number"),
        Field("from_", "Sender", "number"),
        Field("body", "Text"),
        Field("status", "State", "status"),
        Field("direction", "Way", "direction"),
        Field("date_created", "Created", "date"),
        Field("api_version", "Version"),
        Field("uri", "Link", "uri"),
    ),
    statuses=STATUSES_2010,
    number_style=NumberStyle.E164,
    max_body_length=320,
    body_too_long_code=21617,
    no_body_code=21602,
    counted_pages=True,
    page_uri_order=("Page", "PageSize"),
    page_fields=(
        Field("page", "Page"),
        Field("page_size", "Size"),
        Field("num_pages", "Pages"),
        Field("total", "Total"),
        Field("start", "Start"),
        Field("end", "End"),
        Field("uri", "Link"),
        Field("next_page_uri", "Next"),
        Field("items", "Texts"),
    ),
    list_name="Texts",
    content_type="application/json",
)


class AcmeBackend(JsonBackend):
    RULES = RULES
'''


@pytest.fixture
def acme(tmp_path: Path) -> Iterator[Backend]:
    (tmp_path / "acme_dialect.py").write_text(ACME_MODULE)
    dist = tmp_path / "acme_dialect-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-dialect\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        textwrap.dedent(f"""
            [compat.backends]
            {NAME} = acme_dialect:AcmeBackend
        """)
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield registry.get(NAME)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("acme_dialect", None)
        registry.unregister(NAME)


def test_the_registry_finds_it_by_entry_point(acme: Backend) -> None:
    assert NAME in registry.names()
    assert isinstance(acme, Backend)
    assert isinstance(acme, JsonBackend)
    assert type(acme).__module__ == "acme_dialect"
    assert (acme.name, acme.api_version, acme.max_body_length) == (NAME, NAME, 320)


def test_client_and_emulator_speak_it_over_one_store(acme: Backend) -> None:
    with Emulator(seed=4, mode="manual") as emulator:
        client = emulator.client(NAME)
        newer = emulator.client("2010-04-01")
        sent = client.messages.create(to=TO, from_=FROM, body="from acme")
        assert sent.api_version == NAME
        assert sent.uri == f"/acme/2012/Accounts/{sent.account_sid}/Texts/{sent.sid}.json"
        assert client.messages.fetch(sent.sid).body == "from acme"
        # The same store answers through 2010, and a 2010 message lists through acme.
        assert newer.messages.fetch(sent.sid).body == "from acme"
        other = newer.messages.create(to=TO, from_=FROM, body="from 2010")
        listed = list(client.messages.list(page_size=1))
        assert sorted(m.sid for m in listed) == sorted([sent.sid, other.sid])
        with pytest.raises(BodyTooLong):
            client.messages.create(to=TO, from_=FROM, body="x" * 321)
        with pytest.raises(UnsupportedOperation):
            client.messages.delete(sent.sid)
        client.close()
        newer.close()


def test_the_wire_uses_its_own_names_and_codes(acme: Backend) -> None:
    with Emulator(seed=5) as emulator:
        account = emulator.account
        path = f"/acme/2012/Accounts/{account.sid}/Texts.json"
        token = base64.b64encode(f"{account.sid}:{account.auth_token}".encode()).decode()
        headers = [("Content-Type", "application/x-www-form-urlencoded"),
                   ("Authorization", f"Basic {token}")]
        created = emulator.handle(WireRequest("POST", path, headers=headers,
                                              body=f"To={TO}&From={FROM}&Body=hi".encode()))
        assert created.status == 201
        document = json.loads(created.body)
        assert document["Recipient"] == TO
        assert document["Version"] == NAME
        assert set(document) == {"Id", "Account", "Recipient", "Sender", "Text", "State", "Way",
                                 "Created", "Version", "Link"}
        too_long = emulator.handle(WireRequest("POST", path, headers=headers,
                                               body=f"To={TO}&From={FROM}&Body={'x' * 321}"
                                               .encode()))
        error = acme.parse_error(too_long)
        assert (error.status, error.code) == (400, 21617)
        assert error.message == "The message body exceeds the 320 character limit."
        missing = acme.parse_error(emulator.handle(WireRequest(
            "POST", path, headers=headers, body=f"From={FROM}&Body=hi".encode()
        )))
        assert missing.code == 21604
        page = json.loads(emulator.handle(WireRequest("GET", path, headers=headers)).body)
        assert {"Page", "Size", "Pages", "Total", "Texts"} <= set(page)
        assert page["Texts"][0]["Id"] == document["Id"]


ACME_CASE = {
    "description": "Fetch one text.",
    "request": {"method": "GET", "target": f"/acme/2012/Accounts/{'AC' + 'a' * 32}/Texts/"
                                            f"{'SM' + 'b' * 32}.json"},
    "built": True,
    "call": {"fetch": {"account_sid": "AC" + "a" * 32, "sid": "SM" + "b" * 32}},
    "response": {
        "status": 200,
        "content_type": "application/json",
        "body": json.dumps({
            "Id": "SM" + "b" * 32, "Account": "AC" + "a" * 32, "Recipient": TO, "Sender": FROM,
            "Text": "hello", "State": "delivered", "Way": "outbound-api",
            "Created": "Thu, 11 Mar 2010 09:30:01 +0000", "Version": NAME,
            "Link": f"/acme/2012/Accounts/{'AC' + 'a' * 32}/Texts/{'SM' + 'b' * 32}.json",
        }),
    },
    "result": {"message": {
        "sid": "SM" + "b" * 32, "account_sid": "AC" + "a" * 32, "to": TO, "from_": FROM,
        "body": "hello", "status": "delivered", "direction": "outbound-api",
        "date_created": "2010-03-11T09:30:01+00:00", "api_version": NAME,
        "uri": f"/acme/2012/Accounts/{'AC' + 'a' * 32}/Texts/{'SM' + 'b' * 32}.json",
    }},
    "canonical": True,
}


def test_the_golden_case_runner_checks_its_cases(acme: Backend, tmp_path: Path) -> None:
    folder = tmp_path / "cases" / NAME
    folder.mkdir(parents=True)
    (folder / "fetch.json").write_text(json.dumps(ACME_CASE))
    (case,) = fixtures.cases(NAME, root=tmp_path / "cases")
    assert case.call == FetchCall("AC" + "a" * 32, "SM" + "b" * 32)
    report = golden.check_root(tmp_path / "cases")
    assert (report.checked, report.problems) == (1, ())
    # A case the dialect does not render byte for byte is reported, not passed.
    wrong = dict(ACME_CASE, result={"message": {**ACME_CASE["result"]["message"],  # type: ignore[dict-item]
                                                "body": "other"}})
    (folder / "fetch.json").write_text(json.dumps(wrong))
    assert not golden.check_root(tmp_path / "cases").ok


def _after_acme_trip(message: Message) -> Message:
    """Written out by hand: what acme's documents keep of a message."""
    kept = {"sid", "account_sid", "to", "from_", "body", "status", "direction", "date_created",
            "api_version", "uri"}
    changes: dict[str, object] = {
        a.name: (() if a.name == "media_urls" else None)
        for a in attrs.fields(Message) if a.name not in kept
    }
    if message.date_created is not None:
        changes["date_created"] = message.date_created.astimezone(dt.timezone.utc).replace(
            microsecond=0
        )
    changes["uri"] = f"/acme/2012/Accounts/{message.account_sid}/Texts/{message.sid}.json"
    return attrs.evolve(message, **changes)  # type: ignore[arg-type]


def test_round_trip_properties_hold(acme: Backend) -> None:
    @given(ms.messages())
    def message_trip(message: Message) -> None:
        parsed = acme.parse_message(acme.render_message(message))
        assert parsed == _after_acme_trip(message)
        assert parsed == acme.restrict(message)

    @given(ms.api_errors())
    def error_trip(error: ApiError) -> None:
        assert acme.parse_error(acme.render_error(error)) == error

    message_trip()
    error_trip()
