"""The cassette half of the pytest plugin: record exchanges with Twilio once, replay them in CI.

* ``--twilio-record-mode=none|once|new_episodes|all`` (default ``none``: replay only).
* ``@pytest.mark.twilio_cassette`` or ``@pytest.mark.twilio_cassette("name")``; keywords:
  ``matchers=`` (names or callables, see :mod:`compat.testing.matching`), ``pseudonymize=``,
  ``base_url=`` (where recording sends requests), ``strict=``.
* The ``twilio_cassette`` fixture (:class:`TwilioCassette`): ``.transport`` and
  ``.async_transport`` for your own httpx clients, ``.client()`` / ``.async_client()`` for compat
  clients, ``.serve()`` for code that is not on httpx. When a test is marked, ``twilio_client``
  and ``twilio_server`` use it instead of the emulator.
* Ini options: ``twilio_cassette_dir`` (default ``tests/cassettes``, under the rootdir; a cassette
  is ``<dir>/<test module>/<test or marker name>.json``), ``twilio_base_url`` (default
  ``https://api.twilio.com``), ``twilio_cassette_pseudonyms`` (default true).

Rules: :mod:`compat.testing.plugin` calls this module's hooks, so one entry point loads both;
like that module, importing this one imports nothing else of the package (fixtures and objects
import what they need). Credentials come from ``TWILIO_ACCOUNT_SID`` / ``TWILIO_AUTH_TOKEN``:
recording needs them; replaying without them, a client uses the account the cassette recorded (as
a pseudonym) and a placeholder token, which is never checked. A request the served cassette
refused fails the test at teardown (unless ``strict=False``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from compat.client import AsyncClient, Client
    from compat.testing.cassette_server import ServedCassette
    from compat.testing.replay import (
        AsyncCassetteTransport,
        CassetteSession,
        CassetteTransport,
    )

__all__ = ["TwilioCassette", "add_options", "configure", "twilio_cassette"]

MARKER = "twilio_cassette"
MODES = ("none", "once", "new_episodes", "all")
PLACEHOLDER_TOKEN = "replayed-without-credentials"


def add_options(parser: pytest.Parser) -> None:
    parser.addoption(
        "--twilio-record-mode",
        choices=MODES,
        default="none",
        help="when twilio_cassette tests record: none (replay only, default), once, "
        "new_episodes, all",
    )
    parser.addini("twilio_cassette_dir", default="tests/cassettes",
                  help="folder of Twilio cassettes, relative to the rootdir")
    parser.addini("twilio_base_url", default="https://api.twilio.com",
                  help="where twilio_cassette tests send requests while recording")
    parser.addini("twilio_cassette_pseudonyms", type="bool", default=True,
                  help="replace phone numbers and account SIDs in cassettes by pseudonyms")


def configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name=None, *, matchers=None, pseudonymize=None, base_url=None, strict=True): "
        "record and replay this test's Twilio exchanges in a cassette",
    )


def _name(node_name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", node_name).strip("_") or "cassette"


class TwilioCassette:
    """One test's cassette: its session, transports, clients and server."""

    def __init__(self, session: CassetteSession, *, base_url: str, strict: bool) -> None:
        self.session = session
        self.base_url = base_url
        self.strict = strict
        self._served: list[ServedCassette] = []
        self._transports: list[CassetteTransport] = []

    def __repr__(self) -> str:
        return f"<TwilioCassette {self.path} mode={self.session.mode.value}>"

    @property
    def path(self) -> Path | None:
        return self.session.cassette.path

    @property
    def transport(self) -> CassetteTransport:
        """A sync httpx transport over this cassette."""
        from compat.testing.replay import CassetteTransport

        made = CassetteTransport(self.session)
        self._transports.append(made)
        return made

    @property
    def async_transport(self) -> AsyncCassetteTransport:
        """An async httpx transport over this cassette."""
        from compat.testing.replay import AsyncCassetteTransport

        return AsyncCassetteTransport(self.session)

    def credentials(self) -> tuple[str, str]:
        """``TWILIO_ACCOUNT_SID`` / ``TWILIO_AUTH_TOKEN``, else the recorded account's pseudonym
        and a placeholder token."""
        sid = os.environ.get("TWILIO_ACCOUNT_SID")
        token = os.environ.get("TWILIO_AUTH_TOKEN")
        if sid and token:
            return sid, token
        if self.session.recording:
            from compat.errors import ConfigurationError

            raise ConfigurationError(
                "recording needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN in the environment"
            )
        return sid or self.session.cassette.account_sid() or "AC" + "0" * 32, PLACEHOLDER_TOKEN

    def client(self, backend: str = "2010-04-01") -> Client:
        """A compat client on :attr:`transport`."""
        from compat.client import Client

        sid, token = self.credentials()
        return Client(sid, token, backend=backend, base_url=self.base_url,
                      transport=self.transport)

    def async_client(self, backend: str = "2010-04-01") -> AsyncClient:
        """A compat async client on :attr:`async_transport`."""
        from compat.client import AsyncClient

        sid, token = self.credentials()
        return AsyncClient(sid, token, backend=backend, base_url=self.base_url,
                           transport=self.async_transport)

    def serve(self) -> ServedCassette:
        """This cassette served on loopback (stopped after the test)."""
        from compat.testing.cassette_server import serve_cassette

        served = serve_cassette(self.session, upstream=self.base_url)
        self._served.append(served)
        return served

    def close(self) -> list[str]:
        """Stop servers and transports; the refusals a served cassette answered."""
        for served in self._served:
            served.stop()
        for transport in self._transports:
            transport.close()
        return [str(miss) for miss in self.session.misses] if self._served else []


def _marker(request: pytest.FixtureRequest) -> tuple[str | None, dict[str, Any]]:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return None, {}
    if len(marker.args) > 1:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes at most one name")
    return (str(marker.args[0]) if marker.args else None), dict(marker.kwargs)


@pytest.fixture
def twilio_cassette(request: pytest.FixtureRequest) -> Iterator[TwilioCassette]:
    """This test's cassette (see the module docstring)."""
    from compat.testing.cassette import Cassette
    from compat.testing.replay import CassetteSession

    name, options = _marker(request)
    config = request.config
    pseudonymize = options.get("pseudonymize")
    if pseudonymize is None:
        pseudonymize = bool(config.getini("twilio_cassette_pseudonyms"))
    module = Path(str(request.node.path)).stem
    folder = Path(config.rootpath) / str(config.getini("twilio_cassette_dir"))
    path = folder / module / f"{_name(name or request.node.name)}.json"
    session = CassetteSession(
        Cassette.load(path, pseudonymize=pseudonymize),
        mode=config.getoption("--twilio-record-mode"),
        matchers=options.get("matchers"),
    )
    cassette = TwilioCassette(
        session,
        base_url=str(options.get("base_url") or config.getini("twilio_base_url")),
        strict=bool(options.get("strict", True)),
    )
    try:
        yield cassette
    finally:
        refused = cassette.close()
    if refused and cassette.strict:
        listed = "\n".join(refused)
        pytest.fail(f"the served Twilio cassette refused requests:\n{listed}", pytrace=False)
