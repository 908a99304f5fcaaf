"""``twilio-compat proxy``: the command line of the legacy proxy.

Rules: every option has a ``COMPAT_PROXY_*`` environment variable as its default (the same names
:func:`compat.proxy.config.from_environment` reads), so a container needs no arguments. The auth
token for webhooks is never an option (it would show in process listings): it is read from the
environment variable ``--auth-token-env`` names. Errors are one line on stderr and exit status 2
(usage) or 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from compat import backends
from compat._retry import RetryPolicy
from compat.errors import CompatError
from compat.proxy.config import ENV_PREFIX, ProxyConfig, default_fronts
from compat.proxy.server import run

__all__ = ["main", "parser"]


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV_PREFIX + name) or default


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="twilio-compat proxy",
        description="Serve the 2008-08-01 /SMS/Messages API (and the other legacy dialects) in "
        "front of a 2010-04-01 JSON upstream: Twilio itself, or the emulator.",
    )
    p.add_argument("--upstream", default=_env("UPSTREAM"),
                   help="the 2010-04-01 API's base URL, e.g. https://api.twilio.com")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 = any free)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--front", action="append", default=None, metavar="DIALECT",
                   help="a dialect to serve (repeat; default: every registered dialect but the "
                   "upstream's)")
    p.add_argument("--upstream-dialect", default=_env("UPSTREAM_DIALECT", "2010-04-01"))
    p.add_argument("--legacy-url", default=_env("INCOMING_URL"),
                   help="the legacy application's SMS URL: incoming messages are forwarded there")
    p.add_argument("--status-url", default=_env("STATUS_URL"),
                   help="where status callbacks go when their URL names no target")
    p.add_argument("--public-url", default=_env("PUBLIC_URL"),
                   help="the proxy's public base URL, as Twilio calls it")
    p.add_argument("--auth-token-env", default=_env("AUTH_TOKEN_ENV", ENV_PREFIX + "AUTH_TOKEN"),
                   help="the environment variable holding the auth token (webhooks only)")
    p.add_argument("--count-limit", type=int, default=int(_env("COUNT_LIMIT", "10000") or 0),
                   help="the most messages counted for a 2008 list's total (default 10000)")
    p.add_argument("--upstream-timeout", type=float, default=15.0,
                   help="seconds to wait for each upstream answer (default 15)")
    p.add_argument("--header-timeout", type=float, default=10.0,
                   help="seconds a client has to send a request head (default 10)")
    p.add_argument("--body-timeout", type=float, default=10.0,
                   help="seconds a client has to send a request body (default 10)")
    p.add_argument("--keep-alive", type=float, default=5.0,
                   help="seconds an idle keep-alive connection stays open (default 5)")
    p.add_argument("--retries", type=int, default=2, help="retries of a GET upstream (default 2)")
    p.add_argument("--log-level", default="warning", help="uvicorn log level")
    return p


def _config(args: argparse.Namespace) -> ProxyConfig:
    if not args.upstream:
        raise CompatError(f"give --upstream URL (or set {ENV_PREFIX}UPSTREAM)")
    fronts = tuple(args.front or default_fronts(args.upstream_dialect))
    for name in (args.upstream_dialect, *fronts):
        backends.get(name)
    return ProxyConfig(
        upstream=args.upstream, upstream_dialect=args.upstream_dialect, fronts=fronts,
        upstream_timeout=args.upstream_timeout, header_timeout=args.header_timeout,
        body_timeout=args.body_timeout, keep_alive=args.keep_alive,
        retry=RetryPolicy(max_retries=args.retries), count_limit=args.count_limit,
        incoming_url=args.legacy_url, status_url=args.status_url, public_url=args.public_url,
        auth_token_env=args.auth_token_env,
    )


def main(argv: Sequence[str], out: TextIO | None = None) -> int:
    """Run ``twilio-compat proxy ARGS``; returns the exit status."""
    args = parser().parse_args(list(argv))
    try:
        config = _config(args)
        return run(config, host=args.host, port=args.port, workers=args.workers,
                   log_level=args.log_level, out=out or sys.stdout)
    except (CompatError, ValueError) as exc:
        sys.stderr.write(f"twilio-compat proxy: {exc}\n")
        return 1
