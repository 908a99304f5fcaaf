"""The server stack: which uvicorn protocol and loop every server of the package runs on, and that
what the package adds to the protocol (the head limit, the emulator's read deadline, the proxy's
head deadline) behaves the same on httptools and on the h11 fallback. Real loopback sockets."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from compat import _serving
from compat._serving import MAX_HEAD, Stack, ThreadedServer, bind, server_stack
from compat.emulator import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, Emulator, ManualClock
from compat.emulator.server import make_app_server, make_server, serve_in_thread
from compat.proxy._protocol import HeaderDeadlineProtocol, header_deadline

httptools_impl = pytest.importorskip("uvicorn.protocols.http.httptools_impl")
pytest.importorskip("uvloop")

FALLBACK = Stack("h11", "asyncio")
STACKS = [pytest.param(Stack("httptools", "uvloop"), id="httptools-uvloop"),
          pytest.param(FALLBACK, id="h11-asyncio")]
LIST = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"


def test_the_stack_is_httptools_on_uvloop_where_installed() -> None:
    assert server_stack() == Stack("httptools", "uvloop")


@pytest.mark.parametrize("missing", [{"httptools"}, {"uvloop"}, {"httptools", "uvloop"}])
def test_each_missing_part_falls_back_on_its_own(
    monkeypatch: pytest.MonkeyPatch, missing: set[str]
) -> None:
    installed = _serving._installed
    monkeypatch.setattr(_serving, "_installed", lambda name: name not in missing and
                        installed(name))
    assert server_stack() == Stack("h11" if "httptools" in missing else "httptools",
                                   "asyncio" if "uvloop" in missing else "uvloop")


def test_serve_and_the_cassette_server_use_the_stack() -> None:
    emulator = Emulator(clock=ManualClock())
    for server in (make_server(emulator), make_app_server(object())):
        assert issubclass(server.config.http, httptools_impl.HttpToolsProtocol)
        assert server.config.loop == "uvloop"
        assert server.config.h11_max_incomplete_event_size == MAX_HEAD
    fallback = make_server(emulator, stack=FALLBACK)
    assert issubclass(fallback.config.http, H11Protocol)
    assert fallback.config.loop == "asyncio"
    emulator.close()


def test_the_proxy_uses_the_stack() -> None:
    from compat.proxy import ProxyApp, ProxyConfig
    from compat.proxy.server import make_server as make_proxy_server

    assert issubclass(HeaderDeadlineProtocol, httptools_impl.HttpToolsProtocol)
    assert issubclass(header_deadline("h11"), H11Protocol)
    server = make_proxy_server(ProxyApp(ProxyConfig(upstream="http://127.0.0.1:9")))
    assert server.config.loop == "uvloop"
    server.config.load()
    assert server.config.http_protocol_class is HeaderDeadlineProtocol


def _head(size: int, *, whole: bool = True) -> bytes:
    """A request head with a header of ``size`` bytes; not ``whole``: the head never ends."""
    head = f"GET {LIST} HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * size}"
    return (head + ("\r\nConnection: close\r\n\r\n" if whole else "")).encode()


def _answer(url: str, data: bytes, limit: float = 10) -> bytes:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=limit) as sock:
        with contextlib.suppress(OSError):  # answered and closed while we were still sending
            sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


@pytest.mark.parametrize("stack", STACKS)
def test_the_head_limit_is_the_same_on_both_stacks(stack: Stack) -> None:
    emulator = Emulator(clock=ManualClock())
    with serve_in_thread(emulator, stack=stack) as served:
        assert _answer(served.url, _head(MAX_HEAD // 2)).startswith(b"HTTP/1.1 401")
        refused = _answer(served.url, _head(MAX_HEAD + 1024, whole=False))
        assert refused[9:12] in (b"400", b"431"), refused[:100]  # h11 says 400, the limit 431
        answer = httpx.post(served.url + LIST, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN),
                            data={"To": "+15558675310", "From": "+15017122661", "Body": "hi"})
        assert answer.status_code == 201
    emulator.close()


async def _hello(scope: dict[str, object], receive: object, send: object) -> None:
    assert scope["type"] in ("http", "lifespan")
    if scope["type"] == "lifespan":
        return
    await send({"type": "http.response.start", "status": 200,  # type: ignore[operator]
                "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]


@pytest.fixture(params=STACKS)
def proxy_like(request: pytest.FixtureRequest) -> Iterator[ThreadedServer]:
    """A trivial app served like the proxy: its protocol on ``request.param``, heads in 0.5 s."""
    stack: Stack = request.param
    config = uvicorn.Config(_hello, lifespan="off", log_level="warning", ws="none",
                            http=header_deadline(stack.http), loop=stack.loop,
                            h11_max_incomplete_event_size=MAX_HEAD, timeout_keep_alive=30)
    config.compat_header_timeout = 0.5  # type: ignore[attr-defined]
    served = ThreadedServer(uvicorn.Server(config), bind(), "test-proxy-like")
    served.start(10)
    yield served
    served.stop()


def test_the_proxy_head_deadline_drops_a_stalled_head_on_both_stacks(
    proxy_like: ThreadedServer,
) -> None:
    with socket.create_connection((proxy_like.host, proxy_like.port), timeout=5) as stalled:
        stalled.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Half: ")
        started = time.monotonic()
        assert httpx.get(proxy_like.url + "/").text == "ok"
        assert stalled.recv(65536) == b""  # closed without an answer
        assert 0.3 <= time.monotonic() - started <= 3
    assert _answer(proxy_like.url, _head(MAX_HEAD + 1024, whole=False))[9:12] in (b"400", b"431")
