"""The indexed listing of both stores equals the plain definition: filter, sort, slice.

Random stores (two accounts, a few numbers, dates that tie and dates that differ, messages sent,
unsent, re-sent and deleted) are built twice, in memory and in SQLite; every query is answered by
:meth:`Store.page` and by :func:`listing.ordered` + :func:`listing.page_slice` over the same
records, including walks that follow the next-page (``PA``) and previous-page (``PB``) tokens.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat.emulator import listing
from compat.emulator.store import Record, Store
from compat.model import Direction, ListQuery, Message, Status

ACCOUNTS = ("AC" + "a" * 32, "AC" + "b" * 32)
NUMBERS = ("+14155550100", "+14155550101", "+14155550102")
BASE = dt.datetime(2024, 1, 1, 22, 0, tzinfo=dt.timezone.utc)
PLUS5 = dt.timezone(dt.timedelta(hours=5))

moments = st.builds(
    lambda seconds, east: (BASE + dt.timedelta(seconds=seconds)).astimezone(
        PLUS5 if east else dt.timezone.utc
    ),
    st.sampled_from([0, 1, 3600, 7200, 86400 - 1, 86400, 90000, 2 * 86400]),
    st.booleans(),
)
specs = st.tuples(
    st.sampled_from(ACCOUNTS),
    st.sampled_from(NUMBERS),
    st.one_of(st.none(), st.sampled_from(NUMBERS)),
    moments,
    st.one_of(st.none(), moments),
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), specs),
        st.tuples(st.just("send"), st.integers(0, 40), moments),
        st.tuples(st.just("unsend"), st.integers(0, 40)),
        st.tuples(st.just("delete"), st.integers(0, 40)),
    ),
    max_size=40,
)
days = st.builds(lambda n: (BASE + dt.timedelta(days=n)).date(), st.integers(-1, 3))
bounds = st.one_of(st.none(), days, moments)
queries = st.builds(
    lambda to, from_, on, before, after, size: ListQuery(
        to=to, from_=from_, date_sent=on, date_sent_before=before, date_sent_after=after,
        page_size=size,
    ),
    st.one_of(st.none(), st.sampled_from(NUMBERS)),
    st.one_of(st.none(), st.sampled_from(NUMBERS)),
    st.one_of(st.none(), days),
    bounds,
    bounds,
    st.integers(1, 4),
)


def _record(seq: int, spec: tuple[str, str, str | None, dt.datetime, dt.datetime | None]
            ) -> Record:
    account, to, from_, created, sent = spec
    message = Message(
        sid=f"SM{seq:032x}", account_sid=account, to=to, from_=from_,
        body=f"body {seq}", status=Status.SENT if sent else Status.QUEUED,
        direction=Direction.OUTBOUND_API, date_created=created, date_updated=created,
        date_sent=sent, price_unit="USD", num_segments=1, num_media=0, api_version="2010-04-01",
    )
    return Record(message=message, seq=seq, dialect="2010-04-01")


def _apply(store: Store, ops: list[tuple[object, ...]]) -> None:
    seq = 0
    for op in ops:
        live = store.records()
        if op[0] == "add":
            seq += 1
            store.add(_record(seq, op[1]))  # type: ignore[arg-type]
            continue
        if not live:
            continue
        target = live[int(op[1]) % len(live)]  # type: ignore[call-overload]
        if op[0] == "delete":
            store.delete(target.sid)
        else:
            sent = op[2] if op[0] == "send" else None
            message = target.message
            changed = Message(**{**_fields(message), "date_sent": sent})
            store.replace(Record(message=changed, seq=target.seq, dialect=target.dialect))


def _fields(message: Message) -> dict[str, object]:
    return attrs.asdict(message, recurse=False)


def _stores() -> Iterator[Store]:
    yield Store()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "state.db")
        try:
            yield store
        finally:
            store.close()


def _expected(store: Store, account: str, query: ListQuery) -> tuple[list[str], int]:
    found = listing.ordered(store.records(account), query)
    items, total = listing.page_slice(found, query)
    return [r.sid for r in items], total


def _check(store: Store, account: str, query: ListQuery) -> tuple[list[str], int]:
    want_sids, want_total = _expected(store, account, query)
    items, total = store.page(account, query)
    assert [r.sid for r in items] == want_sids
    assert total == want_total
    loose_items, loose_total = store.page(account, query, exact=False)
    assert [r.sid for r in loose_items] == want_sids
    size = query.page_size or listing.DEFAULT_PAGE_SIZE
    start = (query.page or 0) * size
    # the only use of an inexact total: is there a next page?
    assert (start + size < loose_total) == (start + size < want_total)
    return want_sids, want_total


@given(operations, queries, st.integers(0, 3))
def test_a_page_by_number_equals_filter_sort_slice(
    ops: list[tuple[object, ...]], query: ListQuery, page: int
) -> None:
    for store in _stores():
        _apply(store, ops)
        for account in ACCOUNTS:
            _check(store, account, ListQuery(**{**_query_fields(query), "page": page}))


@given(operations, queries)
def test_walks_by_page_token_equal_filter_sort_slice(
    ops: list[tuple[object, ...]], query: ListQuery
) -> None:
    for store in _stores():
        _apply(store, ops)
        for account in ACCOUNTS:
            sids, _ = _check(store, account, query)
            page, pages = 0, [sids]
            while sids and page < 12:  # forwards with PA tokens
                page += 1
                forward = _with(query, page=page, page_token="PA" + sids[-1])
                sids, _ = _check(store, account, forward)
                pages.append(sids)
            for number in range(page, 0, -1):  # and back with PB tokens
                first = pages[number][0] if pages[number] else None
                if first is not None:
                    _check(store, account, _with(query, page=number - 1, page_token="PB" + first))


@given(operations, queries)
def test_tokens_naming_unknown_or_other_messages_fall_back_to_the_page_number(
    ops: list[tuple[object, ...]], query: ListQuery
) -> None:
    for store in _stores():
        _apply(store, ops)
        others = [r.sid for r in store.records()]
        for token in ["PA" + sid for sid in others[:3]] + ["PB" + sid for sid in others[:3]] + [
            "PAnope", "PB", "XX" + (others[0] if others else ""),
        ]:
            _check(store, ACCOUNTS[0], _with(query, page=1, page_token=token))


def _query_fields(query: ListQuery) -> dict[str, object]:
    return attrs.asdict(query, recurse=False)


def _with(query: ListQuery, **changes: object) -> ListQuery:
    return ListQuery(**{**_query_fields(query), **changes})


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_store_lists_each_account_apart_and_counts_every_message(
    kind: str, tmp_path: Path
) -> None:
    store = Store(tmp_path / "s.db" if kind == "sqlite" else None)
    for seq in range(1, 11):
        spec = (ACCOUNTS[seq % 2], NUMBERS[seq % 3], None, BASE, None)
        store.add(_record(seq, spec))
    assert len(store) == 10
    items, total = store.page(ACCOUNTS[0], ListQuery(page_size=3))
    assert total == 5
    assert [r.seq for r in items] == [10, 8, 6]
    store.delete(items[0].sid)
    assert len(store) == 9
    assert store.page(ACCOUNTS[0], ListQuery())[1] == 4
    with pytest.raises(KeyError, match="already exists"):
        store.add(_record(3, (ACCOUNTS[0], NUMBERS[0], None, BASE, None)))
    assert len(store) == 9
    assert store.next_seq() == 11
    store.close()
