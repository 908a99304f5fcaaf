"""Numbers in documents and forms, in the :class:`~compat.phone.NumberStyle` of a dialect.

Rules this module keeps:

* Writing is tolerant: a value :func:`compat.phone.render` refuses is written unchanged, as Twilio
  writes a caller ID it cannot normalize. Reading is its inverse and just as tolerant: what cannot
  be read as a number is kept as written (without outer whitespace), never dropped.
* In :attr:`~compat.phone.NumberStyle.NANP_DIGITS`, ten bare digits shaped like a NANP number
  (area code and exchange starting 2-9) read as ``+1`` numbers; ten digits of another shape are
  kept as written. :attr:`~compat.phone.NumberStyle.E164` documents carry the model's form, so
  they are written and read unchanged.
* Nothing here caches: the text written for a value never depends on what was written before.
"""

from __future__ import annotations

from compat import phone
from compat.errors import InvalidPhoneNumber
from compat.phone import NumberStyle

__all__ = ["read_number", "render_number", "write_number"]


def render_number(value: str, style: NumberStyle) -> str:
    """``value`` normalized and written in ``style`` (request forms), or unchanged when it
    cannot be normalized."""
    try:
        return phone.render(value, style)
    except InvalidPhoneNumber:
        return value


def write_number(value: str | None, style: NumberStyle) -> str | None:
    """A model number as a document of ``style`` holds it (``None`` stays ``None``)."""
    if value is None or style is NumberStyle.E164:
        return value
    return render_number(value, style)


def _is_nanp_digits(text: str) -> bool:
    return (
        len(text) == 10
        and text.isascii()
        and text.isdigit()
        and text[0] not in "01"
        and text[3] not in "01"
    )


def read_number(text: str | None, style: NumberStyle) -> str | None:
    """A number as a document of ``style`` gives it, in the model's form; blank is ``None``."""
    if text is None:
        return None
    if style is NumberStyle.E164:
        return text
    text = text.strip()
    if not text:
        return None
    if _is_nanp_digits(text):
        return "+1" + text
    try:
        return phone.parse_wire(text)
    except InvalidPhoneNumber:
        return text
