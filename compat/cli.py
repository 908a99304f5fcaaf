"""The ``twilio-compat`` command (also ``python -m compat``).

Rules: with no arguments it sends one message through an emulator embedded in the process (no
credentials, no network, deterministic test account) with the compat client, prints the new
message's SID and exits 0; it never waits on anything outside the process. ``serve`` runs the
emulator over HTTP with uvicorn, printing the base URL and the test account's credentials first
(``serve --cassette PATH`` serves a recorded cassette instead; ``check DIR`` checks a folder of
golden cases; both live in :mod:`compat.testing.commands`; ``convert`` and ``validate`` live in
:mod:`compat.convert.commands`).
Errors are one line on stderr and a non-zero exit (2 for usage, 1 for a refused request), never a
traceback.
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twilio-compat",
        description="Twilio 2008-08-01 and 2010-04-01 SMS APIs behind one model. With no command, "
        "send one message through the embedded emulator and print its SID.",
    )
    parser.add_argument("--version", action="version", version=f"twilio-compat {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    send = commands.add_parser(
        "send", help="send a message through the embedded emulator and print its SID (default)"
    )
    _send_options(send)

    serve = commands.add_parser("serve", help="serve the emulator over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any free)")
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
    serve.add_argument("--log-level", default="warning", help="uvicorn log level")
    _cassette_options(serve)

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
    parser.add_argument("--backend", default="2010-04-01", help="dialect to send through")
    parser.add_argument("--to", default=DEFAULT_TO, help=f"recipient (default {DEFAULT_TO})")
    parser.add_argument("--from", dest="from_", default=DEFAULT_FROM, help="sender")
    parser.add_argument("--body", default=DEFAULT_BODY, help="message text")
    parser.add_argument("--seed", type=int, default=0, help="seed for SIDs (default 0)")


def _send(args: argparse.Namespace, out: TextIO) -> int:
    from compat.emulator import Emulator

    with Emulator(seed=args.seed) as emulator, emulator.client(args.backend) as client:
        message = client.messages.create(to=args.to, from_=args.from_, body=args.body)
    out.write(f"{message.sid}\n")
    return 0


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    from compat.emulator import Emulator, ManualClock, SystemClock
    from compat.emulator.server import base_url, bind, make_server

    clock = ManualClock() if args.clock == "manual" else SystemClock()
    emulator = Emulator(seed=args.seed, mode=args.mode, clock=clock, db=args.db)
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        emulator.close()
        raise _Failure(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    account = emulator.account
    out.write(
        f"twilio-compat emulator at {base_url(sock)}\n"
        f"TWILIO_ACCOUNT_SID={account.sid}\n"
        f"TWILIO_AUTH_TOKEN={account.auth_token}\n"
        f"mode={emulator.mode.value} clock={args.clock} db={args.db or 'memory'} seed={args.seed}\n"
        "Press Ctrl-C to stop.\n"
    )
    out.flush()
    server = make_server(emulator, log_level=args.log_level)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # pragma: no cover - uvicorn normally handles the signal itself
        pass
    finally:
        sock.close()
        emulator.close()
    return 0


class _Failure(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = _parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in (
        "-h", "--help", "--version"
    )):
        arguments = ["send", *arguments]
    args = parser.parse_args(arguments)
    if args.command in convert_commands.COMMANDS:
        return convert_commands.run(args)
    try:
        if args.command == "serve" and args.cassette:
            from compat.testing.commands import serve_cassette_command

            return serve_cassette_command(args, sys.stdout)
        if args.command == "serve":
            return _serve(args, sys.stdout)
        if args.command == "check":
            from compat.testing.commands import check_command

            return check_command(args, sys.stdout)
        return _send(args, sys.stdout)
    except ApiError as exc:
        sys.stderr.write(f"twilio-compat: the emulator refused the message: {exc}\n")
        return 1
    except (CompatError, _Failure) as exc:
        sys.stderr.write(f"twilio-compat: {exc}\n")
        return 1
