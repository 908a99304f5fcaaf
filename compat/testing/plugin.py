"""The pytest plugin: a fresh Twilio emulator per test, and clients bound to it.

Fixtures:

* ``twilio_emulator``: a new :class:`~compat.emulator.Emulator` per test (manual clock, immediate
  lifecycle, seed 0), closed after the test.
* ``twilio_client``: a :class:`compat.client.Client` bound to it in-process (2010-04-01 unless the
  marker says ``backend=``).
* ``twilio_server``: the same emulator served on ``127.0.0.1`` (a free port) for clients that need
  real HTTP (the official ``twilio`` library, other languages); ``.url`` is its base URL.

The cassette fixture, option and marker (``twilio_cassette``, ``--twilio-record-mode``,
``@pytest.mark.twilio_cassette``) are described in :mod:`compat.testing.cassette_plugin`.

Configure per test with ``@pytest.mark.twilio_emulator(seed=..., mode=..., strict=...,
backend=..., sender=...)``; other keywords go to :class:`~compat.emulator.Emulator`.

Rules: importing the plugin imports nothing else of the package (it loads in every pytest session
once installed); fixtures import what they need. Strict by default (ini option
``twilio_emulator_strict``): after a strict test the fixture fails the test if the emulator saw a
request it could not route, a callback or webhook that could not be delivered, a TwiML reply it
could not carry out, or an internal error. Failure is reported at teardown, every problem listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from compat.testing.cassette_plugin import add_options, configure, twilio_cassette

if TYPE_CHECKING:
    from compat.client import Client
    from compat.emulator import Emulator, ServedEmulator
    from compat.testing.cassette_server import ServedCassette

__all__ = ["twilio_cassette", "twilio_client", "twilio_emulator", "twilio_server"]

_MARKER = "twilio_emulator"
_FIXTURE_ONLY = ("strict", "backend")


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)
    parser.addini(
        "twilio_emulator_strict",
        type="bool",
        default=True,
        help="fail tests whose Twilio emulator saw unroutable requests or failed callbacks",
    )


def pytest_configure(config: pytest.Config) -> None:
    configure(config)
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(**options): configure the twilio_emulator fixture (seed, mode, strict, "
        "backend, sender, and other Emulator keywords)",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(_MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError(f"@pytest.mark.{_MARKER} takes keyword arguments only")
    return dict(marker.kwargs)


@pytest.fixture
def twilio_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A fresh emulator for this test; strict unless configured otherwise."""
    from compat.emulator import Emulator

    options = _options(request)
    strict = bool(options.pop("strict", request.config.getini("twilio_emulator_strict")))
    for name in _FIXTURE_ONLY:
        options.pop(name, None)
    emulator = Emulator(**options)
    try:
        yield emulator
        emulator.flush(timeout=10)
        problems = emulator.problems()
    finally:
        emulator.close()
    if strict and problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        pytest.fail(f"the Twilio emulator reported problems:\n{listed}", pytrace=False)


@pytest.fixture
def twilio_client(twilio_emulator: Emulator, request: pytest.FixtureRequest) -> Iterator[Client]:
    """A compat client bound in-process to ``twilio_emulator``, or to the test's cassette when
    the test is marked ``twilio_cassette``."""
    backend = str(_options(request).get("backend", "2010-04-01"))
    if request.node.get_closest_marker("twilio_cassette") is not None:
        client: Client = request.getfixturevalue("twilio_cassette").client(backend)
    else:
        client = twilio_emulator.client(backend)
    with client:
        yield client


@pytest.fixture
def twilio_server(
    twilio_emulator: Emulator, request: pytest.FixtureRequest
) -> Iterator[ServedEmulator[Emulator] | ServedCassette]:
    """``twilio_emulator`` served over HTTP on 127.0.0.1; ``.url`` is the base URL. A test marked
    ``twilio_cassette`` gets its cassette served instead."""
    from compat.emulator import serve_in_thread

    if request.node.get_closest_marker("twilio_cassette") is not None:
        yield request.getfixturevalue("twilio_cassette").serve()
        return

    served = serve_in_thread(twilio_emulator)
    try:
        yield served
    finally:
        served.stop()
