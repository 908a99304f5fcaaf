"""The pytest plugin, run in isolated pytest sessions that load it by its entry point."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

PLUGIN = ("-p", "no:cacheprovider")


def test_the_plugin_is_declared_as_a_pytest11_entry_point() -> None:
    declared = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert declared.get("compat") == "compat.testing.plugin"


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=source)
    return pytester.runpytest(*PLUGIN, *args)


def test_fixtures_give_a_fresh_emulator_and_a_bound_client(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        from compat.model import Status

        def test_send(twilio_client, twilio_emulator):
            sent = twilio_client.messages.create(
                to="+15558675310", from_="+15017122661", body="hi")
            assert twilio_emulator.message(sent.sid).status == Status.DELIVERED
            assert len(twilio_emulator.messages) == 1

        def test_fresh(twilio_emulator):
            assert twilio_emulator.messages == []
    """)
    result.assert_outcomes(passed=2)


def test_unrouted_request_fails_a_strict_test(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import httpx

        def test_wrong_path(twilio_emulator):
            with httpx.Client(transport=twilio_emulator.transport(),
                              base_url="https://api.twilio.com") as http:
                assert http.get("/2010-04-01/Accounts/AC1/Calls.json").status_code == 404
    """)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*unrouted request: GET /2010-04-01/Accounts/AC1/Calls.json*"])


def test_failed_callback_fails_a_strict_test(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        def test_callback_nowhere(twilio_client):
            twilio_client.messages.create(
                to="+15558675310", from_="+15017122661", body="hi",
                status_callback="http://127.0.0.1:9/status")
    """)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*status request to http://127.0.0.1:9/status failed*"])


def test_marker_turns_strictness_off_and_configures(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import httpx
        import pytest
        from compat.model import Status

        @pytest.mark.twilio_emulator(strict=False, mode="manual", seed=5,
                                     backend="2008-08-01")
        def test_lenient(twilio_emulator, twilio_client):
            assert twilio_client.backend.name == "2008-08-01"
            sent = twilio_client.messages.create(
                to="+15558675310", from_="+15017122661", body="hi")
            assert twilio_emulator.message(sent.sid).status == Status.QUEUED
            assert twilio_emulator.seed == 5
            with httpx.Client(transport=twilio_emulator.transport(),
                              base_url="https://api.twilio.com") as http:
                http.get("/nowhere")
    """)
    result.assert_outcomes(passed=1)


def test_ini_option_turns_strictness_off(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntwilio_emulator_strict = false\n")
    result = run(pytester, """
        import httpx

        def test_wrong_path(twilio_emulator):
            with httpx.Client(transport=twilio_emulator.transport(),
                              base_url="https://api.twilio.com") as http:
                http.get("/nowhere")
    """)
    result.assert_outcomes(passed=1)


def test_server_fixture_serves_the_same_emulator(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        from twilio.rest import Client

        def test_official(twilio_server, twilio_emulator):
            account = twilio_emulator.account
            client = Client(account.sid, account.auth_token)
            client.api.base_url = twilio_server.url
            sent = client.messages.create(to="+15558675310", from_="+15017122661", body="hi")
            assert twilio_emulator.message(sent.sid).body == "hi"
    """)
    result.assert_outcomes(passed=1)


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_nothing():\n    pass\n")
    result = pytester.runpytest(*PLUGIN, "--markers")
    result.stdout.fnmatch_lines(["*twilio_emulator(**options)*"])


def test_marker_refuses_positional_arguments(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import pytest

        @pytest.mark.twilio_emulator("strict")
        def test_bad(twilio_emulator):
            pass
    """)
    result.assert_outcomes(errors=1)
