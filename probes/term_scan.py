"""Hyperscan passes over a page's long visible text: where terms occur, which regexes may match.

    scanner = TermScanner(("horaires", "fermé"))
    view = latin1_view("Horaires : FERMÉ le lundi")  # b"Horaires : FERM\\xc9 le lundi"
    scanner.occurrences(view)                        # [(0, 0), (11, 1)]: (start, term index)

The text is scanned as Latin-1 bytes (`latin1_view`: one byte per character, so a byte
offset is a character offset; a character outside Latin-1 is written "?"). A term's
character t is matched by every Latin-1 character that lower-cases to t ("É" for "é", "A"
for "a"). So every place where a term stands in `text.lower()`, or in `case_folded(text)`
(letters as re.IGNORECASE compares them), is an occurrence, as long as no character outside
Latin-1 lower-cases into it: the few that do (LOWER_INTO_LATIN1: the Kelvin sign, "ſ", "İ"…)
make `latin1_view` answer None, and the caller searches as it would without this module.
The occurrences are a superset (a "?" term character also matches any replaced character):
the caller confirms each one with its own regex. On a 60,000-character page, the Latin-1
bytes and the scan cost about 0.1 and 0.2 ms, against ~1 ms for lower-casing the text and an
Aho-Corasick pass over it.

`TextPrefilter` tells which of a few regexes may match a text (hyperscan's prefilter mode,
as probes/prefilter.py does for the raw HTML), on texts whose every character hyperscan
reads as Python's re does (SAME_READING): its Unicode tables are older than Python's, and
Python's \\s also takes U+001C-U+001F; any other text is answered None (any may match).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache

import hyperscan

from probes.prefilter import (
    KNOWN_FLAGS,
    PYTHON_ONLY,
    compiled_database,  # the disk-cached compile
    thread_scratch,
    widened_flags,
)

# Every character outside Latin-1 whose str.lower() or case_folded() holds a Latin-1 one
# (tests/probes/test_term_scan.py checks the list against every code point).
LOWER_INTO_LATIN1 = "\u0130\u0131\u0178\u017f\u1e9e\u212a\u212b"
# Characters whose \\s, \\d and letters in any case hyperscan (UTF-8, Unicode properties)
# reads as Python's re does (the test checks each): Latin-1 but U+001C-U+001F, and General
# Punctuation, superscripts, subscripts and currency signs (dashes, quotes, spaces, "€").
SAME_READING = ((0x00, 0x1B), (0x20, 0xFF), (0x2000, 0x20CF))


@lru_cache(maxsize=2)
def latin1_view(text: str) -> bytes | None:
    """`text` as Latin-1 bytes, "?" for a character outside it; None when `text` holds a
    character that lower-cases into Latin-1 from outside it (see the module docstring).
    Remembered for the last texts: the keyword scan and the opening hours read a page's."""
    if text.isascii():
        return text.encode("ascii")
    if any(char in text for char in LOWER_INTO_LATIN1):  # at once on a Latin-1 text
        return None
    return text.encode("latin-1", "replace")


class TermScanner:
    """The occurrences of lower-case Latin-1 terms in Latin-1 views (see the module docstring)."""

    __slots__ = ("terms", "_sizes", "_database", "_lock", "_local")

    def __init__(self, terms: Sequence[str]) -> None:
        """Raises ValueError for a term that is empty or not Latin-1."""
        for term in terms:
            if not term or not all(ord(char) < 256 for char in term):
                raise ValueError(f"not a non-empty Latin-1 term: {term!r}")
        self.terms = tuple(terms)
        self._sizes = tuple(map(len, self.terms))
        self._database: hyperscan.Database | None = None  # compiled on first use
        self._lock = threading.Lock()
        self._local = threading.local()  # a hyperscan scratch space per thread

    def occurrences(self, view: bytes) -> list[tuple[int, int]]:
        """(start, index of the term) of every occurrence in `view`, overlapping ones too,
        in no particular order."""
        if not self.terms:
            return []
        database = self._compiled()
        found: list[tuple[int, int]] = []
        add, sizes = found.append, self._sizes

        def on_match(index: int, _start: int, end: int, _flags: int, _context: object) -> None:
            add((end - sizes[index], index))

        database.scan(view, match_event_handler=on_match,
                      scratch=thread_scratch(self._local, database))
        return found

    def _compiled(self) -> hyperscan.Database:
        with self._lock:
            if self._database is None:
                self._database = compiled_database([_pattern(term) for term in self.terms],
                                                   list(range(len(self.terms))),
                                                   [0] * len(self.terms))
            assert self._database is not None
            return self._database


def _pattern(term: str) -> bytes:
    """Each character of `term` as the class of the Latin-1 characters that lower-case to it."""
    classes = _latin1_classes()
    return b"".join(classes.get(char, b"[\\x%02x]" % ord(char)) for char in term)


@lru_cache(maxsize=1)
def _latin1_classes() -> dict[str, bytes]:
    """Each lower case of a Latin-1 character -> the class of the Latin-1 characters with it."""
    codes: dict[str, list[int]] = {}
    for code in range(256):
        codes.setdefault(chr(code).lower(), []).append(code)
    return {low: b"[" + b"".join(b"\\x%02x" % code for code in same) + b"]"
            for low, same in codes.items()}


class TextPrefilter:
    """Which of some regexes may match a text (see the module docstring)."""

    __slots__ = ("regexes", "_database", "_lock", "_local")

    def __init__(self, regexes: Sequence[re.Pattern[str]]) -> None:
        self.regexes = tuple(regexes)
        self._database: hyperscan.Database | None | bool = False  # False: not compiled yet
        self._lock = threading.Lock()
        self._local = threading.local()

    def candidates(self, text: str) -> set[int] | None:
        """Indexes of the regexes that may match `text`, or None: any may (a character
        outside SAME_READING, or a regex hyperscan cannot compile even widened). The same
        pass looks for a character outside SAME_READING (the database's last expression)."""
        database = self._compiled()
        if database is None:
            return None
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: not UTF-8, not SAME_READING either
            return None
        found: set[int] = set()
        database.scan(raw, match_event_handler=lambda index, *_: found.add(index),
                      scratch=thread_scratch(self._local, database))
        return None if len(self.regexes) in found else found

    def _compiled(self) -> hyperscan.Database | None:
        with self._lock:
            if self._database is False:
                self._database = _widened(self.regexes)
            assert self._database is not True
            return self._database


def _widened(regexes: tuple[re.Pattern[str], ...]) -> hyperscan.Database | None:
    """One prefilter-mode database of `regexes`, then (exact) a character outside
    SAME_READING; None if a regex cannot be compiled."""
    if any(r.flags & ~KNOWN_FLAGS or PYTHON_ONLY.search(r.pattern) for r in regexes):
        return None
    outside = "[^" + "".join(f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in SAME_READING) + "]"
    try:
        return compiled_database(
            [*(r.pattern.encode("utf-8") for r in regexes), outside.encode("ascii")],
            list(range(len(regexes) + 1)),
            [*map(widened_flags, regexes), hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH])
    except hyperscan.error:
        return None
