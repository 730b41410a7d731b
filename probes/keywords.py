"""Multilingual keyword dictionaries (probes/data/keywords/*.toml).

Each file holds one language: stopwords (for language detection) and
categories of terms. A category may list `negative` phrases that cancel a
match nearby ("pas de retrait en magasin") and `url` fragments for links.
All languages are merged per category: Belgian sites mix languages.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from core.text import case_folded, first_match_at
from probes.term_scan import latin1_view
from probes.text_terms import TextTerms, text_terms

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
    text_terms: TextTerms | None = None  # where to try it (None: a term is not Latin-1)
    # (category names, True for their url fragments / False for their terms) -> one
    # Aho-Corasick automaton of them all, built on first use (see _starts)
    combined: dict[tuple[tuple[str, ...], bool], Any] = field(default_factory=dict)

    def scan(self, text: str, limit: int = SCAN_LIMIT) -> dict[str, list[KeywordHit]]:
        """One pass over `text` for every category of TEXT_CATEGORIES: the first `limit`
        matches of text_regex in `text.lower()` per category, each without a negative phrase
        around it. text_regex is tried only where hyperscan finds a term, and not where it
        can no longer change the hits (probes/text_terms.py)."""
        hits: dict[str, list[KeywordHit]] = {c: [] for c in TEXT_CATEGORIES}
        if self.text_regex is None:
            return hits
        lower = None  # text.lower(), only when latin1_view cannot read the text itself
        view = latin1_view(text) if self.text_terms is not None else None
        if view is None:
            lower = text.lower()
            if len(lower) != len(text):  # rare letters whose lower case is longer
                text = lower
            view = lower.encode("latin-1", "replace")  # the terms' letters as they stand
        open_categories = set(TEXT_CATEGORIES if limit > 0 else ())
        if self.text_terms is None:  # a term outside Latin-1: the whole text searched
            assert lower is not None
            matches: Iterable[tuple[int, int, str]] = (
                (m.start(), m.end(), m.lastgroup or "") for m in self.text_regex.finditer(lower))
        else:
            matches = self.text_terms.matches(text, lower, view, open_categories)
        for start, end, category in matches:
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
    regex = _text_regex(cats)
    return Keywords(cats, stopwords, regex,
                    text_terms(regex, {c: cats[c].terms for c in TEXT_CATEGORIES}))


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
