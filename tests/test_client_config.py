"""Setting a client up: credentials, backend, base URL, httpx clients, and keeping secrets secret.

Credentials come from the arguments or the environment; missing ones fail on construction with a
message saying what to set. The token never appears in a repr, a log record or an error message,
and phone numbers are masked in the library's logs unless the caller opts in.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest

from compat import backends
from compat._http import basic_authorization
from compat._redact import mask_number, masked_target
from compat._retry import RetryPolicy
from compat.client import AsyncClient, Client
from compat.errors import ApiError, CompatError, ConfigurationError, ConnectError
from compat.model import ListQuery
from tests.fake_twilio import ACCOUNT, JENNY, ME, TOKEN, FakeTwilio

API_KEY = "SK" + "9" * 32
API_SECRET = "api-secret-value"
OTHER_ACCOUNT = "AC" + "e" * 32
SECRETS = (TOKEN, API_SECRET, basic_authorization(ACCOUNT, TOKEN).split()[1],
           basic_authorization(API_KEY, API_SECRET).split()[1])


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> FakeTwilio:
    return FakeTwilio(backends.get("2010-04-01"))


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


# -- credentials -------------------------------------------------------------------------------


def test_credentials_from_arguments_authenticate_every_request(server: FakeTwilio) -> None:
    server.seed(3)
    with Client(ACCOUNT, TOKEN, transport=server.transport()) as client:
        assert len(list(client.messages.list(page_size=1))) == 3
    assert {r.headers["authorization"] for r in server.requests} == {
        basic_authorization(ACCOUNT, TOKEN)
    }


def test_credentials_from_the_environment(server: FakeTwilio,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    with Client(transport=server.transport()) as client:
        client.messages.create(to=JENNY, from_=ME, body="from env")
    assert client.account_sid == ACCOUNT
    assert len(server.messages) == 1


def test_arguments_win_over_the_environment(server: FakeTwilio,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", OTHER_ACCOUNT)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    with Client(ACCOUNT, TOKEN, transport=server.transport()) as client:
        client.messages.create(to=JENNY, from_=ME, body="explicit")
    assert server.requests[0].headers["authorization"] == basic_authorization(ACCOUNT, TOKEN)
    assert f"/Accounts/{ACCOUNT}/" in server.requests[0].url.path


def test_an_api_key_authenticates_against_the_account() -> None:
    server = FakeTwilio(backends.get("2010-04-01"),
                        authorization=basic_authorization(API_KEY, API_SECRET))
    with Client(ACCOUNT, api_key=API_KEY, api_secret=API_SECRET,
                transport=server.transport()) as client:
        message = client.messages.create(to=JENNY, from_=ME, body="keyed")
    assert message.account_sid == ACCOUNT
    assert f"/Accounts/{ACCOUNT}/" in server.requests[0].url.path


def test_an_api_key_ignores_a_token_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    server = FakeTwilio(backends.get("2010-04-01"),
                        authorization=basic_authorization(API_KEY, API_SECRET))
    with Client(ACCOUNT, api_key=API_KEY, api_secret=API_SECRET,
                transport=server.transport()) as client:
        client.messages.create(to=JENNY, from_=ME, body="keyed")
    assert len(server.messages) == 1


@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        ({}, {}, "TWILIO_ACCOUNT_SID"),
        ({"auth_token": TOKEN}, {}, "TWILIO_ACCOUNT_SID"),
        ({"account_sid": ACCOUNT}, {}, "TWILIO_AUTH_TOKEN"),
        ({}, {"TWILIO_ACCOUNT_SID": ACCOUNT}, "TWILIO_AUTH_TOKEN"),
        ({"account_sid": ACCOUNT, "auth_token": ""}, {}, "TWILIO_AUTH_TOKEN"),
        ({"account_sid": ACCOUNT, "api_key": API_KEY}, {}, "api_secret="),
        ({"account_sid": ACCOUNT, "api_secret": API_SECRET}, {}, "api_key="),
        ({"api_key": API_KEY, "api_secret": API_SECRET}, {}, "TWILIO_ACCOUNT_SID"),
        ({"account_sid": ACCOUNT, "auth_token": TOKEN, "api_key": API_KEY,
          "api_secret": API_SECRET}, {}, "not both"),
        ({"account_sid": ACCOUNT, "api_key": "SK-not-a-key", "api_secret": API_SECRET}, {},
         "'SK' followed by 32 hex"),
        ({"account_sid": TOKEN, "auth_token": ACCOUNT}, {}, "'AC' followed by 32 hex"),
        ({"account_sid": API_KEY, "auth_token": TOKEN}, {}, "api_key="),
    ],
)
def test_missing_or_wrong_credentials_fail_on_construction_saying_what_to_set(
    arguments: dict[str, str], environment: dict[str, str], expected: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    requests: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: requests.append(r) or httpx.Response(500))
    for kind in (Client, AsyncClient):
        with pytest.raises(ConfigurationError) as caught:
            kind(transport=transport, **arguments)  # type: ignore[operator]
        assert expected in str(caught.value)
        assert_no_secret(str(caught.value))
    assert requests == []


# -- other settings ----------------------------------------------------------------------------


def test_unknown_backend_names_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match="2008-08-01"):
        Client(ACCOUNT, TOKEN, backend="1999-01-01")


def test_a_backend_object_is_accepted() -> None:
    backend = backends.get("2008-08-01")
    with Client(ACCOUNT, TOKEN, backend=backend) as client:
        assert client.backend is backend


def test_the_default_backend_is_2010() -> None:
    with Client(ACCOUNT, TOKEN) as client:
        assert client.backend.name == "2010-04-01"


def test_base_url_moves_every_request() -> None:
    server = FakeTwilio(backends.get("2010-04-01"), mount="/proxy")
    server.seed(2)
    with Client(ACCOUNT, TOKEN, base_url="http://127.0.0.1:8080/proxy/",
                transport=server.transport()) as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="hi").sid
        client.messages.fetch(sid)
        list(client.messages.list(page_size=1))
    urls = [str(r.url) for r in server.requests]
    assert all(u.startswith("http://127.0.0.1:8080/proxy/2010-04-01/Accounts/") for u in urls)
    assert len(urls) == 5


@pytest.mark.parametrize("name", backends.names())
@pytest.mark.parametrize("own_client", [True, False], ids=["own", "callers"])
def test_creates_and_first_pages_go_to_the_collection_url(name: str, own_client: bool) -> None:
    backend = backends.get(name)
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(599)

    transport = httpx.MockTransport(answer)
    http = None if own_client else httpx.Client(transport=transport)
    base = "http://127.0.0.1:8080/mounted"
    with Client(ACCOUNT, TOKEN, base_url=base, backend=name,
                transport=transport if own_client else None, http_client=http,
                retry=RetryPolicy(max_retries=0)) as client:
        for call in (lambda: client.messages.create(to=JENNY, from_=ME, body="hi"),
                     lambda: list(client.messages.list(to=JENNY)),
                     lambda: client.messages.fetch("SM" + "a" * 32)):
            with pytest.raises(CompatError):
                call()
    collection = backend.build_list(ACCOUNT, ListQuery()).path
    assert seen[0] == base + collection
    assert seen[1].startswith(base + collection + "?") or seen[1] == base + collection
    assert seen[2] == base + backend.build_fetch(ACCOUNT, "SM" + "a" * 32).path


def test_errors_name_the_overridden_url(server: FakeTwilio) -> None:
    with Client(ACCOUNT, TOKEN, base_url="https://api.dublin.ie1.twilio.com",
                transport=server.transport()) as client, pytest.raises(ApiError) as caught:
        client.messages.fetch("SM" + "0" * 32)
    assert (caught.value.url or "").startswith("https://api.dublin.ie1.twilio.com/2010-04-01/")


@pytest.mark.parametrize("bad", ["api.twilio.com", "ftp://api.twilio.com", "https://",
                                 "https://h/?x=1", "http://[::1"])
def test_a_bad_base_url_is_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        Client(ACCOUNT, TOKEN, base_url=bad)


def test_http_client_and_transport_together_are_refused() -> None:
    with httpx.Client() as http_client, pytest.raises(ConfigurationError, match="not both"):
        Client(ACCOUNT, TOKEN, http_client=http_client, transport=httpx.MockTransport(
            lambda _r: httpx.Response(200)))


class ClosingTransport(httpx.MockTransport):
    closed = False

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def test_a_callers_http_client_is_used_and_left_open(server: FakeTwilio) -> None:
    with httpx.Client(transport=server.transport()) as http_client:
        client = Client(ACCOUNT, TOKEN, http_client=http_client)
        client.messages.create(to=JENNY, from_=ME, body="via yours")
        client.close()
        assert not http_client.is_closed
        assert len(server.messages) == 1


def test_a_callers_http_client_keeps_its_default_headers(server: FakeTwilio) -> None:
    with httpx.Client(transport=server.transport(), headers={"X-Trace": "abc"}) as http_client, \
            Client(ACCOUNT, TOKEN, http_client=http_client) as client:
        client.messages.create(to=JENNY, from_=ME, body="traced")
    [sent] = server.requests
    assert sent.headers["x-trace"] == "abc"
    assert sent.headers["user-agent"].startswith("twilio-compat/")


def test_our_own_client_sends_the_usual_headers(server: FakeTwilio) -> None:
    with Client(ACCOUNT, TOKEN, transport=server.transport()) as client:
        client.messages.create(to=JENNY, from_=ME, body="hi")
    [sent] = server.requests
    assert sent.headers["user-agent"].startswith("twilio-compat/")
    assert sent.headers["accept"] == "*/*"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.headers["host"] == "api.twilio.com"


def test_a_client_made_from_a_transport_closes_it() -> None:
    transport = ClosingTransport(lambda _r: httpx.Response(500))
    Client(ACCOUNT, TOKEN, transport=transport).close()
    assert transport.closed


def test_async_ownership_matches() -> None:
    transport = ClosingTransport(lambda _r: httpx.Response(500))
    server = FakeTwilio(backends.get("2010-04-01"))

    async def scenario() -> bool:
        async with AsyncClient(ACCOUNT, TOKEN, transport=transport):
            pass
        async with httpx.AsyncClient(transport=server.transport()) as http_client:
            async with AsyncClient(ACCOUNT, TOKEN, http_client=http_client) as client:
                await client.messages.create(to=JENNY, from_=ME, body="via yours")
            return http_client.is_closed

    assert asyncio.run(scenario()) is False
    assert transport.closed
    assert len(server.messages) == 1


# -- secrets and numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [("+14155551212", "+141******12"), ("5558675309", "5558****09"),
     ("(555) 867-5309", "(555) ***-**09"), ("12345", "12345")],
)
def test_mask_number_keeps_only_the_ends(value: str, shown: str) -> None:
    assert mask_number(value) == shown


def test_masked_target_masks_number_fields_and_international_numbers_only() -> None:
    query = [("To", "5558675309"), ("From", "+14155551212"), ("DateSent>", "2024-05-01"),
             ("PageSize", "1000"), ("Page", "1234567"), ("Other", "+44 20 7946 0958"),
             ("PageToken", "PASM" + "0" * 32)]
    target = masked_target("/2010-04-01/Accounts/AC1/Messages.json", query)
    assert target == (
        "/2010-04-01/Accounts/AC1/Messages.json?To=5558****09&From=%2B141******12"
        "&DateSent%3E=2024-05-01&PageSize=1000&Page=1234567&Other=%2B44%20**%20****%20**58"
        f"&PageToken=PASM{'0' * 32}"
    )
    assert masked_target("/p", query[:1], reveal=True) == "/p?To=5558675309"
    assert masked_target("/p", []) == "/p"


@pytest.mark.parametrize("kind", [Client, AsyncClient])
def test_reprs_name_the_account_and_never_the_secret(kind: Any) -> None:
    by_token = kind(ACCOUNT, TOKEN, backend="2008-08-01")
    by_key = kind(ACCOUNT, api_key=API_KEY, api_secret=API_SECRET)
    try:
        for client in (by_token, by_key):
            text = repr(client) + repr(client.__dict__) + repr(vars(client.messages))
            assert ACCOUNT in repr(client)
            assert_no_secret(text)
        assert "2008-08-01" in repr(by_token)
        assert "api.twilio.com" in repr(by_token)
    finally:
        for client in (by_token, by_key):
            if isinstance(client, Client):
                client.close()
            else:
                asyncio.run(client.aclose())


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def compat_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("compat")]


def test_requests_are_logged_with_method_path_status_and_time(
    server: FakeTwilio, logged: pytest.LogCaptureFixture
) -> None:
    with Client(ACCOUNT, TOKEN, transport=server.transport()) as client:
        sid = client.messages.create(to=JENNY, from_=ME, body="Hi Jenny!").sid
        client.messages.fetch(sid)
    lines = compat_lines(logged)
    assert len(lines) == 2
    assert lines[0].startswith(f"POST /2010-04-01/Accounts/{ACCOUNT}/Messages.json -> 201 in ")
    assert lines[1].startswith(f"GET /2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}.json -> 200")
    assert all(line.endswith(" ms") for line in lines)


def test_logs_never_hold_secrets_and_mask_numbers(
    server: FakeTwilio, logged: pytest.LogCaptureFixture
) -> None:
    server.seed(3)
    with Client(ACCOUNT, TOKEN, transport=server.transport()) as client:
        client.messages.create(to=JENNY, from_=ME, body="Hi Jenny!")
        list(client.messages.list(to=JENNY, from_=ME, page_size=1))
    lines = compat_lines(logged)
    assert any("To=%2B155******09" in line for line in lines)
    for line in lines:
        assert "5558675309" not in line
        assert "4155551212" not in line
        assert "Hi Jenny" not in line
    assert_no_secret(logged.text)


def test_numbers_are_logged_when_the_caller_opts_in(
    server: FakeTwilio, logged: pytest.LogCaptureFixture
) -> None:
    with Client(ACCOUNT, TOKEN, transport=server.transport(), log_numbers=True) as client:
        list(client.messages.list(to=JENNY))
    assert any("To=%2B15558675309" in line for line in compat_lines(logged))


def test_failures_are_logged_without_secrets(logged: pytest.LogCaptureFixture) -> None:
    def refuse(_request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    with Client(ACCOUNT, TOKEN, transport=httpx.MockTransport(refuse),
                sleep=lambda _s: None) as client, pytest.raises(ConnectError) as caught:
        client.messages.create(to=JENNY, from_=ME, body="hi")
    lines = compat_lines(logged)
    assert sum("-> ConnectError" in line for line in lines) == 3
    assert sum(line.startswith("retrying POST") for line in lines) == 2
    assert_no_secret(logged.text)
    assert_no_secret(str(caught.value))


def test_api_errors_never_carry_secrets(server: FakeTwilio) -> None:
    with Client(ACCOUNT, "wrong-token", transport=server.transport()) as client, \
            pytest.raises(ApiError) as caught:
        client.messages.create(to=JENNY, from_=ME, body="hi")
    assert caught.value.status == 401
    assert "wrong-token" not in str(caught.value) + repr(caught.value)


def test_every_library_error_is_a_compat_error(server: FakeTwilio) -> None:
    with Client(ACCOUNT, TOKEN, transport=server.transport()) as client:
        for call in (lambda: client.messages.fetch("nope"),
                     lambda: client.messages.create(to=JENNY, from_=ME, body="x" * 1601),
                     lambda: client.messages.create(to=JENNY, from_=ME, body="x",
                                                    body_policy="chop"),  # type: ignore[call-overload]
                     lambda: client.messages.create(to=JENNY, from_=ME, body="x", colour="red"),
                     lambda: client.messages.fetch("SM" + "0" * 32)):
            with pytest.raises(CompatError):
                call()
