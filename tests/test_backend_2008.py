"""The 2008-08-01 backend: both sides, the documented payloads and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from compat._resources import data_root
from compat.backends.base import CreateCall, FetchCall, ListCall
from compat.backends.v2008 import Backend2008
from compat.errors import (
    ApiError,
    BodyTooLong,
    InvalidParameter,
    MalformedDocument,
    UnexpectedDocument,
)
from compat.model import (
    Direction,
    ListQuery,
    Message,
    MessagePage,
    NewMessage,
    Status,
)
from compat.wire import WireRequest, WireResponse, encode_form
from tests import strategies as ms

AC = "AC5ea872f6da5a21de157d80997a64bd33"
SM = "SM872fb94e3b358913777cdb313f25b46f"
BASE = f"/2008-08-01/Accounts/{AC}/SMS/Messages"
PDT = dt.timezone(dt.timedelta(hours=-7))
XML = (("Content-Type", "application/xml"),)

backend = Backend2008()


def doc(name: str) -> bytes:
    return data_root("fixtures").joinpath("2008-08-01").joinpath("docs").joinpath(name).read_bytes()


def ok(body: bytes, status: int = 200) -> WireResponse:
    return WireResponse(status, XML, body)


def wrap(inner: str) -> bytes:
    return f"<TwilioResponse>{inner}</TwilioResponse>".encode()


def message_xml(**replace: str) -> str:
    fields = {
        "Sid": SM,
        "DateCreated": "Sun, 04 Oct 2009 03:48:08 -0700",
        "DateUpdated": "Sun, 04 Oct 2009 03:48:10 -0700",
        "DateSent": "Sun, 04 Oct 2009 03:48:10 -0700",
        "AccountSid": AC,
        "To": "4158675309",
        "From": "6505551212",
        "Body": "Hi",
        "Status": "sent",
        "Flags": "2",
    }
    fields.update(replace)
    inner = "".join(f"<{k}>{v}</{k}>" if v != "-" else "" for k, v in fields.items())
    return f"<SMSMessage>{inner}</SMSMessage>"


SAMPLE = Message(
    sid=SM,
    account_sid=AC,
    to="+14158675309",
    from_="+16505551212",
    body="Hi there Jenny! Why didn't you call me back?",
    status=Status.SENT,
    direction=Direction.OUTBOUND_REPLY,
    date_created=dt.datetime(2009, 10, 4, 3, 48, 8, tzinfo=PDT),
    date_updated=dt.datetime(2009, 10, 4, 3, 48, 10, tzinfo=PDT),
    date_sent=dt.datetime(2009, 10, 4, 3, 48, 10, tzinfo=PDT),
    api_version="2008-08-01",  # 2008 documents carry none: they read as their own version
)


# -- the documented payloads ---------------------------------------------------------------------


def test_documented_instance_parses_to_the_model() -> None:
    assert backend.parse_message(ok(doc("sms-instance-get.xml"))) == SAMPLE


def test_documented_create_response_gives_e164_numbers() -> None:
    message = backend.parse_message(ok(doc("sms-create-post-response.xml"), 201))
    assert (message.to, message.from_) == ("+15558675309", "+14155551212")
    assert message.body == "Hi Jenny! Want to grab dinner?"


def test_documented_list_parses_with_paging_facts() -> None:
    page = backend.parse_page(ok(doc("sms-list-get.xml")))
    assert (page.page, page.num_pages, page.page_size, page.total, page.start, page.end) == (
        0, 2, 50, 69, 0, 49
    )
    assert [m.direction for m in page] == [Direction.OUTBOUND_REPLY, Direction.INBOUND]
    assert page.items[1].body == "The judge said you can't text me anymore."
    assert page.next_page_uri is None
    assert page.has_next


def test_documented_errors_parse() -> None:
    missing = backend.parse_error(WireResponse(404, XML, doc("error-404.xml")))
    assert missing == ApiError(404, "The requested resource was not found")
    called = backend.parse_error(WireResponse(400, XML, doc("error-400-calls-missing-called.xml")))
    assert called == ApiError(
        400, "No called number is specified", 21201, "http://www.twilio.com/docs/errors/21201"
    )


def test_error_document_is_raised_by_parse_message() -> None:
    with pytest.raises(ApiError) as caught:
        backend.parse_message(WireResponse(404, XML, doc("error-404.xml")))
    assert caught.value.status == 404


def test_calls_list_is_not_an_sms_document() -> None:
    with pytest.raises(UnexpectedDocument, match="not a 2008-08-01 document"):
        backend.parse_page(ok(doc("calls-list-paging-example.xml")))
    with pytest.raises(UnexpectedDocument, match="<Calls>"):
        backend.parse_message(ok(doc("calls-list-paging-example.xml")))


def test_early_2010_xml_with_flag_words_parses() -> None:
    message = backend.parse_message(ok(doc("ref2010-sms-instance-response-doc.xml")))
    assert message.direction == Direction.OUTBOUND_API
    assert message.api_version == "2010-04-01"
    assert message.date_sent is None
    assert message.price is None
    assert message.uri == (
        "/2010-04-01/Accounts/AC228b97a5fe4138be081eaff3c44180f3/SMS/Messages/"
        "SM1f0e8ae6ade43cb3c0ce4525424e404f"
    )


# -- client side: requests -----------------------------------------------------------------------


def test_build_create_renders_nanp_numbers_as_ten_digits() -> None:
    request = backend.build_create(
        AC, NewMessage(to="+15558675309", from_="+14155551212", body="Hi & bye")
    )
    assert (request.method, request.target) == ("POST", BASE)
    assert request.header("content-type") == "application/x-www-form-urlencoded"
    assert request.form() == [("To", "5558675309"), ("From", "4155551212"), ("Body", "Hi & bye")]


def test_build_create_keeps_international_numbers_in_e164() -> None:
    request = backend.build_create(
        AC, NewMessage(to="+447400123456", from_="+14155551212", body="x")
    )
    assert ("To", "+447400123456") in request.form()


def test_build_create_refuses_a_long_body() -> None:
    with pytest.raises(BodyTooLong) as caught:
        backend.build_create(AC, NewMessage(to="+15558675309", from_="+14155551212",
                                            body="x" * 161))
    assert (caught.value.length, caught.value.limit) == (161, 160)
    request = backend.build_create(
        AC, NewMessage(to="+15558675309", from_="+14155551212", body="é" * 160)
    )
    assert request.form()[-1] == ("Body", "é" * 160)


@pytest.mark.parametrize(
    ("extra", "parameter"),
    [
        ({"media_urls": ("https://example.com/a.png",)}, "media_urls"),
        ({"messaging_service_sid": "MG" + "a" * 32}, "messaging_service_sid"),
        ({"application_sid": "AP" + "a" * 32}, "application_sid"),
        ({"validity_period": 60}, "validity_period"),
    ],
)
def test_build_create_refuses_fields_2008_lacks(extra: dict[str, object], parameter: str) -> None:
    message = NewMessage(to="+15558675309", from_="+14155551212", body="x", **extra)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameter) as caught:
        backend.build_create(AC, message)
    assert caught.value.parameter == parameter


def test_build_fetch_and_list() -> None:
    assert backend.build_fetch(AC, SM).target == f"{BASE}/{SM}"
    query = ListQuery(
        to="+14158675309",
        date_sent_before=dt.date(2009, 7, 6),
        date_sent_after=dt.date(2009, 7, 1),
        page_size=5,
        page=2,
    )
    request = backend.build_list(AC, query)
    assert request.method == "GET"
    assert request.query == (
        ("To", "4158675309"), ("DateSent<", "2009-07-06"), ("DateSent>", "2009-07-01"),
        ("num", "5"), ("Page", "2"),
    )
    assert request.target == (
        f"{BASE}?To=4158675309&DateSent%3C=2009-07-06&DateSent%3E=2009-07-01&num=5&Page=2"
    )


def test_build_list_refuses_a_page_token() -> None:
    with pytest.raises(InvalidParameter, match="page_token") as caught:
        backend.build_list(AC, ListQuery(page_token="PAxyz"))
    assert caught.value.parameter == "page_token"


def test_build_next_page_counts_pages() -> None:
    query = ListQuery(to="+14158675309")
    first = MessagePage(items=(), page=0, page_size=50, total=69, num_pages=2)
    following = backend.build_next_page(AC, query, first)
    assert following is not None
    assert following.query == (("To", "4158675309"), ("num", "50"), ("Page", "1"))
    last = MessagePage(items=(), page=1, page_size=50, total=69, num_pages=2)
    assert backend.build_next_page(AC, query, last) is None


# -- client side: refusing responses ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error", "match"),
    [
        (b"<TwilioResponse><SMSMessage>", MalformedDocument, "well-formed"),
        (b"", MalformedDocument, "empty"),
        (b"<Response/>", UnexpectedDocument, "TwilioResponse"),
        (wrap(message_xml() + message_xml()), UnexpectedDocument, "exactly one"),
        (wrap("oops" + message_xml()), UnexpectedDocument, "text"),
        (wrap(message_xml(Price2="1")), UnexpectedDocument, "unknown element <Price2>"),
        (wrap(message_xml().replace("</SMSMessage>", "<Body>x</Body></SMSMessage>")),
         UnexpectedDocument, "repeated element <Body>"),
        (wrap(message_xml(Sid="-")), UnexpectedDocument, "lacks <Sid>"),
        (wrap(message_xml(Status="")), UnexpectedDocument, "lacks <Status>"),
        (wrap(message_xml(Sid="SMnothex")), UnexpectedDocument, "does not match"),
        (wrap(message_xml(DateSent="yesterday")), UnexpectedDocument, "RFC 2822"),
        (wrap(message_xml(DateSent="Sun, 31 Feb 2009 03:48:10 -0700")), UnexpectedDocument,
         "RFC 2822"),
        (wrap(message_xml(Flags="two")), UnexpectedDocument, "Flags"),
        (wrap(message_xml(Flags="3")), UnexpectedDocument, "both inbound"),
        (wrap(message_xml(Flags="0")), UnexpectedDocument, "none of the direction bits"),
        (wrap(message_xml(Flags="<Flag>sideways</Flag>")), UnexpectedDocument, "no direction"),
        (wrap(message_xml(Body="<b>x</b>")), UnexpectedDocument, "must hold text"),
        (wrap(message_xml(Price="cheap")), UnexpectedDocument, "decimal"),
        (wrap("<SMSMessages/>"), UnexpectedDocument, "SMSMessage>"),
    ],
)
def test_parse_message_refuses_clearly(body: bytes, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        backend.parse_message(ok(body))


PAGE_HEAD = 'page="0" numpages="1" pagesize="50" total="1" start="0" end="0"'


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (wrap(f"<SMSMessages {PAGE_HEAD} colour='red'/>"), "unknown attributes"),
        (wrap('<SMSMessages page="0" numpages="1"/>'), "lacks the 'pagesize'"),
        (wrap('<SMSMessages page="0" numpages="1" pagesize="50" total="-1" start="0" end="0"/>'),
         "non-negative"),
        (wrap(f"<SMSMessages {PAGE_HEAD}><Call/></SMSMessages>"), "only <SMSMessage>"),
        (wrap(f"<SMSMessages {PAGE_HEAD}>{message_xml()} junk </SMSMessages>"), "text"),
        (wrap(message_xml()), "expected <SMSMessages>"),
    ],
)
def test_parse_page_refuses_clearly(body: bytes, match: str) -> None:
    with pytest.raises(UnexpectedDocument, match=match):
        backend.parse_page(ok(body))


def test_page_uri_attributes_are_optional_and_read_when_present() -> None:
    body = wrap(
        f'<SMSMessages {PAGE_HEAD} uri="/a" firstpageuri="/a?Page=0" previouspageuri="" '
        f'nextpageuri="/a?Page=1" lastpageuri="/a?Page=1">{message_xml()}</SMSMessages>'
    )
    page = backend.parse_page(ok(body))
    assert (page.uri, page.first_page_uri, page.previous_page_uri, page.next_page_uri) == (
        "/a", "/a?Page=0", None, "/a?Page=1"
    )
    following = backend.build_next_page(AC, ListQuery(), page)
    assert following is not None
    assert following.target == "/a?Page=1"


@pytest.mark.parametrize(
    ("flags", "direction"),
    [("1", Direction.INBOUND), ("2", Direction.OUTBOUND_REPLY), ("4", Direction.OUTBOUND_API),
     ("6", Direction.OUTBOUND_API), ("12", Direction.OUTBOUND_API), ("", None)],
)
def test_flags_read_as_direction(flags: str, direction: Direction | None) -> None:
    message = backend.parse_message(ok(wrap(message_xml(Flags=flags))))
    assert message.direction == direction


def test_direction_element_wins_over_flags() -> None:
    body = wrap(message_xml(Flags="2").replace("</SMSMessage>",
                                                "<Direction>outbound-call</Direction></SMSMessage>"))
    assert backend.parse_message(ok(body)).direction == Direction.OUTBOUND_CALL


def test_empty_elements_read_as_null_and_empty_body() -> None:
    body = wrap(message_xml(DateSent="", To="", Body=""))
    message = backend.parse_message(ok(body))
    assert (message.date_sent, message.to, message.body) == (None, None, "")


def test_unknown_status_is_kept() -> None:
    message = backend.parse_message(ok(wrap(message_xml(Status="carrier-held"))))
    assert message.status == "carrier-held"
    assert not message.status.known


# -- server side: requests -----------------------------------------------------------------------


def post(body: dict[str, str] | list[tuple[str, str]], target: str = BASE) -> WireRequest:
    pairs = list(body.items()) if isinstance(body, dict) else body
    return WireRequest.from_target("POST", target, body=encode_form(pairs))


def test_parse_create_normalizes_numbers_and_ignores_unknown_parameters() -> None:
    call = backend.parse_request(
        post({"From": "415-555-1212", "To": "(555) 867-5309", "Body": "Hi", "Colour": "red"})
    )
    assert isinstance(call, CreateCall)
    assert call.account_sid == AC
    assert call.message.body == "Hi"
    assert call.message.media_urls == ()


def test_parse_create_ignores_2010_only_parameters() -> None:
    call = backend.parse_request(post({
        "From": "+14155551212", "To": "+15558675309", "Body": "Hi",
        "MediaUrl": "https://example.com/a.png", "MessagingServiceSid": "MG" + "a" * 32,
    }))
    assert isinstance(call, CreateCall)
    assert call.message.media_urls == ()
    assert call.message.messaging_service_sid is None


VALID = {"To": "+15558675309", "From": "+14155551212", "Body": "Hi"}


def test_rendered_validation_error_is_a_rest_exception() -> None:
    with pytest.raises(ApiError) as caught:
        backend.parse_request(post({"To": "+15558675309", "Body": "Hi"}))
    response = backend.render_error(caught.value)
    assert response.status == 400
    assert response.body == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse><RestException>'
        b"<Status>400</Status><Message>A 'From' phone number is required.</Message>"
        b"<Code>21603</Code><MoreInfo>https://www.twilio.com/docs/errors/21603</MoreInfo>"
        b"</RestException></TwilioResponse>"
    )
    assert backend.parse_error(response) == caught.value


def test_parse_list_reads_2008_and_2010_paging_names() -> None:
    call = backend.parse_request(WireRequest.from_target(
        "GET", f"{BASE}?To=4158675309&DateSent<=2009-07-06&DateSent%3E=2009-07-01&num=5&Page=1"
    ))
    assert call == ListCall(AC, ListQuery(
        to="+14158675309",
        date_sent_before=dt.date(2009, 7, 6),
        date_sent_after=dt.date(2009, 7, 1),
        page_size=5,
        page=1,
    ))
    both = backend.parse_request(WireRequest.from_target("GET", f"{BASE}?num=5&PageSize=7"))
    assert isinstance(both, ListCall)
    assert both.query.page_size == 7


def test_parse_list_reads_the_documented_date_filter_form() -> None:
    # "DateSent>=2009-07-06" as a browser sends it: the form key is "DateSent>".
    call = backend.parse_request(WireRequest("GET", BASE, query=[("DateSent>", "2009-07-06")]))
    assert isinstance(call, ListCall)
    assert call.query.date_sent_after == dt.date(2009, 7, 6)


@pytest.mark.parametrize(
    "query",
    ["num=0", "num=1001", "num=ten", "Page=-1", "DateSent=last+tuesday"],
)
def test_parse_list_refuses_bad_values(query: str) -> None:
    with pytest.raises(ApiError) as caught:
        backend.parse_request(WireRequest.from_target("GET", f"{BASE}?{query}"))
    assert caught.value.status == 400


def test_parse_fetch() -> None:
    assert backend.parse_request(WireRequest("GET", f"{BASE}/{SM}")) == FetchCall(AC, SM)


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("POST", f"{BASE}/{SM}"),
        ("DELETE", f"{BASE}/{SM}"),
        ("PUT", f"{BASE}/{SM}"),
        ("DELETE", BASE),
        ("POST", f"{BASE}/{SM}?_method=DELETE"),
        ("POST", f"{BASE}?_method=PUT"),
    ],
)
def test_other_methods_answer_405(method: str, target: str) -> None:
    with pytest.raises(ApiError) as caught:
        backend.parse_request(WireRequest.from_target(method, target))
    assert (caught.value.status, caught.value.code) == (405, 20004)


@pytest.mark.parametrize(
    "path",
    [
        f"/2010-04-01/Accounts/{AC}/SMS/Messages.json",
        f"/2010-04-01/Accounts/{AC}/Messages.json",
        f"/2008-08-01/Accounts/{AC}/Calls",
        f"/2008-08-01/Accounts/{AC}/SMS/Messages/",
        f"/2008-08-01/Accounts/{AC}/SMS/Messages/{SM}/Extra",
        "/2008-08-01/Accounts",
    ],
)
def test_paths_of_other_resources_are_not_ours(path: str) -> None:
    assert backend.parse_request(WireRequest("GET", path)) is None


def test_a_form_that_is_not_utf8_answers_400() -> None:
    with pytest.raises(ApiError) as caught:
        backend.parse_request(WireRequest("POST", BASE, body=b"Body=\xff"))
    assert caught.value.status == 400


# -- server side: rendering ------------------------------------------------------------------------


def test_render_message_in_documented_order_with_gmt_dates() -> None:
    response = backend.render_message(SAMPLE, created=True)
    assert response.status == 201
    assert response.content_type == "application/xml"
    assert response.body == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse><SMSMessage>'
        b"<Sid>SM872fb94e3b358913777cdb313f25b46f</Sid>"
        b"<DateCreated>Sun, 04 Oct 2009 10:48:08 +0000</DateCreated>"
        b"<DateUpdated>Sun, 04 Oct 2009 10:48:10 +0000</DateUpdated>"
        b"<DateSent>Sun, 04 Oct 2009 10:48:10 +0000</DateSent>"
        b"<AccountSid>AC5ea872f6da5a21de157d80997a64bd33</AccountSid>"
        b"<To>4158675309</To><From>6505551212</From>"
        b"<Body>Hi there Jenny! Why didn't you call me back?</Body>"
        b"<Status>sent</Status><Flags>2</Flags></SMSMessage></TwilioResponse>"
    )


def test_render_null_values_as_empty_elements() -> None:
    message = Message(sid=SM, account_sid=AC, status=Status.QUEUED, direction=None)
    body = backend.render_message(message).body
    assert b"<DateSent/>" in body
    assert b"<To/>" in body
    assert b"<Body/>" in body
    assert b"<Flags/>" in body


@pytest.mark.parametrize(
    ("status", "written"),
    [(Status.DELIVERED, "sent"), (Status.UNDELIVERED, "failed"), (Status.RECEIVED, "sent"),
     (Status.ACCEPTED, "queued"), (Status.CANCELED, "failed"), (Status("held"), "held")],
)
def test_render_maps_statuses_down(status: Status, written: str) -> None:
    body = backend.render_message(Message(sid=SM, account_sid=AC, status=status)).body
    assert f"<Status>{written}</Status>".encode() in body


def test_render_refuses_an_unknown_direction() -> None:
    message = Message(sid=SM, account_sid=AC, direction=Direction("outbound-pigeon"))
    with pytest.raises(InvalidParameter, match="Flags"):
        backend.render_message(message)


def test_render_keeps_carriage_returns_and_replaces_what_xml_cannot_carry() -> None:
    message = Message(sid=SM, account_sid=AC, body="a\r\nb\x00c\ud800d<&>")
    response = backend.render_message(message)
    assert backend.parse_message(response).body == "a\r\nb\ufffdc\ufffdd<&>"


def test_make_and_render_page() -> None:
    items = (SAMPLE,)
    page = backend.make_page(AC, ListQuery(), items, page=1, page_size=1, total=3)
    assert (page.start, page.end, page.num_pages, page.total) == (1, 1, 3, 3)
    body = backend.render_page(page).body
    assert b'<SMSMessages page="1" numpages="3" pagesize="1" total="3" start="1" end="1">' in body
    assert backend.parse_page(backend.render_page(page)) == MessagePage(
        items=(backend.restrict(SAMPLE),), page=1, page_size=1, start=1, end=1, total=3,
        num_pages=3,
    )


def test_render_empty_page() -> None:
    page = backend.make_page(AC, ListQuery(), (), page=0, page_size=50, total=0)
    assert backend.render_page(page).body.endswith(
        b'<SMSMessages page="0" numpages="0" pagesize="50" total="0" start="0" end="0"/>'
        b"</TwilioResponse>"
    )
    assert len(backend.parse_page(backend.render_page(page))) == 0


def test_render_page_needs_counts() -> None:
    with pytest.raises(InvalidParameter, match="make_page"):
        backend.render_page(MessagePage(items=()))


def test_render_error_without_code() -> None:
    response = backend.render_error(ApiError(404, "The requested resource was not found"))
    assert response.status == 404
    assert b"<Code>" not in response.body
    assert b"<MoreInfo>" not in response.body


# -- a page's records read exactly as single messages do, padding included -------------------------

_PADS = st.sampled_from(["", " ", "\n  ", "\t"])


@given(st.lists(ms.messages(xml_safe=True, known_directions=True), min_size=1, max_size=4),
       st.data())
def test_page_and_message_readers_agree(items: list[Message], data: st.DataObject) -> None:
    page = backend.make_page(AC, ListQuery(), tuple(items), page=0, page_size=50,
                             total=len(items))
    root = etree.fromstring(backend.render_page(page).body)
    for message in root[0]:
        for field in message:
            if data.draw(st.booleans()):
                field.text = data.draw(_PADS) + (field.text or "") + data.draw(_PADS)
    body = etree.tostring(root)
    in_page = backend.parse_page(ok(body)).items
    alone = tuple(backend.read_message(element) for element in root[0])
    assert in_page == alone
