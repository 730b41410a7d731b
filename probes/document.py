"""Parse a page once into a `ParsedPage` that every probe shares.

One selectolax (lexbor) tree per page; JSON-LD parsed here (tolerant of broken
JSON); microdata read from the same tree; RDFa handed to extruct only when the
page carries RDFa markers (``typeof=`` / ``vocab=``), because extruct re-parses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from core.artifacts import FetchedPage
from core.text import collapsed
from probes.fingerprints import Pattern, parse_pattern, patterns_prefilter
from probes.nesting import cut_too_deep
from probes.prefilter import Prefilter, shared_candidates, whole_words
from probes.structured_data import SchemaItem, parse_jsonld_blocks, parse_microdata, parse_rdfa

# What parse_page reads of these elements is read in one pass over the tree (the first
# <title> and <base href>, every <meta> and <form>, scripts with a source or JSON-LD).
JSONLD_SELECTOR = 'script[type*="ld+json"]'  # "type" is matched ignoring ASCII case
ELEMENTS = f"title, meta, base[href], script[src], {JSONLD_SELECTOR}, form"
# Elements whose text a visitor never reads.
INVISIBLE_TAGS = "script,style,noscript,template,svg,iframe,object"
# Visible text kept per page (characters). Enough for keywords and language.
MAX_TEXT_CHARS = 60_000
CONTROLS = "button, input[type=submit], input[type=button], input[type=image], [role=button]"
# Words of the lower-cased HTML without which some elements cannot be there (a tag or
# attribute name is a whole word of it), read in the page's shared hyperscan pass: no
# "itemscope", no microdata; no "role", no element with a role, no "input", no <input>:
# CONTROLS is cut down to what may match (the [role=button] test on every element is costly).
GATE_WORDS = frozenset((b"itemscope", b"role", b"input"))
CONTROLS_WITHOUT_ROLE = {True: "button, input[type=submit], input[type=button], input[type=image]",
                         False: "button"}  # by: "input" in the markup
MAX_CONTROL_TEXT = 160
MAX_LINK_TEXT = 200
WEB_SCHEMES = ("http://", "https://")
# RDFa that uses schema.org (other vocabularies, e.g. GoodRelations, are not read at all).
RDFA_MARKERS = tuple(parse_pattern(p) for p in (
    r"""vocab\s*=\s*["']?https?://(?:www\.)?schema\.org""",
    r"xmlns:schema\s*=",
    r"""prefix\s*=\s*["'][^"']*schema:""",
    r"""typeof\s*=\s*["']?(?:schema:|https?://(?:www\.)?schema\.org)"""))
MAX_PREFIX_TRIES = 400  # regex attempts at a pattern's leading text before a plain search
AUTHORITY = re.compile(r"(?:https?:)?//([^/?#]*)", re.IGNORECASE)  # of web URLs only
MICRODATA_WORD = b"itemscope"  # an attribute name (one of GATE_WORDS)
# A relative link urljoin would only append to the base's folder ("css/a.css", "p.html?x=1"):
# no scheme, no empty segment, dot segment, query or fragment, nothing urljoin removes.
# Nor is a path whose last segment has empty parameters ("c;") or is a dot segment with
# parameters ("a/.;x"): urljoin drops the first and resolves the second.
# Put after a "/", the same shape is a site-relative link urljoin only appends to the origin.
PLAIN_RELATIVE = re.compile(r"/?[\w%~-][^:/?#\s\\\x00-\x1f]*"
                            r"(?:/(?!\.\.?(?:[/?#;]|$))[^/?#\s\\\x00-\x1f]+)*/?(?<!;)"
                            r"(?:\?[^#\s\\\x00-\x1f]+)?(?:#[^\s\\\x00-\x1f]+)?")
# A protocol-relative address ("//cdn.be/a.js") that urljoin only prefixes with the base's
# scheme: an ASCII host, then nothing urljoin drops (it resolves no dot segment after a host).
PLAIN_HOST_RELATIVE = re.compile(r"//[A-Za-z0-9.-]+(?::\d*)?(?:/[^?#\s\\\x00-\x1f]*)?(?<!;)"
                                 r"(?:\?[^#\s\\\x00-\x1f]+)?(?:#[^\s\\\x00-\x1f]+)?")


@dataclass(slots=True)
class Link:
    href: str  # absolute when the page URL is known
    text: str
    title: str = ""
    host: str | None = None  # lower-case host of href; None for relative or non-web links


def host_of(url: str) -> str | None:
    """Lower-case host of an absolute (or protocol-relative) URL; None for relative ones."""
    m = AUTHORITY.match(url)
    return None if m is None else _host_of_authority(m.group(1))


@lru_cache(maxsize=1024)
def _host_of_authority(authority: str) -> str | None:
    """"User@Shop.be.:443" -> "shop.be" (a page links to the same few hosts many times)."""
    return authority.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".") or None


@dataclass(slots=True)
class Control:
    """A button-like element: <button>, <input type=submit|button>, a[role=button]."""

    text: str
    name: str = ""
    classes: str = ""


@dataclass(slots=True)
class ParsedPage:
    url: str | None
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    role: str = "other"
    title: str = ""
    lang: str | None = None  # primary subtag of <html lang>, lower case
    text: str = ""  # visible text, whitespace collapsed
    links: list[Link] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    form_actions: list[str] = field(default_factory=list)
    form_names: list[str] = field(default_factory=list)  # name, id and class of each form
    script_srcs: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # name/property (lower) -> content
    schema: list[SchemaItem] = field(default_factory=list)
    links_blob: str = ""  # every link href, one per line, lower case (fast regex search)
    scripts_blob: str = ""  # every script src, one per line, lower case
    _lower_bytes: bytes | None = None
    _scans: dict[str, set[int]] = field(default_factory=dict)  # prefilter key -> candidates
    source: str = ""  # the html as fetched (before any depth cut): tells whether a parse is stale

    def lower_bytes(self) -> bytes:
        """The raw HTML as UTF-8 with ASCII letters lower-cased (built on first use)."""
        if self._lower_bytes is None:
            self._lower_bytes = self.html.encode("utf-8", "replace").lower()
        return self._lower_bytes

    def scan(self, prefilter: Prefilter) -> set[int]:
        """The candidates of `prefilter` in the lower-cased raw HTML (prefilter.candidates),
        scanned together with the other prefilters asked about pages (shared_candidates)."""
        return shared_candidates(self.lower_bytes(), prefilter, self._scans)

    def html_matches(self, patterns: tuple[Pattern, ...]) -> Iterator[tuple[int, re.Match[str]]]:
        """(index, match) of each of `patterns` found in the raw HTML, in order. One hyperscan
        pass (probes/prefilter.py) names the few that may match; only those are searched."""
        found = self.scan(patterns_prefilter(patterns))
        for i in sorted(found):
            m = self.search_html(patterns[i])
            if m:
                yield i, m

    def search_html(self, pattern: Pattern) -> re.Match[str] | None:
        """`pattern` searched in the raw HTML, after its cheap literal check."""
        low = self.lower_bytes()
        if pattern.literal_bytes and pattern.literal_bytes not in low:
            return None
        if not pattern.prefix_bytes:
            return pattern.regex.search(self.html)
        return self._search_at_prefixes(pattern.regex, pattern.prefix_bytes, pattern.prefix_lead)

    def _search_at_prefixes(self, regex: re.Pattern[str], prefix: bytes,
                            lead: int = 0) -> re.Match[str] | None:
        """Leftmost match of a regex whose matches all hold `prefix`, starting at most `lead`
        characters after the match starts (0: every match starts with it).

        Tries the regex only where the prefix occurs (a case-insensitive regex search
        scans slowly); after MAX_PREFIX_TRIES occurrences, searches the rest at once.
        """
        low, html = self.lower_bytes(), self.html
        ascii_only = html.isascii()
        at, char_at, byte_at, untried = low.find(prefix), 0, 0, 0
        for _ in range(MAX_PREFIX_TRIES):
            if at < 0:
                return None
            if ascii_only:
                char_at = at
            else:  # byte offset -> character offset, counted from the previous one
                char_at += len(low[byte_at:at].decode("utf-8", "replace"))
                byte_at = at
            for start in range(max(untried, char_at - lead), char_at + 1):
                m = regex.match(html, start)
                if m:
                    return m
            untried = char_at + 1
            at = low.find(prefix, at + 1)
        return regex.search(html, untried) if at >= 0 else None

    @property
    def schema_types(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self.schema:
            for t in item.types:
                seen.setdefault(t, None)
        return list(seen)


def links_of(html: str, url: str | None = None) -> list[Link]:
    """The `<a href>` links of `html` exactly as parse_page reads them (same depth cut, same
    `<base href>`), without the rest of the parse (the crawler's home-page links)."""
    tree = LexborHTMLParser(cut_too_deep(html or ""))
    return _links(tree, _base_href(tree.css("base[href]"), url))


def parse_page(html: str, url: str | None = None, headers: dict[str, str] | None = None,
               role: str = "other") -> ParsedPage:
    """Parse `html` once. Never raises on malformed markup."""
    html = html or ""
    try:  # the UTF-8 lexbor parses (it would encode a str itself) and the scans read lowered
        raw: bytes | None = html.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: lexbor drops them, the scans see "?"
        raw = None
    low = (html.encode("utf-8", "replace") if raw is None else raw).lower()
    whole = html
    html = cut_too_deep(html, low)
    tree = LexborHTMLParser(raw if raw is not None and html is whole else html)
    page = ParsedPage(url=url, html=html, headers=dict(headers or {}), role=role,
                      _lower_bytes=low if html is whole else None, source=whole)
    page.lang = _html_lang(tree)
    found = _elements(tree)
    page.title = _title(found["title"])
    page.meta = _meta_tags(found["meta"])
    scripts = [node.attributes for node in found["script"]]
    page.script_srcs = [_absolute(url, src) for a in scripts
                        if (src := (a.get("src") or "").strip())]
    jsonld = [node.text(deep=True) for node, a in zip(found["script"], scripts, strict=True)
              if "ld+json" in (a.get("type") or "").lower()]  # as JSONLD_SELECTOR matches
    words = whole_words(page.lower_bytes(), GATE_WORDS, page.scan)
    page.schema = structured_data(tree, page, jsonld, words)
    page.links = _links(tree, _base_href(found["base"], url))
    page.controls = _controls(tree, words)
    forms = [f.attributes for f in found["form"]]
    page.form_actions = [_absolute(url, a) for f in forms if (a := (f.get("action") or "").strip())]
    page.form_names = [" ".join(f.get(k) or "" for k in ("name", "id", "class")) for f in forms]
    page.text = _visible_text(tree)
    page.links_blob = "\n".join(link.href for link in page.links).lower()
    page.scripts_blob = "\n".join(page.script_srcs).lower()
    return page


def structured_data(tree: LexborHTMLParser, page: ParsedPage, jsonld: list[str] | None = None,
                    words: frozenset[bytes] | None = None) -> list[SchemaItem]:
    """schema.org items of the page: JSON-LD, microdata, then RDFa (before any node of
    `tree` is removed: JSON-LD sits in <script>). `jsonld`: the JSON-LD blocks when known;
    `words`: the GATE_WORDS of the page when known."""
    if jsonld is None:
        jsonld = [n.text(deep=True) for n in tree.css(JSONLD_SELECTOR)]
    if words is None:
        words = whole_words(page.lower_bytes(), GATE_WORDS, page.scan)
    schema = parse_jsonld_blocks(jsonld)
    if MICRODATA_WORD in words:
        schema += parse_microdata(tree)
    if next(page.html_matches(RDFA_MARKERS), None):
        schema += parse_rdfa(page.html, page.url)
    return schema


def _elements(tree: LexborHTMLParser) -> dict[str, list[LexborNode]]:
    """The nodes ELEMENTS selects, by tag name, in document order: one pass over the tree.

    A script with both a source and JSON-LD is kept once (`_each_once`).
    """
    found: dict[str, list[LexborNode]] = {"title": [], "meta": [], "base": [], "script": [],
                                          "form": []}
    for node in _each_once(tree.css(ELEMENTS)):
        found[node.tag or ""].append(node)
    return found


def _each_once(nodes: list[LexborNode]) -> list[LexborNode]:
    """`nodes` without repeats, in order: lexbor lists a node of a selector group once for
    each selector it matches (<button role=button> twice)."""
    return list({node.mem_id: node for node in nodes}.values())


def _absolute(base: str | None, href: str) -> str:
    if not base or href.startswith(WEB_SCHEMES):
        return href
    try:
        if PLAIN_RELATIVE.fullmatch(href):  # what urljoin gives, without its cost
            return (_root_of(base) if href[0] == "/" else _folder_of(base)) + href
        if href[:2] == "//" and base.startswith(WEB_SCHEMES) \
                and PLAIN_HOST_RELATIVE.fullmatch(href):
            return base[:base.index(":") + 1] + href  # the base's scheme
        return urljoin(base, href)
    except ValueError:
        return href


@lru_cache(maxsize=256)
def _folder_of(base: str) -> str:
    """urljoin(base, "x") without the "x": where base's plain relative links go."""
    return urljoin(base, "x")[:-1]


@lru_cache(maxsize=256)
def _root_of(base: str) -> str:
    """urljoin(base, "/") without the "/": where base's plain site-relative links go."""
    return urljoin(base, "/")[:-1]


def _html_lang(tree: LexborHTMLParser) -> str | None:
    node = tree.root  # the <html> element, which the parser always makes
    raw = (node.attributes.get("lang") or node.attributes.get("xml:lang") or "") if node else ""
    primary = raw.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _title(titles: list[LexborNode]) -> str:
    return " ".join(titles[0].text().split()) if titles else ""


def _meta_tags(metas: list[LexborNode]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for node in metas:
        attrs = node.attributes
        key = attrs.get("name") or attrs.get("property") or attrs.get("http-equiv") or ""
        key = key.strip().lower()
        if key and key not in meta:
            meta[key] = (attrs.get("content") or "").strip()
    return meta


def parsed_page_of(page: FetchedPage) -> ParsedPage:
    """The shared parse of a FetchedPage: made on first use, reused by crawler and probes.

    A page whose html was replaced (rendered) since it was parsed is parsed again, unless
    the new html is the same text (a render that changed nothing).
    """
    doc = page.parsed
    if isinstance(doc, ParsedPage) and doc.source is not page.html \
            and doc.source == page.html and doc.url == (page.final_url or page.url):
        doc.source = page.html  # rendered into the very same text: the parse still holds
    if not isinstance(doc, ParsedPage) or doc.source is not page.html:
        doc = parse_page(page.html or "", page.final_url or page.url, page.headers, page.role)
        page.parsed = doc
    doc.role = page.role
    return doc


def _base_href(bases: list[LexborNode], url: str | None) -> str | None:
    href = (bases[0].attributes.get("href") or "").strip() if bases else ""
    if not href:
        return url
    return urljoin(url, href) if url else (href if host_of(href) else url)


def _links(tree: LexborHTMLParser, base: str | None) -> list[Link]:
    links: list[Link] = []
    add = links.append
    origin_host = host_of(base) if base else None
    origin = _origin(base) if origin_host and base else None
    for node in tree.css("a[href]"):
        attrs = node.attributes
        href = (attrs.get("href") or "").strip()
        if not href:
            continue
        first = href[0]
        if first == "/" and origin and href[1:2] != "/":
            href, host = origin + href, origin_host  # fast path for site-relative links
        elif first == "#":
            continue
        elif href.startswith(WEB_SCHEMES):  # absolute already
            host = host_of(href)
        elif href[:11].lower() == "javascript:":
            continue
        else:
            href = _absolute(base, href)
            host = host_of(href)
        add(Link(href, " ".join(node.text(separator=" ", skip_empty=True).split())[:MAX_LINK_TEXT],
                 attrs.get("title") or "", host))
    return links


def _origin(base: str) -> str | None:
    """scheme://host[:port] of ``base`` as typed (any case, port kept, no user info)."""
    m = AUTHORITY.match(base)
    if m is None or not base[:m.start(1)].rstrip("/").endswith(":"):
        return None
    return base[:m.start(1)] + m.group(1).rsplit("@", 1)[-1]


def _controls(tree: LexborHTMLParser, words: frozenset[bytes]) -> list[Control]:
    """Each button-like element once: its text, else its value, title, alt or aria-label.
    `words`: the GATE_WORDS of the markup."""
    if b"role" in words:  # an element may match two selectors: kept once
        nodes = _each_once(tree.css(CONTROLS))
    else:
        nodes = tree.css(CONTROLS_WITHOUT_ROLE[b"input" in words])
    controls = []
    for node in nodes:
        attrs = node.attributes
        text = " ".join(node.text(separator=" ", skip_empty=True).split())
        if len(text) > MAX_CONTROL_TEXT:
            text = text[:MAX_CONTROL_TEXT].rstrip()
        elif not text:
            text = (attrs.get("value") or attrs.get("title") or attrs.get("alt")
                    or attrs.get("aria-label") or "").strip()[:MAX_CONTROL_TEXT]
        controls.append(Control(text, (attrs.get("name") or "")[:80],
                                (attrs.get("class") or "")[:200]))
    return controls


def _visible_text(tree: LexborHTMLParser) -> str:
    for node in tree.css(INVISIBLE_TAGS):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    return collapsed(root.text(separator=" ", skip_empty=True), MAX_TEXT_CHARS)
