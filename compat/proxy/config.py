"""What a proxy is configured with, and where each setting comes from.

Rules this module keeps:

* A :class:`ProxyConfig` is plain data: the upstream's base URL and dialect, the front dialects it
  serves, timeouts, the retry policy, the paging bound and the webhook targets. It holds no secret:
  the auth token that validates and signs webhooks is read from the environment variable it names
  (:attr:`ProxyConfig.auth_token_env`) when a webhook arrives, and never stored, logged or shown.
* The front dialects default to every registered dialect except the upstream's own
  (:func:`default_fronts`, asked of :func:`compat.backends.names` at start-up), so a dialect added
  later is served without a change here. No logic looks a dialect up by name; names appear only as
  the defaults below.
* :func:`from_environment` reads ``COMPAT_PROXY_*`` variables, so every worker of a multi-process
  server builds the same configuration.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final

import attrs

from compat import backends
from compat._retry import RetryPolicy
from compat.errors import ConfigurationError

__all__ = [
    "DEFAULT_UPSTREAM_DIALECT",
    "DEFAULT_WEBHOOK_DIALECT",
    "ENV_PREFIX",
    "ProxyConfig",
    "default_fronts",
    "from_environment",
]

DEFAULT_UPSTREAM_DIALECT: Final = "2010-04-01"
DEFAULT_WEBHOOK_DIALECT: Final = "2008-08-01"
ENV_PREFIX: Final = "COMPAT_PROXY_"


def default_fronts(upstream_dialect: str = DEFAULT_UPSTREAM_DIALECT) -> tuple[str, ...]:
    """Every registered dialect but the upstream's, the 2008 dialect first (it answers paths no
    front claims)."""
    found = [name for name in backends.names() if name != upstream_dialect]
    found.sort(key=lambda name: (name != DEFAULT_WEBHOOK_DIALECT, name))
    return tuple(found)


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value <= 0:
        raise ConfigurationError(f"{attribute.name} must be positive, got {value!r}")


def _base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ConfigurationError(f"the upstream must be an http:// or https:// URL, got {value!r}")
    return value


def _optional_url(value: str | None) -> str | None:
    return value.strip().rstrip("/") or None if value else None


@attrs.frozen(kw_only=True)
class ProxyConfig:
    """How one proxy behaves (see the module docstring)."""

    #: The 2010-04-01 API's base URL (``https://api.twilio.com``, or an emulator).
    upstream: str = attrs.field(converter=_base_url)
    upstream_dialect: str = DEFAULT_UPSTREAM_DIALECT
    #: The dialects served to legacy clients; empty means :func:`default_fronts`.
    fronts: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    #: Seconds to connect to the upstream, and to wait for each of its answers.
    connect_timeout: float = attrs.field(default=5.0, validator=_positive)
    upstream_timeout: float = attrs.field(default=15.0, validator=_positive)
    #: Seconds a client has to send a request's head, and then its body; a stalled connection is
    #: dropped after that. Idle keep-alive connections are closed after ``keep_alive`` seconds.
    header_timeout: float = attrs.field(default=10.0, validator=_positive)
    body_timeout: float = attrs.field(default=10.0, validator=_positive)
    keep_alive: float = attrs.field(default=5.0, validator=_positive)
    max_body: int = 1024 * 1024
    #: GETs are retried as the client retries them; a POST only when it never left.
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    #: Counted fronts (2008) get totals by walking the upstream's pages: at most this many
    #: messages are counted; a longer list is refused with an explicit error.
    count_limit: int = 10_000
    #: The page size asked of the upstream while walking (1,000 is Twilio's largest).
    walk_page_size: int = 1000
    #: The front's page size when the request gives none (2008 documents 50).
    default_page_size: int = 50
    #: Where incoming messages are forwarded: the legacy application's SMS URL.
    incoming_url: str | None = attrs.field(default=None, converter=_optional_url)
    #: Where status callbacks go when the callback URL names no target.
    status_url: str | None = attrs.field(default=None, converter=_optional_url)
    #: The proxy's own public base URL (what Twilio calls); used to check signatures behind a load
    #: balancer and to route status callbacks and TwiML URLs back through the proxy.
    public_url: str | None = attrs.field(default=None, converter=_optional_url)
    #: The parameter set and TwiML the legacy application speaks.
    webhook_dialect: str = DEFAULT_WEBHOOK_DIALECT
    #: The environment variable holding the account's auth token (webhooks only).
    auth_token_env: str = ENV_PREFIX + "AUTH_TOKEN"

    def front_names(self) -> tuple[str, ...]:
        return self.fronts or default_fronts(self.upstream_dialect)

    def to_environment(self) -> dict[str, str]:
        """The ``COMPAT_PROXY_*`` variables :func:`from_environment` reads back into this value."""
        env = {
            "UPSTREAM": self.upstream, "UPSTREAM_DIALECT": self.upstream_dialect,
            "FRONTS": ",".join(self.fronts), "CONNECT_TIMEOUT": str(self.connect_timeout),
            "UPSTREAM_TIMEOUT": str(self.upstream_timeout),
            "HEADER_TIMEOUT": str(self.header_timeout), "BODY_TIMEOUT": str(self.body_timeout),
            "KEEP_ALIVE": str(self.keep_alive), "MAX_BODY": str(self.max_body),
            "RETRIES": str(self.retry.max_retries), "COUNT_LIMIT": str(self.count_limit),
            "WALK_PAGE_SIZE": str(self.walk_page_size),
            "DEFAULT_PAGE_SIZE": str(self.default_page_size),
            "INCOMING_URL": self.incoming_url or "", "STATUS_URL": self.status_url or "",
            "PUBLIC_URL": self.public_url or "", "WEBHOOK_DIALECT": self.webhook_dialect,
            "AUTH_TOKEN_ENV": self.auth_token_env,
        }
        return {ENV_PREFIX + key: value for key, value in env.items()}


_FLOATS = ("connect_timeout", "upstream_timeout", "header_timeout", "body_timeout", "keep_alive")
_INTS = ("max_body", "count_limit", "walk_page_size", "default_page_size")
_TEXTS = ("upstream_dialect", "incoming_url", "status_url", "public_url", "webhook_dialect",
          "auth_token_env")


def from_environment(environ: Mapping[str, str] | None = None) -> ProxyConfig:
    """The configuration the ``COMPAT_PROXY_*`` variables describe (``COMPAT_PROXY_UPSTREAM`` is
    required). Raises :class:`~compat.errors.ConfigurationError` naming a bad variable."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(ENV_PREFIX + name.upper())
        return value if value else None

    upstream = get("upstream")
    if upstream is None:
        raise ConfigurationError(f"set {ENV_PREFIX}UPSTREAM to the 2010-04-01 API's base URL")
    values: dict[str, object] = {"upstream": upstream}
    try:
        for name in _FLOATS:
            if (text := get(name)) is not None:
                values[name] = float(text)
        for name in _INTS:
            if (text := get(name)) is not None:
                values[name] = int(text)
        if (text := get("retries")) is not None:
            values["retry"] = RetryPolicy(max_retries=int(text))
    except ValueError as exc:
        raise ConfigurationError(f"a {ENV_PREFIX}* number could not be read: {exc}") from None
    for name in _TEXTS:
        if (text := get(name)) is not None:
            values[name] = text
    if (text := get("fronts")) is not None:
        values["fronts"] = tuple(part.strip() for part in text.split(",") if part.strip())
    return ProxyConfig(**values)  # type: ignore[arg-type]
