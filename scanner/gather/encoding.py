"""Turn a page's bytes into text: header charset, then ``<meta>``, then a sniff.

1. ``charset=`` in the Content-Type header, if Python knows that codec;
2. ``<meta charset="…">`` or ``<meta http-equiv="Content-Type" content="…; charset=…">`` in the
   first ``META_SCAN_BYTES`` bytes;
3. a sniff: strict UTF-8 if the bytes decode, else cp1252 (the usual legacy encoding of
   French, Dutch and German web pages; a superset of ISO-8859-1 for printable text).

A BOM always wins. Undecodable bytes become U+FFFD rather than failing the page.

Two declarations are corrected by the bytes, because sites get them wrong far more often
than the bytes lie (a CMS moved to UTF-8 under an old ``charset=iso-8859-1`` header or meta):
- a legacy declaration (latin-1, cp1252, cp1251, gb2312…) on bytes that are valid UTF-8 with
  multi-byte sequences: UTF-8 (legacy text almost never forms valid UTF-8 sequences; read
  as declared, "é" becomes "Ã©" and "€" becomes "â‚¬", and words and prices are lost);
- a declared UTF-8 on bytes that are not UTF-8 and hold no UTF-8 sequence at all: cp1252.
A ``<meta>`` that names UTF-16 means UTF-8 (WHATWG: an ASCII-readable meta cannot be UTF-16).
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
#: A UTF-8 multi-byte sequence (lead byte, then continuation bytes).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def charset_from_header(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return _known_codec(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    found = _known_codec(match.group(1).decode("ascii", "ignore")) if match else None
    return "utf-8" if found and found.startswith("utf-16") else found


def detect_encoding(body: bytes, content_type: str | None) -> str:
    return _detect(body, content_type, _utf8_text(body) is not None)


def _detect(body: bytes, content_type: str | None, is_utf8: bool) -> str:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    found = charset_from_header(content_type) or charset_from_meta(body)
    if found == "utf-8" and not is_utf8 and not _UTF8_SEQUENCE.search(body):
        return LEGACY_FALLBACK  # declared UTF-8, written in a legacy encoding
    if found and not found.startswith("utf-") and is_utf8 and _UTF8_SEQUENCE.search(body):
        return "utf-8"  # declared legacy, written in UTF-8
    if found:
        return found
    return "utf-8" if is_utf8 else LEGACY_FALLBACK


def _utf8_text(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_html(body: bytes, content_type: str | None) -> str:
    utf8 = _utf8_text(body)
    encoding = _detect(body, content_type, utf8 is not None)
    if encoding == "utf-8" and utf8 is not None:
        return utf8  # the sniff's decoding is the page: not decoded twice
    if encoding in ("iso8859-1", "ascii"):
        encoding = LEGACY_FALLBACK  # what browsers do (WHATWG encoding standard)
    return body.decode(encoding, errors="replace")


def _known_codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
