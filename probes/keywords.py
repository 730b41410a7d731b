"""Multilingual keyword dictionaries (probes/data/keywords/*.toml).

Each file holds one language: stopwords (for language detection) and
categories of terms. A category may list `negative` phrases that cancel a
match nearby ("pas de retrait en magasin") and `url` fragments for links.
All languages are merged per category: Belgian sites mix languages.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from core.text import case_folded, first_match_at
from probes.term_scan import TermScanner, latin1_view

KEYWORDS_DIR = Path(__file__).parent / "data" / "keywords"
LANGUAGES = ("fr", "nl", "de", "en", "it")
CATEGORIES = ("cart", "checkout", "add_to_cart", "shop_link", "pickup", "local_delivery",
              "parcel_lockers", "booking", "food_ordering", "opening_hours", "address")
NEGATIVE_WINDOW = 80  # at most this many characters around a match, within its sentence
SENTENCE_END = re.compile(r"[.!?;|•]\s")
SNIPPET_RADIUS = 70
# Categories searched in the visible text (the others only in labels and links).
TEXT_CATEGORIES = ("pickup", "local_delivery", "parcel_lockers", "opening_hours", "address")
SCAN_LIMIT = 20  # hits kept per category and page


class KeywordError(ValueError):
    """A keyword file is malformed."""


@dataclass(slots=True)
class KeywordHit:
    category: str
    term: str
    snippet: str


@dataclass(slots=True)
class Category:
    name: str
    terms: list[str]
    regex: re.Pattern[str]
    negative: re.Pattern[str] | None
    url_fragments: list[str] = field(default_factory=list)
    url_regex: re.Pattern[str] | None = None  # a fragment that ends a path segment
    automaton: Any = None  # the terms in one Aho-Corasick automaton (value: length)

    def search(self, text: str) -> re.Match[str] | None:
        """Same as regex.search(text), faster on long texts: one Aho-Corasick pass over the
        case-folded text finds where a term starts, the full regex is tried only there,
        leftmost first."""
        folded = case_folded(text)  # same length: IGNORECASE's equal letters made equal
        if self.automaton is None or len(folded) != len(text):
            return self.regex.search(text)
        return first_match_at(self.regex, text,
                            {end - size + 1 for end, size in self.automaton.iter(folded)})


@dataclass(slots=True)
class Keywords:
    categories: dict[str, Category]
    stopwords: dict[str, frozenset[str]]  # language -> words
    text_regex: re.Pattern[str] | None = None  # every TEXT_CATEGORIES term, one named group each
    text_scanner: TermScanner | None = None  # the same terms, once each, for one hyperscan pass
    text_term_sizes: tuple[int, ...] = ()  # the length of each of text_scanner's terms
    text_term_categories: tuple[int, ...] = ()  # the categories that list each one: a bit
    # each, in TEXT_CATEGORIES order
    # (category names, True for their url fragments / False for their terms) -> one
    # Aho-Corasick automaton of them all, built on first use (see _starts)
    combined: dict[tuple[tuple[str, ...], bool], Any] = field(default_factory=dict)

    def scan(self, text: str, limit: int = SCAN_LIMIT) -> dict[str, list[KeywordHit]]:
        """One pass over `text` for every category of TEXT_CATEGORIES: the first `limit`
        matches of text_regex in `text.lower()` per category, each without a negative phrase
        around it.

        Where a term may start is found by one hyperscan pass (probes/term_scan.py), and
        text_regex is tried only there, leftmost first; a match skips the starts it covers.
        A start is not tried when every category of its terms is already full and no other
        start lies within its longest term (its match would change nothing), and the scan
        stops once every category is full."""
        hits: dict[str, list[KeywordHit]] = {c: [] for c in TEXT_CATEGORIES}
        if self.text_regex is None:
            return hits
        lower = None  # text.lower(), only when latin1_view cannot read the text itself
        view = latin1_view(text) if self.text_scanner is not None else None
        if view is None:
            lower = text.lower()
            if len(lower) != len(text):  # rare letters whose lower case is longer
                text = lower
        open_categories = set(TEXT_CATEGORIES if limit > 0 else ())
        for start, end, category in self._text_matches(text, lower, view, open_categories):
            if category not in open_categories:
                continue
            negative = self.categories[category].negative
            if negative and negative.search(_sentence(text, start, end)):
                continue
            found = hits[category]
            lo = max(0, start - SNIPPET_RADIUS)
            found.append(KeywordHit(category, text[start:end], text[lo:end + SNIPPET_RADIUS]))
            if len(found) >= limit:
                open_categories.discard(category)
        return hits

    def _text_matches(self, text: str, lower: str | None, view: bytes | None,
                      open_categories: set[str]) -> Iterator[tuple[int, int, str]]:
        """(start, end, category) of the matches of text_regex.finditer(text.lower()), in
        order, but those `scan` would drop anyway (see `scan`); `lower`: text.lower() when
        already made, else each start is tried on the lower-cased few characters around it.
        `open_categories` (the categories not yet full) is read at each start."""
        regex, scanner = self.text_regex, self.text_scanner
        assert regex is not None
        if view is None:
            assert lower is not None
            if scanner is None:  # a term outside Latin-1: the whole text searched
                yield from ((m.start(), m.end(), m.lastgroup or "") for m in
                            regex.finditer(lower))
                return
            view = lower.encode("latin-1", "replace")  # its terms' letters as they stand
        assert scanner is not None
        found = sorted(scanner.occurrences(view))
        sizes, categories = self.text_term_sizes, self.text_term_categories
        count, k, pos, open_count, wanted = len(found), 0, 0, -1, 0
        while k < count and open_categories:
            if len(open_categories) != open_count:  # a category filled: the bits still open
                open_count = len(open_categories)
                wanted = sum(1 << bit for bit, name in enumerate(TEXT_CATEGORIES)
                             if name in open_categories)
            start, index = found[k]
            longest, cats = sizes[index], categories[index]
            k += 1
            while k < count and found[k][0] == start:  # every term that starts there
                index = found[k][1]
                if sizes[index] > longest:
                    longest = sizes[index]
                cats |= categories[index]
                k += 1
            if start < pos or (not cats & wanted
                               and (k == count or found[k][0] >= start + longest)):
                continue
            if lower is not None:
                m, offset = regex.match(lower, start), 0
            else:  # the same match in the lower-cased window (no longer match starts there)
                offset = max(0, start - 1)
                m = regex.match(text[offset:start + longest + 1].lower(), start - offset)
            if m:
                pos = offset + m.end()
                yield start, pos, m.lastgroup or ""

    def search_each(self, names: tuple[str, ...], text: str) -> list[re.Match[str] | None]:
        """[categories[name].search(text) for name in names], one Aho-Corasick pass for all."""
        folded = case_folded(text)
        if len(folded) != len(text):
            return [self.categories[name].regex.search(text) for name in names]
        starts = self._starts(names, folded, urls=False)
        return [first_match_at(self.categories[name].regex, text, at)
                for name, at in zip(names, starts, strict=True)]

    def url_search_each(self, names: tuple[str, ...], text: str) -> list[re.Match[str] | None]:
        """The first match of each category's url_regex in `text` with ^ and $ at every line
        (each line of a "\n"-joined blob searched as on its own; a category without url
        fragments: None). The regexes are tried only where one Aho-Corasick pass over the
        case-folded text finds a fragment, or just before it."""
        folded = case_folded(text)
        regexes = [self.categories[name].url_regex for name in names]
        lines = [_each_line(regex) if regex is not None else None for regex in regexes]
        if len(folded) != len(text):
            return [regex.search(text) if regex is not None else None for regex in lines]
        starts = self._starts(names, folded, urls=True)
        return [first_match_at(regex, text, at) if regex is not None else None
                for regex, at in zip(lines, starts, strict=True)]

    def _starts(self, names: tuple[str, ...], folded: str, urls: bool) -> list[set[int]]:
        """Per category, where one of its terms (urls: url fragments) occurs in `folded`;
        a url fragment also gives the position before it (a "/", "_" or "-" starts the match)."""
        if (names, urls) not in self.combined:
            self.combined[names, urls] = _combined_automaton(
                [(_url_tokens(self.categories[n].url_fragments) if urls
                  else self.categories[n].terms) for n in names])
        automaton = self.combined[names, urls]
        starts: list[set[int]] = [set() for _ in names]
        if automaton is None:
            return starts
        for end, entries in automaton.iter(folded):
            for index, size in entries:
                starts[index].add(end - size + 1)
                if urls and end >= size:
                    starts[index].add(end - size)
        return starts

    def find(self, category: str, text: str, limit: int = 3) -> list[KeywordHit]:
        """Up to `limit` matches of `category` in `text` not cancelled by a negative phrase."""
        cat = self.categories[category]
        hits = []
        for m in cat.regex.finditer(text):
            if cat.negative and cat.negative.search(_sentence(text, m.start(), m.end())):
                continue
            lo = max(0, m.start() - SNIPPET_RADIUS)
            hits.append(KeywordHit(category, m.group(0), text[lo:m.end() + SNIPPET_RADIUS]))
            if len(hits) >= limit:
                break
        return hits

    def negated(self, category: str, text: str) -> str | None:
        cat = self.categories[category]
        m = cat.negative.search(text) if cat.negative else None
        return m.group(0) if m else None

    def matches_label(self, category: str, label: str) -> bool:
        """A short label (button, link text) that contains one of the terms."""
        return bool(label) and bool(self.categories[category].regex.search(label))


def _sentence(text: str, start: int, end: int) -> str:
    """The part of the sentence around text[start:end], capped at NEGATIVE_WINDOW."""
    before = text[max(0, start - NEGATIVE_WINDOW):start]
    cut = [m.end() for m in SENTENCE_END.finditer(before)]
    after = text[end:end + NEGATIVE_WINDOW]
    stop = SENTENCE_END.search(after)
    return before[cut[-1] if cut else 0:] + text[start:end] + after[:stop.start() if stop else None]


def alternation(terms: list[str]) -> re.Pattern[str]:
    """Whole-word, case-insensitive alternation; longest terms first."""
    body = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=4)
def load_keywords(directory: str | None = None) -> Keywords:
    """Load and validate every language file. Raises KeywordError."""
    folder = Path(directory) if directory else KEYWORDS_DIR
    terms: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    negatives: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    urls: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    stopwords: dict[str, frozenset[str]] = {}
    for lang in LANGUAGES:
        data = _read(folder / f"{lang}.toml")
        stopwords[lang] = frozenset(_strings(data, "stopwords", lang))
        for name, table in data.items():
            if name in ("language", "stopwords"):
                continue
            if name not in CATEGORIES or not isinstance(table, dict):
                raise KeywordError(f"{lang}.toml: unknown category [{name}]")
            unknown = set(table) - {"terms", "negative", "url"}
            if unknown:
                raise KeywordError(f"{lang}.toml [{name}]: unknown keys {sorted(unknown)}")
            terms[name] += _strings(table, "terms", f"{lang}.{name}")
            negatives[name] += _strings(table, "negative", f"{lang}.{name}", required=False)
            urls[name] += _strings(table, "url", f"{lang}.{name}", required=False)
    cats = {c: Category(c, terms[c], alternation(terms[c]),
                        alternation(negatives[c]) if negatives[c] else None, sorted(set(urls[c])),
                        _url_regex(urls[c]), term_automaton(terms[c]))
            for c in CATEGORIES if terms[c]}
    text_terms = sorted({t for c in TEXT_CATEGORIES for t in cats[c].terms})
    try:
        scanner: TermScanner | None = TermScanner(text_terms)
    except ValueError:  # a term outside Latin-1: text_regex searched over the whole text
        scanner = None
    return Keywords(cats, stopwords, _text_regex(cats), scanner,
                    tuple(map(len, text_terms)),
                    tuple(sum(1 << bit for bit, c in enumerate(TEXT_CATEGORIES)
                              if t in cats[c].terms) for t in text_terms))


def term_automaton(terms: list[str]) -> Any:
    """An Aho-Corasick automaton of `terms` (lower case); each term's value is its length."""
    automaton = ahocorasick.Automaton()
    for term in set(terms):
        automaton.add_word(term, len(term))
    automaton.make_automaton()
    return automaton


def _combined_automaton(term_lists: list[list[str]]) -> Any:
    """One Aho-Corasick automaton of every list's terms; a term's value: the (index of each
    list that holds it, its length) pairs."""
    entries: dict[str, list[tuple[int, int]]] = {}
    for index, terms in enumerate(term_lists):
        for term in set(terms):
            entries.setdefault(term, []).append((index, len(term)))
    if not entries:
        return None
    automaton = ahocorasick.Automaton()
    for term, value in entries.items():
        automaton.add_word(term, tuple(value))
    automaton.make_automaton()
    return automaton


def _text_regex(cats: dict[str, Category]) -> re.Pattern[str]:
    """One lower-case regex, one named group per category, each a trie of its terms."""
    groups = [f"(?P<{name}>{trie_pattern(cats[name].terms)})" for name in TEXT_CATEGORIES]
    return re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)")


def trie_pattern(terms: list[str]) -> str:
    """A regex matching any of `terms` (longest first), with shared prefixes factored."""
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for ch in term.lower():
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_to_regex(trie)


def _trie_to_regex(node: dict[str, Any]) -> str:
    ends_here = "" in node
    branches = [re.escape(ch) + _trie_to_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return f"(?:{body})?"
    return body


def _url_tokens(fragments: list[str]) -> list[str]:
    return sorted({f.strip("/") for f in fragments}, key=len, reverse=True)


def _url_regex(fragments: list[str]) -> re.Pattern[str] | None:
    if not fragments:
        return None
    body = "|".join(re.escape(t) for t in _url_tokens(fragments))
    return re.compile(rf"(?:^|[/_-])(?:{body})(?:[/?#.&=_-]|$)", re.IGNORECASE)


@lru_cache(maxsize=16)
def _each_line(regex: re.Pattern[str]) -> re.Pattern[str]:
    """`regex` with ^ and $ at every line: searching a "\\n"-joined blob with it finds the
    first line that `regex` alone finds (no match spans a "\\n")."""
    return re.compile(regex.pattern, regex.flags | re.MULTILINE)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KeywordError(f"cannot read {path}: {exc}") from exc


def _strings(table: dict, key: str, where: str, required: bool = True) -> list[str]:
    value = table.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value or not all(
            isinstance(v, str) and v.strip() for v in value):
        raise KeywordError(f"{where}: '{key}' must be a non-empty list of strings")
    return [v.strip().lower() for v in value]
