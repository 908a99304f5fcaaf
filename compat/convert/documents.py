"""Convert one archived document from the dialect it is in to another.

Rules this module keeps:

* The source is detected from content (:mod:`compat.convert.detect`) unless given. REST documents
  (a message, a page, an error) are read by the source dialect's backend and written by the
  target's, so every mapping rule of ``docs/dialects.md`` applies and nothing is guessed here.
  Webhook parameters go through :mod:`compat.webhooks` (the 2008 and 2010 parameter sets), TwiML
  through :func:`compat.twiml.convert`; for those the target is the API version of the dialect
  named (``2010-04-01-xml`` gives 2010-04-01 parameters).
* A page written in a dialect with counted pages (2008, the legacy resource) needs ``total`` and
  ``num_pages``: the source's are kept; a source without them (2010 ``/Messages`` pages) gives
  them exactly when the page is its list's last (no next page): ``total = start + items`` and
  ``num_pages = page + 1`` (an empty first page is 0 and 0). A page with a next page and no total
  cannot be written in a counted dialect: :class:`~compat.errors.InvalidParameter`.
* The page's links are rewritten for the target (its resource path and paging parameter order);
  a 2008 page carries none.
* Errors come from :mod:`compat.errors` only: what cannot be read is a
  :class:`~compat.errors.ResponseError`; what the target cannot carry (a 2010 status callback
  made 2008 without an account, media in 2008 TwiML, an unknown direction as 2008 Flags) an
  :class:`~compat.errors.InvalidParameter`; an unknown dialect name a
  :class:`~compat.errors.ConfigurationError`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import attrs

from compat import backends, twiml
from compat.backends.base import Backend
from compat.backends.form_backend import FormBackend
from compat.convert.detect import Detected, detect_parsed
from compat.errors import ApiError, InvalidParameter, UnexpectedDocument
from compat.model import ListQuery, Message, MessagePage
from compat.webhooks import (
    incoming_message_params,
    parse_incoming_message,
    parse_status_callback,
    status_callback_params,
)
from compat.wire import WireRequest, WireResponse, decode_form, encode_form

__all__ = ["convert_detected", "convert_document"]

_REST = frozenset({"message", "page", "error"})


def convert_document(data: bytes, *, to: str, source: str | None = None) -> bytes:
    """``data`` (any archived document) rewritten in dialect ``to``; see the module rules.

    ``source`` names the source dialect and skips detecting it (the kind is still read from
    content).
    """
    found, _ = detect_parsed(data)
    if source is not None:
        found = attrs.evolve(found, dialect=source)
    return convert_detected(data, found, to=to)


def convert_detected(data: bytes, found: Detected, *, to: str) -> bytes:
    """``data``, already known to be ``found``, rewritten in dialect ``to``."""
    target = backends.get(to)
    if found.kind == "twiml":
        return twiml.convert(data, to=target.api_version)
    if found.kind in ("incoming", "status"):
        return _webhook(data, found.kind, target.api_version)
    if found.kind not in _REST:
        raise UnexpectedDocument(f"no conversion for a {found.kind!r} document", dialect=to)
    origin = backends.get(found.dialect)
    response = WireResponse(_status_of(found.kind), _typed(origin), data)
    if found.kind == "message":
        return target.render_message(origin.parse_message(response)).body
    if found.kind == "error":
        return target.render_error(origin.parse_error(response)).body
    return target.render_page(_page_for(target, origin.parse_page(response))).body


def _status_of(kind: str) -> int:
    return 400 if kind == "error" else 200


def _typed(backend: Backend) -> tuple[tuple[str, str], ...]:
    rules = getattr(backend, "rules", None)
    kind = rules.content_type if rules is not None else ""
    return (("Content-Type", kind),) if kind else ()


def _page_for(target: Backend, page: MessagePage) -> MessagePage:
    """``page`` with the counts and links ``target`` writes (see the module rules)."""
    if not isinstance(target, FormBackend):
        return page  # a backend without rules writes what it was given
    size = max(page.page_size, 1)
    total = page.total
    if total is None:
        if page.next_page_uri and target.rules.counted_pages:
            raise InvalidParameter(
                f"page {page.page} has a next page and no total: a {target.name} page needs "
                "total and num_pages",
                parameter="total",
            )
        # Enough to say whether a next page exists, which is all an uncounted page tells.
        total = (page.page + 1) * size + 1 if page.next_page_uri else page.start + len(page.items)
    made = target.make_page(_account_of(page), _query_of(target, page), page.items,
                            page=page.page, page_size=size, total=total)
    kept: dict[str, Any] = {"start": page.start, "end": page.end}
    if target.rules.counted_pages and page.num_pages is not None:
        kept["num_pages"] = page.num_pages
    return attrs.evolve(made, **kept)


def _account_of(page: MessagePage) -> str:
    """The account the page's own links name, else its first message's."""
    for uri in (page.uri, page.first_page_uri):
        if uri and "/Accounts/" in uri:
            return uri.split("/Accounts/", 1)[1].split("/", 1)[0]
    for message in page.items:
        return message.account_sid
    return "AC" + "0" * 32


def _query_of(target: FormBackend, page: MessagePage) -> ListQuery:
    """The filters the source page's own URI names, as ``target`` reads them (none when it has no
    URI or they cannot be read)."""
    if not page.uri:
        return ListQuery()
    query = urlsplit(page.uri).query
    try:
        pairs = decode_form(query)
        probe = target.parse_request(
            WireRequest("GET", target.rules.routes.list_path(_account_of(page)), pairs)
        )
    except (ApiError, InvalidParameter, UnexpectedDocument, ValueError):
        return ListQuery()
    found = getattr(probe, "query", None)
    if not isinstance(found, ListQuery):
        return ListQuery()
    return attrs.evolve(found, page=None, page_size=None)


def _webhook(data: bytes, kind: str, version: str) -> bytes:
    pairs = decode_form(data.strip())
    if kind == "incoming":
        message = parse_incoming_message(pairs)
        return encode_form(incoming_message_params(
            attrs.evolve(message, api_version=version), api_version=version
        ))
    callback = parse_status_callback(pairs)
    if callback.account_sid is None:
        if version == "2008-08-01":
            return encode_form([("SmsSid", callback.sid), ("SmsStatus", str(callback.status))])
        raise InvalidParameter(
            "this status callback carries no AccountSid, which the 2010-04-01 set needs",
            parameter="AccountSid",
        )
    message = Message(
        sid=callback.sid, account_sid=callback.account_sid, status=callback.status,
        to=callback.to, from_=callback.from_, api_version=version,
        error_code=callback.error_code, messaging_service_sid=callback.messaging_service_sid,
    )
    return encode_form(status_callback_params(message, api_version=version))
