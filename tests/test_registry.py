"""The backend registry: built-ins, run-time registration and third-party entry points."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import compat.backends as registry
from compat.backends.base import Backend
from compat.errors import ConfigurationError

TOY_MODULE = '''
from compat.backends.base import Operation
from compat.errors import ApiError, UnsupportedOperation
from compat.wire import WireRequest, WireResponse


class ToyBackend:
    """A third-party dialect that can only fetch."""

    name = "toy-1.0"
    api_version = "toy-1.0"
    max_body_length = 10
    body_too_long_code = 99999
    operations = frozenset({Operation.FETCH})

    def _unsupported(self, *args, **kwargs):
        raise UnsupportedOperation(self.name, "anything but fetch")

    build_create = build_list = build_next_page = build_update = build_delete = _unsupported
    parse_page = parse_deleted = make_page = render_page = render_deleted = _unsupported
    parse_message = render_message = parse_request = restrict = _unsupported
    error_for = not_found = method_not_allowed = status_for = _unsupported

    def build_fetch(self, account_sid, sid):
        return WireRequest("GET", f"/toy/{account_sid}/{sid}")

    def parse_error(self, response):
        return ApiError(response.status, response.body.decode())

    def render_error(self, error):
        return WireResponse(error.status, (), error.message.encode())
'''


@pytest.fixture
def toy_distribution(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "toy_dialect.py").write_text(TOY_MODULE)
    dist = tmp_path / "toy_dialect-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-dialect\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        textwrap.dedent(
            """
            [compat.backends]
            toy-1.0 = toy_dialect:ToyBackend
            broken-1.0 = toy_dialect:DoesNotExist
            """
        )
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("toy_dialect", None)
        registry.unregister("toy-1.0")
        registry.unregister("broken-1.0")


BUILTIN = ["2008-08-01", "2010-04-01", "2010-04-01-sms", "2010-04-01-xml", "2010-04-01-sms-xml"]


def test_builtin_names() -> None:
    assert set(BUILTIN) <= set(registry.names())


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_backends_load_and_keep_the_protocol(name: str) -> None:
    backend = registry.get(name)
    assert isinstance(backend, Backend)
    assert backend.name == name
    assert registry.get(name) is backend  # one instance per name
    assert registry.get(backend) is backend  # an object passes through


def test_third_party_backend_through_an_entry_point(toy_distribution: Path) -> None:
    assert "toy-1.0" in registry.names()
    toy = registry.get("toy-1.0")
    assert isinstance(toy, Backend)
    assert type(toy).__module__ == "toy_dialect"
    request = toy.build_fetch("AC" + "0" * 32, "SM" + "1" * 32)
    assert request.path == f"/toy/AC{'0' * 32}/SM{'1' * 32}"


def test_a_broken_entry_point_is_a_configuration_error(toy_distribution: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"broken-1\.0"):
        registry.get("broken-1.0")


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(ConfigurationError) as info:
        registry.get("1999-01-01")
    assert "1999-01-01" in str(info.value)
    assert "2008-08-01" in str(info.value)


def test_run_time_registration(toy_distribution: Path) -> None:
    from toy_dialect import ToyBackend  # type: ignore[import-not-found]

    instance = registry.register("toy-runtime", ToyBackend)
    try:
        assert registry.get("toy-runtime") is instance
        assert "toy-runtime" in registry.names()
        with pytest.raises(ConfigurationError, match="already registered"):
            registry.register("toy-runtime", ToyBackend)
        with pytest.raises(ConfigurationError, match="already registered"):
            registry.register("2008-08-01", ToyBackend)
    finally:
        registry.unregister("toy-runtime")
    assert "toy-runtime" not in registry.names()


def test_objects_that_are_not_backends_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="protocol"):
        registry.register("not-a-backend", object())
    with pytest.raises(ConfigurationError, match="dialect name or a Backend"):
        registry.get(42)  # type: ignore[arg-type]
