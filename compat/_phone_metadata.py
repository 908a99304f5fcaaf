"""What phonenumbers' metadata says about country codes, read once and kept in plain values.

Rules: everything here comes from the metadata phonenumbers itself parses with, so the fast paths
of :mod:`compat.phone` agree with its slow path by construction. Per-country facts are read the
first time a country code is seen and kept (a table of about 250 entries, not a value cache).
"""

from __future__ import annotations

import re
from typing import Final

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata

__all__ = [
    "COUNTRY_CODES",
    "NANP_REGIONS",
    "PARSE_REASONS",
    "REGIONS",
    "CountryInfo",
    "country_info",
    "fast_international",
    "length_reason",
]

NANP_REGIONS: Final = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])
REGIONS: Final = frozenset(phonenumbers.SUPPORTED_REGIONS)
COUNTRY_CODES: Final = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
_E164: Final = re.compile(r"\+[1-9][0-9]{1,14}")

#: Why phonenumbers refused to parse, in words.
PARSE_REASONS: Final = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "its country code does not exist",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "it is too short",  # only digits reach parse
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "it is too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "it is too short",
    phonenumbers.NumberParseException.TOO_LONG: "it is too long",
}

CountryInfo = tuple[re.Pattern[str] | None, frozenset[int]]
_COUNTRY_INFO: dict[int, CountryInfo] = {}


def country_info(code: int) -> CountryInfo:
    """The national-prefix pattern and the possible lengths of a country code's national numbers,
    from the metadata phonenumbers itself parses with (read once per country code). Local-only
    lengths are never among the possible ones, so a length in the set is ``IS_POSSIBLE``."""
    info = _COUNTRY_INFO.get(code)
    if info is None:
        region = phonenumbers.region_code_for_country_code(code)
        meta = PhoneMetadata.metadata_for_region_or_calling_code(code, region)
        assert meta is not None  # every code in COUNTRY_CODE_TO_REGION_CODE has metadata
        prefix = meta.national_prefix_for_parsing
        desc = meta.general_desc
        assert desc is not None
        info = (
            re.compile(prefix) if prefix else None,
            frozenset(desc.possible_length),
        )
        _COUNTRY_INFO[code] = info
    return info


def length_reason(result: int, code: int) -> str:
    reasons = {
        phonenumbers.ValidationResult.TOO_SHORT: "too short",
        phonenumbers.ValidationResult.TOO_LONG: "too long",
        phonenumbers.ValidationResult.INVALID_LENGTH: "the wrong length",
        phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local number (no area code)",
    }
    if result == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        return "its country code does not exist"
    return f"it is {reasons.get(result, 'not possible')} for country code +{code}"


def fast_international(e164: str) -> str | None:
    """``e164`` ("+" and ASCII digits) when the slow path would return it unchanged; None when it
    might not (a national prefix phonenumbers could strip, an impossible length): then the slow
    path decides."""
    if _E164.fullmatch(e164) is None:
        return None
    digits = e164[1:]
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in COUNTRY_CODES:
            break
    else:
        return None
    nsn = digits[size:]
    if code == 1 or len(nsn) < 2:
        return None  # +1 passes _FAST_NANP or fails: the slow path words the reason
    prefix, possible = country_info(code)
    if prefix is not None and prefix.match(nsn) is not None:
        return None
    if len(nsn) not in possible:
        return None
    return e164
