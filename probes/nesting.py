"""Pages nested too deep for the parser are cut where they get too deep.

lexbor's parse time grows with the square of the nesting depth (100 000 nested <div> take
about a minute): a page with many tags is checked, and cut before its first tag deeper than
MAX_NESTING_DEPTH. Real pages stay far below it.
"""

from __future__ import annotations

import re
from itertools import accumulate

DEPTH_CHECK_MIN_TAGS = 5_000
MAX_NESTING_DEPTH = 1_500
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
NON_NESTING_TAGS = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "param", "keygen", "p", "li", "option", "td", "th", "tr", "dt", "dd"))
# The same tags in lower-cased bytes, minus the non-nesting ones; group 1 is b"/" or b"".
NESTING_TAG = re.compile(rb"<(/?)(?!(?:" + b"|".join(sorted(t.encode() for t in NON_NESTING_TAGS))
                         + rb")(?![a-z0-9-]))[a-z][a-z0-9-]*")
DEPTH_STEP = {b"": 1, b"/": -1}


def cut_too_deep(html: str, lower_bytes: bytes | None = None) -> str:
    """`html` up to where its nesting gets deeper than MAX_NESTING_DEPTH (usually all of it).

    `lower_bytes`: html.encode("utf-8", "replace").lower() when the caller has it.
    """
    if html.count("<") < DEPTH_CHECK_MIN_TAGS:
        return html
    low = lower_bytes if lower_bytes is not None else html.encode("utf-8", "replace").lower()
    # Fast check: the running sum of +1 (opening) / -1 (closing) nesting tags is the depth.
    steps = map(DEPTH_STEP.__getitem__, NESTING_TAG.findall(low))
    if max(accumulate(steps), default=0) <= MAX_NESTING_DEPTH:
        return html
    depth = 0
    for m in TAG.finditer(html):
        if m.group(2).lower() in NON_NESTING_TAGS:
            continue
        depth += -1 if m.group(1) else 1
        if depth > MAX_NESTING_DEPTH:
            return html[:m.start()]
    return html
