"""Open the KBO/BCE open-data extract (zip or folder) and read its CSV files in chunks.

The monthly "full" extract of FOD Economie holds enterprise.csv, establishment.csv,
activity.csv, denomination.csv, address.csv, contact.csv (and code, branch, meta). Files are
UTF-8, comma-separated, strings quoted. Only the columns named in ``COLUMNS`` are read; a
file whose header lacks one of them is refused with a clear message.

Two readers give the same rows:
- pandas' C parser (``usecols``, every cell a string, ``CHUNK_ROWS`` rows at a time): the
  rows wanted are picked out of each chunk in one vectorised step (``isin``); on the national
  extract it takes about a sixth less CPU than the csv module, for more memory (bench/README.md);
- the csv module, row by row, which refuses a cell over ``CSV_FIELD_LIMIT``. A damaged extract
  must not stop the run: such a row is skipped and counted in ``KboExtract.skipped_rows``.
The C parser has no cell limit, so the reading switches to the csv module, from the start of
the current chunk to the end of the file, as soon as a line longer than the limit goes by, a
picked cell is over it, or the C parser gives up. Invalid UTF-8 bytes are read as U+FFFD by
both. A row with fewer cells than the header is read with the missing cells empty.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Set
from contextlib import contextmanager
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING

from core.errors import UserInputError
from sources.csv_limits import CSV_FIELD_LIMIT, allow_large_csv_fields

if TYPE_CHECKING:
    import pandas as pd

COLUMNS: dict[str, tuple[str, ...]] = {
    "enterprise": ("EnterpriseNumber", "Status"),
    "establishment": ("EstablishmentNumber", "EnterpriseNumber"),
    "activity": ("EntityNumber", "NaceVersion", "NaceCode", "Classification"),
    "denomination": ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
    "address": ("EntityNumber", "TypeOfAddress", "Zipcode", "MunicipalityNL", "MunicipalityFR",
                "StreetNL", "StreetFR", "HouseNumber", "Box", "DateStrikingOff"),
    "contact": ("EntityNumber", "EntityContact", "ContactType", "Value"),
    "meta": ("Variable", "Value"),
}
READ_BUFFER = 1 << 20
DECODE_ERRORS = "replace"  # an invalid byte becomes U+FFFD: the row stays, the run goes on
CHUNK_ROWS = 200_000  # rows per pandas chunk: ~100 MB at most for activity.csv's 4 columns

RowFilter = Callable[["pd.DataFrame"], "pd.Series[bool]"]  # a chunk -> the rows to keep


allow_large_csv_fields()


class KboError(UserInputError):
    """The extract is missing, incomplete or not in the expected format (plain French)."""


class KboExtract:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.skipped_rows: Counter[str] = Counter()  # rows the csv module refused, per file
        if not self.path.exists():
            raise KboError(f"extrait BCE/KBO introuvable : {self.path}")
        self._zip = zipfile.ZipFile(self.path) if self.path.is_file() else None
        try:
            self._members = self._list_members()
            missing = [n for n in COLUMNS if n != "meta" and n not in self._members]
        except (zipfile.BadZipFile, OSError) as exc:
            raise KboError(f"extrait BCE/KBO illisible : {exc}") from exc
        if missing:
            raise KboError(f"{self.path.name} : fichiers manquants dans l'extrait BCE/KBO : "
                           + ", ".join(f"{m}.csv" for m in missing))

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> KboExtract:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _list_members(self) -> dict[str, str]:
        """{'activity': 'KboOpenData_0136_2025_06_Full/activity.csv', ...} (any sub-folder)."""
        if self._zip is not None:
            names = self._zip.namelist()
        else:
            names = [str(p.relative_to(self.path)) for p in self.path.rglob("*.csv")]
        found: dict[str, str] = {}
        for name in names:
            stem = Path(name).stem.lower()
            for wanted in COLUMNS:
                if stem == wanted or stem.endswith("_" + wanted):  # kbo_excerpt_activity.csv
                    found.setdefault(wanted, name)
        return found

    @contextmanager
    def _open(self, member: str) -> Iterator[IO[bytes]]:
        if self._zip is not None:
            with self._zip.open(member) as raw:  # ZipExtFile is buffered already
                yield raw
        else:
            with (self.path / member).open("rb", buffering=READ_BUFFER) as raw:
                yield raw

    @contextmanager
    def _open_text(self, member: str) -> Iterator[IO[str]]:
        with self._open(member) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8-sig", errors=DECODE_ERRORS, newline="")

    def rows(self, name: str, keys: Set[str] | None = None, where: RowFilter | None = None
             ) -> Iterator[tuple[str, ...]]:
        """The COLUMNS[name] values of the rows wanted, in that order: with ``keys``, only the
        rows whose first column (the entity number) is in it; with ``where``, only the rows
        it keeps (it sees a chunk with those columns, keys already applied)."""
        member = self._members.get(name)
        if member is None:
            return
        columns = list(COLUMNS[name])
        self._check_header(name, member)
        import pandas as pd  # ~60 MB: loaded only when a KBO extract is read

        done = 0  # data rows read by pandas in whole chunks
        try:
            with self._open(member) as raw:
                for chunk in _pandas_chunks(_LongLineGuard(raw), columns):
                    picked = _pick(chunk[columns], keys, where)
                    if _has_long_cell(picked):
                        raise _NeedsCsvModule
                    yield from picked.itertuples(index=False, name=None)
                    done += len(chunk)
        except (_NeedsCsvModule, pd.errors.ParserError):
            yield from self._csv_rows(name, member, done, keys, where)

    def _check_header(self, name: str, member: str) -> None:
        with self._open_text(member) as text:
            self._column_indexes(name, text)

    def _column_indexes(self, name: str, text: IO[str]) -> tuple[list[int], Iterator[list[str]]]:
        reader = csv.reader(text)
        try:
            header = next(reader, [])
        except csv.Error as exc:
            raise KboError(f"{name}.csv : en-tête illisible ({exc})") from None
        try:
            return [header.index(column) for column in COLUMNS[name]], reader
        except ValueError:
            raise KboError(f"{name}.csv : colonnes attendues {', '.join(COLUMNS[name])}, "
                           f"trouvées {', '.join(header)}") from None

    def _csv_rows(self, name: str, member: str, skip: int, keys: Set[str] | None,
                  where: RowFilter | None) -> Iterator[tuple[str, ...]]:
        """The csv module's reading, after the first ``skip`` data rows, in chunks."""
        import pandas as pd  # ~60 MB: loaded only when a KBO extract is read

        with self._open_text(member) as text:
            indexes, reader = self._column_indexes(name, text)
            rows = self._padded_rows(name, reader, indexes)
            for _ in islice(rows, skip):
                pass
            while chunk := list(islice(rows, CHUNK_ROWS)):
                frame = pd.DataFrame(chunk, columns=list(COLUMNS[name]), dtype=object)
                yield from _pick(frame, keys, where).itertuples(index=False, name=None)

    def _padded_rows(self, name: str, reader: Iterator[list[str]], indexes: list[int]
                     ) -> Iterator[tuple[str, ...]]:
        """Every non-empty row's wanted cells (missing cells empty); a row the csv module
        refuses is skipped and counted."""
        width, pick = max(indexes) + 1, itemgetter(*indexes)
        while True:  # the loop restarts after a refused row; try costs nothing per row
            try:
                for row in reader:
                    if row:
                        yield pick(row if len(row) >= width else row + [""] * width)
                return
            except csv.Error:  # the reader drops that line and goes on with the next
                self.skipped_rows[name] += 1


class _NeedsCsvModule(Exception):
    """The C parser may have read a cell the csv module would refuse: read on with it."""


class _LongLineGuard(io.RawIOBase):
    """Passes a binary stream through, and stops the C parser when a line longer than
    CSV_FIELD_LIMIT bytes goes by (a cell over the limit, or a broken quote)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw, self._line = raw, 0  # bytes since the last newline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(min(len(buffer), READ_BUFFER))
        first = data.find(b"\n")
        if (first if first >= 0 else len(data)) + self._line > CSV_FIELD_LIMIT:
            raise _NeedsCsvModule  # a block is shorter than the limit: only runs across it
        self._line = len(data) - 1 - data.rfind(b"\n") if first >= 0 else self._line + len(data)
        buffer[:len(data)] = data
        return len(data)


def _pandas_chunks(raw: io.RawIOBase, columns: list[str]) -> Iterator[pd.DataFrame]:
    import pandas as pd  # ~60 MB: loaded only when a KBO extract is read

    return pd.read_csv(io.BufferedReader(raw, READ_BUFFER), usecols=columns, dtype=object,
                       keep_default_na=False, na_values=[], chunksize=CHUNK_ROWS, engine="c",
                       encoding="utf-8-sig", encoding_errors=DECODE_ERRORS)


def _pick(chunk: pd.DataFrame, keys: Set[str] | None, where: RowFilter | None) -> pd.DataFrame:
    if keys is not None:
        chunk = chunk[chunk.iloc[:, 0].isin(keys)]
    if where is not None and len(chunk):
        chunk = chunk[where(chunk)]
    return chunk


def _has_long_cell(frame: pd.DataFrame) -> bool:
    return any(frame[column].str.len().max() > CSV_FIELD_LIMIT for column in frame
               ) if len(frame) else False
