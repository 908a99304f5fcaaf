"""What the inbox page reads: JSON-ready views of the emulator's state, one page at a time.

Rules this module keeps:

* Every list is paged here, on the server (``page`` from 0, ``size`` at most :data:`MAX_PAGE`), so
  an emulator holding 100,000 messages answers as fast as one holding ten when unfiltered.
* No secret leaves: accounts show their SID and name, never a token; URLs lose their user info.
  Values are data for ``textContent`` on the page, never markup.
* Input is read defensively: a bad number in the query falls back to the default.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from compat import segments
from compat.emulator.callbacks import Attempt
from compat.emulator.clock import ManualClock
from compat.emulator.inbox.host import InboxHost
from compat.emulator.inbox.index import Conversation, ConversationKey, Index
from compat.emulator.lifecycle import stops_at_sent
from compat.errors import ConfigurationError
from compat.model import Message

__all__ = [
    "MAX_PAGE",
    "conversation_id",
    "conversations",
    "log",
    "parse_conversation_id",
    "state",
    "thread",
    "version",
]

MAX_PAGE = 200
DEFAULT_PAGE = 50
#: How much of an answer's body the log shows.
MAX_ANSWER = 8192
_OPEN = frozenset({"queued", "accepted", "scheduled", "sending"})


def _int(query: Mapping[str, str], name: str, default: int, high: int) -> int:
    try:
        value = int(query.get(name, default))
    except ValueError:
        return default
    return max(0, min(value, high))


def safe_url(url: str | None) -> str | None:
    """``url`` without user info (a password in a webhook URL is not shown)."""
    if not url:
        return url
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def conversation_id(key: ConversationKey) -> str:
    """A conversation's id in URLs: the two numbers joined by a comma."""
    return f"{key[1]},{key[2]}"


def parse_conversation_id(account_sid: str, value: str) -> ConversationKey | None:
    low, comma, high = value.partition(",")
    return (account_sid, low, high) if comma else None


def version(emulator: InboxHost, index: Index) -> str:
    """Changes whenever something the page shows changed (messages, the log, a manual clock)."""
    clock = emulator.clock
    moved = clock.now().isoformat() if isinstance(clock, ManualClock) else ""
    return f"{index.version}.{len(emulator.callbacks)}.{emulator.mode.value}.{moved}"


def _account(emulator: InboxHost, query: Mapping[str, str]) -> str:
    wanted = query.get("account", "")
    if wanted and emulator.store.account(wanted) is not None:
        return wanted
    return emulator.account.sid


def state(emulator: InboxHost, index: Index, query: Mapping[str, str]) -> dict[str, Any]:
    """The header: accounts, the chosen account's numbers, the clock and the mode."""
    account = _account(emulator, query)
    test_sid = emulator.account.sid
    accounts = sorted(emulator.store.accounts(), key=lambda a: (a.sid != test_sid, a.sid))
    return {
        "version": version(emulator, index),
        "now": emulator.clock.now().isoformat(),
        "manual_clock": isinstance(emulator.clock, ManualClock),
        "mode": emulator.mode.value,
        "account": account,
        "accounts": [
            {"sid": a.sid, "friendly_name": a.friendly_name, "test": a.sid == test_sid}
            for a in accounts
        ],
        "numbers": [
            {"number": n.number, "sms_url": safe_url(n.sms_url), "api_version": n.api_version}
            for n in emulator.store.numbers(account)
        ],
        "messages": len(emulator.store),
    }


def _goes_past_sent(dialect: str) -> bool:
    """Whether a ``sent`` message of ``dialect`` has a step left (its backend documents one)."""
    try:
        return not stops_at_sent(dialect)
    except ConfigurationError:  # a dialect no longer registered: nothing to step through
        return False


def message_view(emulator: InboxHost, index: Index, message: Message) -> dict[str, Any]:
    """One message with everything the page shows about it."""
    entry = index.entry(message.sid)
    body = message.body or ""
    info = segments.analyze(body) if body else None
    dialect = entry.dialect if entry is not None else str(message.api_version or "")
    status = str(message.status)
    steppable = status in _OPEN or (status == "sent" and _goes_past_sent(dialect))
    return {
        "sid": message.sid,
        "to": message.to,
        "from": message.from_,
        "messaging_service_sid": message.messaging_service_sid,
        "body": body,
        "direction": str(message.direction),
        "status": status,
        "dialect": dialect,
        "segments": message.num_segments,
        "encoding": str(info.encoding) if info is not None else None,
        "num_media": message.num_media,
        "media_urls": list(message.media_urls),
        "price": str(message.price) if message.price is not None else None,
        "price_unit": message.price_unit,
        "error_code": message.error_code,
        "error_message": message.error_message,
        "date_created": message.date_created.isoformat() if message.date_created else None,
        "date_sent": message.date_sent.isoformat() if message.date_sent else None,
        "history": [
            {"status": s.status, "at": s.at.isoformat() if s.at else None, "inferred": s.inferred}
            for s in (entry.history if entry is not None else [])
        ],
        "reply_to": entry.reply_to if entry is not None else None,
        "replies": list(entry.replies) if entry is not None else [],
        "steppable": steppable and not str(message.direction).startswith("inbound"),
    }


def _messages(emulator: InboxHost, sids: Iterable[str]) -> Iterable[Message]:
    for sid in sids:
        try:
            yield emulator.message(sid)
        except KeyError:  # deleted since the copy was taken
            continue


def _matcher(
    emulator: InboxHost, query: Mapping[str, str]
) -> Callable[[Conversation], bool] | None:
    """A test for conversations from the ``number``, ``status`` and ``q`` filters (``None``: no
    filter). Built once per request: the scan runs it on every conversation."""
    number = query.get("number", "").strip()
    wanted = "".join(ch for ch in number if ch.isdigit()) or number
    status = query.get("status", "").strip()
    text = query.get("q", "").strip().casefold()
    if not (wanted or status or text):
        return None
    find = emulator.message

    def matches(conversation: Conversation) -> bool:
        if wanted and wanted not in conversation.key[1] and wanted not in conversation.key[2]:
            return False
        if not status and not text:
            return True
        for sid in conversation.sids:
            try:
                message = find(sid)
            except KeyError:  # deleted while the scan ran
                continue
            if status and not str.__eq__(message.status, status):
                continue
            if text and text not in (message.body or "").casefold():
                continue
            return True
        return False

    return matches


def _summary(emulator: InboxHost, index: Index, conversation: Conversation) -> dict[str, Any]:
    latest = None
    for message in _messages(emulator, reversed(conversation.sids)):
        latest = message
        break
    if latest is not None and str(latest.direction).startswith("inbound"):
        phone, ours = latest.from_, latest.to
    elif latest is not None:
        phone, ours = latest.to, latest.from_ or latest.messaging_service_sid
    else:
        phone, ours = conversation.numbers
    return {
        "id": conversation_id(conversation.key),
        "phone": phone,
        "ours": ours,
        "count": len(conversation.sids),
        "last": message_view(emulator, index, latest) if latest is not None else None,
        "outcome": emulator.outcome_for(phone).status if phone else None,
    }


def conversations(emulator: InboxHost, index: Index, query: Mapping[str, str]) -> dict[str, Any]:
    """One page of the account's conversations, newest first, filtered by ``number``, ``status``
    and ``q`` (text in a body)."""
    account = _account(emulator, query)
    page = _int(query, "page", 0, 10**9)
    size = _int(query, "size", DEFAULT_PAGE, MAX_PAGE) or DEFAULT_PAGE
    matches = _matcher(emulator, query)
    if matches is not None:
        found = filter(matches, index.newest_first(account))
        live = list(itertools.islice(found, page * size, (page + 1) * size + 1))
        more = len(live) > size
        kept = (index.conversation(account, c.key) for c in live[:size])
        chosen = [c for c in kept if c is not None]
        total = None
    else:
        chosen = index.page(account, page * size, (page + 1) * size)
        total = index.count(account)
        more = (page + 1) * size < total
    return {
        "account": account,
        "page": page,
        "size": size,
        "total": total,
        "more": more,
        "conversations": [_summary(emulator, index, c) for c in chosen[:size]],
    }


def thread(emulator: InboxHost, index: Index, query: Mapping[str, str]) -> dict[str, Any] | None:
    """One page of a conversation's messages: page 0 is the newest; each page oldest first."""
    account = _account(emulator, query)
    key = parse_conversation_id(account, query.get("id", ""))
    conversation = index.conversation(account, key) if key is not None else None
    if conversation is None:
        return None
    page = _int(query, "page", 0, 10**9)
    size = _int(query, "size", DEFAULT_PAGE, MAX_PAGE) or DEFAULT_PAGE
    end = max(0, len(conversation.sids) - page * size)
    chosen = conversation.sids[max(0, end - size) : end]
    summary = _summary(emulator, index, conversation)
    return {
        **summary,
        "page": page,
        "size": size,
        "older": end - size > 0,
        "messages": [message_view(emulator, index, m) for m in _messages(emulator, chosen)],
    }


def _attempt(emulator: InboxHost, index: Index, number: int, attempt: Attempt) -> dict[str, Any]:
    request = attempt.request
    reply = attempt.reply
    answer = None
    if reply is not None:
        text = reply.body[:MAX_ANSWER].decode("utf-8", "replace")
        kind = next((v for k, v in reply.headers if k.lower() == "content-type"), None)
        answer = {
            "status": reply.status,
            "content_type": kind,
            "body": text,
            "truncated": len(reply.body) > MAX_ANSWER,
        }
    led_to: list[dict[str, Any]] = []
    entry = index.entry(request.message_sid) if request.message_sid else None
    if entry is not None and request.kind != "status":
        for message in _messages(emulator, entry.replies):
            led_to.append({"sid": message.sid, "body": message.body, "to": message.to,
                           "status": str(message.status)})
    return {
        "n": number,
        "kind": request.kind,
        "method": request.method,
        "url": safe_url(request.url),
        "message_sid": request.message_sid,
        "account_sid": request.account_sid,
        "params": [list(pair) for pair in request.params],
        "ok": attempt.ok,
        "status": attempt.status,
        "error": attempt.error,
        "answer": answer,
        "led_to": led_to,
    }


def log(emulator: InboxHost, index: Index, query: Mapping[str, str]) -> dict[str, Any]:
    """One page of the requests the emulator sent (status callbacks, webhooks), newest first;
    ``sid`` keeps those about one message."""
    account = _account(emulator, query)
    page = _int(query, "page", 0, 10**9)
    size = _int(query, "size", DEFAULT_PAGE, MAX_PAGE) or DEFAULT_PAGE
    sid = query.get("sid", "").strip()
    attempts = [
        (n, a) for n, a in enumerate(emulator.callbacks, 1)
        if a.request.account_sid == account and (not sid or a.request.message_sid == sid)
    ]
    attempts.reverse()
    chosen = attempts[page * size : (page + 1) * size]
    return {
        "account": account,
        "page": page,
        "size": size,
        "total": len(attempts),
        "more": (page + 1) * size < len(attempts),
        "entries": [_attempt(emulator, index, n, a) for n, a in chosen],
    }
