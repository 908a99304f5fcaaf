"""The ``convert`` and ``validate`` subcommands of ``twilio-compat``.

Rules this module keeps:

* ``convert IN... --to DIALECT [--out DIR]`` converts files, directories and ``-`` (stdin, JSON
  Lines) one document at a time (:mod:`compat.convert.batch`); ``validate FILE...`` checks each
  document against ``schemas/`` and prints each problem as ``FILE:LINE: message``.
* A progress bar (tqdm) is drawn on standard error only when it is a terminal. A summary of what
  was converted and skipped, by reason, ends every ``convert`` on standard error.
* Exit codes: 0 everything converted (or valid); 1 at least one document skipped (or invalid);
  2 a usage error (unknown dialect, an input that does not exist, ``--out`` not a directory).
  Every error is one line; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from compat import backends
from compat.errors import CompatError

if TYPE_CHECKING:
    from compat.convert.batch import Document

__all__ = ["COMMANDS", "add_commands", "run"]

#: The subcommands this module answers.
COMMANDS = ("convert", "validate")

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2


class _DialectsHelp(argparse.HelpFormatter):
    """Fills in the dialect names when ``convert --help`` is printed, not when the parser is
    built: listing them discovers third-party dialects (entry points), which every other command
    starts faster without."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text is not None and _DIALECTS in text:
            text = text.replace(_DIALECTS, ", ".join(backends.names()))
        return text


_DIALECTS = "{dialects}"


def add_commands(commands: Any) -> None:
    """Register ``convert`` and ``validate`` on an argparse subparsers object."""
    convert = commands.add_parser(
        "convert", help="convert archived documents (REST, webhooks, TwiML) to another dialect",
        formatter_class=_DialectsHelp,
    )
    convert.add_argument("inputs", nargs="+", metavar="IN",
                         help="files, directories, or - for JSON Lines on stdin")
    convert.add_argument("--to", required=True, metavar="DIALECT",
                         help=f"target dialect ({_DIALECTS})")
    convert.add_argument("--out", default=None, metavar="DIR",
                         help="write converted files here (default: JSON Lines on stdout)")
    validate = commands.add_parser(
        "validate", help="check documents against the shipped schemas, each problem with its line"
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="files or directories")


def run(args: argparse.Namespace, stdout: TextIO | None = None,
        stderr: TextIO | None = None) -> int:
    """Run ``convert`` or ``validate``; returns the exit status."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        if args.command == "convert":
            return _convert(args, out, err)
        return _validate(args, out, err)
    except _Usage as exc:
        err.write(f"twilio-compat {args.command}: {exc}\n")
        return EXIT_USAGE


class _Usage(Exception):
    pass


def _check_inputs(inputs: list[str]) -> None:
    for item in inputs:
        if item != "-" and not Path(item).exists():
            raise _Usage(f"no such file or directory: {item}")


def _progress(items: Iterator[Document], total: int | None, err: TextIO) -> Iterator[Document]:
    if not err.isatty():
        yield from items
        return
    from tqdm import tqdm

    bar = tqdm(items, total=total, file=err, unit="doc", dynamic_ncols=True)
    try:
        yield from bar
    finally:
        bar.close()


def _convert(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from compat.convert.batch import convert_all, documents, paths

    try:
        backends.get(args.to)
    except CompatError as exc:
        raise _Usage(str(exc)) from None
    _check_inputs(args.inputs)
    target: Path | None = None
    if args.out is not None:
        target = Path(args.out)
        if target.exists() and not target.is_dir():
            raise _Usage(f"--out {args.out} is not a directory")
        target.mkdir(parents=True, exist_ok=True)
    total = None if "-" in args.inputs else sum(1 for _ in paths(args.inputs))
    stdin = sys.stdin.buffer if "-" in args.inputs else None
    docs = _progress(documents(args.inputs, stdin), total, err)
    summary = convert_all(docs, to=args.to, out=target, stdout=out, report=err)
    for line in summary.lines():
        err.write(f"twilio-compat convert: {line}\n")
    return EXIT_SKIPPED if summary.skipped_total else EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from compat.convert.batch import documents
    from compat.convert.validation import validate_document

    _check_inputs(args.files)
    checked = bad = 0
    for doc in documents(args.files):
        checked += 1
        if doc.data is None:
            out.write(f"{doc.name}:1: {doc.problem}\n")
            bad += 1
            continue
        try:
            found, problems = validate_document(doc.data)
        except CompatError as exc:
            raise _Usage(str(exc)) from None
        for problem in problems:
            out.write(f"{doc.name}:{problem.line}: {' '.join(problem.message.split())}\n")
        if problems:
            bad += 1
        elif found is not None:
            out.write(f"{doc.name}: valid {found.dialect} {found.kind}\n")
    err.write(f"twilio-compat validate: {checked} checked, {bad} with problems\n")
    return EXIT_SKIPPED if bad else EXIT_OK
