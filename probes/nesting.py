"""Pages nested too deep for the parser are cut where they get too deep.

lexbor's parse time grows with the square of the nesting depth (100 000 nested <div> take
about a minute): a page with many tags is checked, and cut before its first tag deeper than
MAX_NESTING_DEPTH. Real pages stay far below it.
"""

from __future__ import annotations

import re

import numpy as np

DEPTH_CHECK_MIN_TAGS = 5_000
MAX_NESTING_DEPTH = 1_500
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
NON_NESTING_TAGS = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "param", "keygen", "p", "li", "option", "td", "th", "tr", "dt", "dd"))
# The bytes of a tag name in lower-cased HTML (after "<" or "</"), and each non-nesting name
# as the little-endian number of its bytes (max_depth reads a name as such a number).
NAME_BYTES = np.zeros(256, dtype=bool)
NAME_BYTES[list(b"abcdefghijklmnopqrstuvwxyz0123456789-")] = True
NAME_WINDOW = 8  # bytes of a name read: more than the longest non-nesting name
NON_NESTING_KEYS = np.array(sorted(int.from_bytes(t.encode(), "little") for t in NON_NESTING_TAGS),
                            dtype=np.uint64)


def cut_too_deep(html: str, lower_bytes: bytes | None = None) -> str:
    """`html` up to where its nesting gets deeper than MAX_NESTING_DEPTH (usually all of it).

    `lower_bytes`: html.encode("utf-8", "replace").lower() when the caller has it.
    """
    if (html.count("<") if lower_bytes is None else _count_lt(lower_bytes)) < DEPTH_CHECK_MIN_TAGS:
        return html
    low = lower_bytes if lower_bytes is not None else html.encode("utf-8", "replace").lower()
    if max_depth(low) <= MAX_NESTING_DEPTH:  # the fast check
        return html
    depth = 0
    for m in TAG.finditer(html):
        if m.group(2).lower() in NON_NESTING_TAGS:
            continue
        depth += -1 if m.group(1) else 1
        if depth > MAX_NESTING_DEPTH:
            return html[:m.start()]
    return html


def _count_lt(data: bytes) -> int:
    """data.count(b"<"), in one vectorised pass (bytes.count looks at one byte at a time)."""
    return int(np.count_nonzero(np.frombuffer(data, np.uint8) == ord("<")))


def max_depth(low: bytes) -> int:
    """The deepest running sum of +1 per opening and -1 per closing tag in lower-cased HTML,
    tags of NON_NESTING_TAGS left out, 0 at least. As one regex pass would read them
    (r"<(/?)(?!(?:area|base|...)(?![a-z0-9-]))[a-z][a-z0-9-]*"), in a few vectorised
    passes: each "<" starts a tag or not on its own (a name holds no "<"), by the bytes after
    it: a "/" or not, a name starting with a-z, a name other than the non-nesting ones."""
    data = np.frombuffer(low + bytes(NAME_WINDOW + 1), dtype=np.uint8)
    at = np.flatnonzero(data[:len(low)] == ord("<"))
    closing = data[at + 1] == ord("/")
    names = data[(at + 1 + closing)[:, None] + np.arange(NAME_WINDOW)]  # (tags, NAME_WINDOW)
    in_name = NAME_BYTES[names]
    size = np.where(in_name.all(axis=1), NAME_WINDOW, in_name.argmin(axis=1))  # name length
    keys = np.where(np.arange(NAME_WINDOW) < size[:, None], names, np.uint8(0))
    nesting = (names[:, 0] >= ord("a")) & (names[:, 0] <= ord("z")) \
        & ~np.isin(keys.view("<u8").ravel(), NON_NESTING_KEYS)
    steps = np.where(nesting, np.where(closing, -1, 1), 0)
    return max(0, int(np.cumsum(steps).max())) if len(steps) else 0
