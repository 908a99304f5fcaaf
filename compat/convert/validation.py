"""Checking documents against the shipped schemas, each problem with its line.

Rules this module keeps:

* A document is detected (:mod:`compat.convert.detect`) and checked against the schema its
  dialect's rules name for its kind (``rules.schemas``: an XSD for XML, a JSON Schema for JSON).
  TwiML and webhook parameters have no schema: that is reported as a problem, so nothing passes
  unchecked.
* Each problem is a :class:`Problem` with a 1-based line: lxml's error log gives XML lines; for
  JSON the line of the offending key (or array item) is found by walking the text with the
  standard decoder, so it is exact.
* A document that cannot be read at all is one problem (the parser's error, line 1 when the
  parser gives none). Nothing raises but a :class:`~compat.errors.CompatError` for a bad schema
  name; no lxml or jsonschema exception escapes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

import attrs
from lxml import etree

from compat import backends
from compat._resources import data_root
from compat._xml import parse_xml
from compat.backends.form_backend import FormBackend
from compat.convert.detect import Detected, detect_parsed
from compat.errors import CompatError, ConfigurationError

__all__ = ["Problem", "validate_document"]

_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


@attrs.frozen
class Problem:
    """One thing wrong with a document: its line (1-based) and what."""

    line: int
    message: str


def _schema_bytes(name: str) -> bytes:
    target: Any = data_root("schemas")
    for piece in name.split("/"):
        target = target.joinpath(piece)
    data: bytes = target.read_bytes()
    return data


@cache
def _xsd(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(parse_xml(_schema_bytes(name), dialect="xsd"))


@cache
def _json_validator(name: str) -> Any:
    try:
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
    except ImportError:
        raise ConfigurationError(
            "checking JSON documents needs jsonschema: pip install 'twilio-compat[test]'"
        ) from None

    folder = data_root("schemas").joinpath("v2010")
    schemas = [json.loads(entry.read_text(encoding="utf-8")) for entry in folder.iterdir()
               if entry.name.endswith(".schema.json")]
    registry: Any = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas
    )
    return Draft202012Validator(json.loads(_schema_bytes(name)), registry=registry)


def schema_for(found: Detected) -> str | None:
    """The schema (a path under ``schemas/``) for a detected document, if it has one."""
    if found.kind not in ("message", "page", "error"):
        return None
    backend = backends.get(found.dialect)
    if not isinstance(backend, FormBackend):
        return None
    schemas = backend.rules.schemas
    return schemas.get(found.kind) or schemas.get("*")


def validate_document(data: bytes) -> tuple[Detected | None, list[Problem]]:
    """What ``data`` is, and every problem the schema finds in it (none when it is valid)."""
    try:
        found, parsed = detect_parsed(data)
    except CompatError as exc:
        return None, [Problem(1, str(exc))]
    name = schema_for(found)
    if name is None:
        return found, [Problem(1, f"no schema for a {found.dialect} {found.kind} document")]
    if name.endswith(".xsd"):
        schema = _xsd(name)
        if schema.validate(parsed):
            return found, []
        log: Any = schema.error_log
        return found, [Problem(error.line or 1, error.message) for error in log]
    if not name.endswith(".json"):
        raise ConfigurationError(f"unknown kind of schema {name!r}")
    text = data.decode("utf-8")
    errors = sorted(_json_validator(name).iter_errors(parsed), key=lambda e: list(e.path))
    return found, [Problem(_line_of(text, list(error.absolute_path)), _describe(error))
                   for error in errors]


def _describe(error: Any) -> str:
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{where or '(document)'}: {error.message}"


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def _line_of(text: str, path: Sequence[str | int]) -> int:
    """The line where the value at ``path`` (keys and indexes) starts; its parent's when the
    path names something absent."""
    pos = _skip(text, 0)
    try:
        for part in path:
            found = _enter(text, pos, part)
            if found is None:
                break
            pos = found
    except ValueError:
        pass
    return text.count("\n", 0, pos) + 1


def _enter(text: str, pos: int, part: str | int) -> int | None:
    """Where the member ``part`` of the object or array at ``pos`` starts (its key, for an
    object member), or ``None``."""
    opening = text[pos] if pos < len(text) else ""
    pos = _skip(text, pos + 1)
    index = 0
    while pos < len(text) and text[pos] not in "}]":
        start = pos
        if opening == "{":
            key, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            pos = _skip(text, pos + 1)  # the colon
            if key == part:
                return pos if text[pos] in "{[" else start
        elif index == part:
            return pos
        _, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
        index += 1
    return None
