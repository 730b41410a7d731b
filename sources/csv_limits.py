"""One field-size limit for every CSV file we read (shop lists, KBO/BCE extract).

Python's csv module refuses any cell over 131072 characters by default ('field larger than
field limit'), a limit it keeps process-wide. A real shop list or KBO extract never has a cell
anywhere near 1 MB, but a pasted description or a broken quote can make one cell swallow many
lines: we allow cells up to ``CSV_FIELD_LIMIT`` and readers turn anything larger into a row
error (shop list) or a skipped row (KBO) instead of a crash.
"""

from __future__ import annotations

import csv

CSV_FIELD_LIMIT = 1 << 20  # characters in one cell (1 Mi)


def allow_large_csv_fields() -> None:
    """Raise the csv module's process-wide cell limit to CSV_FIELD_LIMIT (never lower it)."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
