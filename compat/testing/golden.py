"""Checking a folder of golden cases, yours or the shipped ones (``twilio-compat check DIR``).

For each ``<root>/<dialect>/<name>.json`` case, the checks :mod:`tests.test_fixtures` runs on the
shipped cases: the file parses; the server side reads the request into the ``call``; the client side
builds exactly the request when ``built``; the client side reads the response into the ``result``;
a ``canonical`` response renders back from the result byte for byte; and a canonical document
validates against its dialect's schema (``schemas/``).

Rules this module keeps: checks never stop at the first problem, every problem names its case and
check; a dialect without a known schema is reported as a note, not a failure; JSON Schema
validation needs ``jsonschema`` (in the ``test`` extra), imported only when a JSON document is
checked, and its absence is a :class:`~compat.errors.ConfigurationError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from lxml import etree

from compat import backends, errors, fixtures
from compat._resources import data_root
from compat._xml import parse_xml
from compat.backends import FormBackend
from compat.backends._json import load_json
from compat.backends.base import (
    Backend,
    CreateCall,
    DeleteCall,
    FetchCall,
    ListCall,
    UpdateCall,
)
from compat.errors import ApiError, CompatError, ConfigurationError
from compat.fixtures import GoldenCase, Refusal
from compat.model import Message, MessagePage
from compat.wire import WireRequest, WireResponse

__all__ = ["Problem", "Report", "build_request", "check_case", "check_root"]



@attrs.frozen
class Problem:
    """One failed check: ``where`` is ``dialect/name``; ``check`` names the check."""

    where: str
    check: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.check}: {self.detail}"


@attrs.frozen
class Report:
    checked: int
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def build_request(backend: Backend, call: object) -> WireRequest:
    """The request ``backend``'s client side builds for a server call (a golden case's ``call``)."""
    if isinstance(call, CreateCall):
        return backend.build_create(call.account_sid, call.message)
    if isinstance(call, FetchCall):
        return backend.build_fetch(call.account_sid, call.sid)
    if isinstance(call, ListCall):
        return backend.build_list(call.account_sid, call.query)
    if isinstance(call, UpdateCall):
        return backend.build_update(call.account_sid, call.sid, call.update)
    if isinstance(call, DeleteCall):
        return backend.build_delete(call.account_sid, call.sid)
    raise ValueError(f"a built case needs a call to build, not {call!r}")


def _render(backend: Backend, case: GoldenCase) -> WireResponse:
    result = case.result
    if isinstance(result, Message):
        return backend.render_message(result, created=case.response.status == 201)
    if isinstance(result, MessagePage):
        return backend.render_page(result)
    if isinstance(result, ApiError):
        return backend.render_error(result)
    return backend.render_deleted()


def _parsed(backend: Backend, case: GoldenCase) -> object:
    result, response = case.result, case.response
    if isinstance(result, Refusal):
        parse = backend.parse_page if result.as_ == "page" else backend.parse_message
        try:
            parse(response)
        except CompatError as exc:
            expected = getattr(errors, result.error, None)
            if isinstance(expected, type) and isinstance(exc, expected):
                return result
            return Refusal(type(exc).__name__, result.as_)
        return "accepted"
    if isinstance(result, MessagePage):
        return backend.parse_page(response)
    if isinstance(result, ApiError):
        return backend.parse_error(response)
    if result is None:
        backend.parse_deleted(response)
        return None
    return backend.parse_message(response)


def _schema_errors(dialect: str, kind: str, body: bytes) -> list[str] | None:
    backend = backends.get(dialect)
    names = backend.rules.schemas if isinstance(backend, FormBackend) else None
    if not names:
        return None
    name = names.get("*") or names.get(kind)
    if name is None:
        return []
    folder = data_root("schemas")
    if name.endswith(".xsd"):
        schema = etree.XMLSchema(parse_xml(folder.joinpath(*name.split("/")).read_bytes(),
                                           dialect="xsd"))
        ok = schema.validate(parse_xml(body, dialect=dialect))
        return [] if ok else [str(schema.error_log)]
    try:
        import jsonschema
        from referencing import Registry, Resource
    except ImportError:  # pragma: no cover - depends on the installation
        raise ConfigurationError(
            "checking JSON documents needs jsonschema: pip install 'twilio-compat[test]'"
        ) from None
    loaded = [json.loads(entry.read_text(encoding="utf-8"))
              for entry in folder.joinpath("v2010").iterdir()
              if entry.name.endswith(".schema.json")]
    registry: Any = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in loaded
    )
    target = json.loads(folder.joinpath(*name.split("/")).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(target, registry=registry)
    document = load_json(body, dialect=dialect)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def check_case(case: GoldenCase) -> tuple[list[Problem], list[str]]:
    """Every check on one case: the problems found, and notes."""
    where = f"{case.dialect}/{case.name}"
    problems: list[Problem] = []
    notes: list[str] = []
    try:
        backend = backends.get(case.dialect)
    except ConfigurationError as exc:
        return [Problem(where, "dialect", str(exc))], notes

    def run(check: str, body: Callable[[], str | None]) -> None:
        try:
            detail = body()
        except (CompatError, ValueError, TypeError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
        if detail:
            problems.append(Problem(where, check, detail))

    request = case.request

    def server_reads_request() -> str | None:
        assert request is not None
        try:
            call: object = backend.parse_request(request)
        except ApiError as refused:
            call = refused
        return None if call == case.call else f"read {call!r}, the case says {case.call!r}"

    def client_builds_request() -> str | None:
        assert request is not None
        built = build_request(backend, case.call)
        mine = (built.method, built.target, built.body)
        theirs = (request.method, request.target, request.body)
        return None if mine == theirs else f"built {mine!r}, the case says {theirs!r}"

    def client_reads_response() -> str | None:
        found = _parsed(backend, case)
        return None if found == case.result else f"read {found!r}, the case says {case.result!r}"

    def renders_back() -> str | None:
        rendered = _render(backend, case)
        mine = (rendered.status, rendered.content_type, rendered.body)
        theirs = (case.response.status, case.response.content_type, case.response.body)
        return None if mine == theirs else f"rendered {mine!r}, the case holds {theirs!r}"

    def validates() -> str | None:
        found = _schema_errors(case.dialect, case.result_kind, case.response.body)
        if found is None:
            notes.append(f"{where}: no schema known for dialect {case.dialect!r}; not validated")
            return None
        return "; ".join(found) or None

    if request is not None and case.call is not None:
        run("server reads the request", server_reads_request)
    if case.built and request is not None:
        run("client builds the request", client_builds_request)
    run("client reads the response", client_reads_response)
    if case.canonical:
        run("renders back identically", renders_back)
        if case.result_kind != "deleted":
            run("validates against its schema", validates)
    return problems, notes


def check_root(root: str | Path) -> Report:
    """Check every case under ``root`` (``<root>/<dialect>/<name>.json``)."""
    folder = Path(root)
    if not folder.is_dir():
        raise ConfigurationError(f"no folder of golden cases at {folder}")
    problems: list[Problem] = []
    notes: list[str] = []
    checked = 0
    for dialect_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
        for file in sorted(dialect_folder.glob("*.json")):
            checked += 1
            try:
                case = fixtures.read(file, dialect_folder.name)
            except ValueError as exc:
                problems.append(Problem(f"{dialect_folder.name}/{file.stem}", "parses", str(exc)))
                continue
            found, noted = check_case(case)
            problems.extend(found)
            notes.extend(noted)
    return Report(checked, tuple(problems), tuple(notes))

