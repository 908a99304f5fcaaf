"""The deprecated 2010-04-01 ``/SMS/Messages.json`` backend (twilio-python 3.x to 5.x)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest

from compat.backends.base import CreateCall, FetchCall, ListCall
from compat.backends.v2010_sms import Backend2010Sms
from compat.errors import ApiError, InvalidParameter, UnexpectedDocument
from compat.model import (
    Direction,
    ListQuery,
    Message,
    MessagePage,
    NewMessage,
    Status,
)
from compat.wire import WireRequest, WireResponse, encode_form

AC = "AC4bf2dafbed59a5733d2c1c1c69a83a28"
SM = "SM6144a547ed59a5733d2c1c1c69a83a28"
BASE = f"/2010-04-01/Accounts/{AC}/SMS/Messages"
JSON = (("Content-Type", "application/json"),)
UTC = dt.timezone.utc

backend = Backend2010Sms()

# The shape of a legacy record as twilio-python 3.x test data shows it (values are ours).
LEGACY: dict[str, Any] = {
    "sid": SM,
    "date_created": "Mon, 26 Jul 2010 21:46:42 +0000",
    "date_updated": "Mon, 26 Jul 2010 21:46:44 +0000",
    "date_sent": "Mon, 26 Jul 2010 21:46:44 +0000",
    "account_sid": AC,
    "to": "+14158675309",
    "from": "+14155551212",
    "body": "n",
    "status": "sent",
    "direction": "outbound-api",
    "api_version": "2008-08-01",
    "price": "-0.03000",
    "uri": f"{BASE}/{SM}.json",
}

MESSAGE = Message(
    sid=SM,
    account_sid=AC,
    to="+14158675309",
    from_="+14155551212",
    body="n",
    status=Status.SENT,
    direction=Direction.OUTBOUND_API,
    date_created=dt.datetime(2010, 7, 26, 21, 46, 42, tzinfo=UTC),
    date_updated=dt.datetime(2010, 7, 26, 21, 46, 44, tzinfo=UTC),
    date_sent=dt.datetime(2010, 7, 26, 21, 46, 44, tzinfo=UTC),
    price=Decimal("-0.03000"),
    api_version="2008-08-01",
    uri=f"{BASE}/{SM}.json",
)


def ok(document: object, status: int = 200) -> WireResponse:
    return WireResponse(status, JSON, json.dumps(document).encode())


def test_parse_legacy_record_keeps_the_creating_api_version() -> None:
    assert backend.parse_message(ok(LEGACY)) == MESSAGE


def test_render_writes_the_thirteen_legacy_keys_in_order() -> None:
    rich = attrs.evolve(MESSAGE, num_segments=2, error_code=30007, price_unit="USD",
                        messaging_service_sid="MG" + "a" * 32)
    document = json.loads(backend.render_message(rich).body)
    assert list(document) == list(LEGACY)
    assert document == LEGACY


@pytest.mark.parametrize(
    ("status", "written"),
    [(Status.DELIVERED, "sent"), (Status.RECEIVED, "received"), (Status.RECEIVING, "sending"),
     (Status.UNDELIVERED, "failed"), (Status.SCHEDULED, "queued"), (Status("odd"), "odd")],
)
def test_render_maps_statuses_down(status: Status, written: str) -> None:
    message = Message(sid=SM, account_sid=AC, status=status)
    assert json.loads(backend.render_message(message).body)["status"] == written


def test_build_create_is_the_legacy_form() -> None:
    message = NewMessage(to="+14158675309", from_="+14155551212", body="Hi",
                         status_callback="https://example.com/cb",
                         application_sid="AP" + "1" * 32)
    request = backend.build_create(AC, message)
    assert (request.method, request.path) == ("POST", f"{BASE}.json")
    assert request.form() == [
        ("To", "+14158675309"), ("From", "+14155551212"), ("Body", "Hi"),
        ("StatusCallback", "https://example.com/cb"), ("ApplicationSid", "AP" + "1" * 32),
    ]


def test_build_create_refuses_media_and_long_bodies() -> None:
    with pytest.raises(InvalidParameter, match="media_urls"):
        backend.build_create(AC, NewMessage(to="+14158675309", from_="+14155551212",
                                            media_urls=("https://example.com/a.png",)))
    with pytest.raises(InvalidParameter, match="page_token"):
        backend.build_list(AC, ListQuery(page_token="PA1"))


def test_a_service_sid_is_no_sender_here() -> None:
    def create(form: dict[str, str]) -> ApiError:
        with pytest.raises(ApiError) as caught:
            backend.parse_request(WireRequest("POST", f"{BASE}.json",
                                              body=encode_form(form.items())))
        return caught.value

    # MessagingServiceSid is not a parameter of this resource, so it is no sender.
    assert create({"To": "+14158675309", "MessagingServiceSid": "MG" + "a" * 32,
                   "Body": "x"}).code == 21603


def test_server_side_parses_create_fetch_and_list() -> None:
    call = backend.parse_request(WireRequest(
        "POST", f"{BASE}.json",
        body=encode_form([("To", "4158675309"), ("From", "+14155551212"), ("Body", "Hi"),
                          ("MediaUrl", "https://example.com/ignored.png")]),
    ))
    assert call == CreateCall(AC, NewMessage(to="+14158675309", from_="+14155551212", body="Hi"))
    assert backend.parse_request(WireRequest("GET", f"{BASE}/{SM}.json")) == FetchCall(AC, SM)
    listing = backend.parse_request(WireRequest.from_target(
        "GET", f"{BASE}.json?Page=1&PageSize=50&PageToken=ignored"
    ))
    assert listing == ListCall(AC, ListQuery(page=1, page_size=50))


@pytest.mark.parametrize(
    "path",
    [f"/2010-04-01/Accounts/{AC}/Messages.json", BASE, f"{BASE}/{SM}",
     f"/2008-08-01/Accounts/{AC}/SMS/Messages"],
)
def test_other_paths_are_not_ours(path: str) -> None:
    assert backend.parse_request(WireRequest("GET", path)) is None


def test_make_page_counts_pages_and_writes_legacy_uris() -> None:
    page = backend.make_page(AC, ListQuery(), (MESSAGE,) * 2, page=0, page_size=2, total=5)
    assert (page.num_pages, page.total, page.start, page.end) == (3, 5, 0, 1)
    assert page.uri == f"{BASE}.json?Page=0&PageSize=2"
    assert page.first_page_uri == f"{BASE}.json?Page=0&PageSize=2"
    assert page.next_page_uri == f"{BASE}.json?Page=1&PageSize=2"
    assert page.last_page_uri == f"{BASE}.json?Page=2&PageSize=2"
    assert page.previous_page_uri is None
    document = json.loads(backend.render_page(page).body)
    assert list(document) == ["page", "num_pages", "page_size", "total", "start", "end", "uri",
                              "first_page_uri", "previous_page_uri", "next_page_uri",
                              "last_page_uri", "sms_messages"]
    assert backend.parse_page(backend.render_page(page)) == MessagePage(
        items=(MESSAGE, MESSAGE), page=0, page_size=2, start=0, end=1, total=5, num_pages=3,
        uri=page.uri, first_page_uri=page.first_page_uri, next_page_uri=page.next_page_uri,
        last_page_uri=page.last_page_uri,
    )


def test_make_page_keeps_filters_in_uris() -> None:
    query = ListQuery(to="+14158675309", date_sent=dt.date(2010, 7, 26))
    page = backend.make_page(AC, query, (), page=1, page_size=50, total=3)
    assert page.previous_page_uri == (
        f"{BASE}.json?To=%2B14158675309&DateSent=2010-07-26&Page=0&PageSize=50"
    )
    assert page.next_page_uri is None


def test_build_next_page_follows_uri_or_counts() -> None:
    with_uri = MessagePage(items=(), next_page_uri=f"{BASE}.json?Page=1&PageSize=50",
                           num_pages=2, total=54)
    request = backend.build_next_page(AC, ListQuery(), with_uri)
    assert request is not None
    assert request.query == (("Page", "1"), ("PageSize", "50"))
    counted = MessagePage(items=(), page=0, page_size=50, num_pages=2, total=54)
    request = backend.build_next_page(AC, ListQuery(), counted)
    assert request is not None
    assert request.query == (("PageSize", "50"), ("Page", "1"))
    last = MessagePage(items=(), page=1, page_size=50, num_pages=2, total=54)
    assert backend.build_next_page(AC, ListQuery(), last) is None


def test_a_2010_messages_page_is_refused_with_a_hint() -> None:
    with pytest.raises(UnexpectedDocument, match="'messages'"):
        backend.parse_page(ok({"messages": [], "page": 0, "page_size": 50, "start": 0,
                               "end": 0}))
