"""One hyperscan pass over a page's raw HTML tells which of many regexes may match it.

A `Prefilter` compiles a set of Python regexes into one hyperscan database in prefilter
mode: hyperscan reports a superset of each regex's matches (constructs it cannot run
exactly are widened), each regex at most once (SINGLEMATCH). The page is scanned once, as
UTF-8 with ASCII letters lower-cased (`ParsedPage.lower_bytes`); only the regexes it names
are then searched with `re`. A regex that matches the page is named, because
- only case-insensitive regexes are compiled (the text is lower-cased), with hyperscan's
  caseless, UTF-8 and Unicode-property modes (Python's str regexes are Unicode-aware);
- `.` also matches a newline (DOTALL: a wider set);
- a regex hyperscan cannot compile, even widened, or that holds non-ASCII text or syntax
  Python reads differently ("{,3}", "[[:digit:]]"), is named on every page (`always`).
Known gaps, all outside the ASCII markup these regexes look for: hyperscan's Unicode tables
are older than Python's, so a letter or digit added to Unicode since is not `\\w` or `\\d`
for it; Python also equates the Turkish ı and İ with i, and its `\\s` takes U+001C-U+001F.

`whole_words` answers "which of these words are words of the page" ([a-z0-9] runs of
the lower-cased bytes) with one exact scan. `shared_candidates` scans a page once for every
prefilter asked about such pages in this process (fingerprints, RDFa markers, pickup
options, markup words): one pass instead of four.
"""

from __future__ import annotations

import platform
import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import metadata

import hyperscan

from core.derived_cache import cached, key_of

# Flags of a Python regex that hyperscan reads the same way (any other: always searched).
KNOWN_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.UNICODE | re.ASCII
# "{,3}": a repeat in Python, literal text in PCRE; "[:digit:]": a POSIX class in PCRE only
PYTHON_ONLY = re.compile(r"(?<!\\)\{,|\[:\w+:\]")
WIDENED = (hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH
           | hyperscan.HS_FLAG_ALLOWEMPTY | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
           | hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_DOTALL)
EXACT = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8
HYPERSCAN_VERSION = metadata.version("hyperscan")  # part of the compiled databases' cache key


class Prefilter:
    """The regexes of a set that may match a text (see the module docstring)."""

    __slots__ = ("size", "always", "key", "expressions", "flags", "_database", "_local")

    def __init__(self, expressions: Sequence[bytes], flags: Sequence[int],
                 always: frozenset[int] = frozenset()) -> None:
        """`expressions[i]` (hyperscan syntax) with `flags[i]`; the indexes in `always` are
        not compiled and are named on every text."""
        self.size = len(expressions)
        self.expressions, self.flags = tuple(expressions), tuple(flags)
        self.key = key_of(repr((self.expressions, self.flags, sorted(always))))  # any process
        ids = [i for i in range(self.size) if i not in always]
        try:
            self._database = compiled_database(expressions, ids, flags)
        except hyperscan.error:  # leave out the regexes that fail alone
            ids = [i for i in ids if _compiles(expressions[i], flags[i])]
            self._database = compiled_database(expressions, ids, flags)
        self.always = frozenset(range(self.size)) - frozenset(ids)
        self._local = threading.local()  # a hyperscan scratch space per thread

    def candidates(self, text: bytes) -> set[int]:
        """Indexes of the regexes that may match `text` (valid UTF-8)."""
        found = set(self.always)
        if self._database is not None:
            self._database.scan(text, match_event_handler=lambda i, *_: found.add(i),
                                scratch=thread_scratch(self._local, self._database))
        return found


def compiled_database(expressions: Sequence[bytes], ids: list[int],
                      flags: Sequence[int]) -> hyperscan.Database | None:
    """One database of the expressions at `ids` (None for none), from the disk cache when it
    was compiled before (core/derived_cache.py): compiling takes 0.1-1 s per database."""
    if not ids:
        return None
    chosen, chosen_flags = [expressions[i] for i in ids], [flags[i] for i in ids]

    def compile_() -> bytes:
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(expressions=chosen, ids=ids, elements=len(ids), flags=chosen_flags)
        return bytes(hyperscan.dumpb(database))

    key = key_of("hyperscan block", HYPERSCAN_VERSION, platform.machine(),
                 repr((chosen, ids, chosen_flags)))
    return cached("hyperscan", key, compile_, _usable_database)


def thread_scratch(local: threading.local, database: hyperscan.Database) -> hyperscan.Scratch:
    """This thread's hyperscan scratch space for `database`, kept in `local` (one per thread:
    a scratch serves one scan at a time)."""
    scratch = getattr(local, "scratch", None)
    if scratch is None:
        scratch = local.scratch = hyperscan.Scratch(database)
    return scratch


def widened_flags(regex: re.Pattern[str]) -> int:
    """The hyperscan flags a Python regex is compiled with in prefilter mode."""
    return WIDENED | (hyperscan.HS_FLAG_MULTILINE if regex.flags & re.MULTILINE else 0)


def _usable_database(serialized: bytes) -> hyperscan.Database:
    """The database, checked by allocating its scratch space (which fails on a database
    built for another platform)."""
    database = hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
    hyperscan.Scratch(database)
    return database


def _compiles(expression: bytes, flags: int) -> bool:
    try:
        compiled_database([expression], [0], [flags])
    except hyperscan.error:
        return False
    return True


@lru_cache(maxsize=64)
def regex_prefilter(regexes: tuple[re.Pattern[str], ...]) -> Prefilter:
    """The Prefilter of `regexes`, to be scanned over lower-cased UTF-8 text (cached)."""
    always = frozenset(i for i, r in enumerate(regexes)
                       if not r.flags & re.IGNORECASE or r.flags & ~KNOWN_FLAGS
                       or not r.pattern.isascii() or PYTHON_ONLY.search(r.pattern))
    flags = [widened_flags(r) for r in regexes]
    return Prefilter([r.pattern.encode("ascii", "replace") for r in regexes], flags, always)


@lru_cache(maxsize=16)
def _word_finder(words: tuple[bytes, ...]) -> Prefilter:
    return Prefilter([rb"(?:^|[^a-z0-9])" + re.escape(w) + rb"(?:[^a-z0-9]|$)" for w in words],
                     [EXACT] * len(words))


def whole_words(lower_bytes: bytes, words: frozenset[bytes],
                scan: Callable[[Prefilter], set[int]] | None = None) -> frozenset[bytes]:
    """The `words` (lower-case [a-z0-9] runs) that are whole words of `lower_bytes`.

    `scan`: the candidates of a prefilter in `lower_bytes` when the caller keeps them
    (ParsedPage.scan), else they are scanned here."""
    ordered = tuple(sorted(words))
    finder = _word_finder(ordered)
    found = scan(finder) if scan else finder.candidates(lower_bytes)
    return frozenset(ordered[i] for i in found)


_ASKED: dict[str, Prefilter] = {}  # the prefilters shared_candidates was asked about, by key
MAX_SHARED = 8  # a scan has 4 (see the module docstring); tests make more, the oldest go


def shared_candidates(text: bytes, prefilter: Prefilter, done: dict[str, set[int]]) -> set[int]:
    """prefilter.candidates(text). `done` (the caller's, one per text) keeps the candidates of
    each prefilter by key: the first question about a text scans it once for every prefilter
    asked about any text so far, so that later questions find their answer there."""
    if prefilter.key not in done:
        if prefilter.key not in _ASKED:
            _ASKED[prefilter.key] = prefilter
            while len(_ASKED) > MAX_SHARED:
                del _ASKED[next(iter(_ASKED))]
        pending = tuple(p for key, p in _ASKED.items() if key not in done)
        found = _union(pending).candidates(text)
        start = 0
        for part in pending:
            done[part.key] = {i - start for i in found if start <= i < start + part.size}
            start += part.size
    return done[prefilter.key]


@lru_cache(maxsize=16)
def _union(parts: tuple[Prefilter, ...]) -> Prefilter:
    """One Prefilter of every expression of `parts`, in order."""
    if len(parts) == 1:
        return parts[0]
    offsets = [sum(p.size for p in parts[:n]) for n in range(len(parts))]
    return Prefilter([e for p in parts for e in p.expressions], [f for p in parts for f in p.flags],
                     frozenset(at + i for p, at in zip(parts, offsets, strict=True)
                               for i in p.always))
