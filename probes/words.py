"""Cheap word checks that rule out most raw-HTML regexes before they run.

A page's ASCII words ([a-z0-9] runs of its lower-cased bytes) are collected once,
as a set. A regex's plain-text runs (text every match must contain) give
necessary conditions on those words: a word surrounded by punctuation inside a
run must be a whole word of the page; the first word of a run must end a word
of the page, the last one start a word, a run without punctuation be inside a
word. Set lookups answer most checks; the rest search the page's list of
distinct words (a few KB) instead of the whole page. Sound: a check never
rejects a page on which the regex matches (ASCII case folding; a regex's
IGNORECASE also folds rare non-ASCII letters such as the Kelvin sign K, which
the checks do not).

Many checks at once (every html fingerprint): `CombinedChecks` answers them all with one
Aho-Corasick pass (pyahocorasick) over the page's distinct words, the same answers as
`PageWords.allow` one check at a time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import ahocorasick

# Every byte outside [a-z0-9] becomes a separator; A-Z are lower-cased.
WORD_BYTES = bytes(c + 32 if 65 <= c <= 90 else c if chr(c).isascii() and chr(c).isalnum()
                   else 32 for c in range(256))
SEP = b"\n"  # joins the distinct words: no word contains it
NON_WORD = re.compile(r"[^a-z0-9]+")
MIN_SEARCHED = 2  # shorter partial words are in nearly every page: not worth a search


@dataclass(frozen=True, slots=True)
class WordCheck:
    """Necessary conditions on a page's words for a regex to match."""

    whole: tuple[bytes, ...] = ()  # must be words of the page
    ends: tuple[bytes, ...] = ()  # must end a word of the page
    starts: tuple[bytes, ...] = ()  # must start a word of the page
    inside: tuple[bytes, ...] = ()  # must occur inside a word of the page


def word_check(runs: list[str]) -> WordCheck | None:
    """The checks implied by `runs`, plain-text pieces that every match contains."""
    whole: list[bytes] = []
    ends: list[bytes] = []
    starts: list[bytes] = []
    inside: list[bytes] = []
    for run in runs:
        parts = [p.encode() for p in NON_WORD.split(run.lower())]
        if len(parts) == 1:
            inside += [parts[0]] if len(parts[0]) >= MIN_SEARCHED else []
            continue
        whole += [p for p in parts[1:-1] if p]
        ends += [parts[0]] if len(parts[0]) >= MIN_SEARCHED else []
        starts += [parts[-1]] if len(parts[-1]) >= MIN_SEARCHED else []
    if not (whole or ends or starts or inside):
        return None
    longest_first = lambda words: tuple(sorted(set(words), key=len, reverse=True))  # noqa: E731
    return WordCheck(longest_first(whole), longest_first(ends), longest_first(starts),
                     longest_first(inside))


def check_keys(check: WordCheck | None) -> frozenset[str]:
    """Texts that must all occur in `PageWords.joined()` for `check` to allow the page.

    The joined words are "\\nw1\\nw2\\n": a whole word is "\\nword\\n", a word end "end\\n",
    a word start "\\nstart", a part of a word the part itself.
    """
    if check is None:
        return frozenset()
    sep = SEP.decode()
    return frozenset([f"{sep}{w.decode()}{sep}" for w in check.whole]
                     + [f"{w.decode()}{sep}" for w in check.ends]
                     + [f"{sep}{w.decode()}" for w in check.starts]
                     + [w.decode() for w in check.inside])


class CombinedChecks:
    """Many WordChecks answered together by one Aho-Corasick pass over a page's words."""

    __slots__ = ("_keys", "_automaton")

    def __init__(self, checks: Sequence[WordCheck | None]) -> None:
        self._keys = [check_keys(check) for check in checks]
        every = frozenset[str]().union(*self._keys)
        self._automaton = ahocorasick.Automaton() if every else None
        if self._automaton is not None:
            for key in sorted(every):
                self._automaton.add_word(key, key)
            self._automaton.make_automaton()

    def allowed(self, words: PageWords) -> list[bool]:
        """words.allow(check) of each check, in order."""
        found: set[str] = set()
        if self._automaton is not None:  # the joined words are ASCII: [a-z0-9] and SEP
            found.update(map(itemgetter(1), self._automaton.iter(words.joined().decode("ascii"))))
        return [keys <= found for keys in self._keys]


class PageWords:
    """The distinct ASCII words of a page (from its lower-cased UTF-8 bytes)."""

    __slots__ = ("words", "_joined")

    def __init__(self, lower_bytes: bytes) -> None:
        self.words: set[bytes] = set(lower_bytes.translate(WORD_BYTES).split())
        self._joined: bytes | None = None

    def joined(self) -> bytes:
        """Every distinct word between separators: b"\\nfoo\\nbar\\n"."""
        if self._joined is None:
            self._joined = SEP + SEP.join(self.words) + SEP
        return self._joined

    def allow(self, check: WordCheck | None) -> bool:
        """False when the page cannot match a regex with these checks."""
        if check is None:
            return True
        words = self.words
        for word in check.whole:
            if word not in words:
                return False
        for word in check.ends:
            if word not in words and word + SEP not in self.joined():
                return False
        for word in check.starts:
            if word not in words and SEP + word not in self.joined():
                return False
        return all(word in words or word in self.joined() for word in check.inside)
