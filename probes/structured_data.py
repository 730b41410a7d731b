"""schema.org items from JSON-LD, microdata and RDFa, as flat `SchemaItem`s.

JSON-LD is parsed here and forgives the usual mistakes (trailing commas, HTML
comments, raw newlines in strings, several objects in one block). Microdata is
read from the shared selectolax tree. RDFa goes through extruct (rare, slower).
Only schema.org vocabularies count: GoodRelations or data-vocabulary are ignored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

SCHEMA_PREFIX = re.compile(r"^https?://(?:www\.)?schema\.org/", re.IGNORECASE)
FOREIGN_VOCAB = re.compile(r"^https?://", re.IGNORECASE)  # any other absolute type URL
TRAILING_COMMA = re.compile(r",\s*([}\]])")
HTML_COMMENT = re.compile(r"<!--|-->|/\*<!\[CDATA\[\*/|/\*\]\]>\*/|<!\[CDATA\[|\]\]>")
TYPE_FALLBACK = re.compile(r'"@type"\s*:\s*"([A-Za-z]+)"')
MAX_ITEMS = 500  # per page; a listing can declare hundreds of products
MAX_DEPTH = 12


@dataclass(slots=True)
class SchemaItem:
    types: list[str]  # short names: "Product", "Bakery"
    props: dict[str, Any] = field(default_factory=dict)
    source: str = "json-ld"  # json-ld | microdata | rdfa


def schema_type_name(raw: str) -> str | None:
    """'http://schema.org/Store' -> 'Store'; other vocabularies -> None."""
    raw = raw.strip()
    if SCHEMA_PREFIX.match(raw):
        return SCHEMA_PREFIX.sub("", raw).strip("/") or None
    if FOREIGN_VOCAB.match(raw) or ":" in raw:
        return None
    return raw or None


#: JSON escapes of UTF-16 surrogates: a pair (kept) or a lone one, which is legal JSON but
#: decodes to text that cannot be stored or written as UTF-8 (replaced by U+FFFD).
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
                              r"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _lone_to_replacement(m: re.Match[str]) -> str:
    return m.group(0) if len(m.group(0)) == 12 else "\\ufffd"


def parse_jsonld_blocks(blocks: list[str]) -> list[SchemaItem]:
    items: list[SchemaItem] = []
    for block in blocks:
        data = _loads_tolerant(block)
        if data is None:
            items += [SchemaItem([t]) for t in TYPE_FALLBACK.findall(block)]
            continue
        _walk_jsonld(data, items, depth=0)
    return items[:MAX_ITEMS]


def _loads_tolerant(text: str) -> Any:
    text = HTML_COMMENT.sub("", text).strip().rstrip(";")
    if not text:
        return None
    if SURROGATE_ESCAPE.search(text):  # "\ud800" decodes to text that cannot be stored
        text = SURROGATE_ESCAPE.sub(_lone_to_replacement, text)
    for candidate in (text, TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except RecursionError:  # nested thousands of levels deep: skipped, never an error
            return None
        except ValueError:
            pass
    try:  # several objects glued together: {...}{...}
        return json.loads("[" + re.sub(r"}\s*{", "},{", TRAILING_COMMA.sub(r"\1", text)) + "]",
                          strict=False)
    except (ValueError, RecursionError):
        return None


def _walk_jsonld(node: Any, out: list[SchemaItem], depth: int) -> None:
    if depth > MAX_DEPTH or len(out) >= MAX_ITEMS:
        return
    if isinstance(node, list):
        for child in node:
            _walk_jsonld(child, out, depth + 1)
        return
    if not isinstance(node, dict):
        return
    raw_types = node.get("@type")
    raw_list = raw_types if isinstance(raw_types, list) else [raw_types]
    types = [t for r in raw_list if isinstance(r, str) and (t := schema_type_name(r))]
    if types:
        out.append(SchemaItem(types, node, "json-ld"))
    for key, value in node.items():
        if key != "@context" and isinstance(value, dict | list):
            _walk_jsonld(value, out, depth + 1)


def parse_microdata(tree: LexborHTMLParser) -> list[SchemaItem]:
    """schema.org microdata items; each itemprop goes to its nearest itemscope (one pass)."""
    items: dict[int, SchemaItem] = {}
    scopes = tree.css("[itemscope]")
    for node in scopes:
        raw = (node.attributes.get("itemtype") or "").split()
        types = [t for r in raw if (t := schema_type_name(r))]
        if types and SCHEMA_PREFIX.match(raw[0]) and len(items) < MAX_ITEMS:
            items[node.mem_id] = SchemaItem(types, {}, "microdata")
    if not items:
        return []
    scope_ids = {node.mem_id for node in scopes}
    for node in tree.css("[itemprop]"):
        owner = _owner_scope(node, scope_ids)
        item = items.get(owner) if owner is not None else None
        if item is not None:
            for name in (node.attributes.get("itemprop") or "").split():
                if name not in item.props:
                    item.props[name] = _microdata_value(node)
    return list(items.values())


def _microdata_value(node: LexborNode) -> Any:
    attrs = node.attributes
    if "itemscope" in attrs:
        return {"@type": [t for r in (attrs.get("itemtype") or "").split()
                          if (t := schema_type_name(r))]}
    value = (attrs.get("content") or attrs.get("href") or attrs.get("src")
             or attrs.get("datetime") or node.text(separator=" ").strip())
    return value[:300]


def _owner_scope(node: LexborNode, scope_ids: set[int]) -> int | None:
    """mem_id of the nearest ancestor of `node` among `scope_ids` (the itemscope elements)."""
    parent = node.parent
    while parent is not None:
        if (mem_id := parent.mem_id) in scope_ids:
            return mem_id
        parent = parent.parent
    return None


def parse_rdfa(html: str, url: str | None) -> list[SchemaItem]:
    """RDFa through extruct; any failure in extruct yields no items."""
    try:
        import extruct  # lazy: 0.5 s to import, needed only for pages with RDFa

        data = extruct.extract(html, base_url=url, syntaxes=["rdfa"], uniform=False)
    except Exception:  # noqa: BLE001 - extruct/pyRdfa raise many kinds on bad markup
        return []
    items = []
    for node in data.get("rdfa", []):
        types = [t for r in node.get("@type", []) if isinstance(r, str)
                 and SCHEMA_PREFIX.match(r) and (t := schema_type_name(r))]
        if types:
            items.append(SchemaItem(types, _rdfa_props(node), "rdfa"))
    return items[:MAX_ITEMS]


def _rdfa_props(node: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for key, values in node.items():
        if not SCHEMA_PREFIX.match(key) or not isinstance(values, list) or not values:
            continue
        first = values[0]
        value = first.get("@value", first.get("@id")) if isinstance(first, dict) else first
        props[SCHEMA_PREFIX.sub("", key)] = value
    return props
