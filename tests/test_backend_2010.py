"""The 2010-04-01 ``/Messages.json`` backend: both sides, Twilio's examples and refusals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from compat.backends.base import CreateCall, DeleteCall, FetchCall, ListCall, UpdateCall
from compat.backends.v2010 import Backend2010
from compat.errors import (
    ApiError,
    BodyTooLong,
    HostileDocument,
    InvalidParameter,
    MalformedDocument,
    UnexpectedDocument,
)
from compat.model import (
    ContentRetention,
    Direction,
    ListQuery,
    Message,
    MessagePage,
    MessageUpdate,
    NewMessage,
    Status,
)
from compat.wire import WireRequest, WireResponse, encode_form

AC = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
SM = "SMb7c0a2ce80504485a6f653a7110836f5"
BASE = f"/2010-04-01/Accounts/{AC}/Messages"
JSON = (("Content-Type", "application/json"),)
UTC = dt.timezone.utc

backend = Backend2010()

# Twilio's own "fetch" example from the OpenAPI description of the Message resource.
FETCH_EXAMPLE: dict[str, Any] = {
    "account_sid": AC,
    "api_version": "2010-04-01",
    "body": "testing",
    "date_created": "Fri, 24 May 2019 17:18:27 +0000",
    "date_sent": "Fri, 24 May 2019 17:18:28 +0000",
    "date_updated": "Fri, 24 May 2019 17:18:28 +0000",
    "direction": "outbound-api",
    "error_code": 30007,
    "error_message": "Carrier violation",
    "from": "+12019235161",
    "messaging_service_sid": "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "num_media": "0",
    "num_segments": "1",
    "price": "-0.00750",
    "price_unit": "USD",
    "sid": SM,
    "status": "sent",
    "subresource_uris": {
        "media": f"{BASE}/{SM}/Media.json",
        "feedback": f"{BASE}/{SM}/Feedback.json",
    },
    "to": "+18182008801",
    "uri": f"{BASE}/{SM}.json",
}

FETCHED = Message(
    sid=SM,
    account_sid=AC,
    to="+18182008801",
    from_="+12019235161",
    body="testing",
    status=Status.SENT,
    direction=Direction.OUTBOUND_API,
    date_created=dt.datetime(2019, 5, 24, 17, 18, 27, tzinfo=UTC),
    date_updated=dt.datetime(2019, 5, 24, 17, 18, 28, tzinfo=UTC),
    date_sent=dt.datetime(2019, 5, 24, 17, 18, 28, tzinfo=UTC),
    price=Decimal("-0.00750"),
    price_unit="USD",
    num_segments=1,
    num_media=0,
    error_code=30007,
    error_message="Carrier violation",
    messaging_service_sid="MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    api_version="2010-04-01",
    uri=f"{BASE}/{SM}.json",
)


def ok(document: object, status: int = 200) -> WireResponse:
    return WireResponse(status, JSON, json.dumps(document).encode())


# -- client side -----------------------------------------------------------------------------------


def test_parse_twilio_fetch_example() -> None:
    assert backend.parse_message(ok(FETCH_EXAMPLE)) == FETCHED


def test_render_reproduces_twilio_fetch_example_as_data() -> None:
    response = backend.render_message(FETCHED)
    assert response.status == 200
    assert response.content_type == "application/json"
    assert json.loads(response.body) == FETCH_EXAMPLE
    assert list(json.loads(response.body)) == sorted(FETCH_EXAMPLE)


def test_create_answer_lists_only_the_media_subresource() -> None:
    response = backend.render_message(FETCHED, created=True)
    assert response.status == 201
    assert json.loads(response.body)["subresource_uris"] == {"media": f"{BASE}/{SM}/Media.json"}


def test_unknown_keys_are_ignored() -> None:
    document = {**FETCH_EXAMPLE, "risk_check": "enable", "tags": {"a": [1, 2]}}
    assert backend.parse_message(ok(document)) == FETCHED


def test_build_create_sends_every_2010_field_in_order() -> None:
    message = NewMessage(
        to="+15558675309",
        messaging_service_sid="MG" + "b" * 32,
        body="",
        media_urls=("https://example.com/a.png", "https://example.com/b.png"),
        status_callback="https://example.com/cb?x=1",
        validity_period=600,
        max_price=Decimal("0.50"),
        smart_encoded=True,
        shorten_urls=False,
        content_retention=ContentRetention.DISCARD,
        send_at=dt.datetime(2030, 1, 2, 3, 4, 5, 678, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        schedule_type="fixed",
    )
    request = backend.build_create(AC, message)
    assert (request.method, request.path) == ("POST", f"{BASE}.json")
    assert request.form() == [
        ("To", "+15558675309"),
        ("MessagingServiceSid", "MG" + "b" * 32),
        ("Body", ""),
        ("MediaUrl", "https://example.com/a.png"),
        ("MediaUrl", "https://example.com/b.png"),
        ("StatusCallback", "https://example.com/cb?x=1"),
        ("ValidityPeriod", "600"),
        ("MaxPrice", "0.50"),
        ("SmartEncoded", "true"),
        ("ShortenUrls", "false"),
        ("ContentRetention", "discard"),
        ("SendAt", "2030-01-02T01:04:05Z"),
        ("ScheduleType", "fixed"),
    ]


def test_build_create_refuses_over_1600() -> None:
    with pytest.raises(BodyTooLong) as caught:
        backend.build_create(AC, NewMessage(to="+15558675309", from_="+14155551212",
                                            body="x" * 1601))
    assert caught.value.limit == 1600


def test_build_create_refuses_what_utf8_cannot_encode() -> None:
    message = NewMessage(to="+15558675309", from_="+14155551212", body="lone \ud800 surrogate")
    with pytest.raises(InvalidParameter, match="UTF-8") as caught:
        backend.build_create(AC, message)
    assert caught.value.parameter == "body"


def test_build_list_matches_twilio_page_uri_form() -> None:
    query = ListQuery(to="+18182008801", from_="+12019235161",
                      date_sent_after=dt.date(2008, 1, 2), page_size=2)
    request = backend.build_list(AC, query)
    assert request.target == (
        f"{BASE}.json?To=%2B18182008801&From=%2B12019235161&DateSent%3E=2008-01-02&PageSize=2"
    )


def test_build_list_sends_instants_in_utc() -> None:
    query = ListQuery(date_sent=dt.datetime(2019, 6, 11, 22, 5, 25, tzinfo=UTC))
    assert backend.build_list(AC, query).query == (("DateSent", "2019-06-11T22:05:25Z"),)


def test_build_next_page_follows_next_page_uri() -> None:
    page = MessagePage(items=(), next_page_uri=f"{BASE}.json?PageSize=2&Page=1&PageToken=PAx")
    following = backend.build_next_page(AC, ListQuery(), page)
    assert following is not None
    assert following.query == (("PageSize", "2"), ("Page", "1"), ("PageToken", "PAx"))
    assert backend.build_next_page(AC, ListQuery(), MessagePage(items=())) is None
    absolute = MessagePage(items=(), next_page_uri=f"https://api.twilio.com{BASE}.json?Page=1")
    request = backend.build_next_page(AC, ListQuery(), absolute)
    assert request is not None
    assert request.target == f"{BASE}.json?Page=1"


def test_build_update_and_delete() -> None:
    redact = backend.build_update(AC, SM, MessageUpdate(body=""))
    assert (redact.method, redact.path, redact.body) == ("POST", f"{BASE}/{SM}.json", b"Body=")
    cancel = backend.build_update(AC, SM, MessageUpdate(status=Status.CANCELED))
    assert cancel.body == b"Status=canceled"
    delete = backend.build_delete(AC, SM)
    assert (delete.method, delete.path, delete.body) == ("DELETE", f"{BASE}/{SM}.json", b"")


def test_parse_deleted() -> None:
    assert backend.parse_deleted(WireResponse(204)) is None
    with pytest.raises(ApiError):
        backend.parse_deleted(backend.render_error(backend.not_found(f"{BASE}/{SM}.json")))
    with pytest.raises(UnexpectedDocument, match="202"):
        backend.parse_deleted(WireResponse(202))


def test_parse_twilio_error_bodies() -> None:
    body = {"code": 21211, "message": "The 'To' number 5551234567 is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}
    error = backend.parse_error(ok(body, 400))
    assert error == ApiError(400, body["message"], 21211, body["more_info"])
    with pytest.raises(ApiError) as caught:
        backend.parse_message(ok(body, 400))
    assert caught.value == error
    bare = backend.parse_error(ok({"message": "Invalid phone number", "code": 21211}, 400))
    assert (bare.status, bare.code, bare.more_info) == (400, 21211, None)


@pytest.mark.parametrize(
    ("body", "error", "match"),
    [
        (b"{", MalformedDocument, "well-formed"),
        (b'{"sid": "SM1"} trailing', MalformedDocument, "well-formed"),
        (b"\xff\xfe{}", MalformedDocument, "UTF-8"),
        (b"\xef\xbb\xbf{}", MalformedDocument, "byte-order mark"),
        (b'{"sid": 1, "sid": 2}', MalformedDocument, "repeats the key 'sid'"),
        (b'{"price": NaN}', MalformedDocument, "NaN"),
        (b"[" * 100_000 + b"]" * 100_000, HostileDocument, "nests"),
        (b"[]", UnexpectedDocument, "must be a JSON object"),
    ],
)
def test_parse_message_refuses_malformed_json(body: bytes, error: type[Exception],
                                             match: str) -> None:
    with pytest.raises(error, match=match):
        backend.parse_message(WireResponse(200, JSON, body))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"sid": None}, "'sid' must be a string"),
        ({"status": ""}, "'status' is empty"),
        ({"num_segments": 1}, "'num_segments' must be a string or null"),
        ({"num_media": "two"}, "'num_media' must be a string of digits"),
        ({"error_code": "30007"}, "'error_code' must be an integer or null"),
        ({"error_code": True}, "'error_code' must be an integer or null, got a boolean"),
        ({"price": -0.0075}, "'price' must be a string or null"),
        ({"price": "cheap"}, "decimal"),
        ({"date_sent": "2019-05-24"}, "RFC 2822"),
        ({"sid": "SMshort"}, "sid"),
        ({"body": ["a"]}, "'body' must be a string or null, got an array"),
    ],
)
def test_parse_message_refuses_wrong_types(change: dict[str, Any], match: str) -> None:
    with pytest.raises(UnexpectedDocument, match=match):
        backend.parse_message(ok({**FETCH_EXAMPLE, **change}))


def test_missing_required_key_is_named() -> None:
    document = dict(FETCH_EXAMPLE)
    del document["account_sid"]
    with pytest.raises(UnexpectedDocument, match="'account_sid' is missing"):
        backend.parse_message(ok(document))


def test_nulls_read_as_none() -> None:
    nulls = {key: None for key in FETCH_EXAMPLE if key not in ("sid", "account_sid", "status")}
    message = backend.parse_message(ok({**FETCH_EXAMPLE, **nulls}))
    assert message == Message(sid=SM, account_sid=AC, status=Status.SENT)


def test_parse_page_of_the_legacy_dialect_is_refused_with_a_hint() -> None:
    with pytest.raises(UnexpectedDocument, match="sms_messages"):
        backend.parse_page(ok({"sms_messages": [], "page": 0, "page_size": 50, "start": 0,
                               "end": 0}))


def test_parse_page_refuses_negative_counts() -> None:
    with pytest.raises(UnexpectedDocument, match="negative"):
        backend.parse_page(ok({"messages": [], "page": -1, "page_size": 50, "start": 0,
                               "end": 0}))


def test_parse_page_names_the_bad_record() -> None:
    with pytest.raises(UnexpectedDocument, match=r"messages\[1\]"):
        backend.parse_page(ok({"messages": [FETCH_EXAMPLE, {"sid": 5}], "page": 0,
                               "page_size": 50, "start": 0, "end": 1}))


# -- server side -----------------------------------------------------------------------------------


def post(form: dict[str, str] | list[tuple[str, str]], path: str = f"{BASE}.json") -> WireRequest:
    pairs = list(form.items()) if isinstance(form, dict) else form
    return WireRequest("POST", path, body=encode_form(pairs))


VALID = {"To": "+15558675309", "From": "+14155551212", "Body": "Hi"}


def test_parse_create_with_media_and_service() -> None:
    call = backend.parse_request(post([
        ("To", "+15558675309"), ("MessagingServiceSid", "MG" + "c" * 32),
        ("MediaUrl", "https://example.com/a.png"), ("MediaUrl", "https://example.com/b.png"),
        ("SendAsMms", "true"), ("Attempt", "2"), ("Unknown", "ignored"),
    ]))
    assert call == CreateCall(AC, NewMessage(
        to="+15558675309", messaging_service_sid="MG" + "c" * 32,
        media_urls=("https://example.com/a.png", "https://example.com/b.png"),
        send_as_mms=True, attempt=2,
    ))


def test_parse_create_refuses_eleven_media_urls() -> None:
    form = [("To", "+15558675309"), ("From", "+14155551212")]
    form += [("MediaUrl", f"https://example.com/{n}.png") for n in range(11)]
    with pytest.raises(ApiError) as caught:
        backend.parse_request(post(form))
    assert caught.value.code == 21623


@pytest.mark.parametrize(
    "extra",
    [
        {"ValidityPeriod": "soon"},
        {"ValidityPeriod": "0"},
        {"SmartEncoded": "yes"},
        {"MaxPrice": "lots"},
        {"ContentRetention": "forever"},
        {"SendAt": "tomorrow", "ScheduleType": "fixed"},
        {"ScheduleType": "fixed"},
        {"MessagingServiceSid": "MGnope"},
    ],
)
def test_parse_create_refuses_bad_values_with_400(extra: dict[str, str]) -> None:
    with pytest.raises(ApiError) as caught:
        backend.parse_request(post({**VALID, **extra}))
    assert caught.value.status == 400


def test_parse_list_with_twilio_date_forms() -> None:
    forms = {
        "2008-01-02": dt.date(2008, 1, 2),
        "2019-06-11T22:05:25Z": dt.datetime(2019, 6, 11, 22, 5, 25, tzinfo=UTC),
        "2019-06-11 22:05:25.000": dt.datetime(2019, 6, 11, 22, 5, 25, tzinfo=UTC),
        "Wed, 19 Jun 2019 22:04:00 -0000": dt.datetime(2019, 6, 19, 22, 4, tzinfo=UTC),
    }
    for text, expected in forms.items():
        call = backend.parse_request(WireRequest("GET", f"{BASE}.json",
                                                 query=[("DateSent>", text)]))
        assert isinstance(call, ListCall)
        assert call.query.date_sent_after == expected


def test_parse_list_paging() -> None:
    call = backend.parse_request(WireRequest.from_target(
        "GET", f"{BASE}.json?PageSize=2&Page=1&PageToken=PAMMc26223853f8c46b4ab7dfaa6abba0a26"
    ))
    assert call == ListCall(AC, ListQuery(page_size=2, page=1,
                                          page_token="PAMMc26223853f8c46b4ab7dfaa6abba0a26"))


def test_parse_fetch_update_delete() -> None:
    instance = f"{BASE}/{SM}.json"
    assert backend.parse_request(WireRequest("GET", instance)) == FetchCall(AC, SM)
    assert backend.parse_request(post({"Body": ""}, instance)) == UpdateCall(
        AC, SM, MessageUpdate(body="")
    )
    assert backend.parse_request(post({"Status": "canceled"}, instance)) == UpdateCall(
        AC, SM, MessageUpdate(status=Status.CANCELED)
    )
    assert backend.parse_request(WireRequest("DELETE", instance)) == DeleteCall(AC, SM)


@pytest.mark.parametrize("form", [{}, {"Body": "new text"}, {"Status": "sent"}])
def test_parse_update_refuses_anything_but_redact_or_cancel(form: dict[str, str]) -> None:
    with pytest.raises(ApiError) as caught:
        backend.parse_request(post(form, f"{BASE}/{SM}.json"))
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "path",
    [f"{BASE}", f"{BASE}/{SM}", f"{BASE}.xml", f"{BASE}/{SM}/Media.json",
     f"/2010-04-01/Accounts/{AC}/SMS/Messages.json", f"/2008-08-01/Accounts/{AC}/SMS/Messages"],
)
def test_paths_without_json_or_of_other_resources_are_not_ours(path: str) -> None:
    assert backend.parse_request(WireRequest("GET", path)) is None


def test_not_found_names_the_path() -> None:
    path = f"{BASE}/SMnothex.json"
    with pytest.raises(ApiError) as caught:
        backend.parse_request(WireRequest("GET", path))
    assert caught.value == ApiError(
        404, f"The requested resource {path} was not found", 20404,
        "https://www.twilio.com/docs/errors/20404",
    )


def test_render_error_like_twilio() -> None:
    error = ApiError(400, "A 'To' phone number is required.", 21604,
                     "https://www.twilio.com/docs/errors/21604")
    response = backend.render_error(error)
    assert response.status == 400
    assert response.body == (
        b'{"code": 21604, "message": "A \'To\' phone number is required.", '
        b'"more_info": "https://www.twilio.com/docs/errors/21604", "status": 400}'
    )
    assert backend.render_error(ApiError(404, "gone")).body == (
        b'{"message": "gone", "status": 404}'
    )


def test_render_deleted() -> None:
    response = backend.render_deleted()
    assert (response.status, response.body) == (204, b"")


def test_make_page_matches_twilio_first_page_example() -> None:
    query = ListQuery(to="+18182008801", from_="+12019235161",
                      date_sent_after=dt.date(2008, 1, 2), page_size=2)
    second = Message(sid="MMc26223853f8c46b4ab7dfaa6abba0a26", account_sid=AC)
    page = backend.make_page(AC, query, (FETCHED, second), page=0, page_size=2, total=5)
    prefix = f"{BASE}.json?To=%2B18182008801&From=%2B12019235161&DateSent%3E=2008-01-02&PageSize=2"
    assert page.uri == page.first_page_uri == f"{prefix}&Page=0"
    assert page.next_page_uri == f"{prefix}&Page=1&PageToken=PAMMc26223853f8c46b4ab7dfaa6abba0a26"
    assert page.previous_page_uri is None
    assert (page.start, page.end, page.total, page.num_pages) == (0, 1, None, None)
    document = json.loads(backend.render_page(page).body)
    assert set(document) == {"end", "first_page_uri", "messages", "next_page_uri", "page",
                             "page_size", "previous_page_uri", "start", "uri"}


def test_make_page_last_and_empty() -> None:
    last = backend.make_page(AC, ListQuery(), (FETCHED,), page=2, page_size=2, total=5)
    assert last.next_page_uri is None
    assert last.previous_page_uri == f"{BASE}.json?PageSize=2&Page=1&PageToken=PB{SM}"
    empty = backend.make_page(AC, ListQuery(page_size=25), (), page=0, page_size=25, total=0)
    assert (empty.start, empty.end, empty.next_page_uri, empty.previous_page_uri) == (
        0, 0, None, None
    )
    assert json.loads(backend.render_page(empty).body)["messages"] == []
