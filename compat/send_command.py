"""``twilio-compat send``: one message through the embedded emulator or any API, and a summary.

Rules this module keeps:

* **The network only when asked.** Without ``--base-url`` the message goes to an emulator embedded
  in the process: no credentials, no network, SIDs from ``--seed``. With ``--base-url`` (the
  emulator served, the migration proxy, ``https://api.twilio.com``) credentials come from the
  environment only: ``TWILIO_ACCOUNT_SID`` with ``TWILIO_AUTH_TOKEN``, or with ``TWILIO_API_KEY``
  and ``TWILIO_API_SECRET``; never from the command line, where shell history would keep them.
  ``TWILIO_BASE_URL`` is not read here, so a variable set for your code never sends the bare
  command to the network.
* **Output.** One line a person can read, starting with the SID:
  ``SM... queued from +15005550006 to +15558675310 (1 segment, 2010-04-01)`` (segments when the
  dialect reports them); ``--json`` prints the whole message (:func:`compat.fixtures.to_plain`).
* **Errors.** One line on stderr, never a traceback, never a credential (the line is scrubbed of
  the environment's secrets as well). Exit codes: :data:`SENT` 0; :data:`REFUSED` 1 (the API
  answered an error, or the request was refused before it was sent: a bad number, a body too long
  for the dialect, an operation it lacks); :data:`USAGE` 2 (a bad option, a missing credential, an
  unknown dialect, a bad base URL); :data:`UNREACHABLE` 3 (no answer that could be read: refused
  connection, timeout, dropped connection, a response not in the dialect).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from typing import TextIO

from compat.client import Client
from compat.emulator import Emulator
from compat.errors import (
    ApiError,
    CompatError,
    ConfigurationError,
    RequestError,
    ResponseError,
    TransportError,
)
from compat.fixtures import to_plain
from compat.model import Message

__all__ = ["REFUSED", "SENT", "UNREACHABLE", "USAGE", "send_command", "summary"]

SENT = 0
REFUSED = 1
USAGE = 2
UNREACHABLE = 3

_SECRETS = ("TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET")


class _Usage(CompatError):
    pass


def summary(message: Message, dialect: str) -> str:
    """The one-line summary: SID, status, sender, recipient, segments when known, dialect."""
    sender = message.from_ or message.messaging_service_sid or "-"
    facts = []
    if message.num_segments is not None:
        facts.append(f"{message.num_segments} segment{'' if message.num_segments == 1 else 's'}")
    facts.append(dialect)
    return (f"{message.sid} {message.status} from {sender} to {message.to or '-'} "
            f"({', '.join(facts)})")


def _send(args: argparse.Namespace, environ: Mapping[str, str]) -> Message:
    if args.base_url is None:
        seed = 0 if args.seed is None else args.seed
        with Emulator(seed=seed) as emulator, emulator.client(args.backend) as client:
            return client.messages.create(to=args.to, from_=args.from_, body=args.body)
    if args.seed is not None:
        raise _Usage("--seed applies to the embedded emulator only, not with --base-url")
    api_key = environ.get("TWILIO_API_KEY") or None
    api_secret = environ.get("TWILIO_API_SECRET") or None
    if bool(api_key) != bool(api_secret):
        raise ConfigurationError("set both TWILIO_API_KEY and TWILIO_API_SECRET, or neither")
    with Client(
        environ.get("TWILIO_ACCOUNT_SID") or None,
        None if api_key else (environ.get("TWILIO_AUTH_TOKEN") or None),
        api_key=api_key,
        api_secret=api_secret,
        backend=args.backend,
        base_url=args.base_url,
    ) as client:
        return client.messages.create(to=args.to, from_=args.from_, body=args.body)


def _outcome(exc: CompatError, where: str) -> tuple[int, str]:
    if isinstance(exc, (_Usage, ConfigurationError)):
        return USAGE, str(exc)
    if isinstance(exc, ApiError):
        return REFUSED, f"{where} refused the message: {exc}"
    if isinstance(exc, RequestError):
        return REFUSED, f"refused before sending: {exc}"
    if isinstance(exc, (TransportError, ResponseError)):
        return UNREACHABLE, f"no answer from {where}: {exc}"
    return REFUSED, str(exc)


def send_command(
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Send one message as ``args`` say; returns the exit status (see the module docstring)."""
    env = os.environ if environ is None else environ
    where = "the emulator" if args.base_url is None else f"the API at {args.base_url}"
    try:
        message = _send(args, env)
    except CompatError as exc:
        status, line = _outcome(exc, where)
        line = " ".join(line.split())
        for name in _SECRETS:
            secret = env.get(name)
            if secret:
                line = line.replace(secret, "***")
        err.write(f"twilio-compat: {line}\n")
        return status
    if args.json:
        out.write(json.dumps(to_plain(message), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(summary(message, args.backend) + "\n")
    return SENT
