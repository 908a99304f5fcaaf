"""Cassettes: recorded exchanges with Twilio, kept as golden cases in one versioned JSON file.

A cassette is ``{"format": "twilio-compat-cassette", "version": 1, "pseudonyms": {...},
"exchanges": [...]}``; each exchange is a golden case (``docs/dialects.md``, "Golden cases") with
the dialect it was spoken in, the request as scrubbed, the response, and, when the dialect could
read them, the ``call`` the request made and the ``result`` the response meant. The format is
described by ``schemas/cassette/v1.schema.json``.

Rules this module keeps:

* Everything a cassette holds went through its :class:`~compat.testing.scrub.Scrubber` first; the
  cassette never sees a header of a request, and keeps only the content type of a response.
* Files are read by version: every version this library ever wrote is read (and upgraded in
  memory); a newer one, or a file that is not a cassette, raises
  :class:`~compat.errors.CassetteError` naming the file. Files are written atomically, with sorted
  keys, so a re-recording diffs cleanly.
* Exchanges are appended in the order they happened; replay order is their order.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from compat import backends
from compat._version import __version__
from compat.backends._json import load_json
from compat.backends.base import DeleteCall, ListCall, ServerCall
from compat.errors import ApiError, CassetteError, CompatError
from compat.fixtures import to_plain
from compat.testing.scrub import Scrubber, credentials_secrets
from compat.wire import FORM_CONTENT_TYPE, WireRequest, WireResponse

__all__ = ["FORMAT", "VERSION", "Cassette", "Exchange"]

FORMAT = "twilio-compat-cassette"
#: The version this library writes. Every older version is still read.
VERSION = 1
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")


@attrs.frozen
class Exchange:
    """One recorded exchange: the scrubbed request, the response, and what they mean."""

    request: WireRequest
    response: WireResponse
    dialect: str | None = None
    call: Any = None
    result: Any = None

    def to_json(self, index: int) -> dict[str, Any]:
        body = self.response.body
        response: dict[str, Any] = {"status": self.response.status}
        if self.response.content_type:
            response["content_type"] = self.response.header("content-type")
        try:
            response["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            response["body_base64"] = base64.b64encode(body).decode("ascii")
        request = self.request
        return {
            "name": f"{index + 1:03d}-{request.method.lower()}",
            "description": f"{request.method} {request.path}",
            "dialect": self.dialect,
            "request": {
                "method": request.method,
                "target": request.target,
                "body": request.body.decode("utf-8", "replace"),
            },
            "built": False,
            "call": self.call,
            "response": response,
            "result": self.result,
            "canonical": False,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Exchange:
        raw_request, raw_response = data["request"], data["response"]
        body = str(raw_request.get("body") or "").encode("utf-8")
        headers = (("Content-Type", FORM_CONTENT_TYPE),) if body else ()
        request = WireRequest.from_target(
            raw_request["method"], raw_request["target"], headers, body
        )
        if "body_base64" in raw_response:
            content = base64.b64decode(raw_response["body_base64"])
        else:
            content = str(raw_response.get("body", "")).encode("utf-8")
        content_type = raw_response.get("content_type")
        response = WireResponse(
            int(raw_response["status"]),
            (("Content-Type", content_type),) if content_type else (),
            content,
        )
        return cls(request, response, data.get("dialect"), data.get("call"), data.get("result"))


def _meaning(request: WireRequest, response: WireResponse) -> tuple[str | None, Any, Any]:
    """The dialect, call and result of an exchange, as far as an installed dialect reads them."""
    for name in backends.names():
        try:
            backend = backends.get(name)
            call: ServerCall | None = backend.parse_request(request)
        except ApiError as refused:
            call_plain: Any = {"error": to_plain(refused)}
            return name, call_plain, _result(backend, None, response)
        except CompatError:
            continue
        if call is not None:
            return name, to_plain(call), _result(backend, call, response)
    return None, None, None


def _result(backend: backends.Backend, call: ServerCall | None, response: WireResponse) -> Any:
    try:
        if response.status >= 400 or call is None:
            return {"error": to_plain(backend.parse_error(response))}
        if isinstance(call, DeleteCall):
            backend.parse_deleted(response)
            return {"deleted": None}
        if isinstance(call, ListCall):
            return {"page": to_plain(backend.parse_page(response))}
        return {"message": to_plain(backend.parse_message(response))}
    except (CompatError, ValueError, TypeError):
        return None


class Cassette:
    """Recorded exchanges and the pseudonym key of one file. ``Cassette.load(path)`` reads one
    (an empty cassette if the file does not exist); :meth:`save` writes it."""

    def __init__(
        self,
        path: str | Path | None = None,
        exchanges: Iterable[Exchange] = (),
        *,
        key: str | None = None,
        pseudonyms: Iterable[str] = (),
        pseudonymize: bool = True,
        secrets_: Iterable[str] = (),
        existed: bool = False,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.exchanges: list[Exchange] = list(exchanges)
        self.key = key or secrets.token_hex(16)
        self.existed = existed
        #: Set once a session in mode ``all`` dropped what the file held.
        self.rerecording = False
        self.scrubber = Scrubber(
            self.key, pseudonymize=pseudonymize, known=pseudonyms, secrets=secrets_
        )
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Cassette {self.path} {len(self.exchanges)} exchanges>"

    @classmethod
    def load(
        cls, path: str | Path, *, pseudonymize: bool = True, secrets_: Iterable[str] = ()
    ) -> Cassette:
        """The cassette at ``path``; an empty one (``existed`` false) when there is no file."""
        target = Path(path)
        if not target.exists():
            return cls(target, pseudonymize=pseudonymize, secrets_=secrets_)
        try:
            data = load_json(target.read_bytes(), dialect="cassette")  # strict, size-limited
        except (OSError, ValueError) as exc:
            raise CassetteError(f"cassette {target} cannot be read: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CassetteError(f"{target} is not a twilio-compat cassette")
        version = data.get("version")
        if not isinstance(version, int) or not 1 <= version <= VERSION:
            raise CassetteError(
                f"cassette {target} has version {version!r}; this library reads versions 1 to "
                f"{VERSION} (upgrade twilio-compat to read it)"
            )
        try:
            names = data.get("pseudonyms") or {}
            exchanges = [Exchange.from_json(item) for item in data["exchanges"]]
            return cls(
                target,
                exchanges,
                key=names.get("key"),
                pseudonyms=names.get("values", ()),
                pseudonymize=bool(names.get("enabled", pseudonymize)),
                secrets_=secrets_,
                existed=True,
            )
        except (KeyError, TypeError, ValueError, CompatError) as exc:
            raise CassetteError(f"cassette {target} is malformed: {exc!r}") from None

    def account_sid(self) -> str | None:
        """The account of the first recorded request (its pseudonym when pseudonyms are on)."""
        for exchange in self.exchanges:
            found = _ACCOUNT_SID.search(exchange.request.path)
            if found is not None:
                return found.group(0)
        return None

    def record(self, request: WireRequest, response: WireResponse) -> Exchange:
        """Scrub and append one live exchange; returns what was kept."""
        scrubber = self.scrubber
        secrets_found = credentials_secrets(request.headers)
        kept_request = scrubber.request(request)
        kept_response = WireResponse(
            response.status,
            tuple((k, v) for k, v in response.headers if k.lower() == "content-type"),
            scrubber.body(response.body, secrets_found),
        )
        dialect, call, result = _meaning(kept_request, kept_response)
        exchange = Exchange(kept_request, kept_response, dialect, call, result)
        with self._lock:
            self.exchanges.append(exchange)
        return exchange

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            exchanges = list(self.exchanges)
        return {
            "format": FORMAT,
            "version": VERSION,
            "recorded_with": f"twilio-compat {__version__}",
            "pseudonyms": {
                "enabled": self.scrubber.pseudonymize,
                "key": self.key,
                "values": self.scrubber.pseudonyms,
            },
            "exchanges": [item.to_json(i) for i, item in enumerate(exchanges)],
        }

    def save(self, path: str | Path | None = None) -> Path:
        """Write the cassette (atomically) to ``path`` or where it was loaded from."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise CassetteError("this cassette has no path to be saved to")
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

