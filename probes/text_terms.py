"""Where the keyword scan of a page's text (probes/keywords.py `Keywords.scan`) tries its regex.

`TextTerms.matches` yields the matches of the scan's one regex (every term of the text
categories, one named group per category) over the lower-cased text, in order, but those the
scan would drop anyway. Where a term starts is found by hyperscan over the text's Latin-1
view (probes/term_scan.py), and the regex is tried only there, leftmost first; a match skips
the starts it covers. A start is not tried when every category of its terms is already full
and no other start lies within its longest term (its match would change nothing), and the
matches stop once every category is full.

On a long page one category fills at once and keeps being found: "samedi" and "horaire(s)"
are opening-hours terms (~330 a farm page, where 20 are kept), and hyperscan calls Python
once per occurrence (0.25 ms a 60,000-character page, 0.06 without them). So a text over
2 × FIRST_CHUNK characters is scanned with every term only in its first FIRST_CHUNK
characters; once FREQUENT is full there, the rest is scanned without the terms that only
FREQUENT lists. That is the same scan when no FREQUENT term can cover the start of another
category's term that matches (`_never_covers`, checked on load): dropped, a FREQUENT match
would have changed nothing. Otherwise, or while FREQUENT is not full, the rest is scanned
with every term.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from probes.term_scan import TermScanner

FREQUENT = "opening_hours"  # the category that fills at once on a long page (see above)
FIRST_CHUNK = 8_192  # characters scanned with every term before FREQUENT may be left out


@dataclass(frozen=True, slots=True)
class Terms:
    """Some terms in one hyperscan database: each one's length and categories (one bit each,
    in the scan's category order)."""

    scanner: TermScanner
    sizes: tuple[int, ...]
    masks: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TextTerms:
    regex: re.Pattern[str]  # every term, one named group per category, lower case
    categories: tuple[str, ...]  # the categories, in the regex's order
    every: Terms
    rest: Terms | None  # the terms of the other categories than FREQUENT, when it may be left
    longest: int  # the longest term

    def matches(self, text: str, lower: str | None, view: bytes,
                open_categories: set[str]) -> Iterator[tuple[int, int, str]]:
        """(start, end, category) of the matches of regex.finditer(text.lower()), in order,
        but those a scan would drop anyway (see the module docstring). `view`: the Latin-1
        view of `text` (or of `lower`); `lower`: text.lower() when already made, else each
        start is tried on the lower-cased few characters around it. `open_categories` (the
        categories not yet full) is read at each start."""
        chain = _Chain(self, text, lower, open_categories)
        if self.rest is None or lower is not None or len(view) <= 2 * FIRST_CHUNK:
            yield from chain.run(self.every, self.every.scanner.occurrences(view), len(view))
            return
        # The starts before `done` are complete in the first chunk, with what follows them.
        done = FIRST_CHUNK - 2 * self.longest
        yield from chain.run(self.every, self.every.scanner.occurrences(view[:FIRST_CHUNK]),
                             done)
        if not open_categories:
            return
        terms = self.every if FREQUENT in open_categories else self.rest
        yield from chain.run(terms, [(start + done, index) for start, index in
                                     terms.scanner.occurrences(view[done:])], len(view))


class _Chain:
    """The matches of TextTerms.matches, starts given in parts (`run`)."""

    def __init__(self, terms: TextTerms, text: str, lower: str | None,
                 open_categories: set[str]) -> None:
        self.terms, self.text, self.lower, self.open = terms, text, lower, open_categories
        self.pos = 0  # where the last match ended

    def run(self, terms: Terms, found: list[tuple[int, int]],
            until: int) -> Iterator[tuple[int, int, str]]:
        """The matches at the (start, term index) occurrences of `terms` that start before
        `until`; `found` must hold every occurrence that starts before `until` and every one
        that starts within the longest term of one of them."""
        found.sort()
        regex, bits = self.terms.regex, self.terms.categories
        sizes, masks = terms.sizes, terms.masks
        count, k, open_count, wanted = len(found), 0, -1, 0
        while k < count and self.open and found[k][0] < until:
            if len(self.open) != open_count:  # a category filled: the bits still open
                open_count = len(self.open)
                wanted = sum(1 << bit for bit, name in enumerate(bits) if name in self.open)
            start, index = found[k]
            longest, cats = sizes[index], masks[index]
            k += 1
            while k < count and found[k][0] == start:  # every term that starts there
                index = found[k][1]
                if sizes[index] > longest:
                    longest = sizes[index]
                cats |= masks[index]
                k += 1
            if start < self.pos or (not cats & wanted
                                    and (k == count or found[k][0] >= start + longest)):
                continue
            if self.lower is not None:
                m, offset = regex.match(self.lower, start), 0
            else:  # the same match in the lower-cased window (a term of another set may be
                offset = max(0, start - 1)  # longer: the longest of all)
                size = longest if terms is self.terms.every else self.terms.longest
                m = regex.match(self.text[offset:start + size + 1].lower(), start - offset)
            if m:
                self.pos = offset + m.end()
                yield start, self.pos, m.lastgroup or ""


def text_terms(regex: re.Pattern[str], terms_of: dict[str, list[str]]) -> TextTerms | None:
    """The TextTerms of `terms_of` (category -> its lower-case terms, in the regex's order);
    None when a term is not Latin-1 (the caller then searches the whole text)."""
    categories = tuple(terms_of)
    every = sorted({t for terms in terms_of.values() for t in terms})
    others = sorted({t for name, terms in terms_of.items() if name != FREQUENT for t in terms})
    try:
        all_terms = _terms(every, terms_of)
        rest = _terms(others, terms_of) if FREQUENT in terms_of and _never_covers(
            terms_of[FREQUENT], others) else None
    except ValueError:
        return None
    return TextTerms(regex, categories, all_terms, rest, max(map(len, every), default=0))


def _terms(terms: list[str], terms_of: dict[str, list[str]]) -> Terms:
    return Terms(TermScanner(terms), tuple(map(len, terms)),
                 tuple(sum(1 << bit for bit, listed in enumerate(terms_of.values()) if t in listed)
                       for t in terms))


def _never_covers(frequent: list[str], others: list[str]) -> bool:
    """No match of a `frequent` term can cover the start of a match of one of `others`: such
    a start is inside it, after a character that is not \\w (the other's (?<!\\w)), and the
    two agree on the letters they share; where one of them goes on past the other's end, the
    next character must not be \\w either (its (?!\\w))."""
    for term in frequent:
        for at in range(1, len(term)):
            if _word(term[at - 1]) or not _word(term[at]):
                continue
            tail = term[at:]
            for other in others:
                shared = min(len(tail), len(other))
                if tail[:shared] != other[:shared]:
                    continue
                longer = other if len(other) > len(tail) else tail
                if len(other) == len(tail) or not _word(longer[shared]):
                    return False
    return True


def _word(char: str) -> bool:
    """A \\w character of Python's re."""
    return char.isalnum() or char == "_"
