"""What the inbox knows beyond the emulator's store: conversations, status histories, reply links.

Rules this module keeps:

* It learns only through the host's ``watch`` (:class:`~.host.InboxHost`), so it never copies
  the store per request: paging the unfiltered conversation list costs one page. It watches from
  the moment it is made, but reads the messages stored before then only on first use (a
  backfill, merged behind what it saw since): serving an emulator whose store is a database of a
  million messages never waits for them. A message stored before and changed before that first
  use has its history inferred, not observed.
* A conversation is the pair of numbers a message went between, per account (``From`` or, without
  one, the Messaging Service SID). Conversations are ordered by their newest message.
* A status history is what was observed, in order, each entry stamped with the message's
  ``date_updated`` (the emulator's clock). Steps taken together (immediate mode; a clock moved past
  several due times) are filled in from the known status order and marked ``inferred``, dated as
  the lifecycle takes them in the current mode (``date_sent`` for ``sending``; in manual mode, when
  the next status was seen).
* A reply is linked to the latest incoming message to the number it was sent from, in the same
  account: the number whose webhook produced it, unless its TwiML chose another ``from``.
* :attr:`Index.version` grows with every change, for pollers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import NamedTuple

import attrs

from compat.emulator.events import CLEARED, CREATED, DELETED, MessageEvent
from compat.emulator.inbox.host import InboxHost
from compat.emulator.lifecycle import Mode, next_due
from compat.model import Direction, Message

__all__ = ["Conversation", "Entry", "Index", "Step", "conversation_key"]

#: The statuses an outbound message goes through, by how it ends.
_CHAINS: dict[str, tuple[str, ...]] = {
    "sending": ("queued", "sending"),
    "sent": ("queued", "sending", "sent"),
    "delivered": ("queued", "sending", "sent", "delivered"),
    "undelivered": ("queued", "sending", "sent", "undelivered"),
    "failed": ("queued", "sending", "failed"),
}
_FIRST = frozenset({"queued", "accepted", "scheduled", "received"})

ConversationKey = tuple[str, str, str]


class Step(NamedTuple):
    """One status a message reached, and when (the emulator's clock; ``None`` if undated)."""

    status: str
    at: dt.datetime | None
    inferred: bool = False


@attrs.define
class Entry:
    """The inbox's note on one message."""

    key: ConversationKey
    dialect: str
    history: list[Step]
    reply_to: str | None = None
    replies: list[str] = attrs.field(factory=list)


@attrs.define
class Conversation:
    """Messages between two numbers of one account, oldest first."""

    key: ConversationKey
    sids: list[str] = attrs.field(factory=list)

    @property
    def account_sid(self) -> str:
        return self.key[0]

    @property
    def numbers(self) -> tuple[str, str]:
        return self.key[1], self.key[2]


def conversation_key(message: Message) -> ConversationKey:
    """``(account, a, b)`` with the two numbers sorted, so both directions meet."""
    first = message.from_ or message.messaging_service_sid or ""
    second = message.to or ""
    if first <= second:
        return message.account_sid, first, second
    return message.account_sid, second, first


def _time(message: Message) -> dt.datetime | None:
    return message.date_updated or message.date_created


def _start(message: Message) -> Step:
    """The status a new message was created with."""
    created = message.date_created or message.date_updated
    status = str(message.status)
    if message.direction is Direction.INBOUND:
        return Step(status, created)
    if status in _FIRST:
        return Step(status, created)
    first = "accepted" if message.from_ is None and message.messaging_service_sid else "queued"
    return Step(first, created)


def _advance(
    history: list[Step], message: Message, mode: Mode, delays: tuple[float, ...]
) -> None:
    """Append ``message``'s status to ``history``, with the steps skipped since the last one: a
    skipped step is dated as the lifecycle would have taken it under ``mode`` and ``delays``
    (``sending`` by ``date_sent``), never later than the status seen."""
    status = str(message.status)
    if history and history[-1].status == status:
        return
    at = _time(message)
    chain = _CHAINS.get(status)
    if chain is not None and history:
        last = history[-1]
        position = chain.index(last.status) if last.status in chain else (
            -1 if last.status == "scheduled" else 0
        )
        for skipped in chain[position + 1 : -1]:
            when: dt.datetime | None = None
            if skipped == "sending" and message.date_sent is not None:
                when = message.date_sent
            elif last.at is not None:
                due = next_due(last.status, True, mode, last.at, delays)
                when = due.replace(microsecond=0) if due is not None else None
            if when is None or at is None or when > at:
                when = at
            last = Step(skipped, when, inferred=True)
            history.append(last)
    history.append(Step(status, at))


_NONE: OrderedDict[ConversationKey, Conversation] = OrderedDict()


class Index:
    """Conversations and histories of one emulator, kept current by watching it."""

    def __init__(self, emulator: InboxHost) -> None:
        self._emulator = emulator
        self._lock = threading.Lock()
        self.version = 0
        self._entries: dict[str, Entry] = {}
        self._threads: dict[str, OrderedDict[ConversationKey, Conversation]] = {}
        self._last_inbound: dict[tuple[str, str], str] = {}
        self._backlog = True
        with emulator.store.lock:
            self._mark = emulator.store.next_seq()  # stored before the index: seq below this
            self._stop: Callable[[], None] | None = emulator.watch(self._on_event)

    def _backfill(self) -> None:
        """Add the messages stored before the index was made, behind those seen since (once)."""
        if not self._backlog:
            return
        store = self._emulator.store
        with store.lock, self._lock:
            if not self._backlog:
                return
            self._backlog = False
            seen, self._threads = self._threads, {}
            seen_inbound, self._last_inbound = self._last_inbound, {}
            for record in store.records():
                if record.seq < self._mark and record.sid not in self._entries:
                    self._created(record.message, record.dialect)
            for account, threads in seen.items():
                mine = self._threads.setdefault(account, OrderedDict())
                for key, conversation in threads.items():
                    older = mine.get(key)
                    if older is not None:
                        conversation.sids[:0] = older.sids
                    mine[key] = conversation
                    mine.move_to_end(key)
            self._last_inbound.update(seen_inbound)

    def close(self) -> None:
        """Stop watching the emulator."""
        if self._stop is not None:
            self._stop()
            self._stop = None

    # -- events -----------------------------------------------------------------------------------

    def _on_event(self, event: MessageEvent) -> None:
        with self._lock:
            self.version += 1
            message = event.message
            if event.kind == CLEARED:
                self._backlog = False
                self._entries.clear()
                self._threads.clear()
                self._last_inbound.clear()
            elif message is None:
                return
            elif event.kind == CREATED:
                self._created(message, event.dialect or str(message.api_version or ""))
            elif event.kind == DELETED:
                self._deleted(message)
            else:
                entry = self._entries.get(message.sid)
                if entry is not None:
                    _advance(entry.history, message, self._emulator.mode, self._emulator.delays)

    def _created(self, message: Message, dialect: str) -> None:
        key = conversation_key(message)
        history = [_start(message)]
        _advance(history, message, self._emulator.mode, self._emulator.delays)
        entry = Entry(key, dialect, history)
        self._entries[message.sid] = entry
        threads = self._threads.setdefault(message.account_sid, OrderedDict())
        conversation = threads.get(key)
        if conversation is None:
            conversation = threads[key] = Conversation(key)
        conversation.sids.append(message.sid)
        threads.move_to_end(key)
        if message.direction is Direction.INBOUND and message.to:
            self._last_inbound[(message.account_sid, message.to)] = message.sid
        elif message.direction is Direction.OUTBOUND_REPLY and message.from_:
            origin = self._last_inbound.get((message.account_sid, message.from_))
            if origin is not None and origin in self._entries:
                entry.reply_to = origin
                self._entries[origin].replies.append(message.sid)

    def _deleted(self, message: Message) -> None:
        entry = self._entries.pop(message.sid, None)
        if entry is None:
            return
        threads = self._threads.get(message.account_sid, OrderedDict())
        conversation = threads.get(entry.key)
        if conversation is not None and message.sid in conversation.sids:
            conversation.sids.remove(message.sid)
            if not conversation.sids:
                del threads[entry.key]

    # -- reading ----------------------------------------------------------------------------------

    def entry(self, sid: str) -> Entry | None:
        self._backfill()
        with self._lock:
            found = self._entries.get(sid)
            if found is None:
                return None
            return attrs.evolve(found, history=list(found.history), replies=list(found.replies))

    def count(self, account_sid: str) -> int:
        """How many conversations the account has."""
        self._backfill()
        with self._lock:
            return len(self._threads.get(account_sid, ()))

    def page(self, account_sid: str, start: int, stop: int) -> list[Conversation]:
        """Conversations ``start`` to ``stop`` of the account, newest first (copies)."""
        self._backfill()
        with self._lock:
            found = reversed(self._threads.get(account_sid, _NONE).values())
            return [Conversation(c.key, list(c.sids)) for c in itertools.islice(found, start, stop)]

    def newest_first(self, account_sid: str) -> Iterator[Conversation]:
        """Every conversation of the account, newest first, for a scan. These are the live
        objects (copying 100,000 of them costs more than the scan): read them, never change them,
        and :meth:`conversation` the ones kept."""
        self._backfill()
        with self._lock:
            found = list(reversed(self._threads.get(account_sid, _NONE).values()))
        return iter(found)

    def conversation(self, account_sid: str, key: ConversationKey) -> Conversation | None:
        self._backfill()
        with self._lock:
            found = self._threads.get(account_sid, _NONE).get(key)
            return Conversation(key, list(found.sids)) if found is not None else None
