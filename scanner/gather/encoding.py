"""Turn a page's bytes into text: header charset, then ``<meta>``, then a sniff.

1. ``charset=`` in the Content-Type header, if Python knows that codec;
2. ``<meta charset="…">`` or ``<meta http-equiv="Content-Type" content="…; charset=…">`` in the
   first ``META_SCAN_BYTES`` bytes;
3. a sniff: strict UTF-8 if the bytes decode, else cp1252 (the usual legacy encoding of
   French, Dutch and German web pages; a superset of ISO-8859-1 for printable text).

A BOM always wins. Undecodable bytes become U+FFFD rather than failing the page.
"""

from __future__ import annotations

import codecs
import re

#: How far into the body to look for a <meta> charset (browsers use 1024; be generous).
META_SCAN_BYTES = 4096
#: The sniff's fallback when the bytes are not UTF-8.
LEGACY_FALLBACK = "cp1252"

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def charset_from_header(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return _known_codec(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return _known_codec(match.group(1).decode("ascii", "ignore")) if match else None


def detect_encoding(body: bytes, content_type: str | None) -> str:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    found = charset_from_header(content_type) or charset_from_meta(body)
    if found:
        return found
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return LEGACY_FALLBACK


def decode_html(body: bytes, content_type: str | None) -> str:
    encoding = detect_encoding(body, content_type)
    if encoding in ("iso8859-1", "ascii"):
        encoding = LEGACY_FALLBACK  # what browsers do (WHATWG encoding standard)
    return body.decode(encoding, errors="replace")


def _known_codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
