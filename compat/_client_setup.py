"""What both clients resolve the same way: credentials, settings, and the arguments of a call.

Rules this module keeps:

* Missing credentials and bad settings raise :class:`~compat.errors.ConfigurationError`; messages
  never echo a credential.
* Arguments that do not fit a client method (an unknown keyword, a missing one, a model field
  given under a second name) raise :class:`~compat.errors.InvalidParameter` naming the argument,
  before any request; never a bare :class:`TypeError`.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, ParamSpec, TypeVar

import attrs
import httpx

from compat import backends, flows
from compat._http import Edge, basic_authorization
from compat._retry import RetryPolicy
from compat.backends.base import Backend
from compat.errors import ConfigurationError, InvalidParameter
from compat.model import ACCOUNT_SID, ListQuery, MessageUpdate, NewMessage

__all__ = [
    "BASE_URL_VARIABLE",
    "CANCEL",
    "DEFAULT_BACKEND",
    "DEFAULT_BASE_URL",
    "DEFAULT_RETRY",
    "REDACT",
    "BodyPolicy",
    "Settings",
    "change",
    "checked_arguments",
    "list_query",
    "new_message",
]

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_BASE_URL = "https://api.twilio.com"
BASE_URL_VARIABLE = "TWILIO_BASE_URL"
DEFAULT_BACKEND = "2010-04-01"
DEFAULT_RETRY = RetryPolicy()

BodyPolicy = Literal["reject", "split"]
_BODY_POLICIES = ("reject", "split")
_API_KEY = re.compile(r"\ASK[0-9a-fA-F]{32}\Z")
_MESSAGE_FIELDS = frozenset(field.name for field in attrs.fields(NewMessage))


def _credentials(
    account_sid: str | None,
    auth_token: str | None,
    api_key: str | None,
    api_secret: str | None,
    environ: Mapping[str, str],
) -> tuple[str, str]:
    """The account SID and the ``Authorization`` header value. Messages never echo a value."""
    account_sid = account_sid or environ.get("TWILIO_ACCOUNT_SID") or None
    if account_sid is None:
        raise ConfigurationError(
            "no account SID: pass account_sid= or set the TWILIO_ACCOUNT_SID environment variable"
        )
    if not ACCOUNT_SID.match(account_sid):
        hint = " (an API key SID goes in api_key=)" if account_sid.startswith("SK") else ""
        raise ConfigurationError(
            f"the account SID is not 'AC' followed by 32 hex digits{hint}"
        )
    if api_key or api_secret:
        if auth_token:
            raise ConfigurationError("pass auth_token= or api_key= with api_secret=, not both")
        if not (api_key and api_secret):
            raise ConfigurationError("an API key needs its secret: pass api_key= and api_secret=")
        if not _API_KEY.match(api_key):
            raise ConfigurationError("the API key SID is not 'SK' followed by 32 hex digits")
        return account_sid, basic_authorization(api_key, api_secret)
    auth_token = auth_token or environ.get("TWILIO_AUTH_TOKEN") or None
    if auth_token is None:
        raise ConfigurationError(
            "no auth token: pass auth_token= or set the TWILIO_AUTH_TOKEN environment variable "
            "(or pass api_key= and api_secret=)"
        )
    return account_sid, basic_authorization(account_sid, auth_token)


def _timeout(value: float | httpx.Timeout) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {value!r}")
    return httpx.Timeout(float(value))


def _base_url(value: str | None, environ: Mapping[str, str]) -> str:
    """The base URL: the argument, else ``TWILIO_BASE_URL``, else Twilio's. Errors name where the
    bad value came from; a URL carrying a user name or password is refused, so that no credential
    can reach a repr, a log line or an error message through it."""
    source = "base_url"
    if value is None:
        value = environ.get(BASE_URL_VARIABLE) or None
        if value is None:
            return DEFAULT_BASE_URL
        source = f"the {BASE_URL_VARIABLE} environment variable"
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError):
        raise ConfigurationError(f"{source} is not a URL: {value!r}") from None
    if url.userinfo:
        raise ConfigurationError(
            f"{source} must not carry a user name or password; credentials go in account_sid= "
            "and auth_token= (or the TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN variables)"
        )
    if url.scheme not in ("http", "https") or not url.host or url.query or url.fragment:
        raise ConfigurationError(
            f"{source} must be an http or https URL without query, got {value!r}"
        )
    return value.rstrip("/")


@attrs.frozen
class Settings:
    """Everything both clients resolve the same way from their arguments."""

    context: flows.Context
    edge: Edge
    retry: RetryPolicy
    uses_api_key: bool

    @classmethod
    def resolve(
        cls,
        *,
        account_sid: str | None,
        auth_token: str | None,
        api_key: str | None,
        api_secret: str | None,
        backend: str | Backend,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy,
        log_numbers: bool,
        http_client: object,
        transport: object,
    ) -> Settings:
        if http_client is not None and transport is not None:
            raise ConfigurationError("pass http_client= or transport=, not both")
        if not isinstance(retry, RetryPolicy):
            raise ConfigurationError(f"retry must be a RetryPolicy, got {type(retry).__name__}")
        sid, authorization = _credentials(
            account_sid, auth_token, api_key, api_secret, os.environ
        )
        url = _base_url(base_url, os.environ)
        context = flows.Context(backends.get(backend), sid, url, bool(log_numbers))
        edge = Edge(
            base_url=url,
            authorization=authorization,
            timeout=_timeout(timeout),
            reveal_numbers=bool(log_numbers),
            fixed_targets=(context.backend.build_list(sid, ListQuery()).target,),
        )
        return cls(context, edge, retry, bool(api_key))

    def describe(self, kind: str) -> str:
        ctx = self.context
        auth = "api key" if self.uses_api_key else "auth token"
        return (
            f"<{kind} account_sid={ctx.account_sid!r} backend={ctx.backend.name!r} "
            f"base_url={ctx.base_url!r} auth={auth!r}>"
        )


def new_message(
    to: str,
    from_: str | None,
    body: str | None,
    media_url: Iterable[str] | str | None,
    messaging_service_sid: str | None,
    status_callback: str | None,
    options: dict[str, Any],
    body_policy: str,
) -> NewMessage:
    if body_policy not in _BODY_POLICIES:
        raise InvalidParameter(
            f"body_policy must be 'reject' or 'split', got {body_policy!r}", parameter="body_policy"
        )
    unknown = sorted(set(options) - _MESSAGE_FIELDS)
    if unknown:
        raise InvalidParameter(
            f"unknown message field(s): {', '.join(unknown)}", parameter=unknown[0]
        )
    if "media_urls" in options:
        raise InvalidParameter(
            "media URLs go in media_url= (as in the twilio library), not media_urls=",
            parameter="media_urls",
        )
    return NewMessage(
        to=to,
        from_=from_,
        body=body,
        media_urls=media_url or (),
        messaging_service_sid=messaging_service_sid,
        status_callback=status_callback,
        **options,
    )


def list_query(
    to: str | None,
    from_: str | None,
    date_sent: dt.date | None,
    date_sent_before: dt.date | None,
    date_sent_after: dt.date | None,
    page_size: int | None,
    *,
    page_number: int | None = None,
    page_token: str | None = None,
) -> ListQuery:
    return ListQuery(
        to=to,
        from_=from_,
        date_sent=date_sent,
        date_sent_before=date_sent_before,
        date_sent_after=date_sent_after,
        page_size=page_size,
        page=page_number,
        page_token=page_token,
    )


def change(body: str | None, status: str | None) -> MessageUpdate:
    return MessageUpdate(body=body, status=status)


REDACT = MessageUpdate(body="")
CANCEL = MessageUpdate(status="canceled")


_KEYWORD = re.compile(r"'(\w+)'")


def checked_arguments(method: Callable[P, R]) -> Callable[P, R]:
    """``method`` with a call that does not fit its signature raised as InvalidParameter.

    Only the binding of the call is checked: a :class:`TypeError` raised inside the method is
    left alone. A coroutine method's arguments are checked when it is called, before it runs.
    """

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except TypeError as exc:
            if exc.__traceback__ is None or exc.__traceback__.tb_next is not None:
                raise  # raised inside the method, not by the call
            named = _KEYWORD.search(str(exc))
            raise InvalidParameter(
                f"{method.__name__}(): {exc}", parameter=named.group(1) if named else None
            ) from None

    return call
