"""Incoming messages: store one, call the number's webhook, and carry out the TwiML reply.

Rules this module keeps:

* The inbound message belongs to the account owning the ``To`` number; it is stored as
  ``direction=inbound``, ``status=received``, with the number's ``api_version``. A number the
  emulator does not know is received by the test account and calls no webhook.
* The webhook gets the parameter set of the number's API version (:mod:`compat.webhooks`), signed
  with the account's token, by the number's method (GET or POST).
* The reply is read by its content: TwiML (``<Sms>`` for a 2008 number; ``<Message>`` or the
  ``<Sms>`` 2010 TwiML kept for a 2010 one; and ``<Redirect>``), or ``text/plain``, whose text is
  sent back as one message. An empty reply sends nothing. Relative URLs resolve against the document
  that held them.
* Each message verb becomes an ``outbound-reply`` message: ``to`` defaults to the sender and
  ``from`` to the receiving number. An ``<Sms action>`` (2008, or the ``<Sms>`` 2010 kept) gets
  ``SmsSid`` and ``SmsStatus`` (``sending``, or ``invalid`` when the verb could not be sent) and
  its answer replaces the rest of the document, as ``<Redirect>`` does; a ``<Message action>`` is
  its status callback.
* At most :data:`MAX_DOCUMENTS` TwiML documents per incoming message (redirect loops end there).
  A bad reply (not TwiML, hostile XML, an invalid verb) never raises: it is kept in
  :attr:`Inbound.errors` and in the emulator's errors, which a strict test fails on.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin

import attrs

from compat import backends, phone, twiml
from compat.emulator import lifecycle
from compat.emulator.callbacks import HttpReply, OutgoingRequest
from compat.emulator.entry import Draft, Origin
from compat.emulator.service import Service
from compat.emulator.store import Account, PhoneNumber
from compat.errors import CompatError, InvalidPhoneNumber
from compat.model import Direction, Message, Status
from compat.webhooks import incoming_message_params

__all__ = ["MAX_DOCUMENTS", "Inbound", "receive"]

MAX_DOCUMENTS = 10
_TWIML_TYPES = frozenset({"text/xml", "application/xml", "text/html"})


@attrs.frozen
class Inbound:
    """What receiving a message did: the stored inbound message, the replies sent, and the
    problems met (a webhook failure, a bad TwiML document, an invalid verb)."""

    message: Message
    replies: tuple[Message, ...] = ()
    errors: tuple[str, ...] = ()


@attrs.define
class _Run:
    service: Service
    account: Account
    number: PhoneNumber
    inbound: Message
    replies: list[Message] = attrs.field(factory=list)
    errors: list[str] = attrs.field(factory=list)
    outbox: list[OutgoingRequest] = attrs.field(factory=list)

    def fail(self, text: str) -> None:
        self.errors.append(text)
        self.service.errors.append(f"incoming message {self.inbound.sid}: {text}")


def receive(
    service: Service, from_: str, to: str, body: str = "", *, media_urls: Sequence[str] = ()
) -> Inbound:
    """See the module docstring. Each number is normalized here, once; raises
    :class:`~compat.errors.InvalidPhoneNumber` for one that cannot be."""
    sender = phone.normalize(from_, field="From")
    receiver = phone.normalize(to, field="To")
    number = service.store.number(receiver)
    account_sid = number.account_sid if number is not None else service.accounts.test_account.sid
    api_version = number.api_version if number is not None else "2010-04-01"
    content = Draft(to=receiver, from_=sender, body=body, media_urls=tuple(media_urls))
    origin = Origin(
        status=Status.RECEIVED,
        direction=Direction.INBOUND,
        dialect=api_version,
        api_version=api_version,
    )
    inbound = service.add(account_sid, content, origin, [])
    if number is None or not number.sms_url:
        return Inbound(inbound)
    account = service.store.account(account_sid)
    assert account is not None
    run = _Run(service, account, number, inbound)
    params = incoming_message_params(inbound, api_version=api_version)
    attempt, reply = service.sign_and_send(
        "incoming", number.sms_method, number.sms_url, params,
        account=account, message_sid=inbound.sid,
    )
    if reply is None or not attempt.ok:
        run.fail(f"webhook {number.sms_url} failed: {attempt.error or f'HTTP {attempt.status}'}")
    else:
        _follow(run, reply, number.sms_url)
    service.dispatcher.submit(run.outbox)
    latest = [service.store.get(m.sid) for m in run.replies]
    replies = tuple(
        record.message if record is not None else sent
        for record, sent in zip(latest, run.replies, strict=True)
    )
    return Inbound(inbound, replies, tuple(run.errors))


@attrs.frozen
class _Next:
    """Where control passes next: a request still to make."""

    kind: str
    method: str
    url: str
    params: tuple[tuple[str, str], ...] = ()


def _follow(run: _Run, reply: HttpReply, url: str) -> None:
    """Carry out ``reply`` (fetched from ``url``) and the documents it leads to."""
    documents = 1
    following = _execute(run, reply, url)
    while following is not None:
        if documents >= MAX_DOCUMENTS:
            run.fail(f"more than {MAX_DOCUMENTS} TwiML documents for one message; stopped")
            return
        fetched = _fetch(run, following)
        if fetched is None:
            return
        documents += 1
        following = _execute(run, fetched, following.url)


def _execute(run: _Run, reply: HttpReply, url: str) -> _Next | None:
    """Carry out one document; returns where control passes next, if anywhere."""
    text = reply.body.strip()
    if not text:
        return None
    kind = reply.content_type
    if kind == "text/plain":
        try:
            body = text.decode("utf-8")
        except UnicodeDecodeError:
            run.fail(f"the text/plain reply from {url} is not UTF-8")
            return None
        _send(run, twiml.MessageVerb(body=body), url)
        return None
    if kind not in _TWIML_TYPES and not text.startswith(b"<"):
        run.fail(f"the reply from {url} is {kind or 'untyped'}, not TwiML")
        return None
    try:
        document = twiml.parse(reply.body, dialect=run.number.api_version)
    except CompatError as exc:
        run.fail(f"TwiML from {url} refused: {exc}")
        return None
    for verb in document.verbs:
        if isinstance(verb, twiml.Redirect):
            return _Next("redirect", verb.method, urljoin(url, verb.url))
        sid = _send(run, verb, url)
        if verb.action and verb.verb == "Sms":
            params = (("SmsSid", sid or ""), ("SmsStatus", "sending" if sid else "invalid"))
            return _Next("action", verb.method, urljoin(url, verb.action), params)
    return None


def _fetch(run: _Run, following: _Next) -> HttpReply | None:
    attempt, reply = run.service.sign_and_send(
        following.kind, following.method, following.url, following.params,
        account=run.account, message_sid=run.inbound.sid,
    )
    if reply is None or not attempt.ok:
        reason = attempt.error or f"HTTP {attempt.status}"
        run.fail(f"{following.kind} {following.url} failed: {reason}")
        return None
    return reply


def _send(run: _Run, verb: twiml.MessageVerb, url: str) -> str | None:
    """Store the reply ``verb`` asks for; returns its SID, or ``None`` when it was invalid."""
    inbound = run.inbound
    try:
        to = phone.normalize(verb.to, field="To") if verb.to else inbound.from_
        from_ = phone.normalize(verb.from_, field="From") if verb.from_ else inbound.to
    except InvalidPhoneNumber as exc:
        code = 14101 if exc.field == "To" else 14102
        run.fail(f"<{verb.verb}> from {url}: invalid {exc.field!r} attribute (error {code})")
        return None
    limit = backends.get(run.number.api_version).max_body_length
    if not verb.body and not verb.media_urls:
        run.fail(f"<{verb.verb}> from {url} has no body (error 14103)")
        return None
    if len(verb.body) > limit:
        run.fail(f"<{verb.verb}> from {url}: body of {len(verb.body)} characters is over {limit} "
                 "(error 14103)")
        return None
    version = run.number.api_version
    callback = verb.status_callback or (verb.action if verb.verb != "Sms" else None)
    content = Draft(
        to=to,
        from_=from_,
        body=verb.body,
        media_urls=tuple(verb.media_urls),
        status_callback=urljoin(url, callback) if callback else None,
    )
    origin = Origin(
        status=Status.QUEUED,
        direction=Direction.OUTBOUND_REPLY,
        dialect=version,
        api_version=version,
        pending=lifecycle.plan(run.service.outcome_for(to), version),
    )
    message = run.service.add(run.account.sid, content, origin, run.outbox)
    run.replies.append(message)
    return message.sid
