"""Open the KBO/BCE open-data extract (zip or folder) and stream its CSV files row by row.

The monthly "full" extract of FOD Economie holds enterprise.csv, establishment.csv,
activity.csv, denomination.csv, address.csv, contact.csv (and code, branch, meta). Files are
UTF-8, comma-separated, strings quoted. Only the columns named in ``COLUMNS`` are read; a
file whose header lacks one of them is refused with a clear message. A damaged extract must
not stop the run: invalid UTF-8 bytes are read as U+FFFD, and a row the csv module refuses
(a cell over ``CSV_FIELD_LIMIT``) is skipped and counted in ``KboExtract.skipped_rows``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator, Set
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import IO

from core.errors import UserInputError
from sources.csv_limits import allow_large_csv_fields

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
    def _open(self, member: str) -> Iterator[IO[str]]:
        if self._zip is not None:
            with self._zip.open(member) as raw:  # ZipExtFile is buffered already
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", errors=DECODE_ERRORS,
                                       newline="")
        else:
            with (self.path / member).open(encoding="utf-8-sig", errors=DECODE_ERRORS,
                                           newline="", buffering=READ_BUFFER) as text:
                yield text

    def rows(self, name: str, keys: Set[str] | None = None) -> Iterator[tuple[str, ...]]:
        """The COLUMNS[name] values of every row, in that order; with ``keys``, only the rows
        whose first column (the entity number) is in it (checked before anything else)."""
        member = self._members.get(name)
        if member is None:
            return
        with self._open(member) as text:
            reader = csv.reader(text)
            try:
                header = next(reader, [])
            except csv.Error as exc:
                raise KboError(f"{name}.csv : en-tête illisible ({exc})") from None
            try:
                indexes = [header.index(column) for column in COLUMNS[name]]
            except ValueError:
                raise KboError(f"{name}.csv : colonnes attendues {', '.join(COLUMNS[name])}, "
                               f"trouvées {', '.join(header)}") from None
            width, key, pick = max(indexes) + 1, indexes[0], itemgetter(*indexes)
            while True:  # the loop restarts after a refused row; try costs nothing per row
                try:
                    for row in reader:
                        if (keys is None or (row and row[key] in keys)) and len(row) >= width:
                            yield pick(row)
                    return
                except csv.Error:  # the reader drops that line and goes on with the next
                    self.skipped_rows[name] += 1
