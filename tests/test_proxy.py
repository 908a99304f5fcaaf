"""The legacy proxy in front of a served emulator, driven by a hand-written 2008 client.

Send, fetch, list pages (with more messages than one upstream page), validation errors, 401, 404,
the legacy 2010 JSON front, a dialect registered later being served with token paging, and no
credential in any log line.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.request
from collections.abc import Iterator

import attrs
import httpx
import pytest

from compat import backends
from compat.backends import JsonBackend, Routes
from compat.backends.v2010 import RULES_2010
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, ServedEmulator
from compat.proxy import ProxyApp, ProxyConfig, default_fronts
from compat.proxy.server import ServedProxy, serve_in_thread
from tests.legacy2008 import Legacy2008Client, RestException

ME = "415-555-1212"
JENNY = "555-867-5309"


@pytest.fixture
def proxy(served: ServedEmulator) -> Iterator[ServedProxy]:
    config = ProxyConfig(upstream=served.url, walk_page_size=5, count_limit=40)
    with serve_in_thread(ProxyApp(config)) as server:
        yield server


@pytest.fixture
def legacy(proxy: ServedProxy) -> Legacy2008Client:
    return Legacy2008Client(proxy.url, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)


def test_send_and_fetch_speak_2008(legacy: Legacy2008Client, served: ServedEmulator) -> None:
    sent = legacy.send_sms(ME, JENNY, "Hello from 2009")
    assert sent["To"] == "5558675309"
    assert sent["From"] == "4155551212"
    assert sent["Status"] == "queued"
    assert sent["Flags"] == "4"
    stored = served.emulator.message(sent["Sid"])
    assert stored.api_version == "2010-04-01"  # it went through the 2010 API
    assert stored.to == "+15558675309"
    fetched = legacy.get_sms(sent["Sid"])
    assert fetched["Status"] == "sent"  # delivered upstream; 2008 knows "sent"
    assert list(fetched) == ["Sid", "DateCreated", "DateUpdated", "DateSent", "AccountSid",
                             "To", "From", "Body", "Status", "Flags"]


def test_validation_errors_are_the_2008_dialects(legacy: Legacy2008Client,
                                                 served: ServedEmulator) -> None:
    with pytest.raises(RestException) as too_long:
        legacy.send_sms(ME, JENNY, "x" * 161)
    assert (too_long.value.status, too_long.value.code) == (400, "21605")
    with pytest.raises(RestException) as no_to:
        legacy.send_sms(ME, "", "Hi")
    assert (no_to.value.status, no_to.value.code) == (400, "21604")
    with pytest.raises(RestException) as magic:  # refused upstream, answered in 2008
        legacy.send_sms("+15005550001", JENNY, "Hi")
    assert (magic.value.status, magic.value.code) == (400, "21212")
    assert magic.value.more_info == "https://www.twilio.com/docs/errors/21212"
    assert served.emulator.messages == []


def test_a_wrong_token_is_a_2008_401(proxy: ServedProxy, served: ServedEmulator) -> None:
    wrong = Legacy2008Client(proxy.url, TEST_ACCOUNT_SID, "0" * 32)
    with pytest.raises(RestException) as caught:
        wrong.send_sms(ME, JENNY, "Hi")
    assert (caught.value.status, caught.value.code) == (401, "20003")
    assert "www-authenticate" in {name.lower() for name in caught.value.headers}
    assert served.emulator.messages == []


def test_a_missing_message_is_the_2008_404_without_a_2010_url(legacy: Legacy2008Client) -> None:
    with pytest.raises(RestException) as caught:
        legacy.get_sms("SM" + "0" * 32)
    assert caught.value.status == 404
    assert caught.value.message == "The requested resource was not found"
    assert "2010-04-01" not in caught.value.body
    assert ".json" not in caught.value.body


def test_pages_have_exact_totals_from_an_upstream_without_them(
    legacy: Legacy2008Client, served: ServedEmulator
) -> None:
    sent = [legacy.send_sms(ME, JENNY, f"message {n}")["Sid"] for n in range(23)]
    facts, first = legacy.list_sms(num=4)
    assert facts == {"page": "0", "numpages": "6", "pagesize": "4", "total": "23", "start": "0",
                     "end": "3"}
    seen = [m["Sid"] for m in first]
    for number in range(1, 6):
        facts, items = legacy.list_sms(num=4, Page=number)
        assert facts["page"] == str(number)
        assert facts["total"] == "23"
        assert facts["start"] == str(number * 4)
        assert facts["end"] == str(number * 4 + len(items) - 1)
        seen += [m["Sid"] for m in items]
    assert len(items) == 3
    assert seen == list(reversed(sent))  # newest first, each once
    facts, beyond = legacy.list_sms(num=4, Page=9)
    assert beyond == []
    assert facts["total"] == "23"
    facts, _ = legacy.list_sms()
    assert (facts["pagesize"], facts["numpages"]) == ("50", "1")


def test_filters_pass_through(legacy: Legacy2008Client) -> None:
    legacy.send_sms(ME, JENNY, "to Jenny")
    legacy.send_sms(ME, "555-867-5310", "to someone else")
    facts, items = legacy.list_sms(To="5558675309")
    assert facts["total"] == "1"
    assert [m["Body"] for m in items] == ["to Jenny"]


def test_a_list_longer_than_the_bound_is_refused_not_guessed(legacy: Legacy2008Client) -> None:
    for n in range(41):
        legacy.send_sms(ME, JENNY, f"m{n}")
    with pytest.raises(RestException) as caught:
        legacy.list_sms(num=10)
    assert caught.value.status == 400
    assert "more than 40 messages" in caught.value.message
    assert "To, From or DateSent" in caught.value.message
    facts, _ = legacy.list_sms(num=10, From="4155551212", To="5558675310")
    assert facts["total"] == "0"


def test_the_legacy_2010_json_resource_is_served_too(
    legacy: Legacy2008Client, proxy: ServedProxy
) -> None:
    sid = legacy.send_sms(ME, JENNY, "Hi")["Sid"]
    url = f"{proxy.url}/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/SMS/Messages/{sid}.json"
    request = urllib.request.Request(url, headers={"Authorization": legacy.authorization})
    with urllib.request.urlopen(request) as response:
        document = json.load(response)
    assert document["to"] == "+15558675309"
    assert document["uri"].endswith(f"/SMS/Messages/{sid}.json")


def test_a_path_no_front_claims_is_a_2008_404(legacy: Legacy2008Client,
                                               proxy: ServedProxy) -> None:
    with pytest.raises(RestException) as caught:
        legacy.request("GET", f"{proxy.url}/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json")
    assert caught.value.status == 404


def test_2008_has_no_update(legacy: Legacy2008Client) -> None:
    sid = legacy.send_sms(ME, JENNY, "Hi")["Sid"]
    with pytest.raises(RestException) as caught:
        legacy.request("POST", f"{legacy.base}/{sid}", {"Body": ""})
    assert caught.value.status == 405


@pytest.fixture
def token_dialect() -> Iterator[str]:
    """A dialect registered at run time that links its pages by token (no totals)."""
    rules = attrs.evolve(RULES_2010, name="test-token-paging",
                         routes=Routes("/2010-04-01/Accounts/", "/Messages", ".tok"))
    backends.register(rules.name, JsonBackend(rules))
    yield rules.name
    backends.unregister(rules.name)


def test_a_dialect_registered_later_is_served_with_token_paging(
    token_dialect: str, served: ServedEmulator
) -> None:
    assert token_dialect in default_fronts()
    config = ProxyConfig(upstream=served.url, walk_page_size=3)
    with serve_in_thread(ProxyApp(config)) as proxy:
        legacy = Legacy2008Client(proxy.url, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
        sent = [legacy.send_sms(ME, JENNY, f"n{n}")["Sid"] for n in range(10)]
        auth = {"Authorization": legacy.authorization}
        target: str | None = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.tok?PageSize=4"
        seen: list[str] = []
        with httpx.Client(base_url=proxy.url, headers=auth) as http:
            while target:
                page = http.get(target).json()
                assert "total" not in page
                seen += [m["sid"] for m in page["messages"]]
                target = page["next_page_uri"]
                assert target is None or (target.startswith("/2010-04-01/") and ".tok" in target)
    assert seen == list(reversed(sent))


def test_credentials_never_reach_a_log_line(
    legacy: Legacy2008Client, proxy: ServedProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sid = legacy.send_sms(ME, JENNY, "secret-free")["Sid"]
    legacy.get_sms(sid)
    legacy.list_sms(num=2)
    with pytest.raises(RestException):
        Legacy2008Client(proxy.url, TEST_ACCOUNT_SID, "f" * 32).get_sms(sid)
    encoded = base64.b64encode(f"{TEST_ACCOUNT_SID}:{TEST_AUTH_TOKEN}".encode()).decode()
    assert any(r.name.startswith("compat.proxy") for r in caplog.records)
    for secret in (TEST_AUTH_TOKEN, encoded, "f" * 32):
        assert secret not in caplog.text
    assert TEST_AUTH_TOKEN not in repr(proxy.app)


def test_a_query_that_is_not_utf8_is_a_2008_400(legacy: Legacy2008Client,
                                                  proxy: ServedProxy) -> None:
    with pytest.raises(RestException) as caught:
        legacy.request("GET", f"{legacy.base}?To=%FF")
    assert caught.value.status == 400
    assert "query string" in caught.value.message
