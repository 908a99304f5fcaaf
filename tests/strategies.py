"""Hypothesis strategies for the model: messages, new messages, queries, updates, pages, errors.

Shared by every test module that needs model values, so it stays general: each strategy takes
keyword flags that limit the values to what a format can carry (in the cattrs style), and the
defaults generate everything the model accepts.

* ``xml_safe``: only characters XML 1.0 can carry (no C0 controls but tab, LF and CR; no lone
  surrogates; no U+FFFE/U+FFFF).
* ``known_directions``: no unknown direction strings (2008 Flags cannot write one).
* ``dialect``: for :func:`new_messages` and :func:`list_queries`, only fields the dialect sends
  (``"2008-08-01"``, ``"2010-04-01"``, ``"2010-04-01-sms"``; ``None`` for all).

Phone numbers come from a pool of numbers libphonenumber accepts, plus generated NANP numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from compat.errors import ApiError
from compat.model import (
    AddressRetention,
    ContentRetention,
    Direction,
    ListQuery,
    Message,
    MessagePage,
    MessageUpdate,
    NewMessage,
    Status,
)

__all__ = [
    "account_sids",
    "api_errors",
    "aware_datetimes",
    "bodies",
    "directions",
    "list_queries",
    "message_pages",
    "message_sids",
    "message_updates",
    "messages",
    "new_messages",
    "phone_numbers",
    "prices",
    "statuses",
]

HEX = "0123456789abcdef"
INTERNATIONAL = (
    "+447400123456",
    "+4915123456789",
    "+33612345678",
    "+61412345678",
    "+819012345678",
    "+5511961234567",
    "+918123456789",
    "+27711234567",
)
AREA_CODES = ("201", "212", "303", "312", "415", "512", "617", "650", "206", "718")


def _sid(prefix: str, *, mixed_case: bool = False) -> st.SearchStrategy[str]:
    alphabet = HEX + ("ABCDEF" if mixed_case else "")
    return st.text(alphabet, min_size=32, max_size=32).map(lambda tail: prefix + tail)


def message_sids() -> st.SearchStrategy[str]:
    """``SM`` or ``MM`` and 32 hex digits."""
    return st.one_of(_sid("SM"), _sid("MM"), _sid("SM", mixed_case=True))


def account_sids() -> st.SearchStrategy[str]:
    return _sid("AC")


def service_sids() -> st.SearchStrategy[str]:
    return _sid("MG")


def nanp_numbers() -> st.SearchStrategy[str]:
    """Valid North American numbers in E.164."""
    return st.builds(
        lambda area, exchange, line: f"+1{area}{exchange}{line:04d}",
        st.sampled_from(AREA_CODES),
        st.integers(200, 999),
        st.integers(0, 9999),
    )


def phone_numbers() -> st.SearchStrategy[str]:
    """E.164 numbers that libphonenumber accepts: mostly NANP, some international."""
    return st.one_of(nanp_numbers(), st.sampled_from(INTERNATIONAL))


def _xml_char(char: str) -> bool:
    code = ord(char)
    if code < 0x20:
        return char in "\t\n\r"
    return not (0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF))


def text(*, xml_safe: bool = False, utf8: bool = False, min_size: int = 0, max_size: int = 40
         ) -> st.SearchStrategy[str]:
    """Any text, lone surrogates included; with ``xml_safe`` only what XML 1.0 can carry, with
    ``utf8`` only what UTF-8 can encode (form bodies)."""
    if xml_safe:
        chars = st.characters().filter(_xml_char)
    elif utf8:
        chars = st.characters(codec="utf-8")
    else:
        chars = st.characters(codec=None)
    return st.text(chars, min_size=min_size, max_size=max_size)


def bodies(*, xml_safe: bool = False, utf8: bool = False, max_size: int = 160
           ) -> st.SearchStrategy[str]:
    """Message bodies, with the characters that matter most: GSM-7, accents, emoji, CR/LF."""
    specials = st.sampled_from(["\r\n", "\r", "&", "<", ">", "]]>", "€", "😀", "é", "  "])
    parts = st.lists(st.one_of(text(xml_safe=xml_safe, utf8=utf8, max_size=12), specials),
                     max_size=8)
    return parts.map("".join).map(lambda body: body[:max_size])


def aware_datetimes(*, whole_seconds: bool = False) -> st.SearchStrategy[dt.datetime]:
    """Aware datetimes between 1971 and 2099 in whole-minute offsets."""
    offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
        lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
    )
    zones = st.one_of(st.just(dt.timezone.utc), offsets)
    values = st.datetimes(
        min_value=dt.datetime(1971, 1, 2), max_value=dt.datetime(2099, 12, 30), timezones=zones
    )
    if whole_seconds:
        values = values.map(lambda value: value.replace(microsecond=0))
    return values


def statuses(*, unknown: bool = True) -> st.SearchStrategy[Status]:
    """Every known status and, unless ``unknown=False``, unknown strings the model must keep."""
    known = st.sampled_from(list(Status))
    if not unknown:
        return known
    strange = st.from_regex(r"[a-z][a-z_-]{0,14}", fullmatch=True).filter(
        lambda value: value not in Status._value2member_map_
    )
    return st.one_of(known, strange.map(Status))


def directions(*, known_only: bool = False) -> st.SearchStrategy[Direction | None]:
    known: st.SearchStrategy[Direction | None] = st.sampled_from([None, *Direction])
    if known_only:
        return known
    strange = st.from_regex(r"outbound-[a-z]{1,8}", fullmatch=True).filter(
        lambda value: value not in Direction._value2member_map_
    )
    return st.one_of(known, strange.map(Direction))


def prices() -> st.SearchStrategy[Decimal]:
    """Prices like Twilio's (``-0.00750``) and odd but valid decimals."""
    return st.one_of(
        st.integers(-100000, 0).map(lambda n: Decimal(n).scaleb(-5)),
        st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-1000,
                    max_value=1000),
    )


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def messages(*, xml_safe: bool = False, known_directions: bool = False,
             unknown_statuses: bool = True) -> st.SearchStrategy[Message]:
    """Messages with every field the model has (see the module flags)."""
    uri_text = text(xml_safe=xml_safe, min_size=1, max_size=20)
    return st.builds(
        Message,
        sid=message_sids(),
        account_sid=account_sids(),
        to=_optional(phone_numbers()),
        from_=_optional(st.one_of(phone_numbers(), st.sampled_from(["12345", "MyBrand"]))),
        body=_optional(bodies(xml_safe=xml_safe, max_size=1600)),
        status=statuses(unknown=unknown_statuses),
        direction=directions(known_only=known_directions),
        date_created=_optional(aware_datetimes()),
        date_updated=_optional(aware_datetimes()),
        date_sent=_optional(aware_datetimes()),
        price=_optional(prices()),
        price_unit=_optional(st.sampled_from(["USD", "EUR", "GBP"])),
        num_segments=_optional(st.integers(0, 10)),
        num_media=_optional(st.integers(0, 10)),
        error_code=_optional(st.integers(30001, 30034)),
        error_message=_optional(text(xml_safe=xml_safe, min_size=1)),
        messaging_service_sid=_optional(service_sids()),
        api_version=_optional(st.sampled_from(["2008-08-01", "2010-04-01"])),
        uri=_optional(uri_text),
        media_urls=st.lists(st.just("https://example.com/a.png"), max_size=2).map(tuple),
    )


_URLS = st.sampled_from(
    ["https://example.com/cb", "https://example.com/cb?a=1&b=2", "http://h.example/x y"]
)


def new_messages(*, dialect: str | None = None) -> st.SearchStrategy[NewMessage]:
    """Valid create requests. With ``dialect``, only the fields that dialect sends."""
    if dialect in ("2008-08-01", "2010-04-01-sms", "2010-04-01-sms-xml"):
        return st.builds(
            NewMessage,
            to=phone_numbers(),
            from_=phone_numbers(),
            body=bodies(utf8=True, max_size=160).filter(bool),
            status_callback=_optional(_URLS),
            application_sid=(
                _optional(_sid("AP")) if dialect in ("2010-04-01-sms", "2010-04-01-sms-xml")
                else st.none()
            ),
        )
    return _full_new_messages()


def _full_new_messages() -> st.SearchStrategy[NewMessage]:
    @st.composite
    def build(draw: st.DrawFn) -> NewMessage:
        media = tuple(draw(st.lists(_URLS, max_size=3)))
        content_sid = draw(_optional(_sid("HX")))
        body = draw(bodies(utf8=True, max_size=1600))
        if not body and not media and content_sid is None:
            body = "x"
        service = draw(_optional(service_sids()))
        sender = draw(phone_numbers()) if service is None else draw(_optional(phone_numbers()))
        scheduled = draw(st.booleans())
        return NewMessage(
            to=draw(phone_numbers()),
            from_=sender,
            messaging_service_sid=service,
            body=body,
            media_urls=media,
            status_callback=draw(_optional(_URLS)),
            application_sid=draw(_optional(_sid("AP"))),
            content_sid=content_sid,
            content_variables=draw(_optional(st.just('{"1": "x"}'))),
            validity_period=draw(_optional(st.integers(1, 36000))),
            max_price=draw(_optional(st.decimals(min_value=0, max_value=10, places=2))),
            provide_feedback=draw(_optional(st.booleans())),
            force_delivery=draw(_optional(st.booleans())),
            smart_encoded=draw(_optional(st.booleans())),
            shorten_urls=draw(_optional(st.booleans())),
            send_as_mms=draw(_optional(st.booleans())),
            attempt=draw(_optional(st.integers(1, 5))),
            content_retention=draw(_optional(st.sampled_from(list(ContentRetention)))),
            address_retention=draw(_optional(st.sampled_from(list(AddressRetention)))),
            send_at=draw(aware_datetimes(whole_seconds=True)) if scheduled else None,
            schedule_type="fixed" if scheduled else None,
            persistent_action=tuple(draw(st.lists(st.just("mailto:a@example.com"), max_size=2))),
            fallback_from=draw(_optional(phone_numbers())),
        )

    return build()


def _filter_dates(*, whole_seconds: bool) -> st.SearchStrategy[dt.date]:
    return st.one_of(
        st.dates(min_value=dt.date(1971, 1, 1), max_value=dt.date(2099, 12, 31)),
        aware_datetimes(whole_seconds=whole_seconds),
    )


def list_queries(*, dialect: str | None = None, whole_seconds: bool = False
                 ) -> st.SearchStrategy[ListQuery]:
    """List filters and paging; ``PageToken`` only for 2010-04-01 ``/Messages`` (JSON or XML, or
    ``dialect=None``)."""
    token = _optional(st.from_regex(r"PA[A-Za-z0-9]{1,34}", fullmatch=True))
    return st.builds(
        ListQuery,
        to=_optional(phone_numbers()),
        from_=_optional(phone_numbers()),
        date_sent=_optional(_filter_dates(whole_seconds=whole_seconds)),
        date_sent_before=_optional(_filter_dates(whole_seconds=whole_seconds)),
        date_sent_after=_optional(_filter_dates(whole_seconds=whole_seconds)),
        page_size=_optional(st.integers(1, 1000)),
        page=_optional(st.integers(0, 10_000)),
        page_token=token if dialect in (None, "2010-04-01", "2010-04-01-xml") else st.none(),
    )


def message_updates() -> st.SearchStrategy[MessageUpdate]:
    return st.sampled_from(
        [
            MessageUpdate(body=""),
            MessageUpdate(status=Status.CANCELED),
            MessageUpdate(body="", status=Status.CANCELED),
        ]
    )


def message_pages(items: st.SearchStrategy[Message] | None = None, *, max_items: int = 5
                  ) -> st.SearchStrategy[MessagePage]:
    """Pages with consistent paging facts (``start``/``end`` agree with the items)."""

    @st.composite
    def build(draw: st.DrawFn) -> MessagePage:
        records = tuple(draw(st.lists(items or messages(), max_size=max_items)))
        size = draw(st.integers(max(len(records), 1), 1000))
        number = draw(st.integers(0, 50))
        start = number * size
        total = draw(st.integers(start + len(records), start + len(records) + 5000))
        return MessagePage(
            items=records,
            page=number,
            page_size=size,
            start=start,
            end=start + len(records) - 1 if records else start,
            total=total,
            num_pages=-(-total // size),
        )

    return build()


def api_errors(*, xml_safe: bool = False) -> st.SearchStrategy[ApiError]:
    """Errors as the API reports them, with and without a code."""
    codes = _optional(st.integers(20001, 99999))
    return st.builds(
        lambda status, message, code, with_link: ApiError(
            status, message, code,
            f"https://www.twilio.com/docs/errors/{code}" if code and with_link else None,
        ),
        st.sampled_from([400, 401, 404, 405, 409, 429, 500, 503]),
        text(xml_safe=xml_safe, min_size=1, max_size=60),
        codes,
        st.booleans(),
    )
