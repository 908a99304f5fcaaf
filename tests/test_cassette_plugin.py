"""The cassette half of the pytest plugin, end to end in isolated pytest sessions: record against a
served emulator standing in for Twilio, stop it, replay green; a changed request fails with the
closest-match diff; no secret is ever written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from compat.emulator import Emulator, ServedEmulator, serve_in_thread

PLUGIN = ("-p", "no:cacheprovider")
JENNY = "+14158675309"

USER_TESTS = '''
import anyio
import pytest
from twilio.rest import Client as TwilioClient

BODY = "Hello"


@pytest.mark.twilio_cassette
def test_send_and_fetch(twilio_client):
    sent = twilio_client.messages.create(to="+14158675309", from_="+15005550006", body=BODY)
    assert sent.to == "+14158675309"
    assert twilio_client.messages.fetch(sent.sid).body == BODY


@pytest.mark.twilio_cassette("shared-name")
def test_async_client(twilio_cassette):
    async def run():
        async with twilio_cassette.async_client() as client:
            sent = await client.messages.create(to="+14158675309", from_="+15005550006",
                                                body="async")
            return sent.status.value
    assert anyio.run(run) == "queued"


@pytest.mark.twilio_cassette
def test_official_library(twilio_server, twilio_cassette):
    sid, token = twilio_cassette.credentials()
    client = TwilioClient(sid, token)
    client.api.base_url = twilio_server.url
    sent = client.messages.create(to="+14158675309", from_="+15005550006", body=BODY)
    assert client.messages(sent.sid).fetch().body == BODY


def test_unmarked_tests_keep_the_emulator(twilio_client, twilio_emulator):
    twilio_client.messages.create(to="+14158675309", from_="+15005550006", body="hi")
    assert len(twilio_emulator.messages) == 1
'''


@pytest.fixture
def twilio_stand_in() -> Iterator[ServedEmulator]:
    emulator = Emulator()
    with serve_in_thread(emulator) as served:
        yield served
    emulator.close()


def cassettes(root: Path) -> list[Path]:
    return sorted(root.rglob("*.json"))


def test_record_stop_replay_then_a_changed_request_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, twilio_stand_in: ServedEmulator
) -> None:
    account = twilio_stand_in.emulator.account
    pytester.makeini(f"[pytest]\ntwilio_base_url = {twilio_stand_in.url}\n")
    pytester.makepyfile(test_user=USER_TESTS)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", account.sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", account.auth_token)

    recorded = pytester.runpytest(*PLUGIN, "--twilio-record-mode=once")
    recorded.assert_outcomes(passed=4)
    assert len(twilio_stand_in.emulator.messages) == 3  # the unmarked test had its own
    folder = pytester.path / "tests" / "cassettes" / "test_user"
    assert sorted(p.name for p in cassettes(folder)) == [
        "shared-name.json", "test_official_library.json", "test_send_and_fetch.json"]

    twilio_stand_in.stop()  # Twilio is gone; CI has no credentials either
    monkeypatch.delenv("TWILIO_ACCOUNT_SID")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=4)

    for path in cassettes(pytester.path):
        text = path.read_text(encoding="utf-8")
        for secret in (account.auth_token, account.sid, "Authorization", "Basic ", JENNY[2:]):
            assert secret not in text, f"{secret!r} leaked into {path}"

    pytester.makepyfile(test_user=USER_TESTS.replace('BODY = "Hello"', 'BODY = "Changed"'))
    changed = pytester.runpytest(*PLUGIN)
    changed.assert_outcomes(passed=2, failed=2, errors=1)
    changed.stdout.fnmatch_lines([
        "*NoMatchingExchange: No recorded exchange matches POST /2010-04-01/Accounts/AC*",
        "*Closest recorded request (exchange 1 of 2): POST /2010-04-01/Accounts/AC*",
        "*- body Body: recorded 'Hello', sent 'Changed'",
    ])
    changed.stdout.fnmatch_lines([
        "*the served Twilio cassette refused requests:*",
        "*- body Body: recorded 'Hello', sent 'Changed'",
    ])


def test_cassette_folder_is_an_ini_option_and_strictness_a_marker_option(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, twilio_stand_in: ServedEmulator
) -> None:
    account = twilio_stand_in.emulator.account
    pytester.makeini(f"[pytest]\ntwilio_base_url = {twilio_stand_in.url}\n"
                     "twilio_cassette_dir = recorded\ntwilio_cassette_pseudonyms = false\n")
    pytester.makepyfile(test_other=f'''
        import pytest
        from twilio.base.exceptions import TwilioRestException
        from twilio.rest import Client

        @pytest.mark.twilio_cassette(strict=False)
        def test_lenient(twilio_server, twilio_cassette):
            client = Client("{account.sid}", "{account.auth_token}")
            client.api.base_url = twilio_server.url
            with pytest.raises(TwilioRestException) as refused:
                client.messages.create(to="+14158675309", from_="+15005550006", body="x")
            assert "cassette is empty" in refused.value.msg
            assert refused.value.status == 404
    ''')
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "recorded" / "test_other" / "test_lenient.json").exists()

    pytester.makepyfile(test_other=f'''
        import pytest

        @pytest.mark.twilio_cassette
        def test_plain(twilio_cassette):
            with twilio_cassette.client() as client:
                assert client.messages.create(
                    to="+14158675309", from_="+15005550006", body="x").to == "+14158675309"
            assert twilio_cassette.credentials()[0] == "{account.sid}"
    ''')
    monkeypatch.delenv("TWILIO_ACCOUNT_SID", raising=False)
    without = pytester.runpytest(*PLUGIN, "--twilio-record-mode=all")
    without.assert_outcomes(failed=1)
    without.stdout.fnmatch_lines(["*recording needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN*"])
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", account.sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", account.auth_token)
    pytester.runpytest(*PLUGIN, "--twilio-record-mode=all").assert_outcomes(passed=1)
    saved = json.loads((pytester.path / "recorded" / "test_other" / "test_plain.json").read_text())
    assert saved["pseudonyms"]["enabled"] is False
    assert account.sid in saved["exchanges"][0]["request"]["target"]  # pseudonyms were off
    assert account.auth_token not in json.dumps(saved)


def test_marker_and_option_are_registered(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="""
        import pytest

        @pytest.mark.twilio_cassette("a", "b")
        def test_two_names(twilio_cassette):
            pass
    """)
    result = pytester.runpytest(*PLUGIN, "--twilio-record-mode=bogus")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*--twilio-record-mode*invalid choice*"])
    markers = pytester.runpytest(*PLUGIN, "--markers")
    markers.stdout.fnmatch_lines(["*@pytest.mark.twilio_cassette(name=None*"])
    help_text = pytester.runpytest(*PLUGIN, "--help")
    help_text.stdout.fnmatch_lines(["*--twilio-record-mode*", "*twilio_cassette_dir*"])
    pytester.runpytest(*PLUGIN).assert_outcomes(errors=1)
