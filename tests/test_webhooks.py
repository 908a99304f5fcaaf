"""Webhook parameters (incoming message, status callback) for both generations; the signature."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat.errors import UnexpectedDocument
from compat.model import Direction, Message, Status
from compat.webhooks import (
    SIGNATURE_HEADER,
    StatusCallback,
    compute_signature,
    incoming_message_params,
    parse_incoming_message,
    parse_status_callback,
    status_callback_params,
    validate_signature,
)

ACCOUNT = "AC" + "1" * 32
SID = "SM" + "a" * 32
NOW = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

# Twilio's published test vector (twilio-python tests/unit/test_request_validator.py).
VECTOR_TOKEN = "12345"
VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
VECTOR_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}


def message(**changes: object) -> Message:
    values: dict[str, object] = {
        "sid": SID,
        "account_sid": ACCOUNT,
        "to": "+14155551212",
        "from_": "+15558675309",
        "body": "Hi there",
        "status": Status.RECEIVED,
        "direction": Direction.INBOUND,
        "date_created": NOW,
        "num_segments": 1,
        "api_version": "2010-04-01",
    }
    values.update(changes)
    return Message(**values)  # type: ignore[arg-type]


# -- signature -------------------------------------------------------------------------------------


def test_signature_matches_twilios_test_vector() -> None:
    expected = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert compute_signature(VECTOR_TOKEN, VECTOR_URL, VECTOR_PARAMS) == expected


def test_signature_with_default_port_matches_twilios_vector() -> None:
    url = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    assert compute_signature(VECTOR_TOKEN, url, VECTOR_PARAMS) == "kvajT1Ptam85bY51eRf/AJRuM3w="


@pytest.mark.parametrize(
    ("url", "signature"),
    [
        (VECTOR_URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        (VECTOR_URL, "kvajT1Ptam85bY51eRf/AJRuM3w="),
        ("https://mycompany.com:443/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w="),
    ],
)
def test_validation_accepts_the_url_with_or_without_its_default_port(
    url: str, signature: str
) -> None:
    assert validate_signature(VECTOR_TOKEN, url, VECTOR_PARAMS, signature)


@pytest.mark.parametrize(
    ("token", "url", "params", "signature"),
    [
        ("54321", VECTOR_URL, VECTOR_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        (VECTOR_TOKEN, VECTOR_URL + "&x=1", VECTOR_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        (VECTOR_TOKEN, VECTOR_URL, {**VECTOR_PARAMS, "Digits": "9"}, VECTOR_SIGNATURE),
        (VECTOR_TOKEN, VECTOR_URL, VECTOR_PARAMS, ""),
        (VECTOR_TOKEN, VECTOR_URL, VECTOR_PARAMS, None),
        (VECTOR_TOKEN, VECTOR_URL, VECTOR_PARAMS, "not base64 at all ☃"),
    ],
)
def test_validation_refuses_any_change(
    token: str, url: str, params: dict[str, str], signature: str | None
) -> None:
    assert not validate_signature(token, url, params, signature)


def test_repeated_values_are_sorted_and_deduplicated() -> None:
    once = compute_signature("t", "https://x.test/", [("MediaUrl", "b"), ("MediaUrl", "a")])
    twice = compute_signature(
        "t", "https://x.test/", [("MediaUrl", "a"), ("MediaUrl", "b"), ("MediaUrl", "a")]
    )
    as_mapping = compute_signature("t", "https://x.test/", {"MediaUrl": ["b", "a"]})
    assert once == twice == as_mapping


def test_json_body_is_checked_by_its_hash() -> None:
    body = b'{"hello": "world"}'
    digest = hashlib.sha256(body).hexdigest()
    url = f"https://example.test/hook?bodySHA256={digest}"
    signature = compute_signature("tok", url)
    assert validate_signature("tok", url, signature=signature, body=body)
    assert not validate_signature("tok", url, signature=signature, body=body + b" ")


@given(
    token=st.text(min_size=1, max_size=40),
    params=st.lists(st.tuples(st.text(max_size=10), st.text(max_size=20)), max_size=6),
    path=st.text(alphabet="abcdefghijklmnopqrstuvwxyz/", max_size=20),
)
def test_every_computed_signature_validates(
    token: str, params: list[tuple[str, str]], path: str
) -> None:
    url = f"https://hooks.example.test/{path}"
    assert validate_signature(token, url, params, compute_signature(token, url, params))


def test_header_name() -> None:
    assert SIGNATURE_HEADER == "X-Twilio-Signature"


# -- incoming-message parameters -------------------------------------------------------------------


def test_incoming_2010_parameters() -> None:
    with_media = message(media_urls=("https://m.test/a.png",), num_media=1)
    params = dict(incoming_message_params(with_media))
    assert params["MessageSid"] == params["SmsSid"] == params["SmsMessageSid"] == SID
    assert params["AccountSid"] == ACCOUNT
    assert params["From"] == "+15558675309"
    assert params["To"] == "+14155551212"
    assert params["Body"] == "Hi there"
    assert params["NumMedia"] == "1"
    assert params["NumSegments"] == "1"
    assert params["SmsStatus"] == "received"
    assert params["ApiVersion"] == "2010-04-01"
    assert params["MediaUrl0"] == "https://m.test/a.png"
    assert params["MediaContentType0"] == "image/png"


def test_incoming_2008_parameters_use_ten_digit_numbers_and_no_2010_fields() -> None:
    params = dict(incoming_message_params(message(), api_version="2008-08-01"))
    assert params == {
        "SmsSid": SID,
        "SmsMessageSid": SID,
        "AccountSid": ACCOUNT,
        "From": "5558675309",
        "To": "4155551212",
        "Body": "Hi there",
    }


@pytest.mark.parametrize("api_version", ["2008-08-01", "2010-04-01"])
def test_incoming_parameters_read_back(api_version: str) -> None:
    original = message(api_version=api_version, media_urls=(), num_media=0)
    read = parse_incoming_message(incoming_message_params(original))
    assert read.sid == SID
    assert read.account_sid == ACCOUNT
    assert read.to == original.to
    assert read.from_ == original.from_
    assert read.body == original.body
    assert read.direction == Direction.INBOUND
    assert read.api_version == api_version


def test_incoming_media_are_read_in_index_order() -> None:
    params = [
        ("MessageSid", SID),
        ("AccountSid", ACCOUNT),
        ("MediaUrl1", "https://m.test/second"),
        ("MediaUrl0", "https://m.test/first"),
        ("MediaUrl10", "https://m.test/eleventh"),
    ]
    read = parse_incoming_message(params)
    assert read.media_urls == (
        "https://m.test/first",
        "https://m.test/second",
        "https://m.test/eleventh",
    )
    assert read.num_media == 3


@pytest.mark.parametrize(
    "params",
    [
        {"AccountSid": ACCOUNT},
        {"MessageSid": SID},
        {"MessageSid": "not-a-sid", "AccountSid": ACCOUNT},
    ],
)
def test_incoming_without_valid_sids_is_refused(params: dict[str, str]) -> None:
    with pytest.raises(UnexpectedDocument):
        parse_incoming_message(params)


# -- status callbacks ------------------------------------------------------------------------------


def test_status_callback_2010_parameters() -> None:
    sent = message(status=Status.SENT, direction=Direction.OUTBOUND_API)
    assert dict(status_callback_params(sent)) == {
        "SmsSid": SID,
        "SmsStatus": "sent",
        "MessageStatus": "sent",
        "To": "+14155551212",
        "MessageSid": SID,
        "AccountSid": ACCOUNT,
        "From": "+15558675309",
        "ApiVersion": "2010-04-01",
    }


def test_status_callback_2010_carries_error_code_when_failed() -> None:
    failed = message(status=Status.UNDELIVERED, error_code=30003)
    params = dict(status_callback_params(failed))
    assert params["ErrorCode"] == "30003"
    assert params["MessageStatus"] == "undelivered"
    assert "ErrorCode" not in dict(status_callback_params(message(status=Status.DELIVERED)))


def test_status_callback_2008_is_sid_and_status_only() -> None:
    sent = message(status=Status.SENT, api_version="2008-08-01")
    assert status_callback_params(sent) == [("SmsSid", SID), ("SmsStatus", "sent")]


@pytest.mark.parametrize(
    ("status", "written"),
    [("delivered", "sent"), ("undelivered", "failed"), ("failed", "failed"), ("queued", "queued")],
)
def test_status_callback_2008_maps_later_statuses_down(status: str, written: str) -> None:
    params = dict(status_callback_params(message(status=status), api_version="2008-08-01"))
    assert params["SmsStatus"] == written


@pytest.mark.parametrize("api_version", ["2008-08-01", "2010-04-01"])
def test_status_callback_reads_back(api_version: str) -> None:
    original = message(status=Status.FAILED, error_code=30008, api_version=api_version)
    read = parse_status_callback(status_callback_params(original))
    assert isinstance(read, StatusCallback)
    assert read.sid == SID
    assert read.status == Status.FAILED
    assert read.api_version == api_version
    if api_version == "2010-04-01":
        assert read.error_code == 30008
        assert read.to == "+14155551212"
        assert read.account_sid == ACCOUNT


@pytest.mark.parametrize(
    "params",
    [
        {"SmsStatus": "sent"},
        {"SmsSid": SID},
        {"SmsSid": SID, "SmsStatus": "sent", "ErrorCode": "x"},
    ],
)
def test_status_callback_missing_fields_is_refused(params: dict[str, str]) -> None:
    with pytest.raises(UnexpectedDocument):
        parse_status_callback(params)
