"""Read and write shop lists (CSV or XLSX) prepared by hand or by a previous run.

    result = read_shop_list("commerces.xlsx")
    result.shops          # list[Shop]
    result.errors         # list[RowError]: row number (as the spreadsheet shows it) + problem

Column names are matched through ``sources/data/csv_headers.toml`` (FR/NL/EN/DE, case and
accents ignored). Only a name column is required. A bad row is reported and skipped; the
import goes on.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from core.errors import UserInputError
from core.shop import SHOP_CSV_FIELDS, Shop
from sources.csv_limits import (
    CSV_FIELD_LIMIT,
    XLSX_MAX_COLUMNS,
    XLSX_MAX_ROWS,
    XLSX_MAX_UNPACKED_BYTES,
    allow_large_csv_fields,
)
from sources.text import fold_key, normalise_website

HEADERS_FILE = Path(__file__).parent / "data" / "csv_headers.toml"
SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
OUR_ID = re.compile(r"s-[0-9a-f]{12}")  # core.shop.stable_shop_id
#: A cell longer than this that holds a line break is a quote never closed, not a shop.
MAX_MULTILINE_CELL = 1_000
LIST_SEPARATOR = ";"  # between the sources of one shop in the "sources" column
# A column with one of these titles (folded) names the commune of the whole list: a scan of
# the list is labelled with it when every row agrees. It still feeds Shop.city when the list
# has no city column of its own.
COMMUNE_COLUMN = "commune"
COMMUNE_HEADERS = frozenset({"commune", "gemeente", "gemeinde", "municipality"})

allow_large_csv_fields()


class ShopListError(UserInputError):
    """The file cannot be read as a shop list at all (missing name column, unreadable file)."""


@dataclass(slots=True)
class RowError:
    row_number: int  # as the spreadsheet shows it: the header is row 1
    message: str
    kept: bool = False  # True: only this cell was left out, the shop itself was imported


@dataclass(slots=True)
class ImportResult:
    shops: list[Shop] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    commune: str | None = None  # the list's commune column, when every row gives the same


def load_header_aliases(path: Path = HEADERS_FILE) -> dict[str, str]:
    """{folded alias: Shop field}; raises ValueError on an unknown field or a duplicate alias."""
    data = tomllib.loads(path.read_text("utf-8"))
    aliases: dict[str, str] = {}
    for shop_field, names in data["aliases"].items():
        if shop_field not in SHOP_CSV_FIELDS:
            raise ValueError(f"{path.name}: unknown field {shop_field!r}")
        for name in [shop_field, *names]:
            key = fold_key(name)
            if aliases.get(key, shop_field) != shop_field:
                raise ValueError(f"{path.name}: {name!r} listed under two fields")
            aliases[key] = shop_field
    return aliases


def read_shop_list(path: str | Path) -> ImportResult:
    path = Path(path)
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    header = next(rows, None)
    if header is None:
        raise ShopListError(f"{path.name} : le fichier est vide")
    columns = _map_columns(header, path.name)
    commune_at = next((i for i, title in enumerate(header)
                       if fold_key(title or "") in COMMUNE_HEADERS), None)
    communes: set[str] = set()
    result = ImportResult()
    for row_number, row in enumerate(rows, start=2):
        values = {f: _cell(row, i) for i, f in columns.items()}
        if not any(values.values()):
            continue  # blank line
        swallowed = _swallowed_lines(row)
        if swallowed:
            result.errors.append(RowError(row_number, swallowed))
            continue
        if commune_at is not None and _cell(row, commune_at):
            communes.add(_cell(row, commune_at))
        try:
            shop, left_out = _shop_from_values(values)
        except ValueError as exc:
            result.errors.append(RowError(row_number, str(exc)))
            continue
        result.shops.append(shop)
        result.errors += [RowError(row_number, problem, kept=True) for problem in left_out]
    result.commune = communes.pop() if len(communes) == 1 else None
    return result


def _swallowed_lines(row: list[str]) -> str | None:
    """Why a row looks broken: one cell ran over line breaks and thousands of characters,
    the mark of a quote never closed (the rows after it merged into that cell)."""
    for value in row:
        if isinstance(value, str) and len(value) > MAX_MULTILINE_CELL and "\n" in value:
            lines = value.count("\n") + 1
            return (f"ligne illisible : une cellule de {len(value)} caractères couvre {lines} "
                    "lignes (guillemet non fermé ?) ; vérifiez les guillemets de cette ligne")
    return None


def _map_columns(header: list[str], file_name: str) -> dict[int, str]:
    aliases = load_header_aliases()
    columns: dict[int, str] = {}
    for index, title in enumerate(header):
        shop_field = aliases.get(fold_key(title or ""))
        if shop_field and shop_field not in columns.values():
            columns[index] = shop_field
    if "name" not in columns.values():
        found = ", ".join(repr(h) for h in header if h) or "aucune"
        raise ShopListError(
            f"{file_name} : colonne du nom introuvable (attendu : nom, naam, name…). "
            f"Colonnes trouvées : {found}"
        )
    return columns


def _cell(row: list[str], index: int) -> str:
    value = row[index] if index < len(row) else ""
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _shop_from_values(values: dict[str, str]) -> tuple[Shop, list[str]]:
    """The row's shop, and the problems of cells left out (a bad website or coordinate loses
    that cell, never the shop). Raises ValueError when there is no shop (no name)."""
    name = _unneutralise(values.get("name", ""))
    if not name:
        raise ValueError("nom manquant")
    kwargs: dict[str, object] = {"name": name}
    left_out: list[str] = []
    for key, raw in values.items():
        if key == "name" or not raw:
            continue
        raw = _unneutralise(raw)
        if key in ("website", "lat", "lon"):
            try:
                kwargs[key] = normalise_website(raw) if key == "website" else _coordinate(key, raw)
            except ValueError as exc:
                left_out.append(str(exc))
        elif key == "sources":
            kwargs[key] = [s for s in raw.split(LIST_SEPARATOR) if s]
        elif key == "conflicts":
            kwargs[key] = _conflicts(raw)
        elif key == "id":
            if OUR_ID.fullmatch(raw):  # a spreadsheet's own numbering is not our shop id
                kwargs[key] = raw
        else:
            kwargs[key] = raw
    shop = Shop(**kwargs)  # type: ignore[arg-type]
    if not shop.sources:
        shop.sources = ["csv"]
    if shop.website and not shop.website_source:
        shop.website_source = "csv"
    if any(values.get(key) and key not in kwargs for key in ("lat", "lon")):
        shop.lat = shop.lon = None  # one coordinate left out: half a position is no position
    return shop, left_out


def _coordinate(key: str, raw: str) -> float:
    limit = 90.0 if key == "lat" else 180.0
    label = "latitude" if key == "lat" else "longitude"
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise ValueError(f"{label} invalide : {raw!r}") from None
    if not -limit <= value <= limit:
        raise ValueError(f"{label} hors limites : {raw}")
    return value


def _conflicts(raw: str) -> dict[str, list[str]]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError("colonne conflicts : JSON invalide") from None
    if not isinstance(data, dict):
        raise ValueError("colonne conflicts : objet JSON attendu")
    return {str(k): [str(v) for v in vs] for k, vs in data.items()}


def _unneutralise(value: str) -> str:
    """Undo write_shop_list's formula neutralisation ("'=x" -> "=x")."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


# -- readers ---------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise ShopListError(f"{path.name} : lecture impossible ({exc.strerror})") from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as exc:  # a cell over CSV_FIELD_LIMIT, usually a quote never closed
        raise ShopListError(
            f"{path.name} : ligne {len(rows) + 1} illisible ({_csv_problem(exc)}). "
            "Vérifiez les guillemets de cette ligne."
        ) from exc
    return iter(rows)


def _csv_problem(exc: csv.Error) -> str:
    if "field limit" in str(exc):
        return f"une cellule dépasse {CSV_FIELD_LIMIT // 1024} Ko"
    return str(exc)


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the header line (, ; tab or |); quoting rules stay Excel's."""
    header = text[:SNIFF_BYTES].split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    _check_unpacked_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ShopListError(f"{path.name} : classeur Excel illisible ({exc})") from exc
    try:
        rows: list[list[str]] = []
        for row in workbook.active.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS):
            if len(rows) >= XLSX_MAX_ROWS:
                raise ShopListError(f"{path.name} : plus de {XLSX_MAX_ROWS} lignes, "
                                    "ce n'est pas une liste de commerces")
            rows.append([_xlsx_value(v) for v in row])
    finally:
        workbook.close()
    return iter(rows)


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than XLSX_MAX_UNPACKED_BYTES (zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise ShopListError(f"{path.name} : classeur Excel illisible ({exc})") from exc
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise ShopListError(f"{path.name} : classeur trop volumineux une fois décompressé "
                            f"(plus de {XLSX_MAX_UNPACKED_BYTES >> 20} Mo)")


def _xlsx_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- writer ----------------------------------------------------------------------------------
def neutralise_formula(value: str) -> str:
    """Prefix ' to a value a spreadsheet would run as a formula (= + - @)."""
    return "'" + value if value and value[0] in FORMULA_PREFIXES else value


def shop_to_row(shop: Shop) -> dict[str, str]:
    row: dict[str, str] = {}
    for name in SHOP_CSV_FIELDS:
        value = getattr(shop, name)
        if name == "sources":
            text = LIST_SEPARATOR.join(value)
        elif name == "conflicts":
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""
        elif value is None:
            text = ""
        else:
            text = str(value)
        row[name] = text if name in ("lat", "lon") else neutralise_formula(text)
    return row


def write_shop_list(shops: list[Shop], path: str | Path, commune: str | None = None) -> None:
    """Write shops.csv (UTF-8 with BOM so Excel shows accents) with SHOP_CSV_FIELDS columns,
    and a last `commune` column when the commune is given (a scan of the list keeps it)."""
    fields = (*SHOP_CSV_FIELDS, COMMUNE_COLUMN) if commune else SHOP_CSV_FIELDS
    with Path(path).open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for shop in shops:
            row = shop_to_row(shop)
            if commune:
                row[COMMUNE_COLUMN] = neutralise_formula(commune)
            writer.writerow(row)
