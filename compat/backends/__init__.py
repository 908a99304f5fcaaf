"""The registry of wire dialects.

Rules: a backend is found by its name (``"2008-08-01"``, ``"2010-04-01"``, ``"2010-04-01-sms"``,
and the 2010 XML representations ``"2010-04-01-xml"`` and ``"2010-04-01-sms-xml"``) or passed as an
object. The built-in five are imported lazily on first use. Other packages add
dialects through the entry-point group ``compat.backends`` (the entry point names the dialect and
points at a backend class, a factory, or an instance); code can also :func:`register` one at run
time. Every backend is checked against the :class:`~compat.backends.base.Backend` protocol when it
is loaded, and one instance per name is kept: backends are stateless.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from compat.backends.base import Backend, Operation, ServerCall
from compat.backends.form_backend import FormBackend
from compat.backends.json_backend import JsonBackend
from compat.backends.routes import Routes
from compat.backends.rules import DialectRules, Field, Param
from compat.backends.xml_backend import XmlBackend
from compat.errors import ConfigurationError

__all__ = [
    "ENTRY_POINT_GROUP",
    "Backend",
    "DialectRules",
    "Field",
    "FormBackend",
    "JsonBackend",
    "Operation",
    "Param",
    "Routes",
    "ServerCall",
    "XmlBackend",
    "get",
    "names",
    "register",
    "unregister",
]

ENTRY_POINT_GROUP = "compat.backends"

_BUILTIN: dict[str, str] = {
    "2008-08-01": "compat.backends.v2008:Backend2008",
    "2010-04-01": "compat.backends.v2010:Backend2010",
    "2010-04-01-sms": "compat.backends.v2010_sms:Backend2010Sms",
    "2010-04-01-sms-xml": "compat.backends.v2010_sms_xml:Backend2010SmsXml",
    "2010-04-01-xml": "compat.backends.v2010_xml:Backend2010Xml",
}

_lock = threading.Lock()
_loaded: dict[str, Backend] = {}
_registered: dict[str, Backend] = {}


def _entry_point_targets() -> dict[str, Any]:
    """The installed distributions' dialects, read afresh on each call: only for a name that is
    neither built in nor registered, and for :func:`names`. (``importlib.metadata`` is imported
    here: it costs more to import than the built-in backends, and serving never needs it.)"""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _instantiate(name: str, target: Any) -> Backend:
    if isinstance(target, type) or (callable(target) and not isinstance(target, Backend)):
        obj = target()
    else:
        obj = target
    if not isinstance(obj, Backend):
        raise ConfigurationError(
            f"backend {name!r} ({type(obj).__name__}) does not implement the Backend protocol"
        )
    return obj


def _load_builtin(name: str) -> Backend:
    module_name, _, attr = _BUILTIN[name].partition(":")
    return _instantiate(name, getattr(importlib.import_module(module_name), attr))


def names() -> list[str]:
    """Every dialect name that :func:`get` can find, sorted."""
    found = set(_BUILTIN) | set(_registered)
    found.update(_entry_point_targets())
    return sorted(found)


def get(backend: str | Backend) -> Backend:
    """The backend for a dialect name, or ``backend`` itself when it is already a backend.

    Raises :class:`~compat.errors.ConfigurationError` for an unknown name, naming the known ones.
    """
    if not isinstance(backend, str):
        if isinstance(backend, Backend):
            return backend
        raise ConfigurationError(
            f"a backend is a dialect name or a Backend object, not {type(backend).__name__}"
        )
    with _lock:
        if backend in _registered:
            return _registered[backend]
        if backend in _loaded:
            return _loaded[backend]
        if backend in _BUILTIN:
            instance = _load_builtin(backend)
        else:
            targets = _entry_point_targets()
            if backend not in targets:
                known = ", ".join(names())
                raise ConfigurationError(f"unknown backend {backend!r}; known backends: {known}")
            try:
                target = targets[backend].load()
            except Exception as exc:
                raise ConfigurationError(
                    f"backend {backend!r} could not be loaded from its entry point: {exc}"
                ) from exc
            instance = _instantiate(backend, target)
        _loaded[backend] = instance
        return instance


def register(name: str, backend: Backend | Any, *, replace: bool = False) -> Backend:
    """Add a dialect at run time (an instance, a class or a factory). Returns the instance."""
    instance = _instantiate(name, backend)
    with _lock:
        if not replace and (name in _registered or name in _BUILTIN):
            raise ConfigurationError(f"a backend named {name!r} is already registered")
        _registered[name] = instance
    return instance


def unregister(name: str) -> None:
    """Remove a dialect added with :func:`register` (built-ins cannot be removed)."""
    with _lock:
        _registered.pop(name, None)
        _loaded.pop(name, None)
