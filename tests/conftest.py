"""Shared test set-up: Hypothesis profiles.

``ci`` (selected when the CI environment variable is set) keeps property tests quick and
deterministic, so a CI run can be repeated exactly; ``dev`` (the default) draws new examples every
run; ``thorough`` runs many more: ``HYPOTHESIS_PROFILE=thorough pytest``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from compat.emulator import Emulator, ServedEmulator
    from compat.testing import Receiver

pytest_plugins = ["pytester"]

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=150, deadline=None)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_default = "ci" if os.environ.get("CI") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or _default)


# -- emulator fixtures shared by the emulator, webhook and official-client tests ------------------
# (imports inside the fixtures: this file loads for every test module)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A fresh in-process emulator (manual clock, immediate lifecycle, seed 0)."""
    from compat.emulator import Emulator

    with Emulator() as em:
        yield em


@pytest.fixture
def hooks() -> Iterator[Receiver]:
    """A loopback receiver standing in for the application's webhook and callback URLs."""
    from compat.testing import Receiver

    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def served() -> Iterator[ServedEmulator]:
    """A fresh emulator with a manual clock, served over HTTP on 127.0.0.1."""
    from compat.emulator import Emulator, ManualClock, serve_in_thread

    emulator = Emulator(clock=ManualClock())
    with serve_in_thread(emulator) as server:
        yield server
    emulator.close()
