"""What every dialect does alike, one table of hand-written facts driving every dialect.

The per-dialect modules keep what differs (documents, paths, paging); the rules every dialect keeps
the same way (Twilio's validation order and codes, limits in code points, refused operations on both
sides, 405 and 404 answers, error documents that are not documents) are checked here once.
"""

from __future__ import annotations

import attrs
import pytest

from compat.backends import get
from compat.backends.base import CreateCall
from compat.errors import ApiError, UnexpectedDocument, UnsupportedOperation
from compat.model import MessageUpdate
from compat.wire import FORM_CONTENT_TYPE, WireRequest, WireResponse, encode_form

AC = "AC" + "5e" * 16
SM = "SM" + "87" * 16


@attrs.frozen
class Facts:
    """Written by hand from the dialects' documentation, not read from the backends."""

    collection: str
    limit: int
    too_long: tuple[int, str]
    no_body: tuple[int, str]
    updates: bool


FACTS = {
    "2008-08-01": Facts(
        f"/2008-08-01/Accounts/{AC}/SMS/Messages", 160,
        (21605, "The message body exceeds the 160 character limit."),
        (21602, "Message body is required."), updates=False,
    ),
    "2010-04-01-sms": Facts(
        f"/2010-04-01/Accounts/{AC}/SMS/Messages.json", 160,
        (21605, "The message body exceeds the 160 character limit."),
        (21602, "Message body is required."), updates=False,
    ),
    "2010-04-01": Facts(
        f"/2010-04-01/Accounts/{AC}/Messages.json", 1600,
        (21617, "The concatenated message body exceeds the 1600 character limit."),
        (21619, "A text message body or media urls must be specified."), updates=True,
    ),
}
DIALECTS = sorted(FACTS)
VALID = {"To": "+15558675309", "From": "+14155551212", "Body": "Hi"}


def _instance(dialect: str) -> str:
    collection = FACTS[dialect].collection
    if collection.endswith(".json"):
        return f"{collection.removesuffix('.json')}/{SM}.json"
    return f"{collection}/{SM}"


def _post(dialect: str, form: dict[str, str]) -> WireRequest:
    return WireRequest("POST", FACTS[dialect].collection,
                       headers=(("Content-Type", FORM_CONTENT_TYPE),),
                       body=encode_form(form.items()))


def _refusal(dialect: str, form: dict[str, str]) -> ApiError:
    with pytest.raises(ApiError) as caught:
        get(dialect).parse_request(_post(dialect, form))
    return caught.value


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"From": "+14155551212", "Body": "Hi"}, (21604, "A 'To' phone number is required.")),
        ({"To": "", "From": "", "Body": ""}, (21604, "A 'To' phone number is required.")),
        ({"To": "+15558675309", "Body": "Hi"}, (21603, "A 'From' phone number is required.")),
        ({**VALID, "To": "12"}, (21211, "The 'To' number 12 is not a valid phone number.")),
        ({**VALID, "From": "Zeus The Mighty"}, (
            21212, "The 'From' number Zeus The Mighty is not a valid phone number, shortcode, "
            "or alphanumeric sender ID.")),
        # To is checked before From, and both before the body's length.
        ({**VALID, "To": "12", "From": "nope nope nope", "Body": "x" * 2000},
         (21211, "The 'To' number 12 is not a valid phone number.")),
    ],
)
def test_create_validation_in_twilio_order(dialect: str, form: dict[str, str],
                                           expected: tuple[int, str]) -> None:
    error = _refusal(dialect, form)
    assert (error.status, error.code, error.message) == (400, *expected)
    assert error.more_info == f"https://www.twilio.com/docs/errors/{expected[0]}"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_no_body_and_a_long_body_get_the_dialects_codes(dialect: str) -> None:
    facts = FACTS[dialect]
    missing = _refusal(dialect, {"To": "+15558675309", "From": "+14155551212"})
    assert (missing.code, missing.message) == facts.no_body
    assert (_refusal(dialect, {**VALID, "Body": ""}).code, ) == (facts.no_body[0],)
    long = _refusal(dialect, {**VALID, "Body": "x" * (facts.limit + 1)})
    assert (long.code, long.message) == facts.too_long


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_limit_counts_code_points(dialect: str) -> None:
    body = "😀" * FACTS[dialect].limit  # two UTF-16 units each, one code point
    call = get(dialect).parse_request(_post(dialect, {**VALID, "Body": body}))
    assert isinstance(call, CreateCall)
    assert call.message.body == body


@pytest.mark.parametrize("dialect", DIALECTS)
def test_operations_a_dialect_lacks_are_refused_on_both_sides(dialect: str) -> None:
    backend = get(dialect)
    if FACTS[dialect].updates:
        backend.build_update(AC, SM, MessageUpdate(body=""))
        assert backend.render_deleted().status == 204
        return
    with pytest.raises(UnsupportedOperation):
        backend.build_update(AC, SM, MessageUpdate(body=""))
    with pytest.raises(UnsupportedOperation):
        backend.build_delete(AC, SM)
    with pytest.raises(UnsupportedOperation):
        backend.render_deleted()
    with pytest.raises(UnsupportedOperation):
        backend.parse_deleted(WireResponse(204))
    for method in ("POST", "DELETE"):
        with pytest.raises(ApiError) as caught:
            backend.parse_request(WireRequest(method, _instance(dialect), body=b"Body="))
        assert (caught.value.status, caught.value.code) == (405, 20004)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_other_methods_answer_405(dialect: str, method: str) -> None:
    for path in (FACTS[dialect].collection, _instance(dialect)):
        with pytest.raises(ApiError) as caught:
            get(dialect).parse_request(WireRequest(method, path))
        assert (caught.value.status, caught.value.code) == (405, 20004)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_malformed_sid_answers_the_dialects_404(dialect: str) -> None:
    path = _instance(dialect).replace(SM, "SMnope")
    with pytest.raises(ApiError) as caught:
        get(dialect).parse_request(WireRequest("GET", path))
    assert caught.value == get(dialect).not_found(path)
    assert caught.value.status == 404


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("status", [500, 502, 503])
def test_an_error_without_a_document_keeps_the_http_status(dialect: str, status: int) -> None:
    backend = get(dialect)
    html = WireResponse(status, (("Content-Type", "text/html"),), b"<html>down</html>")
    error = backend.parse_error(html)
    assert (error.status, error.code) == (status, None)
    assert "the response held no error document" in error.message
    for parse in (backend.parse_message, backend.parse_page):
        with pytest.raises(ApiError) as caught:
            parse(html)
        assert caught.value.status == status
    assert backend.parse_error(WireResponse(status)).status == status


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("status", [202, 302])
def test_an_unexpected_success_status_is_refused(dialect: str, status: int) -> None:
    with pytest.raises(UnexpectedDocument, match=str(status)):
        get(dialect).parse_message(WireResponse(status, (), b""))
