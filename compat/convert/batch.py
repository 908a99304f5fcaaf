"""Converting and validating many documents, one at a time, in bounded memory.

Rules this module keeps:

* Inputs are files, directories (walked recursively in name order; hidden entries skipped) and
  ``-`` for standard input. A file or directory entry is one document. Standard input is JSON
  Lines: each line is one document, either a JSON document itself or a JSON string holding the
  document's text (XML, TwiML, form parameters); blank lines are skipped.
* Outputs mirror inputs: with ``--out DIR`` each file is written under ``DIR`` at its path
  relative to the input directory it came from (a plain file by its name, a stdin line as
  ``stdin-<n>``), with the extension of what it now is (``.xml``, ``.json``, ``.txt`` for form
  parameters); an existing file is replaced. Without ``--out`` every converted document is one
  JSON Lines record on standard output, in the stdin framing (JSON as itself, the rest as a
  string).
* Only one document is held at a time, so memory does not grow with the archive. A document over
  :data:`MAX_DOCUMENT_BYTES` is skipped unread.
* A document that cannot be read or converted is skipped with one line naming it and the reason
  (never a traceback), and the batch goes on. The :class:`Summary` counts what was converted and
  what was skipped, by reason.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

import attrs

from compat.convert.detect import Detected, detect_parsed
from compat.convert.documents import convert_detected
from compat.errors import CompatError

__all__ = ["MAX_DOCUMENT_BYTES", "Document", "Summary", "convert_all", "documents", "frame",
           "output_name"]

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024


@attrs.frozen
class Document:
    """One input document: a name to report and write it under, and its bytes (``None`` when it
    could not be read; ``problem`` says why)."""

    name: str
    relative: str
    data: bytes | None
    problem: str | None = None


@attrs.define
class Summary:
    """What a batch did."""

    converted: int = 0
    skipped: Counter[str] = attrs.field(factory=Counter)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def lines(self) -> list[str]:
        out = [f"converted {self.converted}, skipped {self.skipped_total}"]
        out += [f"  {count} skipped: {reason}" for reason, count in self.skipped.most_common()]
        return out


def _read(path: Path, relative: str) -> Document:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            return Document(str(path), relative, None,
                            f"over the {MAX_DOCUMENT_BYTES}-byte limit for one document")
        return Document(str(path), relative, path.read_bytes())
    except OSError as exc:
        return Document(str(path), relative, None, f"cannot be read: {exc.strerror or exc}")


def _walk(root: Path) -> Iterator[Path]:
    for current, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(current) / name


def paths(inputs: Iterable[str]) -> Iterator[tuple[Path, str]]:
    """Every input file with its path relative to the input it came from."""
    for item in inputs:
        if item == "-":
            continue
        path = Path(item)
        if path.is_dir():
            for file in _walk(path):
                yield file, file.relative_to(path).as_posix()
        else:
            yield path, path.name


def _stdin(stream: BinaryIO) -> Iterator[Document]:
    for number, line in enumerate(stream, 1):
        name = f"stdin:{number}"
        if not line.strip():
            continue
        if len(line) > MAX_DOCUMENT_BYTES:
            yield Document(name, f"stdin-{number}", None, "line over the document size limit")
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield Document(name, f"stdin-{number}", None, f"not a JSON Lines record: {exc}")
            continue
        data = value.encode("utf-8") if isinstance(value, str) else line.strip()
        yield Document(name, f"stdin-{number}", data)


def documents(inputs: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Document]:
    """Every input document, one at a time (see the module rules)."""
    items = list(inputs)
    for path, relative in paths(items):
        yield _read(path, relative)
    if "-" in items and stdin is not None:
        yield from _stdin(stdin)


def output_name(relative: str, data: bytes) -> str:
    """``relative`` with the extension of what ``data`` is."""
    head = data.lstrip()
    extension = ".xml" if head.startswith(b"<") else ".json" if head.startswith(b"{") else ".txt"
    stem, dot, _ = relative.rpartition(".")
    base = stem if dot and "/" not in relative[len(stem):] else relative
    return base + extension


def frame(data: bytes) -> str:
    """One JSON Lines record for a document: JSON as itself, anything else as a string."""
    if data.lstrip().startswith(b"{"):
        return json.dumps(json.loads(data), ensure_ascii=True, separators=(",", ":"))
    return json.dumps(data.decode("utf-8"), ensure_ascii=True)


def convert_all(
    docs: Iterable[Document],
    *,
    to: str,
    out: Path | None,
    stdout: TextIO,
    report: TextIO,
) -> Summary:
    """Convert each document to ``to``; write it under ``out`` or to ``stdout``; report each skip
    as one line on ``report``."""
    summary = Summary()
    for doc in docs:
        reason = doc.problem
        converted: bytes | None = None
        if doc.data is not None:
            try:
                found: Detected = detect_parsed(doc.data)[0]
                converted = convert_detected(doc.data, found, to=to)
            except CompatError as exc:
                reason = f"{type(exc).__name__}: {exc}"
            except RecursionError:
                reason = "HostileDocument: nested too deeply"
        if converted is None:
            text = " ".join((reason or "unknown problem").split())
            report.write(f"twilio-compat: {doc.name}: {text}\n")
            summary.skipped[_kind_of(text)] += 1
            continue
        try:
            _write(doc, converted, out, stdout)
        except OSError as exc:
            report.write(f"twilio-compat: {doc.name}: cannot be written: {exc.strerror or exc}\n")
            summary.skipped["cannot be written"] += 1
            continue
        summary.converted += 1
    return summary


def _kind_of(reason: str) -> str:
    """What a skip counts under in the summary: the text before its first colon (the error's
    class name, or the reader's words such as ``cannot be read``), at most 60 characters."""
    return reason.split(":", 1)[0][:60]


def _write(doc: Document, data: bytes, out: Path | None, stdout: TextIO) -> None:
    if out is None:
        stdout.write(frame(data) + "\n")
        return
    target = out / output_name(doc.relative, data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
