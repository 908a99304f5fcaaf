"""Converting archived documents between dialects, and checking them against the schemas.

Rules: :func:`convert_document` turns one document (a message, a page, an error, webhook
parameters or TwiML) into another dialect, detecting the source from content (:func:`detect`);
:mod:`compat.convert.batch` does the same for files, directories and streams, one document at a
time; :mod:`compat.convert.validation` checks documents against ``schemas/``. Everything raised is
a :class:`~compat.errors.CompatError`.
"""

from __future__ import annotations

from compat.convert.detect import KINDS, Detected, detect
from compat.convert.documents import convert_detected, convert_document

__all__ = ["KINDS", "Detected", "convert_detected", "convert_document", "detect"]
