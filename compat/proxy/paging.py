"""A counted list page (2008's ``numpages`` and ``total``) from an upstream that gives no totals.

Rules this module keeps:

* The upstream's pages are followed only by the links it gives (``next_page_uri`` and its page
  token, :meth:`~compat.backends.base.Backend.build_next_page`); the proxy never invents an
  upstream page number. It asks for the largest pages (``walk_page_size``) to make few requests.
* A front that counts (its pages carry ``total`` or ``num_pages``) gets the exact total: the walk
  goes to the end, keeping only the requested window of messages. At most ``count_limit`` messages
  are counted; a longer list is refused with an explicit 400 naming the bound and the remedy,
  never answered with a guessed total.
* A front that links pages by token needs no total: the walk stops once the window is full, and the
  page says whether another follows.
* Each list request walks afresh: the proxy keeps no state between requests (any worker of any
  host can answer the next page).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import attrs

from compat.backends.base import Backend
from compat.errors import ApiError
from compat.model import ListQuery, Message, MessagePage
from compat.wire import WireRequest

__all__ = ["Window", "counts", "too_many", "walk"]

Fetch = Callable[[WireRequest], Awaitable[MessagePage]]


def counts(front: Backend) -> bool:
    """Whether ``front``'s pages carry a total (asked of the front itself, by an empty page)."""
    probe = front.make_page(
        "AC" + "0" * 32, ListQuery(), (), page=0, page_size=1, total=0
    )
    return probe.total is not None or probe.num_pages is not None


def too_many(limit: int) -> ApiError:
    return ApiError(
        400,
        f"This list holds more than {limit} messages, the most this proxy counts: the "
        "2010-04-01 API it forwards to gives no totals, so numpages and total cannot be answered. "
        "Narrow the list with To, From or DateSent filters.",
    )


@attrs.frozen
class Window:
    """The requested page's messages and the total the front's page is made with."""

    items: tuple[Message, ...]
    total: int


async def walk(
    upstream: Backend,
    account_sid: str,
    query: ListQuery,
    fetch: Fetch,
    *,
    page: int,
    page_size: int,
    counted: bool,
    count_limit: int,
    walk_page_size: int,
) -> Window:
    """Walk the upstream list for the window ``[page * page_size, (page + 1) * page_size)``."""
    first = page * page_size
    stop = first + page_size
    walk_query = attrs.evolve(query, page=None, page_token=None, page_size=walk_page_size)
    request: WireRequest | None = upstream.build_list(account_sid, walk_query)
    items: list[Message] = []
    seen = 0
    more = False
    while request is not None:
        current = await fetch(request)
        for message in current.items:
            if first <= seen < stop:
                items.append(message)
            seen += 1
        if counted and seen > count_limit:
            raise too_many(count_limit)
        if not current.items or not current.has_next:
            break
        if not counted and seen >= stop:
            more = True
            break
        following = upstream.build_next_page(account_sid, walk_query, current)
        if following == request:
            raise ApiError(502, "Bad gateway: the upstream API named a page as its own "
                           "successor.")
        request = following
    if counted:
        return Window(tuple(items), seen)
    # Uncounted fronts only need ``has_next`` right: one past what we saw when more follows.
    return Window(tuple(items), seen + 1 if more else seen)
