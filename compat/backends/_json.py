"""Strict JSON reading for the 2010 dialects.

Rules this module keeps:

* Bytes in, plain Python values out, or one of the documented errors; never a ``json`` or
  ``KeyError`` traceback. Invalid UTF-8, a byte-order mark, duplicate keys, ``NaN``/``Infinity`` and
  trailing garbage raise :class:`~compat.errors.MalformedDocument`; a document over
  :data:`MAX_DOCUMENT_BYTES`, or nested past the interpreter's recursion limit (Twilio's documents
  nest three levels), raises :class:`~compat.errors.HostileDocument`.
* The typed getters name the key and the expected type when a value is wrong
  (:class:`~compat.errors.UnexpectedDocument`). ``bool`` is never accepted as an integer.
* Unknown keys are the caller's business: the 2010 API adds properties without notice, so the
  message readers ignore keys they do not know.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from compat.errors import HostileDocument, MalformedDocument, UnexpectedDocument

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "get_int",
    "get_list",
    "get_object",
    "get_str",
    "load_json",
    "require_int",
    "require_str",
]

#: The largest JSON document read (a full 1,000-message page is well under 2 MiB).
MAX_DOCUMENT_BYTES: Final = 16 * 1024 * 1024

_MISSING: Final = object()


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return result


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


class _Constant(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


#: One strict decoder, made once (``json.loads`` with options builds a decoder per call).
_DECODER: Final = json.JSONDecoder(object_pairs_hook=_pairs_hook, parse_constant=_refuse_constant)


def load_json(data: bytes, *, dialect: str) -> Any:
    """Decode one JSON document strictly (see the module rules)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise HostileDocument(
            f"JSON document of {len(data)} bytes is over the {MAX_DOCUMENT_BYTES}-byte limit",
            dialect=dialect,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedDocument(
            f"JSON document is not UTF-8 (byte {exc.start}: {exc.reason})", dialect=dialect
        ) from None
    if text.startswith("\ufeff"):
        raise MalformedDocument("JSON document starts with a byte-order mark", dialect=dialect)
    try:
        return _DECODER.decode(text)
    except _Duplicate as exc:
        raise MalformedDocument(
            f"JSON document repeats the key {exc.key!r}", dialect=dialect
        ) from None
    except _Constant as exc:
        raise MalformedDocument(
            f"JSON document uses {exc.name}, which is not JSON", dialect=dialect
        ) from None
    except json.JSONDecodeError as exc:
        raise MalformedDocument(
            f"not well-formed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            dialect=dialect,
        ) from None
    except RecursionError:
        raise HostileDocument("JSON document nests too deeply", dialect=dialect) from None
    except ValueError as exc:  # e.g. an integer over the interpreter's digit limit
        raise MalformedDocument(f"JSON document refused: {exc}", dialect=dialect) from None


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _wrong(where: str, key: str, expected: str, value: object, dialect: str) -> UnexpectedDocument:
    return UnexpectedDocument(
        f"{where}: {key!r} must be {expected}, got {_describe(value)}", dialect=dialect
    )


def _missing(where: str, key: str, dialect: str) -> UnexpectedDocument:
    return UnexpectedDocument(f"{where}: the required key {key!r} is missing", dialect=dialect)


def get_object(value: object, *, where: str, dialect: str) -> Mapping[str, Any]:
    """``value`` itself, which must be a JSON object."""
    if not isinstance(value, dict):
        raise UnexpectedDocument(f"{where} must be a JSON object, got {_describe(value)}",
                                 dialect=dialect)
    return value


def get_str(
    obj: Mapping[str, Any], key: str, *, where: str, dialect: str, required: bool = False
) -> str | None:
    """A string or null. A missing key is ``None`` unless ``required``."""
    value = obj.get(key, _MISSING)
    if value is _MISSING:
        if required:
            raise _missing(where, key, dialect)
        return None
    if value is None:
        if required:
            raise _wrong(where, key, "a string", value, dialect)
        return None
    if not isinstance(value, str):
        raise _wrong(where, key, "a string" if required else "a string or null", value, dialect)
    return value


def get_int(
    obj: Mapping[str, Any], key: str, *, where: str, dialect: str, required: bool = False
) -> int | None:
    """An integer or null (never a boolean). A missing key is ``None`` unless ``required``."""
    value = obj.get(key, _MISSING)
    if value is _MISSING:
        if required:
            raise _missing(where, key, dialect)
        return None
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(where, key, "an integer" if required else "an integer or null", value,
                     dialect)
    return value


def get_list(obj: Mapping[str, Any], key: str, *, where: str, dialect: str) -> list[Any]:
    """A required array."""
    value = obj.get(key, _MISSING)
    if value is _MISSING:
        raise _missing(where, key, dialect)
    if not isinstance(value, list):
        raise _wrong(where, key, "an array", value, dialect)
    return value


def require_str(obj: Mapping[str, Any], key: str, *, where: str, dialect: str) -> str:
    """A string that must be present and not null."""
    value = get_str(obj, key, where=where, dialect=dialect, required=True)
    assert value is not None  # get_str raised otherwise
    return value


def require_int(obj: Mapping[str, Any], key: str, *, where: str, dialect: str) -> int:
    """An integer that must be present and not null."""
    value = get_int(obj, key, where=where, dialect=dialect, required=True)
    assert value is not None  # get_int raised otherwise
    return value
