"""The two 2010 XML dialects beyond the golden cases: the compat client speaks them against the
emulator, their readers' leniencies and refusals, and the generic capabilities they added to
``XmlBackend`` (empty page attributes, read-only subresource links) on a dialect of one's own."""

from __future__ import annotations

import attrs
import pytest

from compat import UnexpectedDocument, UnsupportedOperation
from compat.backends import Field, XmlBackend, get
from compat.backends.v2010_xml import RULES_2010_XML
from compat.emulator import Emulator
from compat.model import Direction, ListQuery, Message, Status
from compat.wire import WireResponse

AC = "AC" + "a" * 32
SM = "SM" + "b" * 32
TO, FROM = "+15558675310", "+15005550006"


def _xml(inner: str) -> WireResponse:
    return WireResponse(200, (("Content-Type", "application/xml"),),
                        f"<TwilioResponse>{inner}</TwilioResponse>".encode())


@pytest.mark.parametrize("dialect", ["2010-04-01-xml", "2010-04-01-sms-xml"])
def test_the_compat_client_speaks_xml_to_the_emulator(dialect: str) -> None:
    with Emulator(seed=3) as emulator, emulator.client(dialect) as client:
        sent = client.messages.create(to=TO, from_=FROM, body="over XML")
        assert sent.api_version == "2010-04-01"
        assert sent.uri is not None
        assert not sent.uri.endswith(".json")
        assert client.messages.fetch(sent.sid).body == "over XML"
        for n in range(4):
            client.messages.create(to=TO, from_=FROM, body=f"n{n}")
        assert len(list(client.messages.list(page_size=2))) == 5
        if dialect == "2010-04-01-xml":
            assert client.messages.update(sent.sid, body="").body == ""
            client.messages.delete(sent.sid)
        else:
            with pytest.raises(UnsupportedOperation):
                client.messages.delete(sent.sid)


def test_the_legacy_reader_takes_early_flags_and_direction_wins() -> None:
    backend = get("2010-04-01-sms-xml")
    base = f"<Sid>{SM}</Sid><AccountSid>{AC}</AccountSid><Status>sent</Status>"
    numeric = backend.parse_message(_xml(f"<SMSMessage>{base}<Flags>1</Flags></SMSMessage>"))
    assert numeric.direction is Direction.INBOUND
    words = backend.parse_message(_xml(
        f"<SMSMessage>{base}<Flags><Flag>outbound</Flag></Flags></SMSMessage>"))
    assert words.direction is Direction.OUTBOUND_API
    both = backend.parse_message(_xml(
        f"<SMSMessage>{base}<Flags>1</Flags><Direction>outbound-reply</Direction></SMSMessage>"))
    assert both.direction is Direction.OUTBOUND_REPLY
    # The newer resource's elements are read too.
    newer = backend.parse_message(_xml(f"<SMSMessage>{base}<NumSegments>2</NumSegments>"
                                       "</SMSMessage>"))
    assert newer.num_segments == 2
    assert newer.api_version is None  # carried by the dialect: absent stays absent, as in JSON


@pytest.mark.parametrize(
    "inner",
    [
        f"<Message><Sid>{SM}</Sid><AccountSid>{AC}</AccountSid><Status>sent</Status>"
        "<SubresourceUris><Media><x/></Media></SubresourceUris></Message>",
        f"<Message><Sid>{SM}</Sid><AccountSid>{AC}</AccountSid><Status>sent</Status>"
        "<SubresourceUris>text<Media>/m</Media></SubresourceUris></Message>",
        f"<Message><Sid>{SM}</Sid><AccountSid>{AC}</AccountSid><Status>sent</Status>"
        "<Flags>1</Flags></Message>",
        f"<Message><Sid>{SM}</Sid><Status>sent</Status></Message>",
        f"<Message><Sid>{SM}</Sid><AccountSid>{AC}</AccountSid><Status>sent</Status>"
        "<NumMedia>two</NumMedia></Message>",
    ],
)
def test_the_messages_reader_is_strict(inner: str) -> None:
    with pytest.raises(UnexpectedDocument):
        get("2010-04-01-xml").parse_message(_xml(inner))


def test_text_is_kept_as_written_and_blank_text_is_absent() -> None:
    backend = get("2010-04-01-xml")
    message = Message(sid=SM, account_sid=AC, error_message=" spaced out\n", price_unit="USD")
    parsed = backend.parse_message(backend.render_message(message))
    assert parsed.error_message == " spaced out\n"
    blank = backend.parse_message(backend.render_message(
        attrs.evolve(message, error_message=" \n ")))
    assert blank.error_message is None


class _Plain(XmlBackend):
    """A dialect of one's own: the 2010 rules, without blank page attributes or links."""

    RULES = attrs.evolve(RULES_2010_XML, name="plain-xml", page_blanks=False,
                         readable_fields=())


def test_page_blanks_is_a_rule_not_a_name() -> None:
    page = get("2010-04-01-xml").make_page(AC, ListQuery(), (), page=0, page_size=50, total=0)
    with_blanks = get("2010-04-01-xml").render_page(page).body
    without = _Plain().render_page(page).body
    assert b'nextpageuri=""' in with_blanks
    assert b"nextpageuri" not in without
    assert _Plain().parse_page(WireResponse(200, (), with_blanks)) == page
    # Without the subresources field, <SubresourceUris> is an unknown element.
    body = (f"<Message><Sid>{SM}</Sid><AccountSid>{AC}</AccountSid><Status>sent</Status>"
            "<SubresourceUris/></Message>")
    assert get("2010-04-01-xml").parse_message(_xml(body)).status is Status.SENT
    with pytest.raises(UnexpectedDocument, match="unknown element <SubresourceUris>"):
        _Plain().parse_message(_xml(body))


def test_subresource_field_kind_is_derived() -> None:
    assert Field("subresource_uris", "SubresourceUris", "subresources").model not in \
        get("2010-04-01-xml").rules.carried  # type: ignore[attr-defined]
