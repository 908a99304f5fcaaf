"""Scrubbing: secrets never survive, pseudonyms are consistent and idempotent, and a replayed
response gets back the live values (Hypothesis round trips)."""

from __future__ import annotations

import base64
import secrets

from hypothesis import assume, given
from hypothesis import strategies as st

from compat.testing.scrub import SCRUBBED, Scrubber, credentials_secrets
from compat.wire import FORM_CONTENT_TYPE, WireRequest, encode_form
from tests import strategies as ms

KEY = "00112233445566778899aabbccddeeff"
TOKENS = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)


def basic(user: str, password: str) -> tuple[str, str]:
    return ("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())


def create_request(account: str, token: str, to: str, from_: str, body: str) -> WireRequest:
    pairs = [("To", to), ("From", from_), ("Body", body)]
    return WireRequest(
        "POST",
        f"/2010-04-01/Accounts/{account}/Messages.json",
        (),
        (basic(account, token), ("Content-Type", FORM_CONTENT_TYPE)),
        encode_form(pairs),
    )


def everything(request: WireRequest) -> str:
    return f"{request.target} {request.body.decode()} {request.headers}"


@given(ms.account_sids(), TOKENS, ms.phone_numbers(), ms.phone_numbers(),
       ms.bodies(utf8=True, max_size=20))
def test_no_secret_or_real_value_survives_a_request(
    account: str, token: str, to: str, from_: str, body: str
) -> None:
    assume(token not in account)
    scrubbed = Scrubber(KEY).request(create_request(account, token, to, from_, body))
    text = everything(scrubbed)
    assert scrubbed.headers == ()
    assert token not in text
    assert account not in text
    form = dict(scrubbed.form())
    assert form["To"] != to or to in Scrubber(KEY).pseudonyms
    assert form["Body"].replace(SCRUBBED, "") == body.replace(token, "")


@given(ms.account_sids(), TOKENS, ms.phone_numbers(), ms.phone_numbers())
def test_pseudonyms_are_consistent_and_scrubbing_is_idempotent(
    account: str, token: str, to: str, from_: str
) -> None:
    assume(token not in account)
    request = create_request(account, token, to, from_, "hi")
    first, second = Scrubber(KEY), Scrubber(KEY)
    once = first.request(request)
    assert second.request(request) == once  # same key, same pseudonyms: a replay matches
    again = Scrubber(KEY, known=first.pseudonyms).request(once)
    assert again == once  # a pseudonym is never scrubbed again
    other = Scrubber("ff" * 16).request(request)
    assert other.path != once.path  # another cassette, other pseudonyms


@given(ms.account_sids(), TOKENS, ms.phone_numbers(), ms.phone_numbers(), st.booleans())
def test_restore_undoes_the_scrubbing_of_a_response(
    account: str, token: str, to: str, from_: str, bare: bool
) -> None:
    assume(token not in account)
    scrubber = Scrubber(KEY)
    scrubber.request(create_request(account, token, to, from_, "hi"))
    shown_to = to[2:] if bare and to.startswith("+1") else to
    response = (
        f'{{"account_sid": "{account}", "to": "{to}", "from": "{from_}", '
        f'"uri": "/2010-04-01/Accounts/{account}/Messages.json?To=%2B{to[1:]}"}}'
        f"<To>{shown_to}</To>"
    )
    kept = scrubber.text(response, [token])
    assert account not in kept
    assert scrubber.restore(kept) == response


@given(TOKENS, st.sampled_from(["AuthToken", "auth_token", "Secret", "Password"]))
def test_fields_named_like_secrets_are_scrubbed_everywhere(token: str, name: str) -> None:
    scrubber = Scrubber(KEY, pseudonymize=False)
    assert scrubber.pairs([(name, token)]) == [(name, SCRUBBED)]
    body = f'{{"auth_token": "{token}", "secret": "{token}"}}<AuthToken>{token}</AuthToken>'
    assert token not in scrubber.text(body)
    request = WireRequest("GET", f"/x/{token}", [("q", token)], [("Authorization", "Bearer " +
                                                                   token)])
    assert token not in everything(scrubber.request(request))


def test_explicit_secrets_and_encoded_forms_are_scrubbed() -> None:
    secret = "s3cr&t/" + secrets.token_hex(4)
    scrubber = Scrubber(KEY, secrets=[secret])
    request = WireRequest("GET", "/p", [("Note", f"is {secret}")])
    assert secret not in everything(scrubber.request(request))
    assert "s3cr%26t" not in scrubber.text("a=s3cr%26t%2F" + secret[7:])


def test_credentials_are_read_from_basic_and_bearer_headers_only() -> None:
    assert credentials_secrets([basic("SKkey", "the-secret")]) == ["the-secret"]
    assert credentials_secrets([("authorization", "Bearer tok")]) == ["tok"]
    assert credentials_secrets([("Authorization", "Basic !!!"), ("X-Other", "Basic eDp5")]) == []


def test_pseudonyms_are_valid_numbers_and_sids_and_leave_other_values_alone() -> None:
    from compat import phone

    scrubber = Scrubber(KEY)
    made = scrubber.number("+14158675309")
    assert phone.normalize(made) == made
    assert made.startswith("+1555")
    assert scrubber.number("4158675309") == made[2:]  # 2008's ten digits stay ten digits
    assert scrubber.number("(415) 867-5309") == made
    assert scrubber.number("12345") == "12345"  # a short code
    assert scrubber.number("MyBrand") == "MyBrand"
    sid = scrubber.account("AC" + "ab" * 16)
    assert sid.startswith("AC")
    assert len(sid) == 34
    assert "pseudonyms=2" in repr(scrubber)
    assert Scrubber(KEY, pseudonymize=False).number("+14158675309") == "+14158675309"


def test_a_body_that_is_not_a_form_is_scrubbed_as_text() -> None:
    scrubber = Scrubber(KEY, secrets=["tok"])
    request = WireRequest("POST", "/p", (), [("Content-Type", "application/json")],
                          b'{"to": "+14158675309", "x": "tok"}')
    kept = scrubber.request(request).body
    assert b"tok" not in kept
    assert b"+14158675309" not in kept
    assert scrubber.body(b"\xff tok") == b""
    assert scrubber.body(b"\xff plain") == b"\xff plain"
