"""What phonenumbers' metadata says about regions and country codes, read once and kept in plain
values.

Rules: everything here comes from the metadata phonenumbers itself parses with (its public
``PhoneMetadata`` objects), so the direct route of :mod:`compat._phone_fast` and the phonenumbers
route of :mod:`compat.phone` read the same facts. A region's facts are read the first time the
region (or a country code whose main region it is) is seen and kept: a table of about 250 entries,
keyed by region code, never by an input value.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata

__all__ = [
    "COUNTRY_CODES",
    "NANP_REGIONS",
    "PARSE_REASONS",
    "REGIONS",
    "Invalid",
    "Plan",
    "length_reason",
    "plan_for_code",
    "plan_for_code_digits",
    "plan_for_region",
]

NANP_REGIONS: Final = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])
REGIONS: Final = frozenset(phonenumbers.SUPPORTED_REGIONS)
COUNTRY_CODES: Final = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)

#: Why phonenumbers refused to parse, in words.
PARSE_REASONS: Final = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "its country code does not exist",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "it is too short",  # only digits reach parse
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "it is too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "it is too short",
    phonenumbers.NumberParseException.TOO_LONG: "it is too long",
}

_LENGTH_REASONS: Final = {
    phonenumbers.ValidationResult.TOO_SHORT: "too short",
    phonenumbers.ValidationResult.TOO_LONG: "too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "the wrong length",
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local number (no area code)",
}


class Invalid(Exception):
    """Internal: a reason to refuse; the public functions add the value and the field."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Plan(NamedTuple):
    """One region's numbering plan as phonenumbers parses with it.

    ``prefix`` is ``national_prefix_for_parsing`` (matched at the start), ``transform`` its
    ``national_prefix_transform_rule``; ``general`` is the general description's national number
    pattern (matched in full); ``lengths`` its possible lengths (ascending) and ``local`` its
    local-only lengths; ``idd`` the region's international prefix (matched at the start).
    """

    code: int
    code_digits: str
    prefix: re.Pattern[str] | None
    transform: str | None
    general: re.Pattern[str] | None
    lengths: tuple[int, ...]
    local: frozenset[int]
    idd: re.Pattern[str] | None


_PLANS: dict[str, Plan] = {}
_CODE_PLANS: dict[int, Plan] = {}
_CODES_BY_DIGITS: Final = {str(code): code for code in COUNTRY_CODES}


def plan_for_region(region: str) -> Plan:
    """The plan of a supported region code (upper case), read once."""
    plan = _PLANS.get(region)
    if plan is None:
        meta = PhoneMetadata.metadata_for_region(region, None)
        assert meta is not None
        plan = _PLANS[region] = _read(meta)
    return plan


def plan_for_code(code: int) -> Plan:
    """The plan of a country code's main region (what phonenumbers reads a ``+`` number and a
    number's possible lengths with), read once. ``code`` must be in :data:`COUNTRY_CODES`."""
    plan = _CODE_PLANS.get(code)
    if plan is None:
        region = phonenumbers.region_code_for_country_code(code)
        if region in REGIONS:
            plan = plan_for_region(region)
        else:  # a non-geographic code (+800, +882 ...): region "001", one plan per code
            meta = PhoneMetadata.metadata_for_region_or_calling_code(code, region)
            assert meta is not None  # every code in COUNTRY_CODE_TO_REGION_CODE has metadata
            plan = _read(meta)
        _CODE_PLANS[code] = plan
    return plan


def plan_for_code_digits(digits: str) -> Plan | None:
    """The plan of the country code ``digits`` start with, found as phonenumbers finds it (the
    shortest of 1 to 3 leading digits that is a code; codes never start with 0), or None."""
    code = (
        _CODES_BY_DIGITS.get(digits[:1])
        or _CODES_BY_DIGITS.get(digits[:2])
        or _CODES_BY_DIGITS.get(digits[:3])
    )
    if code is None:
        return None
    plan = _CODE_PLANS.get(code)
    return plan if plan is not None else plan_for_code(code)


def _read(meta: PhoneMetadata) -> Plan:
    desc = meta.general_desc
    assert desc is not None  # every plan has a general description with possible lengths
    assert desc.possible_length
    code = meta.country_code
    assert code is not None
    return Plan(
        code=code,
        code_digits=str(code),
        prefix=re.compile(meta.national_prefix_for_parsing)
        if meta.national_prefix_for_parsing
        else None,
        transform=meta.national_prefix_transform_rule or None,
        general=re.compile(desc.national_number_pattern) if desc.national_number_pattern else None,
        lengths=tuple(desc.possible_length),
        local=frozenset(desc.possible_length_local_only or ()),
        idd=re.compile(meta.international_prefix) if meta.international_prefix else None,
    )


def length_reason(result: int, code: int) -> str:
    """Why a number of country code ``code`` has no possible length, in words."""
    if result == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        return "its country code does not exist"
    return f"it is {_LENGTH_REASONS.get(result, 'not possible')} for country code +{code}"
