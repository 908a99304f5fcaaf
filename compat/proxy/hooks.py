"""Twilio's 2010-04-01 webhooks, handed to a legacy application as 2008-08-01 requests.

Rules this module keeps:

* Every webhook must carry a valid ``X-Twilio-Signature`` for the URL Twilio called (the proxy's
  public URL when configured, else the URL as received), checked with the account's auth token
  from the environment variable the configuration names. Without that token, or with a bad
  signature, the answer is 403 and nothing is forwarded. The token is never stored or logged.
* ``/webhooks/incoming``: the 2010 parameters are read
  (:func:`compat.webhooks.parse_incoming_message`) and sent to the legacy URL as the legacy
  dialect's set (ten-digit US numbers, ``SmsSid``), re-signed for that URL. A body longer than
  the legacy dialect's limit (160) is sent as several requests of at most that many characters
  (:func:`compat.segments.split`), in order, as a 2008-era handset delivered it, each with the
  message's SID; their TwiML replies are joined. The reply (``<Sms>``) goes back
  to Twilio as the upstream's TwiML (``<Message>``); plain text becomes one message.
* ``/webhooks/status``: only a status the legacy dialect reports as an outcome is forwarded
  (:data:`FORWARDED`: 2010 ``sent``; ``failed`` and ``undelivered``, both 2008 ``failed``); the
  others are acknowledged with 204 and dropped, as a 2008 callback came once per message.
* The target is the ``to`` query parameter of the URL Twilio called (covered by the signature, so
  only URLs the proxy wrote are ever called), else the configured legacy URL.
* With a public URL configured, TwiML ``action``/``statusCallback`` URLs are routed back through
  ``/webhooks/status`` and ``<Redirect>`` through ``/webhooks/incoming``, so the legacy application
  only ever sees 2008 parameters.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import attrs
import httpx

from compat import backends, segments, twiml
from compat.errors import CompatError, UnexpectedDocument
from compat.model import Message, Status
from compat.proxy.config import ProxyConfig
from compat.proxy.upstream import SEND_FAILURES
from compat.webhooks import (
    SIGNATURE_HEADER,
    compute_signature,
    incoming_message_params,
    parse_incoming_message,
    parse_status_callback,
    status_callback_params,
    validate_signature,
)
from compat.wire import FORM_CONTENT_TYPE, WireRequest, WireResponse, encode_form

__all__ = ["FORWARDED", "INCOMING_PATH", "STATUS_PATH", "Hooks", "is_hook", "via_proxy"]

logger = logging.getLogger("compat.proxy")

INCOMING_PATH = "/webhooks/incoming"
STATUS_PATH = "/webhooks/status"
FORWARDED = frozenset({Status.SENT, Status.FAILED, Status.UNDELIVERED})
_TWIML = ("Content-Type", "application/xml")


def via_proxy(public_url: str, path: str, target: str) -> str:
    """The proxy URL that forwards to ``target``."""
    return f"{public_url}{path}?{urlencode({'to': target})}"


def _text(status: int, text: str) -> WireResponse:
    return WireResponse(status, (("Content-Type", "text/plain; charset=utf-8"),),
                        text.encode("utf-8"))


class Hooks:
    """The webhook side of the proxy; shares the app's httpx client for calls to the legacy app."""

    def __init__(self, config: ProxyConfig, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client
        self.legacy = backends.get(config.webhook_dialect)
        self.upstream_twiml = backends.get(config.upstream_dialect).api_version

    async def handle(self, request: WireRequest, url: str) -> WireResponse:
        """Answer a webhook ``request`` that Twilio sent to ``url``; never raises."""
        token = os.environ.get(self.config.auth_token_env)
        if not token:
            logger.warning("webhook refused: %s is not set", self.config.auth_token_env)
            return _text(403, f"webhooks need the auth token in {self.config.auth_token_env}")
        if self.config.public_url:  # the raw path and query, as Twilio signed them
            parts = urlsplit(url)
            url = self.config.public_url + parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            params = request.form() if request.method == "POST" else []
        except CompatError:
            return _text(400, "the webhook body is not form data")
        if not validate_signature(token, url, params, request.header(SIGNATURE_HEADER)):
            logger.warning("webhook refused: bad signature for %s", request.path)
            return _text(403, "invalid X-Twilio-Signature")
        if request.method == "GET":
            params = list(request.query)
        target = dict(parse_qsl(urlsplit(url).query)).get("to")
        try:
            if request.path == INCOMING_PATH:
                return await self._incoming(params, target or self.config.incoming_url, token)
            return await self._status(params, target or self.config.status_url, token)
        except CompatError as exc:
            return _text(400, f"webhook refused: {exc}")

    async def _post(self, target: str, params: Sequence[tuple[str, str]],
                    token: str) -> WireResponse | None:
        headers = {"Content-Type": FORM_CONTENT_TYPE,
                   SIGNATURE_HEADER: compute_signature(token, target, params)}
        try:
            reply = await self.client.post(target, headers=headers, content=encode_form(params))
        except (httpx.HTTPError, *SEND_FAILURES) as exc:
            logger.warning("legacy webhook %s failed: %s", urlsplit(target).path,
                           type(exc).__name__)
            return None
        return WireResponse(reply.status_code, reply.headers.multi_items(), reply.content)

    async def _incoming(self, params: list[tuple[str, str]], target: str | None,
                        token: str) -> WireResponse:
        if not target:
            return _text(404, "no legacy URL is configured for incoming messages")
        message = parse_incoming_message([(k, v) for k, v in params if k != "to"])
        body = message.body or ""
        limit = self.legacy.max_body_length
        pieces = segments.split(body, limit=limit) if len(body) > limit else [body]
        verbs: list[twiml.Verb] = []
        for piece in pieces:
            legacy = incoming_message_params(attrs.evolve(message, body=piece),
                                             api_version=self.legacy.api_version)
            reply = await self._post(target, legacy, token)
            if reply is None or reply.status >= 400:
                return _text(502, "the legacy application did not answer")
            try:
                verbs.extend(self._verbs(reply, target))
            except CompatError as exc:
                return _text(502, f"the legacy application's reply is not 2008 TwiML: {exc}")
            redirects = [i for i, verb in enumerate(verbs) if isinstance(verb, twiml.Redirect)]
            if redirects:  # control passes there: later verbs and pieces are not carried out
                del verbs[redirects[0] + 1:]
                break
        document = twiml.render(twiml.MessagingResponse(verbs=verbs),
                                dialect=self.upstream_twiml)
        return WireResponse(200, (_TWIML,), document)

    def _verbs(self, reply: WireResponse, target: str) -> list[twiml.Verb]:
        text = reply.body.strip()
        if not text:
            return []
        if reply.content_type == "text/plain":
            try:
                return [twiml.MessageVerb(body=text.decode("utf-8"))]
            except UnicodeDecodeError:
                raise UnexpectedDocument("a text/plain reply that is not UTF-8",
                                         dialect="twiml") from None
        parsed = twiml.parse(text, dialect=self.legacy.api_version)
        return [self._routed(verb, target) for verb in parsed.verbs]

    def _routed(self, verb: twiml.Verb, target: str) -> twiml.Verb:
        public = self.config.public_url
        if public is None:
            return verb
        if isinstance(verb, twiml.Redirect):
            return attrs.evolve(verb, url=via_proxy(public, INCOMING_PATH,
                                                    urljoin(target, verb.url)))
        changes = {
            name: via_proxy(public, STATUS_PATH, urljoin(target, value))
            for name in ("action", "status_callback")
            if (value := getattr(verb, name))
        }
        return attrs.evolve(verb, **changes)

    async def _status(self, params: list[tuple[str, str]], target: str | None,
                      token: str) -> WireResponse:
        callback = parse_status_callback(params)
        if callback.status not in FORWARDED:
            return WireResponse(204)
        if not target:
            return _text(404, "no legacy URL is configured for status callbacks")
        if not callback.account_sid:
            return _text(400, "a status callback without AccountSid")
        message = Message(sid=callback.sid, account_sid=callback.account_sid,
                          status=callback.status, api_version=self.legacy.api_version)
        legacy = status_callback_params(message, api_version=self.legacy.api_version)
        reply = await self._post(target, legacy, token)
        if reply is None or reply.status >= 400:
            return _text(502, "the legacy application did not answer")
        return WireResponse(204)



def is_hook(path: str) -> bool:
    """Whether ``path`` is one of the webhook endpoints."""
    return path in (INCOMING_PATH, STATUS_PATH)
