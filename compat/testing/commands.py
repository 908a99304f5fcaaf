"""The testing commands of ``twilio-compat``: ``serve --cassette PATH`` and ``check DIR``.

Rules: like the rest of the command line, errors are one line on stderr and a non-zero exit, never
a traceback; ``serve --cassette`` prints its base URL first and never prints a credential; ``check``
prints one line per problem and a summary, and exits 1 when any check failed.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from compat.emulator.server import base_url, bind, make_app_server
from compat.errors import CompatError
from compat.testing.cassette_server import CassetteApp
from compat.testing.golden import check_root
from compat.testing.replay import CassetteSession, RecordMode

__all__ = ["check_command", "serve_cassette_command"]


def serve_cassette_command(args: argparse.Namespace, out: TextIO) -> int:
    """Serve a cassette until interrupted."""
    try:
        session = CassetteSession(args.cassette, mode=args.record_mode)
    except CompatError as exc:
        sys.stderr.write(f"twilio-compat: {exc}\n")
        return 1
    if not session.cassette.existed and session.mode is RecordMode.NONE:
        sys.stderr.write(f"twilio-compat: no cassette at {args.cassette}\n")
        return 1
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        sys.stderr.write(f"twilio-compat: cannot listen on {args.host}:{args.port}: {exc}\n")
        return 1
    exchanges = len(session.cassette.exchanges)
    out.write(
        f"twilio-compat cassette at {base_url(sock)}\n"
        f"cassette={args.cassette} exchanges={exchanges} record-mode={session.mode.value}\n"
        "Press Ctrl-C to stop.\n"
    )
    out.flush()
    app = CassetteApp(session, upstream=args.upstream)
    try:
        make_app_server(app, log_level=args.log_level).run(sockets=[sock])
    finally:
        sock.close()
        app.close()
    return 0


def check_command(args: argparse.Namespace, out: TextIO) -> int:
    """Check a folder of golden cases; 0 when every check passed."""
    report = check_root(args.root)
    for problem in report.problems:
        out.write(f"FAIL {problem}\n")
    for note in report.notes:
        out.write(f"note {note}\n")
    verdict = "ok" if report.ok else f"{len(report.problems)} problems"
    out.write(f"{report.checked} cases checked: {verdict}\n")
    return 0 if report.ok else 1
