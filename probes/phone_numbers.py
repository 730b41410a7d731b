"""Phone numbers in a page's text or tel: links, with the `phonenumbers` library.

`first_in_text` is phonenumbers' own PhoneNumberMatcher (leniency VALID, at most
MAX_PHONE_TRIES candidates), with one shortcut that cannot change its answer: a candidate
with fewer than MIN_VALID_PHONE_DIGITS digits or letters (a year, a postcode, a price) is
not parsed, since no valid number is that short: the shortest is a two-digit country code
and a four-digit national number (+43, +49, +98; tests/probes/test_phone_numbers.py checks
the figure against the library's metadata), and a number without "+" must be Belgian (8 or
9 digits) or carry "00" and a country code. The matcher still counts such a candidate as a
try, so the same numbers are found and the same ones given up on.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from phonenumbers.phonenumbermatcher import PhoneNumberMatcher

from probes.settings import PHONE_REGION

MAX_PHONE_TRIES = 20  # candidates the matcher looks at before giving up on a text
MIN_VALID_PHONE_DIGITS = 6  # digits (or letters of "0800-FLOWERS") of the shortest valid number


def first_in_text(text: str) -> tuple[str, str] | None:
    """(E.164 number, the text it was written as) of the first valid number, or None."""
    for match in _QuickMatcher(text, PHONE_REGION, max_tries=MAX_PHONE_TRIES):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        return number, match.raw_string
    return None


def e164(raw: str) -> str | None:
    """A tel: link's number in E.164 form, or None when it is not a possible number."""
    try:
        number = phonenumbers.parse(raw.strip(), PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class _QuickMatcher(PhoneNumberMatcher):
    """PhoneNumberMatcher that skips parsing candidates too short to be a valid number."""

    def _parse_and_verify(self, candidate: str, offset: int) -> Any:
        if sum(1 for ch in candidate if ch.isalnum()) < MIN_VALID_PHONE_DIGITS:
            return None  # what the parse would conclude, without its cost
        return super()._parse_and_verify(candidate, offset)
