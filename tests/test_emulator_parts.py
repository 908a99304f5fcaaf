"""The emulator's parts: what each adds, measured from outside.

* Numbers are normalized once per request on the server: the emulator adds no call of
  :func:`compat.phone.normalize` to what the dialect backend's ``parse_request`` (and its rendering
  of the answer) already makes, for a create in every dialect, with its status callbacks; an
  incoming message normalizes each of its numbers once.
* A message keeps the ``api_version`` of the dialect that created it, and every dialect that
  renders ``api_version`` shows it on fetch.
* Every module of the emulator is small and states its rules.
"""

from __future__ import annotations

import ast
import base64
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import compat.emulator
from compat import backends, phone
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator, OutgoingRequest
from compat.emulator.callbacks import HttpReply
from compat.model import Message
from compat.wire import FORM_CONTENT_TYPE, WireRequest, encode_form

BUILT_IN = ("2008-08-01", "2010-04-01", "2010-04-01-sms")
AUTH = "Basic " + base64.b64encode(f"{TEST_ACCOUNT_SID}:{TEST_AUTH_TOKEN}".encode()).decode()

#: A create per dialect, with numbers as that dialect's callers write them, and a status callback.
CREATES = {
    "2008-08-01": (
        f"/2008-08-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages",
        [("To", "555-867-5310"), ("From", "415-555-1212"), ("Body", "Hi")],
    ),
    "2010-04-01": (
        f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json",
        [("To", "(555) 867-5310"), ("From", "+14155551212"), ("Body", "Hi")],
    ),
    "2010-04-01-sms": (
        f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages.json",
        [("To", "+15558675310"), ("From", "+1 415 555 1212"), ("Body", "Hi")],
    ),
}


def ok_sender(_request: OutgoingRequest) -> HttpReply:
    return HttpReply(200, (("Content-Type", "text/plain"),), b"")


@pytest.fixture
def count_normalize(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Counts calls of ``compat.phone.normalize``, wherever a module looks it up."""
    original = phone.normalize
    calls = [0]

    def counting(*args: object, **kwargs: object) -> str:
        calls[0] += 1
        return original(*args, **kwargs)  # type: ignore[arg-type]

    for name, module in list(sys.modules.items()):
        if name.startswith("compat") and getattr(module, "normalize", None) is original:
            monkeypatch.setattr(module, "normalize", counting)

    def taken() -> int:
        found, calls[0] = calls[0], 0
        return found

    return taken


def create_request(dialect: str) -> WireRequest:
    path, form = CREATES[dialect]
    form = [*form, ("StatusCallback", "https://app.test/status")]
    headers = [("Authorization", AUTH), ("Content-Type", FORM_CONTENT_TYPE)]
    return WireRequest("POST", path, [], headers, encode_form(form))


@pytest.mark.parametrize("dialect", BUILT_IN)
def test_a_served_create_adds_no_normalization_to_the_backends(
    dialect: str, count_normalize: Callable[[], int]
) -> None:
    backend = backends.get(dialect)
    request = create_request(dialect)
    with Emulator(sender=ok_sender) as emulator:
        warm = emulator.handle(request)  # the backends' own caches warm up alike for both
        assert warm.status == 201
        created = backend.parse_message(warm)
        callbacks_before = len(emulator.callbacks)
        count_normalize()

        backend.parse_request(request)
        by_parse = count_normalize()
        backend.render_message(created, created=True)
        by_render = count_normalize()
        response = emulator.handle(request)
        by_emulator = count_normalize()

        assert response.status == 201
        assert by_parse > 0  # the counter sees the backend's reading
        assert by_emulator == by_parse + by_render
        assert len(emulator.callbacks) > callbacks_before  # callbacks ran inside the measurement
        stored = emulator.messages[-1]
        assert (stored.to, stored.from_) == ("+15558675310", "+14155551212")


@pytest.mark.parametrize(
    "receive",
    [
        lambda em: em.receive("(555) 867-5310", "415-555-0100", "Hello?"),
        lambda em: em.handle(WireRequest(
            "POST", "/__admin/receive", [], [("Content-Type", "application/json")],
            b'{"from": "(555) 867-5310", "to": "415-555-0100", "body": "Hello?"}',
        )),
    ],
    ids=["receive", "admin"],
)
def test_an_incoming_message_normalizes_each_number_once(
    receive: Callable[[Emulator], object], count_normalize: Callable[[], int]
) -> None:
    def webhook(request: OutgoingRequest) -> HttpReply:
        if request.kind == "incoming":
            twiml = b"<Response><Message>Thanks</Message></Response>"
            return HttpReply(200, (("Content-Type", "text/xml"),), twiml)
        return ok_sender(request)

    with Emulator(sender=webhook) as emulator:
        emulator.add_number("+14155550100", sms_url="https://app.test/sms")
        count_normalize()
        receive(emulator)
        assert count_normalize() == 2
        inbound, reply = emulator.messages
        assert (inbound.from_, inbound.to) == ("+15558675310", "+14155550100")
        assert (reply.to, reply.from_, reply.body) == ("+15558675310", "+14155550100", "Thanks")


def _renders_api_version(dialect: str) -> bool:
    probe = Message(sid="SM" + "0" * 32, account_sid=TEST_ACCOUNT_SID, api_version="probe")
    return backends.get(dialect).restrict(probe).api_version == "probe"


RENDERERS = [d for d in BUILT_IN if _renders_api_version(d)]


def test_the_2010_dialects_render_api_version() -> None:
    assert set(RENDERERS) >= {"2010-04-01", "2010-04-01-sms"}


@pytest.mark.parametrize("created_by", BUILT_IN)
@pytest.mark.parametrize("fetched_by", RENDERERS)
def test_a_message_keeps_the_api_version_of_its_dialect(created_by: str, fetched_by: str) -> None:
    expected = "2008-08-01" if created_by == "2008-08-01" else "2010-04-01"
    assert backends.get(created_by).api_version == expected
    with Emulator() as emulator, emulator.client(created_by) as sender:
        sid = sender.messages.create(to="+15558675310", from_="+14155551212", body="Hi").sid
        with emulator.client(fetched_by) as reader:
            fetched = reader.messages.fetch(sid)
        assert fetched.api_version == expected
        assert emulator.message(sid).api_version == expected


EMULATOR_ROOT = Path(compat.emulator.__file__).parent
#: Every module of the emulator, its subpackages (the inbox) included.
EMULATOR_MODULES = sorted(EMULATOR_ROOT.rglob("*.py"))


@pytest.mark.parametrize(
    "path", EMULATOR_MODULES, ids=lambda p: p.relative_to(EMULATOR_ROOT).as_posix()
)
def test_each_emulator_module_is_small_and_states_its_rules(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400
    docstring = ast.get_docstring(ast.parse(text)) or ""
    assert "Rule" in docstring
