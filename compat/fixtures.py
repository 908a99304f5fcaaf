"""The golden request/response cases of each dialect, for your own tests.

Each case is one JSON file under ``fixtures/<dialect>/`` (shipped in the wheel). It pairs what goes
on the wire with the model values it means, so one table can check both sides of a backend::

    from compat import fixtures
    for case in fixtures.cases("2010-04-01"):
        ...  # case.request, case.call, case.response, case.result

Rules this module keeps:

* The shipped data is read through :func:`compat._resources.data_root`, never from paths built
  here; your own cases are read from ``root=`` folders laid out the same way
  (``<root>/<dialect>/<name>.json``), through the same reader, and are not cached.
* The plain-JSON form of model values (:func:`to_plain` / :func:`from_plain`) uses the model's
  field names, ISO 8601 for datetimes and dates, strings for decimals and enums, lists for tuples,
  and leaves out ``None`` and empty values. ``from_plain(to_plain(x)) == x`` for every model value.
* A malformed case file raises :class:`ValueError` naming the file; the format is described in
  ``docs/dialects.md`` ("Golden cases"). Case files are read as strictly as API documents
  (:func:`compat.backends._json.load_json`: UTF-8, at most 16 MiB, no runaway nesting), and a
  ``body_file`` must name a file inside the case's folder (no ``..``, no absolute path).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from compat._resources import data_root
from compat.backends._json import load_json
from compat.backends.base import (
    CreateCall,
    DeleteCall,
    FetchCall,
    ListCall,
    ServerCall,
    UpdateCall,
)
from compat.errors import ApiError
from compat.model import ListQuery, Message, MessagePage, MessageUpdate, NewMessage
from compat.wire import FORM_CONTENT_TYPE, WireRequest, WireResponse

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

__all__ = [
    "GoldenCase",
    "Refusal",
    "cases",
    "dialects",
    "from_plain",
    "load",
    "read",
    "to_plain",
]

_MODELS: dict[str, type[Any]] = {
    "message": Message,
    "new_message": NewMessage,
    "query": ListQuery,
    "update": MessageUpdate,
    "page": MessagePage,
}
_DATETIMES = frozenset({"date_created", "date_updated", "date_sent", "send_at"})
_DATES = frozenset({"date_sent", "date_sent_before", "date_sent_after"})


@attrs.frozen
class Refusal:
    """A response the client side must refuse: parsing it ``as`` a message or a page raises the
    error class named ``error`` (``"UnexpectedDocument"``, ``"MalformedDocument"``...)."""

    error: str
    as_: str


#: What a response means: a message, a page, an error, ``None`` for a delete, or a refusal.
Result = Message | MessagePage | ApiError | Refusal | None


@attrs.frozen
class GoldenCase:
    """One golden case. See ``docs/dialects.md`` for the meaning of each part."""

    dialect: str
    name: str
    description: str
    request: WireRequest | None
    built: bool
    call: ServerCall | ApiError | None
    response: WireResponse
    result_kind: str
    result: Result
    canonical: bool


# -- plain JSON <-> model --------------------------------------------------------------------------


def _plain_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [to_plain(item) if attrs.has(type(item)) else _plain_value(item) for item in value]
    return value


def to_plain(value: object) -> Any:
    """A model value (Message, NewMessage, ListQuery, MessageUpdate, MessagePage, ApiError or a
    ServerCall) as plain JSON data."""
    if isinstance(value, ApiError):
        plain: dict[str, Any] = {"status": value.status, "message": value.message}
        if value.code is not None:
            plain["code"] = value.code
        if value.more_info is not None:
            plain["more_info"] = value.more_info
        return plain
    if isinstance(value, CreateCall):
        return {"create": {"account_sid": value.account_sid, "message": to_plain(value.message)}}
    if isinstance(value, FetchCall):
        return {"fetch": {"account_sid": value.account_sid, "sid": value.sid}}
    if isinstance(value, ListCall):
        return {"list": {"account_sid": value.account_sid, "query": to_plain(value.query)}}
    if isinstance(value, UpdateCall):
        return {"update": {"account_sid": value.account_sid, "sid": value.sid,
                           "update": to_plain(value.update)}}
    if isinstance(value, DeleteCall):
        return {"delete": {"account_sid": value.account_sid, "sid": value.sid}}
    if not attrs.has(type(value)):
        raise TypeError(f"to_plain() takes a model value, not {type(value).__name__}")
    result: dict[str, Any] = {}
    for field in attrs.fields(type(value)):  # type: ignore[arg-type]
        item = getattr(value, field.name)
        if item is None or item == ():
            continue
        result[field.name] = _plain_value(item)
    return result


def _model_value(name: str, value: Any, kind: str) -> Any:
    if kind == "query" and name in _DATES and isinstance(value, str):
        return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if name in _DATETIMES and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def from_plain(kind: str, data: Any) -> Any:
    """The model value plain JSON ``data`` stands for. ``kind`` is ``"message"``,
    ``"new_message"``, ``"query"``, ``"update"``, ``"page"``, ``"error"`` or ``"call"``."""
    if kind == "error":
        return ApiError(data["status"], data["message"], data.get("code"), data.get("more_info"))
    if kind == "call":
        return _call(data)
    model = _MODELS.get(kind)
    if model is None:
        raise ValueError(f"unknown kind {kind!r}")
    values = {name: _model_value(name, value, kind) for name, value in data.items()}
    if kind == "page":
        values["items"] = tuple(from_plain("message", item) for item in data.get("items", ()))
    return model(**values)


def _call(data: Mapping[str, Any]) -> ServerCall | ApiError:
    ((kind, body),) = data.items()
    if kind == "error":
        error: ApiError = from_plain("error", body)
        return error
    if kind == "create":
        return CreateCall(body["account_sid"], from_plain("new_message", body["message"]))
    if kind == "fetch":
        return FetchCall(body["account_sid"], body["sid"])
    if kind == "list":
        return ListCall(body["account_sid"], from_plain("query", body.get("query", {})))
    if kind == "update":
        return UpdateCall(body["account_sid"], body["sid"], from_plain("update", body["update"]))
    if kind == "delete":
        return DeleteCall(body["account_sid"], body["sid"])
    raise ValueError(f"unknown call kind {kind!r}")


# -- reading cases ---------------------------------------------------------------------------------


def _root(root: str | Path | None) -> Traversable | Path:
    if root is None:
        return data_root("fixtures")
    folder = Path(root)
    if not folder.is_dir():
        raise ValueError(f"no folder of golden cases at {folder}")
    return folder


def _folder(dialect: str, root: str | Path | None = None) -> Traversable | Path:
    folder = _root(root).joinpath(dialect)
    if not folder.is_dir():
        known = ", ".join(dialects(root))
        raise ValueError(f"no golden cases for dialect {dialect!r}; known: {known}")
    return folder


def _body(folder: Traversable | Path, part: Mapping[str, Any]) -> bytes:
    if "body_file" in part:
        target: Traversable | Path = folder
        pieces = str(part["body_file"]).split("/")
        if any(piece in ("", ".", "..") or "\\" in piece or ":" in piece for piece in pieces):
            raise ValueError(f"body_file {part['body_file']!r} must be a path inside the folder")
        for piece in pieces:
            target = target.joinpath(piece)
        data: bytes = target.read_bytes()
        return data
    return str(part.get("body", "")).encode("utf-8")


def _result(data: Mapping[str, Any]) -> tuple[str, Result]:
    ((kind, body),) = data.items()
    if kind == "deleted":
        return kind, None
    if kind == "refused":
        return kind, Refusal(body["error"], body["as"])
    if kind not in ("message", "page", "error"):
        raise ValueError(f"unknown result kind {kind!r}")
    value: Result = from_plain(kind, body)
    return kind, value


def _case(
    dialect: str, folder: Traversable | Path, name: str, data: Mapping[str, Any]
) -> GoldenCase:
    raw_request = data.get("request")
    request = None
    if raw_request is not None:
        headers: tuple[tuple[str, str], ...] = ()
        if raw_request.get("body") or raw_request.get("body_file"):
            headers = (("Content-Type", FORM_CONTENT_TYPE),)
        request = WireRequest.from_target(
            raw_request["method"], raw_request["target"], headers, _body(folder, raw_request)
        )
    raw_response = data["response"]
    content_type = raw_response.get("content_type")
    response = WireResponse(
        raw_response["status"],
        (("Content-Type", content_type),) if content_type else (),
        _body(folder, raw_response),
    )
    kind, result = _result(data["result"])
    return GoldenCase(
        dialect=dialect,
        name=name,
        description=data.get("description", ""),
        request=request,
        built=bool(data.get("built", False)),
        call=_call(data["call"]) if data.get("call") is not None else None,
        response=response,
        result_kind=kind,
        result=result,
        canonical=bool(data.get("canonical", False)),
    )


def cases(
    dialect: str | None = None, *, root: str | Path | None = None
) -> tuple[GoldenCase, ...]:
    """Every golden case of ``dialect`` (of every dialect when ``None``), sorted by name.

    ``root`` reads your own cases from a folder laid out like the shipped one
    (``<root>/<dialect>/<name>.json``); without it, the cases shipped with the package.
    """
    if dialect is None:
        return tuple(case for name in dialects(root) for case in cases(name, root=root))
    if root is None:
        return _shipped(dialect)
    return _read(dialect, _folder(dialect, root))


@functools.cache
def _shipped(dialect: str) -> tuple[GoldenCase, ...]:
    return _read(dialect, _folder(dialect))


def _read(dialect: str, folder: Traversable | Path) -> tuple[GoldenCase, ...]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".json") or not entry.is_file():
            continue
        name = entry.name[: -len(".json")]
        try:
            data = load_json(entry.read_bytes(), dialect="golden case")
            found.append(_case(dialect, folder, name, data))
        except (KeyError, ValueError, TypeError, AttributeError, OSError) as exc:
            raise ValueError(f"golden case {dialect}/{entry.name} is malformed: {exc}") from exc
    return tuple(found)


def read(path: str | Path, dialect: str | None = None) -> GoldenCase:
    """One case file; its dialect defaults to the name of the folder holding it."""
    file = Path(path)
    chosen = dialect or file.parent.name
    try:
        data = load_json(file.read_bytes(), dialect="golden case")
        return _case(chosen, file.parent, file.stem, data)
    except (KeyError, ValueError, TypeError, AttributeError, OSError) as exc:
        raise ValueError(f"golden case {chosen}/{file.name} is malformed: {exc}") from exc


def load(dialect: str, name: str, *, root: str | Path | None = None) -> GoldenCase:
    """One golden case by name (the file name without ``.json``), shipped or under ``root``."""
    for case in cases(dialect, root=root):
        if case.name == name:
            return case
    raise ValueError(f"no golden case {name!r} for dialect {dialect!r}")


def dialects(root: str | Path | None = None) -> tuple[str, ...]:
    """The dialects that have golden cases (shipped, or under ``root``)."""
    folder = _root(root)
    return tuple(sorted(
        entry.name for entry in folder.iterdir()
        if entry.is_dir() and any(item.name.endswith(".json") for item in entry.iterdir())
    ))
