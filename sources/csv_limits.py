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

#: A shop list workbook is refused when its parts unpack to more than this (bytes): a real list
#: of a few thousand shops is a few MB; a "zip bomb" of 300 KB unpacks to hundreds of MB.
XLSX_MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: Rows read from a workbook (header included); a commune has at most a few thousand shops.
XLSX_MAX_ROWS = 100_000
#: Cells read per row; the columns we know are far fewer.
XLSX_MAX_COLUMNS = 200
