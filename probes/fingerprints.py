"""Technology fingerprints in (a subset of) the Wappalyzer format.

Supported keys per technology: cats, html, scriptSrc, meta, headers, cookies,
url, implies, plus two of ours: slug (the name used in signals) and links
(regexes on <a href>). Patterns may carry ``\\;confidence:NN`` and
``\\;version:...`` suffixes. Regexes are compiled once at load; one hyperscan pass
over the page (probes/prefilter.py) skips most html regexes. See docs/fingerprints.md.
"""

from __future__ import annotations

import json
import re
import re._constants as re_constants  # the regex parser: widths of a pattern's parts
import re._parser as re_parser
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from probes.prefilter import Prefilter, regex_prefilter

DEFAULT_FINGERPRINTS = Path(__file__).parent / "data" / "fingerprints.json"
KNOWN_KEYS = {"cats", "html", "scriptSrc", "meta", "headers", "cookies", "url", "implies",
              "slug", "links", "website", "description", "icon", "cpe", "saas", "oss",
              "pricing", "js", "dom", "scripts", "excludes", "requires", "requiresCategory",
              "xhr", "css", "robots", "dns", "certIssuer", "text", "probe", "cpe23"}
REGEX_META = set(".^$*+?{}[]|()\\")
MIN_LITERAL = 4  # shortest literal worth a substring pre-check
MIN_PREFIX = 3  # shortest leading text worth finding to start the regex search there
ESCAPES_WITH_PAYLOAD = frozenset("xuUN")


class FingerprintError(ValueError):
    """A fingerprint file is malformed."""


@dataclass(slots=True, eq=False)  # compared and hashed by identity: keys the prefilter cache
class Pattern:
    regex: re.Pattern[str]
    confidence: int
    literal: str | None  # lower-case text that must occur for the regex to match
    source: str
    literal_bytes: bytes | None = None  # `literal` as UTF-8 when ASCII (searched in bytes)
    prefix_bytes: bytes | None = None  # ASCII text every match starts with (lower case) …
    prefix_lead: int = 0  # … or has within its first `prefix_lead` characters


@dataclass(slots=True, eq=False)  # compared and hashed by identity: keys the index cache
class Technology:
    name: str
    slug: str
    roles: list[str]
    patterns: dict[str, list[Pattern]] = field(default_factory=dict)  # html/scriptSrc/url/links
    keyed: dict[str, dict[str, list[Pattern]]] = field(default_factory=dict)  # meta/headers/cookies
    implies: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Detection:
    name: str
    slug: str
    roles: list[str]
    confidence: int  # 0..100
    where: str  # html | scriptSrc | meta:generator | headers:x-shopid | ...
    snippet: str
    pattern: str


@lru_cache(maxsize=64)
def patterns_prefilter(patterns: tuple[Pattern, ...]) -> Prefilter:
    """The Prefilter of `patterns`' regexes (cached by the patterns' identity)."""
    return regex_prefilter(tuple(p.regex for p in patterns))


# One pattern of a technology set: (its rank, the index of its technology, the pattern).
# Ranks follow the technologies, and within one the order its matches are reported in.
Ranked = tuple[int, int, Pattern]


@dataclass(frozen=True, slots=True)
class BlobIndex:
    """The patterns searched in one blob (links, script sources): one hyperscan pass over a
    page's blob names those that may match (probes/prefilter.py); only they are searched."""

    ranked: tuple[Ranked, ...]
    prefilter: Prefilter

    @classmethod
    def of(cls, ranked: list[Ranked]) -> BlobIndex:
        return cls(tuple(ranked), regex_prefilter(tuple(entry[2].regex for entry in ranked)))

    def candidates(self, blob: str) -> list[Ranked]:
        """The patterns that may match `blob` (lower case), in order."""
        found = self.prefilter.candidates(blob.encode("utf-8", "replace"))
        return [self.ranked[i] for i in sorted(found)]


@dataclass(frozen=True, slots=True)
class FieldIndex:
    """Every pattern of a technology set, grouped by the field it searches.

    A page's fields are searched pattern by pattern, without a loop per technology; the
    ranks put the matches back in the order of a search technology by technology.
    """

    html: tuple[Ranked, ...]  # every html pattern, in technology order …
    html_patterns: tuple[Pattern, ...]  # … and the same patterns alone
    blobs: dict[str, BlobIndex]  # "scriptSrc", "links", "url"
    keyed: dict[str, dict[str, tuple[Ranked, ...]]]  # "meta" -> "generator" -> patterns


BLOB_KEYS = ("scriptSrc", "links", "url")  # searched in this order within a technology


@lru_cache(maxsize=8)
def field_index(techs: tuple[Technology, ...]) -> FieldIndex:
    """The FieldIndex of `techs` (cached by the technologies' identity)."""
    html: list[Ranked] = []
    blobs: dict[str, list[Ranked]] = {key: [] for key in BLOB_KEYS}
    keyed: dict[str, dict[str, list[Ranked]]] = {}
    rank = 0
    for i, tech in enumerate(techs):
        groups = [(html, tech.patterns.get("html", ()))]
        groups += [(blobs[key], tech.patterns.get(key, ())) for key in BLOB_KEYS]
        groups += [(keyed.setdefault(key, {}).setdefault(name, []), patterns)
                   for key, by_name in tech.keyed.items() for name, patterns in by_name.items()]
        for place, patterns in groups:
            for pattern in patterns:
                place.append((rank, i, pattern))
                rank += 1
    return FieldIndex(tuple(html), tuple(p for _, _, p in html),
                      {key: BlobIndex.of(v) for key, v in blobs.items() if v},
                      {key: {name: tuple(v) for name, v in by_name.items()}
                       for key, by_name in keyed.items()})


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def parse_pattern(raw: str) -> Pattern:
    parts = raw.split("\\;")
    confidence = 100
    for extra in parts[1:]:
        if extra.startswith("confidence:"):
            confidence = int(extra.split(":", 1)[1])
    try:
        regex = re.compile(parts[0], re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        raise FingerprintError(f"bad regex {parts[0]!r}: {exc}") from exc
    literal = required_literal(parts[0])
    runs = required_runs(parts[0])
    ascii_literal = literal.encode() if literal and literal.isascii() else None
    prefix = leading_literal(parts[0]) if runs is not None else ""
    lead = 0
    if len(prefix) < MIN_PREFIX and runs is not None:
        prefix, lead = anchor_literal(parts[0])
    return Pattern(regex, confidence, literal, parts[0], ascii_literal,
                   prefix.encode() if len(prefix) >= MIN_PREFIX else None, lead)


def anchor_literal(pattern: str) -> tuple[str, int]:
    """(lower-case ASCII text, n): every match of `pattern` holds the text, starting at most
    n characters after the match starts ("xt[:-]?Commerce" gives ("commerce", 3)); ("", 0)
    when there is no such text. The longest such text of the top-level sequence is taken.
    """
    try:
        items = list(re_parser.parse(pattern, re.IGNORECASE | re.MULTILINE))
    except re.error:
        return "", 0
    best, best_lead, lead, run = "", 0, 0, ""  # lead: most characters before the item
    for op, arg in [*items, (None, None)]:
        if op is re_constants.LITERAL and chr(arg).isascii():
            run += chr(arg)
            continue
        if len(run) > len(best):
            best, best_lead = run, lead
        lead += len(run)
        run = ""
        if op is None:
            break
        lead += re_parser.SubPattern(re_parser.State(), [(op, arg)]).getwidth()[1]
        if lead >= re_constants.MAXREPEAT:
            break  # later text may start anywhere
    return best.lower(), best_lead


def leading_literal(pattern: str) -> str:
    """The lower-case ASCII text every match of `pattern` starts with ("" if none)."""
    text, i = "", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            ch, i = pattern[i + 1], i + 1
        elif ch in REGEX_META:
            break
        if not ch.isascii():
            break
        text += ch
        i += 1
    if i < len(pattern) and pattern[i] in "?*{":
        text = text[:-1]  # "ab?" only promises "a"
    return text.lower()


def required_literal(pattern: str) -> str | None:
    """Longest plain-text run that any match must contain (None if unsure)."""
    runs = required_runs(pattern)
    best = max(runs, key=len).lower() if runs else ""
    return best if len(best) >= MIN_LITERAL else None


def required_runs(pattern: str) -> list[str] | None:
    """Plain-text runs outside groups that every match contains (None if unsure).

    A run's ends may touch other letters in a match ("ab+c" gives "ab" and "c").
    """
    runs, current, depth, i = [], "", 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in ESCAPES_WITH_PAYLOAD or nxt.isdigit():
                return None  # \x41, \u00e9, \N{...}, \1, \012: unsure, no checks
            if nxt.isalnum():  # \d, \w, \s, \b: a class or an anchor, not a literal
                runs.append(current)
                current = ""
            elif depth == 0:
                current += nxt
            i += 2
            continue
        if ch in "?*{" and current:
            current = current[:-1]
        if ch == "|" and depth == 0:
            return None  # top-level alternation: no single required text
        if ch == "{" and depth == 0:  # a counted repeat: skip "{m,n}"
            runs.append(current)
            current = ""
            i = pattern.find("}", i) + 1 or len(pattern)
            continue
        if ch in REGEX_META:
            runs.append(current)
            current = ""
            depth += (ch in "([") - (ch in ")]")
        elif depth == 0:
            current += ch
        i += 1
    runs.append(current)
    return [r for r in runs if r]


def _pattern_list(value: Any, where: str) -> list[Pattern]:
    raw = value if isinstance(value, list) else [value]
    if not all(isinstance(r, str) for r in raw):
        raise FingerprintError(f"{where}: patterns must be strings")
    return [parse_pattern(r) for r in raw]


def build_technology(name: str, spec: dict[str, Any], roles_by_cat: dict[str, str]) -> Technology:
    if not isinstance(spec, dict):
        raise FingerprintError(f"{name}: must be an object")
    unknown = set(spec) - KNOWN_KEYS
    if unknown:
        raise FingerprintError(f"{name}: unknown keys {sorted(unknown)}")
    roles = [roles_by_cat.get(str(c), "other") for c in spec.get("cats", [])]
    tech = Technology(name, spec.get("slug") or slugify(name), roles or ["other"],
                      implies=[i.split("\\;")[0] for i in _as_list(spec.get("implies"))])
    for key in ("html", "scriptSrc", "url", "links"):
        if key in spec:
            tech.patterns[key] = _pattern_list(spec[key], f"{name}.{key}")
    for key in ("meta", "headers", "cookies"):
        if key in spec:
            if not isinstance(spec[key], dict):
                raise FingerprintError(f"{name}.{key}: must be an object")
            tech.keyed[key] = {k.lower(): _pattern_list(v, f"{name}.{key}.{k}")
                               for k, v in spec[key].items()}
    return tech


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def load_fingerprints(extra_paths: tuple[str, ...] | list[str] = ()) -> dict[str, Technology]:
    """Our fingerprints plus extra files or folders (webappanalyzer layout).

    Extra technologies with the same name replace ours. Raises FingerprintError.
    """
    return dict(_load_cached(tuple(str(p) for p in extra_paths)))


@lru_cache(maxsize=8)
def _load_cached(extra_paths: tuple[str, ...]) -> tuple[tuple[str, Technology], ...]:
    base = _read_json(DEFAULT_FINGERPRINTS)
    roles = {k: v.get("role", "other") for k, v in base.get("categories", {}).items()}
    specs: dict[str, Any] = dict(base["technologies"])
    techs = {name: build_technology(name, spec, roles) for name, spec in specs.items()
             if not name.startswith("_")}
    for extra in extra_paths:
        for name, spec in _read_extra(Path(extra)).items():
            try:
                techs[name] = build_technology(name, spec, roles)
            except FingerprintError:
                continue  # third-party files may use JavaScript-only regex syntax
    return tuple(techs.items())


def _read_extra(path: Path) -> dict[str, Any]:
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    specs: dict[str, Any] = {}
    for file in files:
        if file.name == "categories.json":
            continue
        data = _read_json(file)
        specs.update(data.get("technologies", data) if isinstance(data, dict) else {})
    return {k: _keep_supported(v) for k, v in specs.items() if isinstance(v, dict)}


def _keep_supported(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k in KNOWN_KEYS}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FingerprintError(f"cannot read fingerprints {path}: {exc}") from exc
