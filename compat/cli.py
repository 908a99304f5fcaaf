"""The ``twilio-compat`` command (also ``python -m compat``).

Rules: with no arguments it sends one message through an emulator embedded in the process (no
credentials, no network, deterministic test account) with the compat client, prints a one-line
summary starting with the new message's SID and exits 0; it never waits on anything outside the
process. ``send --base-url URL`` sends through any API instead, with credentials from the
environment (:mod:`compat.send_command` documents its output and exit codes). ``serve`` runs the
emulator over HTTP with uvicorn, printing the base URL, the test account's credentials and the
inbox page's address first (``serve --cassette PATH`` serves a recorded cassette instead;
``check DIR`` checks a folder of golden cases; both live in :mod:`compat.testing.commands`;
``convert`` and ``validate`` live in :mod:`compat.convert.commands`).
``proxy`` runs the legacy proxy; its options and implementation live in
:mod:`compat.proxy.command`.
Errors are one line on stderr and a non-zero exit, never a traceback: 1 for a refused request
(or any other failure), 2 for usage (including ``serve``'s bad ``--port``, ``--read-timeout`` or
``--log-level``), 3 for a ``serve --db`` file that cannot be used (not a database, damaged,
unreadable, read-only, locked) and for a ``send`` that got no readable answer, 4 for an address
``serve`` cannot listen on (in use, not allowed, not an address).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from compat._version import __version__
from compat.convert import commands as convert_commands
from compat.errors import ApiError, CompatError

__all__ = ["main"]

DEFAULT_TO = "+15558675310"
DEFAULT_FROM = "+15005550006"
DEFAULT_BODY = "Hello from twilio-compat"

#: Exit statuses (see the module docstring and docs/emulator.md).
EXIT_FAILED, EXIT_USAGE, EXIT_DATABASE, EXIT_ADDRESS = 1, 2, 3, 4
DEFAULT_READ_TIMEOUT = 10.0
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twilio-compat",
        description="Twilio 2008-08-01 and 2010-04-01 SMS APIs behind one model. With no command, "
        "send one message through the embedded emulator and print its SID.",
    )
    parser.add_argument("--version", action="version", version=f"twilio-compat {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    send = commands.add_parser(
        "send", help="send a message (through the embedded emulator unless --base-url) and print "
        "a one-line summary (default)"
    )
    _send_options(send)

    serve = commands.add_parser("serve", help="serve the emulator over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", default="8080", help="port (default 8080; 0 = any free)")
    serve.add_argument(
        "--read-timeout",
        default=str(DEFAULT_READ_TIMEOUT),
        metavar="SECONDS",
        help="drop a connection whose request is not fully received within this time "
        f"(default {DEFAULT_READ_TIMEOUT:g})",
    )
    serve.add_argument("--db", default=None, help="keep state in this SQLite file")
    serve.add_argument("--seed", type=int, default=0, help="seed for SIDs (default 0)")
    serve.add_argument(
        "--mode",
        choices=("immediate", "manual", "timed"),
        default="immediate",
        help="message lifecycle: all at once, stepped through /__admin, or by the clock",
    )
    serve.add_argument(
        "--clock",
        choices=("system", "manual"),
        default="system",
        help="system time, or a manual clock moved through /__admin/clock",
    )
    serve.add_argument(
        "--no-inbox",
        dest="inbox",
        action="store_false",
        help="do not serve the inbox page at / (the API and /__admin only)",
    )
    serve.add_argument("--log-level", default="warning", help="uvicorn log level")
    _cassette_options(serve)

    commands.add_parser(  # its options live in compat.proxy.command (see main)
        "proxy", add_help=False,
        help="serve the 2008-08-01 API in front of a 2010-04-01 upstream (proxy --help)",
    )

    check = commands.add_parser(
        "check", help="check a directory of golden cases: each parses, renders back, validates"
    )
    check.add_argument("root", help="a folder of <dialect>/*.json golden cases")
    convert_commands.add_commands(commands)
    return parser


def _cassette_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cassette", default=None, metavar="PATH",
                        help="serve this recorded cassette instead of the emulator")
    parser.add_argument("--record-mode", choices=("none", "once", "new_episodes", "all"),
                        default="none", help="with --cassette: when to record (default none)")
    parser.add_argument("--upstream", default="https://api.twilio.com",
                        help="with --cassette and a recording mode: where requests go")


def _send_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url", default=None, metavar="URL",
        help="send to this API (the served emulator, a proxy, https://api.twilio.com) with "
        "credentials from TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and "
        "TWILIO_API_SECRET); default: the embedded emulator, no credentials",
    )
    parser.add_argument("--backend", "--dialect", dest="backend", default="2010-04-01",
                        metavar="DIALECT", help="dialect to send through (default 2010-04-01)")
    parser.add_argument("--to", default=DEFAULT_TO, metavar="NUMBER",
                        help=f"recipient (default {DEFAULT_TO})")
    parser.add_argument("--from", dest="from_", default=DEFAULT_FROM, metavar="NUMBER",
                        help=f"sender (default {DEFAULT_FROM})")
    parser.add_argument("--body", default=DEFAULT_BODY, metavar="TEXT", help="message text")
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="seed for the embedded emulator's SIDs (default 0)")
    parser.add_argument("--json", action="store_true", help="print the whole message as JSON")


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise _Failure(f"bad port {text!r}: a port is a whole number from 0 to 65535", EXIT_USAGE)
    return int(text)


def _read_timeout(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:  # also refuses nan and inf
        raise _Failure(
            f"bad --read-timeout {text!r}: give seconds, more than 0 and at most 3600", EXIT_USAGE
        )
    return seconds


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    from compat.emulator import Emulator, ManualClock, SystemClock
    from compat.emulator.server import base_url, bind, make_server

    port: int = args.port
    read_timeout: float = args.read_timeout
    clock = ManualClock() if args.clock == "manual" else SystemClock()
    try:
        emulator = Emulator(seed=args.seed, mode=args.mode, clock=clock, db=args.db)
    except CompatError as exc:
        raise _Failure(str(exc), EXIT_DATABASE if args.db else EXIT_FAILED) from None
    try:
        sock = bind(args.host, port)
    except OSError as exc:
        emulator.close()
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise _Failure(f"cannot listen on {args.host}:{port}: {reason}", EXIT_ADDRESS) from None
    account = emulator.account
    inbox = f"inbox at {base_url(sock)}/ (open it in a browser)\n" if args.inbox else ""
    out.write(
        f"twilio-compat emulator at {base_url(sock)}\n"
        f"TWILIO_ACCOUNT_SID={account.sid}\n"
        f"TWILIO_AUTH_TOKEN={account.auth_token}\n"
        f"{inbox}"
        f"mode={emulator.mode.value} clock={args.clock} db={args.db or 'memory'} seed={args.seed}\n"
        "Press Ctrl-C to stop.\n"
    )
    out.flush()
    server = make_server(
        emulator, log_level=args.log_level, inbox=args.inbox, read_timeout=read_timeout
    )
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # pragma: no cover - uvicorn normally handles the signal itself
        pass
    finally:
        sock.close()
        emulator.close()
    return 0


class _Failure(Exception):
    def __init__(self, message: str, status: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.status = status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = _parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in (
        "-h", "--help", "--version"
    )):
        arguments = ["send", *arguments]
    if arguments[0] == "proxy":
        from compat.proxy.command import main as proxy_main

        return proxy_main(arguments[1:])
    args = parser.parse_args(arguments)
    if args.command in convert_commands.COMMANDS:
        return convert_commands.run(args)
    try:
        if args.command == "serve":
            args.port = _port(args.port)
            args.read_timeout = _read_timeout(args.read_timeout)
            if args.log_level.lower() not in _LOG_LEVELS:
                raise _Failure(f"bad --log-level {args.log_level!r}: one of "
                               f"{', '.join(_LOG_LEVELS)}", EXIT_USAGE)
        if args.command == "serve" and args.cassette:
            from compat.testing.commands import serve_cassette_command

            return serve_cassette_command(args, sys.stdout)
        if args.command == "serve":
            return _serve(args, sys.stdout)
        if args.command == "check":
            from compat.testing.commands import check_command

            return check_command(args, sys.stdout)
        from compat.send_command import send_command

        return send_command(args, sys.stdout, sys.stderr)
    except ApiError as exc:
        sys.stderr.write(f"twilio-compat: the emulator refused the message: {exc}\n")
        return 1
    except _Failure as exc:
        sys.stderr.write(f"twilio-compat: {exc}\n")
        return exc.status
    except CompatError as exc:
        sys.stderr.write(f"twilio-compat: {exc}\n")
        return EXIT_FAILED
