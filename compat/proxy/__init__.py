"""The legacy proxy: 2008-08-01 ``/SMS/Messages`` (and the other legacy dialects) in front of a
2010-04-01 JSON upstream, as an ASGI application.

Rules: the proxy is the server side of each front dialect in front of the client side of the
upstream dialect; it is stateless (one ``httpx.AsyncClient`` per app, nothing else kept between
requests). :func:`from_environment` is the factory for multi-worker servers
(``uvicorn --factory compat.proxy:from_environment``); :mod:`compat.proxy.server` runs it.
See ``docs/migration.md``.
"""

from __future__ import annotations

from compat.proxy.app import HEALTH_PATH, ProxyApp
from compat.proxy.config import ProxyConfig, default_fronts
from compat.proxy.config import from_environment as config_from_environment
from compat.proxy.hooks import INCOMING_PATH, STATUS_PATH

__all__ = [
    "HEALTH_PATH",
    "INCOMING_PATH",
    "STATUS_PATH",
    "ProxyApp",
    "ProxyConfig",
    "config_from_environment",
    "default_fronts",
    "from_environment",
]


def from_environment() -> ProxyApp:
    """A :class:`ProxyApp` configured by the ``COMPAT_PROXY_*`` environment variables."""
    return ProxyApp(config_from_environment())
