"""Converting archived documents between dialects, and checking them against the schemas.

Rules: :func:`convert_document` turns one document (a message, a page, an error, webhook
parameters or TwiML) into another dialect, detecting the source from content (:func:`detect`);
:mod:`compat.convert.batch` does the same for files, directories and streams, one document at a
time; :mod:`compat.convert.validation` checks documents against ``schemas/``. Everything raised is
a :class:`~compat.errors.CompatError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from compat.convert.detect import KINDS, Detected, detect

if TYPE_CHECKING:
    from compat.convert.documents import convert_detected, convert_document

__all__ = ["KINDS", "Detected", "convert_detected", "convert_document", "detect"]

_LAZY = ("convert_detected", "convert_document")


def __getattr__(name: str) -> Any:
    """The converters, imported on first use: they need the webhook and TwiML modules, which
    the CLI's other commands (``serve`` above all) start faster without. (``detect`` stays
    eager: the function must shadow its submodule of the same name.)"""
    if name not in _LAZY:
        raise AttributeError(f"module 'compat.convert' has no attribute {name!r}")
    from compat.convert import documents

    value = getattr(documents, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
