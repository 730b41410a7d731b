"""Phone numbers in a page's text or tel: links, with the `phonenumbers` library.

`first_in_text` is phonenumbers' own PhoneNumberMatcher (leniency VALID, at most
MAX_PHONE_TRIES candidates), with one shortcut that cannot change its answer: a candidate
with fewer than MIN_VALID_PHONE_DIGITS digits or letters (a year, a postcode, a price) is
not parsed, since no valid number is that short: the shortest is a two-digit country code
and a four-digit national number (+43, +49, +98; tests/probes/test_phone_numbers.py checks
the figure against the library's metadata), and a number without "+" must be Belgian (8 or
9 digits) or carry "00" and a country code. The matcher still counts such a candidate as a
try, so the same numbers are found and the same ones given up on.

The matcher's candidate regex (`_PATTERN`) begins with an optional repeated group, so the
regex engine tries it at every position of the text, which was most of the matcher's time.
`_QuickMatcher` finds the next place where a candidate can start (a digit or a leading "(",
"[", "+"…) with a one-class regex the engine scans for, and tries `_PATTERN` there: the same
leftmost candidate (`_find` is the library's own, 9.0.x, with that search in place of
`_PATTERN.search`; tests compare with the library's answers). It reads private names of the
library: it is used only while the library's `_find` is the very text it copies
(`QUICK_FIND`); another version gets the library's own search.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from typing import Any

import phonenumbers
from phonenumbers import phonenumbermatcher
from phonenumbers.phonenumbermatcher import PhoneNumberMatcher

from probes.settings import PHONE_REGION

MAX_PHONE_TRIES = 20  # candidates the matcher looks at before giving up on a text
MIN_VALID_PHONE_DIGITS = 6  # digits (or letters of "0800-FLOWERS") of the shortest valid number
# sha256 of the library's PhoneNumberMatcher._find (phonenumbers 9.0.43) that _QuickMatcher
# copies: any other text, and the library's own search is used.
COPIED_FIND_SHA256 = "a9e89d83733105cbc7e9f5d751e7d931d386308800fa4b8e9e903ffde60d1f8d"


def _library_find_copied() -> bool:
    """True while the library's _find is the one _QuickMatcher._find copies."""
    try:
        source = inspect.getsource(PhoneNumberMatcher._find)
    except (AttributeError, OSError, TypeError):
        return False
    return hashlib.sha256(source.encode()).hexdigest() == COPIED_FIND_SHA256 and all(
        hasattr(phonenumbermatcher, name)
        for name in ("_LEAD_CLASS_CHARS", "_PATTERN", "_SECOND_NUMBER_START_PATTERN"))


QUICK_FIND = _library_find_copied()
_PATTERN: Any = getattr(phonenumbermatcher, "_PATTERN", None)
_SECOND_NUMBER_START_PATTERN: Any = getattr(phonenumbermatcher, "_SECOND_NUMBER_START_PATTERN",
                                            None)
# Where a _PATTERN match can start: its leading "(", "[", "+" (or full-width ones), or the
# digit its first run of digits begins with when there is none. Same flags as _PATTERN.
CANDIDATE_START = re.compile(
    "[" + re.escape(phonenumbermatcher._LEAD_CLASS_CHARS) + r"\d]", _PATTERN.flags
) if QUICK_FIND else None


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
    """PhoneNumberMatcher that skips parsing candidates too short to be a valid number and
    finds candidates without trying _PATTERN at every position."""

    def _find(self, index: int) -> Any:
        """The library's _find (phonenumbers 9.0.x), with `_next_candidate`."""
        if not QUICK_FIND:
            return super()._find(index)
        match = self._next_candidate(index)
        while self._max_tries > 0 and match is not None:
            start = match.start()
            candidate = self._trim_after_first_match(_SECOND_NUMBER_START_PATTERN,
                                                     self.text[start:match.end()])
            candidate_len = len(candidate)
            if candidate_len >= self._min_candidate_length:
                number = self._extract_match(candidate, start)
                if number is not None:
                    return number
                self._max_tries -= 1
            index = start + candidate_len
            match = self._next_candidate(index)
        return None

    def _next_candidate(self, index: int) -> re.Match[str] | None:
        """_PATTERN.search(self.text, index): _PATTERN tried only where it can start."""
        text = self.text
        assert CANDIDATE_START is not None  # QUICK_FIND
        while (start := CANDIDATE_START.search(text, index)) is not None:
            found = _PATTERN.match(text, start.start())
            if found is not None:
                return found
            index = start.start() + 1
        return None

    def _parse_and_verify(self, candidate: str, offset: int) -> Any:
        if sum(1 for ch in candidate if ch.isalnum()) < MIN_VALID_PHONE_DIGITS:
            return None  # what the parse would conclude, without its cost
        return super()._parse_and_verify(candidate, offset)
