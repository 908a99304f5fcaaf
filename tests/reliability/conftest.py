"""Set-up of the reliability suite: the marker, the quick/thorough switch, the loopback server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.reliability.loopback import Loopback

_HERE = os.path.dirname(__file__)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "reliability: hostile-input and fault tests (tests/reliability)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if str(item.path).startswith(_HERE):
            item.add_marker(pytest.mark.reliability)


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A scripted HTTP server on 127.0.0.1 (see :class:`tests.reliability.loopback.Loopback`)."""
    with Loopback() as server:
        yield server
