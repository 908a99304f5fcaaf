"""The requests the edge builds for a client it made are the ones httpx would build.

``Edge.request`` hands ``httpx.Request`` finished headers (``Host`` and ``Content-Length`` added
as httpx adds them) and a body stream read at once. Here every request it builds is compared,
header for header and in order, with ``httpx.Request(..., content=body)`` given the request's
headers and the client's.
"""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat._http import _OWN_CLIENT_HEADERS, DEFAULT_TIMEOUT, USER_AGENT, Edge
from compat.wire import WireRequest

AUTHORIZATION = "Basic QUM6c2VjcmV0"
FIXED = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json"


def _edge(base_url: str) -> Edge:
    return Edge(base_url=base_url, authorization=AUTHORIZATION, timeout=DEFAULT_TIMEOUT,
                reveal_numbers=False, fixed_targets=(FIXED,))


def reference(base_url: str, request: WireRequest) -> httpx.Request:
    """What httpx builds from the same request, headers and body (the edge's former build)."""
    own = (("Authorization", AUTHORIZATION), ("User-Agent", USER_AGENT), *_OWN_CLIENT_HEADERS)
    return httpx.Request(
        request.method,
        base_url + request.target,
        headers=request.headers + own,
        content=request.body or None,
        extensions={"timeout": DEFAULT_TIMEOUT.as_dict()},
    )


def _same(ours: httpx.Request, theirs: httpx.Request) -> None:
    assert ours.method == theirs.method
    assert ours.url == theirs.url
    assert ours.headers.raw == theirs.headers.raw
    assert ours.content == theirs.content
    assert b"".join(ours.stream) == b"".join(theirs.stream)  # type: ignore[arg-type]
    assert ours.extensions == theirs.extensions


_NAMES = st.sampled_from(["Content-Type", "content-type", "Host", "HOST", "Content-Length",
                          "content-length", "Transfer-Encoding", "X-Twilio-Signature", "Accept"])
_VALUES = st.text(alphabet="abc/-=+; 0123456789", max_size=12)


@given(
    base_url=st.sampled_from(["https://api.twilio.com", "http://127.0.0.1:8080",
                              "http://localhost:80", "https://example.test:8443/prefix"]),
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "post", "get"]),
    target=st.sampled_from([FIXED, FIXED.replace(".json", "/SM" + "1" * 32 + ".json"),
                            "/2010-04-01/Accounts/AC1/Messages.json?PageSize=50&To=%2B1555"]),
    headers=st.lists(st.tuples(_NAMES, _VALUES), max_size=3),
    body=st.binary(max_size=40),
)
def test_requests_are_what_httpx_builds(base_url: str, method: str, target: str,
                                        headers: list[tuple[str, str]], body: bytes) -> None:
    request = WireRequest.from_target(method, target, headers, body)
    request = WireRequest(method, request.path, request.query, request.headers, body)
    _same(_edge(base_url).request(request), reference(base_url, request))


@pytest.mark.parametrize(
    ("method", "headers", "body"),
    [
        ("GET", (), b""),
        ("POST", (("Content-Type", "application/x-www-form-urlencoded"),), b"To=%2B1&Body=hi"),
        ("POST", (), b""),
        ("DELETE", (), b""),
    ],
)
def test_the_client_calls(method: str, headers: tuple[tuple[str, str], ...], body: bytes) -> None:
    """The requests the client sends (a fetch, a create, an empty POST, a delete), and the
    plain GET's headers are a copy: changing one request's headers leaves the next alone."""
    edge = _edge("https://api.twilio.com")
    request = WireRequest(method, FIXED, (), headers, body)
    built = edge.request(request)
    _same(built, reference("https://api.twilio.com", request))
    built.headers["X-Changed"] = "1"
    assert "X-Changed" not in edge.request(request).headers
