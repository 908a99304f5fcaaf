"""Admin routes under ``/__admin/``: the emulator's controls, for clients that are not Python.

Rules: requests take a JSON object or a form body; answers are JSON objects. Routes need no
credentials (serve the emulator on loopback only), but a request a browser marks as coming from
another site (``Sec-Fetch-Site: cross-site`` or ``same-site``, or an ``Origin`` other than the
emulator's own) is refused with 403, so no other web page can drive the emulator. Secrets are
returned once, by the route that creates them (an account's token, an API key's secret); no other
answer carries one, and callback URLs are shown with their passwords masked. A bad request is a
400 ``{"error": ...}``, an unknown route a 404, a wrong method a 405 — never a traceback.

====== ================================= ==================================================
Method Path                              Does
====== ================================= ==================================================
GET    /__admin/health                   ``{"status": "ok", "messages": n}``
POST   /__admin/reset                    back to the state after start (``seed`` optional)
GET    /__admin/clock                    the emulator's time (and whether it is manual)
POST   /__admin/clock                    ``advance`` (seconds) or ``set`` (ISO 8601) a manual clock
POST   /__admin/tick                     take the lifecycle steps due by the clock
GET    /__admin/mode                     the lifecycle mode
POST   /__admin/mode                     ``mode``: immediate, manual or timed
GET    /__admin/messages                 every message (``account_sid`` filters)
GET    /__admin/messages/{sid}           one message
POST   /__admin/messages/{sid}/advance   take its next step
POST   /__admin/messages/{sid}/finish    take all its remaining steps
POST   /__admin/messages/{sid}/status    force ``status`` (``error_code`` optional)
POST   /__admin/advance                  take the next step of every message
POST   /__admin/receive                  simulate an incoming message (``from``, ``to``, ``body``,
                                         ``media_url`` repeated or a list)
GET    /__admin/numbers                  configured numbers
POST   /__admin/numbers                  ``number``, ``sms_url``, ``sms_method``, ``api_version``,
                                         ``account_sid``
POST   /__admin/outcomes                 ``to``, ``status``, ``error_code``: how delivery ends
POST   /__admin/accounts                 a new account (``sid``/``auth_token`` optional)
POST   /__admin/keys                     a new API key (``account_sid``, ``secret`` optional)
GET    /__admin/callbacks                every outgoing request attempted
GET    /__admin/problems                 what a strict test would fail on
====== ================================= ==================================================
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import Callable
from typing import Any

import attrs

from compat.emulator import inbound
from compat.emulator.callbacks import Attempt, masked_url, url_password
from compat.emulator.clock import ManualClock
from compat.emulator.crosssite import cross_site_refusal
from compat.emulator.service import Service
from compat.emulator.store import message_to_dict
from compat.errors import CompatError
from compat.model import Message
from compat.wire import WireRequest, WireResponse, decode_form

__all__ = ["handle_admin"]

_JSON = (("Content-Type", "application/json"),)
_MAX_ADVANCE = 100 * 365 * 86400  # a century of seconds: beyond it the date cannot be kept

log = logging.getLogger("compat.emulator")


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def _answer(status: int, payload: dict[str, Any]) -> WireResponse:
    return WireResponse(status, _JSON, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def _input(request: WireRequest) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in request.query:
        data[key] = value
    if not request.body:
        return data
    kind = (request.header("content-type") or "").split(";", 1)[0].strip().lower()
    if kind == "application/json":
        try:
            loaded = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _Refused(400, f"the JSON body could not be read: {exc}") from None
        if not isinstance(loaded, dict):
            raise _Refused(400, "the JSON body must be an object")
        data.update(loaded)
        return data
    pairs = decode_form(request.body)
    for key, value in pairs:
        if key in data and key in ("media_url", "MediaUrl"):
            previous = data[key]
            data[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[key] = value
    return data


def _text(data: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise _Refused(400, f"{name!r} is required")
        return None
    if not isinstance(value, (str, int, float)):
        raise _Refused(400, f"{name!r} must be a string")
    return str(value)


def _int(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _Refused(400, f"{name!r} must be an integer, got {value!r}") from None


def _message(message: Message) -> dict[str, Any]:
    return message_to_dict(message)


def _attempt(attempt: Attempt) -> dict[str, Any]:
    request = attempt.request
    password = url_password(request.url)
    error = attempt.error
    if error and password:
        error = error.replace(password, "***")
    return {
        "kind": request.kind,
        "method": request.method,
        "url": masked_url(request.url),
        "params": [list(pair) for pair in request.params],
        "message_sid": request.message_sid,
        "status": attempt.status,
        "error": error,
        "ok": attempt.ok,
    }


def _lookup(service: Service, sid: str) -> Message:
    try:
        return service.message(sid)
    except KeyError:
        raise _Refused(404, f"no message {sid}") from None


def handle_admin(service: Service, request: WireRequest) -> WireResponse:
    """Answer one ``/__admin/`` request."""
    parts = [p for p in request.path.split("/") if p][1:]
    refused = cross_site_refusal(request.headers)
    if refused is not None:
        return _answer(403, {"error": refused})
    try:
        route, allowed = _route(parts)
        if route is None:
            raise _Refused(404, f"no admin route {request.path}")
        if request.method not in allowed:
            raise _Refused(405, f"{request.method} is not allowed on {request.path}")
        handler = allowed[request.method]
        return _answer(200, handler(service, _input(request), parts))
    except _Refused as exc:
        return _answer(exc.status, {"error": exc.message})
    except (CompatError, ValueError, KeyError, OverflowError) as exc:
        return _answer(400, {"error": f"{type(exc).__name__}: {exc}"})
    except Exception as exc:  # a bug in the emulator: a 500, never a traceback out
        log.exception("emulator error on %s %s", request.method, request.path)
        service.errors.append(f"{request.method} {request.path}: {type(exc).__name__}: {exc}")
        return _answer(500, {"error": "An internal error occurred in the emulator."})


Handler = Callable[[Service, dict[str, Any], list[str]], dict[str, Any]]


def _route(parts: list[str]) -> tuple[str | None, dict[str, Handler]]:
    if len(parts) == 1:
        name = parts[0]
        table: dict[str, dict[str, Handler]] = {
            "health": {"GET": _health},
            "reset": {"POST": _reset},
            "clock": {"GET": _clock_get, "POST": _clock_set},
            "tick": {"POST": _tick},
            "mode": {"GET": _mode_get, "POST": _mode_set},
            "messages": {"GET": _messages},
            "advance": {"POST": _advance_all},
            "receive": {"POST": _receive},
            "numbers": {"GET": _numbers, "POST": _number_add},
            "outcomes": {"POST": _outcome},
            "accounts": {"POST": _account_add},
            "keys": {"POST": _key_add},
            "callbacks": {"GET": _callbacks},
            "problems": {"GET": _problems},
        }
        return (name, table[name]) if name in table else (None, {})
    if len(parts) == 2 and parts[0] == "messages":
        return "message", {"GET": _message_get}
    if len(parts) == 3 and parts[0] == "messages":
        actions: dict[str, dict[str, Handler]] = {
            "advance": {"POST": _message_advance},
            "finish": {"POST": _message_finish},
            "status": {"POST": _message_status},
        }
        return (parts[2], actions[parts[2]]) if parts[2] in actions else (None, {})
    return None, {}


def _health(service: Service, _data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    return {"status": "ok", "messages": len(service.store), "mode": service.scheduler.mode.value}


def _reset(service: Service, data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    service.reset(seed=_int(data, "seed"))
    return {"status": "reset", "seed": service.seed}


def _clock_get(service: Service, _data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    return {
        "now": service.clock.now().isoformat(),
        "manual": isinstance(service.clock, ManualClock),
    }


def _clock_set(service: Service, data: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    clock = service.clock
    if not isinstance(clock, ManualClock):
        raise _Refused(409, "the clock is the system clock; only a manual clock can be moved")
    if data.get("set"):
        try:
            when = dt.datetime.fromisoformat(str(data["set"]).replace("Z", "+00:00"))
        except ValueError:
            raise _Refused(400, f"'set' must be an ISO 8601 time, got {data['set']!r}") from None
        clock.set(when)
    else:
        try:
            seconds = float(data.get("advance", 1))
        except (TypeError, ValueError):
            seconds = math.nan
        if not math.isfinite(seconds) or abs(seconds) > _MAX_ADVANCE:
            raise _Refused(400, f"'advance' must be seconds, got {data.get('advance')!r}")
        clock.advance(seconds)
    return _clock_get(service, data, parts)


def _tick(service: Service, _data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    return {"steps": service.scheduler.tick()}


def _mode_get(service: Service, _data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    return {"mode": service.scheduler.mode.value}


def _mode_set(service: Service, data: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    service.scheduler.mode = _text(data, "mode", required=True) or ""
    return _mode_get(service, data, parts)


def _messages(service: Service, data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    account = _text(data, "account_sid")
    found = service.messages(account)
    return {"messages": [_message(m) for m in found]}


def _message_get(service: Service, _data: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    return {"message": _message(_lookup(service, parts[1]))}


def _message_advance(service: Service, _data: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    _lookup(service, parts[1])
    try:
        (message,) = service.scheduler.advance(parts[1])
    except ValueError as exc:
        raise _Refused(409, str(exc)) from None
    return {"message": _message(message)}


def _message_finish(service: Service, _data: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    _lookup(service, parts[1])
    (message,) = service.scheduler.finish(parts[1])
    return {"message": _message(message)}


def _message_status(service: Service, data: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    _lookup(service, parts[1])
    status = _text(data, "status", required=True) or ""
    message = service.scheduler.set_status(parts[1], status, _int(data, "error_code"))
    return {"message": _message(message)}


def _advance_all(service: Service, _data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    return {"messages": [_message(m) for m in service.scheduler.advance()]}


def _receive(service: Service, data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    media = data.get("media_url", data.get("MediaUrl", []))
    if isinstance(media, str):
        media = [media]
    if not isinstance(media, list) or not all(isinstance(m, str) for m in media):
        raise _Refused(400, "'media_url' must be a URL or a list of URLs")
    result = inbound.receive(
        service,
        _text(data, "from", required=True) or "",
        _text(data, "to", required=True) or "",
        _text(data, "body") or "",
        media_urls=media,
    )
    return {
        "message": _message(result.message),
        "replies": [_message(m) for m in result.replies],
        "errors": list(result.errors),
    }


def _numbers(service: Service, data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    found = service.store.numbers(_text(data, "account_sid"))
    return {"numbers": [attrs.asdict(n) for n in found]}


def _number_add(service: Service, data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    entry = service.accounts.add_number(
        _text(data, "number", required=True) or "",
        account_sid=_text(data, "account_sid"),
        sms_url=_text(data, "sms_url"),
        sms_method=_text(data, "sms_method") or "POST",
        api_version=_text(data, "api_version") or "2010-04-01",
    )
    return {"number": attrs.asdict(entry)}


def _outcome(service: Service, data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    to = _text(data, "to", required=True) or ""
    status = _text(data, "status") or "delivered"
    service.set_outcome(to, status, _int(data, "error_code"))
    return {"to": to, "status": status}


def _account_add(service: Service, data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    own = str(data.get("own_numbers_only", "")).lower() in ("1", "true", "yes")
    account = service.accounts.add_account(
        _text(data, "sid"), _text(data, "auth_token"), own_numbers_only=own
    )
    return {"sid": account.sid, "auth_token": account.auth_token}


def _key_add(service: Service, data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    key = service.accounts.add_api_key(_text(data, "account_sid"), _text(data, "secret"))
    return {"sid": key.sid, "secret": key.secret, "account_sid": key.account_sid}


def _callbacks(service: Service, _data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    return {"callbacks": [_attempt(a) for a in service.dispatcher.attempts]}


def _problems(service: Service, _data: dict[str, Any], _parts: list[str]) -> dict[str, Any]:
    return {"problems": service.problems()}
