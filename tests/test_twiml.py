"""Reading and writing messaging TwiML: <Sms> (2008), <Message> (2010), <Redirect>."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat import twiml
from compat.errors import HostileDocument, InvalidParameter, MalformedDocument, UnexpectedDocument
from compat.twiml import MessageVerb, MessagingResponse, Redirect

# The 2008 documentation's examples, as published (two of them are not well-formed).
DOC_2008_ACTION = b"""<?xml version="1.0" encoding="UTF-8"?>
<Response>
    <Sms action="/SmsHandler.php" method="POST">Store Location: 123 Easy St.</Sms>
</Response>"""
DOC_2008_MULTIPLE = b"""<?xml version="1.0" encoding="UTF-8" ?>
<Response>
    <Sms>This is message 1 of 2.</Sms>
    <Sms>This is message 2 of 2.</Sms>
</Response>"""
DOC_2008_VERSION = b"""<?xml version="1.0" encoding="UTF-8"?>
<Response version="2008-08-01">
     <Sms>Hello</Sms>
</Response>"""
DOC_2008_BROKEN = b"""<?xml version="1.0" encoding="UTF-8"?>
<Response>
\t<Sms>Store Location: 123 Easy St.</SMS>
</Response>"""


def test_2008_sms_with_action() -> None:
    response = twiml.parse(DOC_2008_ACTION, dialect="2008-08-01")
    assert response.verbs == (
        MessageVerb(
            body="Store Location: 123 Easy St.",
            action="/SmsHandler.php",
            method="POST",
            verb="Sms",
        ),
    )


def test_2008_two_sms_verbs_in_order() -> None:
    response = twiml.parse(DOC_2008_MULTIPLE, dialect="2008-08-01")
    assert [m.body for m in response.messages] == [
        "This is message 1 of 2.",
        "This is message 2 of 2.",
    ]


def test_2008_response_version_attribute() -> None:
    response = twiml.parse(DOC_2008_VERSION)
    assert response.version == "2008-08-01"
    assert response.messages[0].body == "Hello"


@pytest.mark.parametrize("dialect", ["2008-08-01", "2010-04-01"])
def test_render_and_convert_keep_the_version(dialect: str) -> None:
    response = MessagingResponse(verbs=(MessageVerb(body="Hello"),), version="2008-08-01")
    rendered = twiml.render(response, dialect=dialect)
    assert b'<Response version="2008-08-01">' in rendered
    assert twiml.parse(rendered, dialect=dialect).version == "2008-08-01"
    assert twiml.parse(rendered, dialect=dialect).messages[0].body == "Hello"
    assert twiml.parse(twiml.convert(DOC_2008_VERSION, to=dialect)).version == "2008-08-01"
    assert twiml.render(MessagingResponse(verbs=()), dialect=dialect).endswith(b"<Response/>")


def test_2008_documentation_example_with_mismatched_tag_is_malformed() -> None:
    with pytest.raises(MalformedDocument):
        twiml.parse(DOC_2008_BROKEN)


def test_2010_message_with_attributes() -> None:
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?><Response><Message action="https://ex.com/cb?a=1'
        b'&amp;b=2" from="+15017122661" method="GET" statusCallback="https://ex.com/sc" '
        b'to="+15558675310">Hello &amp; &lt;you&gt;</Message></Response>'
    )
    (verb,) = twiml.parse(data, dialect="2010-04-01").verbs
    assert verb == MessageVerb(
        body="Hello & <you>",
        to="+15558675310",
        from_="+15017122661",
        action="https://ex.com/cb?a=1&b=2",
        method="GET",
        status_callback="https://ex.com/sc",
    )


def test_2010_bodies_are_concatenated_and_media_collected() -> None:
    data = (
        b"<Response><Message>Hello <Body>dear </Body><Media>https://m.test/1.png</Media>"
        b"<Body>friend</Body><Media>https://m.test/2.png</Media></Message></Response>"
    )
    (verb,) = twiml.parse(data).messages
    assert verb.body == "Hello dear friend"
    assert verb.media_urls == ("https://m.test/1.png", "https://m.test/2.png")


def test_redirect_with_default_and_given_method() -> None:
    data = (
        b"<Response><Redirect>/next</Redirect>"
        b"<Redirect method='GET'>/other</Redirect></Response>"
    )
    assert twiml.parse(data).verbs == (
        Redirect(url="/next", method="POST"),
        Redirect(url="/other", method="GET"),
    )


def test_empty_response_has_no_verbs() -> None:
    assert twiml.parse(b"<Response/>") == MessagingResponse()


@pytest.mark.parametrize(
    ("data", "dialect"),
    [
        (b"<Response><Message>hi</Message></Response>", "2008-08-01"),
        (b"<Response><Say>hi</Say></Response>", None),
        (b"<Reply><Message>hi</Message></Reply>", None),
        (b"<Response><Sms><Body>hi</Body></Sms></Response>", None),
        (b"<Response><Message><Play>x</Play></Message></Response>", None),
        (b"<Response><Message method='PUT'>hi</Message></Response>", None),
        (b"<Response><Redirect></Redirect></Response>", None),
        (b"<Response><Message><Media> </Media></Message></Response>", None),
        (
            b"<Response><Message>"
            + b"<Media>https://m.test/x</Media>" * 11
            + b"</Message></Response>",
            None,
        ),
    ],
)
def test_not_messaging_twiml_is_unexpected(data: bytes, dialect: str | None) -> None:
    with pytest.raises(UnexpectedDocument):
        twiml.parse(data, dialect=dialect)


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]>'
        b"<Response><Sms>&a;</Sms></Response>",
        b'<!DOCTYPE r SYSTEM "file:///etc/passwd"><Response/>',
        b"<Response>" + b"<Message>" * 40 + b"</Message>" * 40 + b"</Response>",
    ],
)
def test_hostile_documents_are_refused(data: bytes) -> None:
    with pytest.raises(HostileDocument):
        twiml.parse(data)


@pytest.mark.parametrize("data", [b"", b"not xml", b"<Response>", b"\xff\xfe<\x00R\x00"])
def test_malformed_documents_are_refused(data: bytes) -> None:
    with pytest.raises(MalformedDocument):
        twiml.parse(data)


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(InvalidParameter):
        twiml.parse(b"<Response/>", dialect="2011-01-01")


# -- writing -------------------------------------------------------------------------------------


def test_render_2010_sorts_attributes_and_escapes() -> None:
    verb = MessageVerb(
        body="Hello & <you>",
        to="+15558675310",
        from_="+15017122661",
        action="https://ex.com/cb?a=1&b=2",
        status_callback="https://ex.com/sc",
    )
    assert twiml.render([verb]) == (
        b'<?xml version="1.0" encoding="UTF-8"?><Response><Message action="https://ex.com/cb?a=1'
        b'&amp;b=2" from="+15017122661" method="POST" statusCallback="https://ex.com/sc" '
        b'to="+15558675310">Hello &amp; &lt;you&gt;</Message></Response>'
    )


def test_render_2010_media_puts_text_in_body() -> None:
    verb = MessageVerb(body="Store Location: 123 Easy St.", media_urls=("https://demo.test/owl.png",))
    assert twiml.render([verb]).endswith(
        b"<Response><Message><Body>Store Location: 123 Easy St.</Body>"
        b"<Media>https://demo.test/owl.png</Media></Message></Response>"
    )


def test_convert_2008_to_2010_and_back() -> None:
    converted = twiml.convert(DOC_2008_ACTION, to="2010-04-01")
    assert b"<Message" in converted
    assert b"<Sms" not in converted
    again = twiml.parse(twiml.convert(converted, to="2008-08-01"), dialect="2008-08-01")
    assert again.verbs == twiml.parse(DOC_2008_ACTION).verbs


def test_2008_cannot_carry_media() -> None:
    with pytest.raises(InvalidParameter, match="cannot carry media") as caught:
        twiml.render(
            [MessageVerb(body="x", media_urls=("https://m.test/a",))], dialect="2008-08-01"
        )
    assert caught.value.parameter == "media_urls"


def test_text_xml_cannot_carry_is_refused() -> None:
    with pytest.raises(InvalidParameter):
        twiml.render([MessageVerb(body="bell \x07")])


_XML_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
    ),
    max_size=40,
).map(str.strip)


@given(
    verbs=st.lists(
        st.one_of(
            st.builds(
                MessageVerb,
                body=_XML_TEXT,
                to=st.none() | st.just("+15558675310"),
                from_=st.none() | st.just("+15017122661"),
                action=st.none() | st.just("https://ex.test/a?x=1&y=2"),
                method=st.sampled_from(["GET", "POST"]),
                status_callback=st.none() | st.just("https://ex.test/sc"),
                media_urls=st.lists(st.just("https://m.test/i.png"), max_size=3).map(tuple),
            ),
            st.builds(
                Redirect,
                url=st.just("https://ex.test/next"),
                method=st.sampled_from(["GET", "POST"]),
            ),
        ),
        max_size=4,
    )
)
def test_render_then_parse_round_trips_2010(verbs: list[MessageVerb | Redirect]) -> None:
    assert twiml.parse(twiml.render(verbs), dialect="2010-04-01").verbs == tuple(verbs)


def test_2010_twiml_kept_sms_and_reads_both_verbs() -> None:
    data = b"<Response><Sms to='+15558675310'>old</Sms><Message>new</Message></Response>"
    read = twiml.parse(data, dialect="2010-04-01")
    assert [(v.verb, v.body) for v in read.messages] == [("Sms", "old"), ("Message", "new")]
    # Written as 2010, both are <Message>; 2008 still refuses <Message>.
    assert twiml.render(read, dialect="2010-04-01").count(b"<Message") == 2
    with pytest.raises(UnexpectedDocument, match="unknown verb <Message>"):
        twiml.parse(data, dialect="2008-08-01")
