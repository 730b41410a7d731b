"""Where lower-case terms occur in a long text, in any case, with one hyperscan pass.

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
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

import hyperscan

# Every character outside Latin-1 whose str.lower() or case_folded() holds a Latin-1 one
# (tests/probes/test_term_scan.py checks the list against every code point).
LOWER_INTO_LATIN1 = "\u0130\u0131\u0178\u017f\u1e9e\u212a\u212b"


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
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(database)
        found: list[tuple[int, int]] = []
        add, sizes = found.append, self._sizes

        def on_match(index: int, _start: int, end: int, _flags: int, _context: object) -> None:
            add((end - sizes[index], index))

        database.scan(view, match_event_handler=on_match, scratch=scratch)
        return found

    def _compiled(self) -> hyperscan.Database:
        with self._lock:
            if self._database is None:
                database = hyperscan.Database()
                database.compile(expressions=[_pattern(term) for term in self.terms],
                                 ids=list(range(len(self.terms))), elements=len(self.terms),
                                 flags=[0] * len(self.terms))
                self._database = database
            return self._database


def _pattern(term: str) -> bytes:
    """Each character of `term` as the class of the Latin-1 characters that lower-case to it."""
    parts = []
    for char in term:
        same = [code for code in range(256) if chr(code).lower() == char] or [ord(char)]
        parts.append(b"[" + b"".join(b"\\x%02x" % code for code in same) + b"]")
    return b"".join(parts)
