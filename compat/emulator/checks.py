"""The emulator's own checks of a new outbound message, after the dialect backend read it.

Rules this module keeps, in this order (the first that fails answers, HTTP 400 in the dialect's
format):

* ``To`` must be an address a message can go to: an alphanumeric sender ID or a Messaging Service
  SID is valid only as ``From``, so as ``To`` it is 21211 (Twilio's text for an invalid ``To``).
* ``To`` equal to ``From`` (after normalization) is 21266.
* Twilio's magic test numbers (:mod:`.magic`), ``From`` before ``To``.
* For an account that only sends from its own numbers, ``From`` must be one of them or the passing
  magic number, else 21606.

The numbers are already normalized by the backend; nothing here normalizes them again.
"""

from __future__ import annotations

from compat import phone
from compat.emulator import magic
from compat.emulator.errors import twilio_error
from compat.emulator.store import Store
from compat.errors import InvalidPhoneNumber
from compat.model import NewMessage

__all__ = ["check_new_message"]

#: Kinds of address that can send but never receive.
_SENDER_ONLY = frozenset({phone.NumberKind.ALPHANUMERIC, phone.NumberKind.SERVICE_SID})


def check_new_message(store: Store, account_sid: str, message: NewMessage) -> None:
    """Raise Twilio's error for the first rule ``message`` breaks (see the module rules)."""
    if _sender_only(message.to):
        raise twilio_error(21211, f"The 'To' number {message.to} is not a valid phone number.")
    if message.from_ is not None and message.from_ == message.to:
        raise twilio_error(21266, f"'To' and 'From' numbers cannot be the same: {message.to}.")
    hit = magic.check(message.from_, message.to)
    if hit is not None:
        raise twilio_error(*hit)
    _check_own_number(store, account_sid, message.from_)


def _sender_only(to: str) -> bool:
    try:
        return phone.classify(to) in _SENDER_ONLY
    except InvalidPhoneNumber:  # pragma: no cover - the backend normalized it already
        return False


def _check_own_number(store: Store, account_sid: str, from_: str | None) -> None:
    account = store.account(account_sid)
    if account is None or not account.own_numbers_only or from_ is None:
        return
    owned = store.number(from_)
    if from_ != magic.PASSING_FROM and (owned is None or owned.account_sid != account.sid):
        raise twilio_error(
            21606,
            f"The From phone number {from_} is not a valid, SMS-capable inbound phone number "
            "or short code for your account.",
        )
