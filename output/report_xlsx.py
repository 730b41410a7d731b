"""audit.xlsx: the pre-filled Smart Commerce audit grid, for an ambassador to check.

Sheets: overview; one per journey step (its audit questions, the pre-filled answer, its base,
the evidence, then empty "your answer" and "comment" columns with a drop-down list); the
shops (readable headers and values in the report language, levels coloured as in the report,
links to the site and the Google listing, the first things to improve, and the ambassador's
check with a drop-down); the method. Every sheet: frozen header, filter, print titles,
landscape, fit to width. Written in openpyxl's write-only mode (rows streamed from the store).
A text that starts with "=" is stored as text (data type "s"), never as a formula; nothing
gets a leading apostrophe. The raw signals stay in shops.csv and scan.json.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from core.steps import STEPS
from output import _stats
from output._ecosystem_view import commune_sheet_rows
from output._files import atomic_path
from output._format import Formatter, safe_href
from output._rubric_text import audit_item_in, canvas_name, report_rubric
from output._shop_view import shop_details
from output.i18n import Messages, load_messages
from output.store import Store
from scoring import Rubric
from scoring.result_view import PLACE_URL

PERCENT = "0%"
DECIMAL = "0.0"
HEADER_FILL = PatternFill("solid", fgColor="0B6E4F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_COLUMN_WIDTH = 60
MIN_COLUMN_WIDTH = 8
SHARE_KINDS = ("share", "share_level")
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
LEVEL_FILLS = {level: PatternFill("solid", fgColor=colour) for level, colour in
               enumerate(("D73027", "FC8D59", "FEE08B", "91CF60", "1A9850"))}  # as report.css
NOT_MEASURED_FILL = PatternFill("lightGray", fgColor="C8CCD0")  # hatched, as in the report
WHITE_ON_DARK = Font(bold=True, color="FFFFFF")
LINK_FONT = Font(color="0563C1", underline="single")
FIRST_ACTIONS_PER_STEP = 1
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PHONE_LIKE = re.compile(r"[+\d][\d\s./()-]*")  # "+32 81 23 45 67" stays as written
MAX_ROWS_VALIDATED = 5000  # drop-down lists cover this many rows


def write_audit_xlsx(store: Store, scan: dict[str, Any], commune: dict[str, Any], path: Path,
                     lang: str = "fr") -> Path:
    msg, fmt = load_messages(lang), Formatter(lang)
    workbook = Workbook(write_only=True)
    try:
        _overview(workbook.create_sheet(sheet_name(msg("audit.overview"))), scan, commune, msg,
                  fmt)
        audit_steps = (commune.get("audit") or {}).get("steps") or {}
        journey = _stats.group_figures(commune)["steps"]
        rubric = report_rubric(scan)
        for step in STEPS:
            sheet = workbook.create_sheet(sheet_name(msg(f"steps.{step}")))
            _step_sheet(sheet, audit_steps.get(step) or {}, journey[step], msg, rubric)
        _shops_sheet(workbook.create_sheet(sheet_name(msg("audit.shops_sheet"))), store, scan,
                     msg, rubric)
        _method_sheet(workbook.create_sheet(sheet_name(msg("audit.method_sheet"))), scan,
                      commune, msg, rubric)
        _rows_sheet(workbook, msg("ecosystem.sheet"), commune_sheet_rows(commune, msg))
        with atomic_path(path) as tmp:
            workbook.save(tmp)
    except Exception:
        _discard(workbook)
        raise
    return path


def _discard(workbook: Workbook) -> None:
    """Close a half-written workbook's row streams now, quietly: left to the garbage
    collector (after a full disk), each would print an "Exception ignored" traceback."""
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        for stream in (getattr(sheet, "_rows", None), getattr(writer, "xf", None)):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.close()


def _rows_sheet(workbook: Workbook, title: str, rows: list[list[Any]]) -> None:
    """A plain sheet (the Commune sheet, output/_ecosystem_view.py); none without rows."""
    if not rows:
        return
    sheet = workbook.create_sheet(sheet_name(title))
    set_widths(sheet, [48, 22, 16, 14, 45])
    for row in rows:
        sheet.append([cell(sheet, value, wrap=isinstance(value, str)) for value in row])


def sheet_name(text: str) -> str:
    return SHEET_NAME_FORBIDDEN.sub(" ", text)[:SHEET_NAME_MAX].strip() or "Sheet"


def cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None = None,
         font: Font | None = None, fill: PatternFill | None = None,
         wrap: bool = False) -> WriteOnlyCell:
    if isinstance(value, list | tuple | dict):
        value = _text(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not PHONE_LIKE.fullmatch(value):
        value = " " + value  # shown as text when the cell is edited; no apostrophe
    made = WriteOnlyCell(sheet, value=xlsx_safe(value))
    if isinstance(value, str):
        made.data_type = "s"  # text, never a formula
    if number_format:
        made.number_format = number_format
    if font:
        made.font = font
    if fill:
        made.fill = fill
    if wrap:
        made.alignment = WRAP
    return made


def xlsx_safe(value: Any) -> Any:
    """Text without the control characters a workbook cannot hold (\x07 from a shop name or
    a page title would make openpyxl refuse the whole file)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def header_row(sheet: WriteOnlyWorksheet, titles: list[str]) -> list[WriteOnlyCell]:
    return [cell(sheet, title, font=HEADER_FONT, fill=HEADER_FILL, wrap=True) for title in titles]


def set_widths(sheet: WriteOnlyWorksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        clamped = max(MIN_COLUMN_WIDTH, min(MAX_COLUMN_WIDTH, width))
        sheet.column_dimensions[get_column_letter(index)].width = clamped


def _overview(sheet: WriteOnlyWorksheet, scan: dict[str, Any], commune: dict[str, Any],
              msg: Messages, fmt: Formatter) -> None:
    set_widths(sheet, [26, 12, 12, 16, 14, 10, 10, 10, 10, 10])
    sheet.freeze_panes = "A8"
    sheet.append([cell(sheet, msg("meta.title"), font=TITLE_FONT)])
    weakest = _stats.weakest_step(commune)
    for label, value in ((msg("audit.commune"), scan.get("commune") or msg("meta.no_commune")),
                         (msg("audit.scan_date"), fmt.date(scan.get("started_at"))),
                         (msg("audit.shops_total"), commune.get("shops", scan.get("shops_done"))),
                         (msg("audit.weakest_link"), msg(f"steps.{weakest}") if weakest else "–")):
        sheet.append([cell(sheet, label, font=Font(bold=True)), cell(sheet, value)])
    sheet.append([])
    levels = [f"{i} – {msg(f'levels.{i}')}" for i in range(_stats.LEVEL_COUNT)]
    sheet.append(header_row(sheet, [msg("table.step"), msg("table.mean"), msg("table.median"),
                                    msg("table.share_basic"), msg("table.coverage"), *levels]))
    for step, figures in _stats.group_figures(commune)["steps"].items():
        sheet.append([cell(sheet, msg(f"steps.{step}")),
                      cell(sheet, figures["mean"], DECIMAL),
                      cell(sheet, figures["median"], DECIMAL),
                      cell(sheet, figures["share_basic"], PERCENT),
                      cell(sheet, figures["coverage"], PERCENT),
                      *[cell(sheet, n) for n in figures["levels"]]])


def _step_sheet(sheet: WriteOnlyWorksheet, audit_step: dict[str, Any], figures: dict[str, Any],
                msg: Messages, rubric: Rubric | None) -> None:
    titles = [msg("audit.question"), msg("audit.answer"), msg("xlsx.base"),
              msg("table.coverage"), msg("audit.confidence"), msg("audit.reference"),
              msg("xlsx.evidence"), msg("xlsx.your_answer"), msg("xlsx.comment")]
    set_widths(sheet, [55, 14, 11, 12, 12, 40, 50, 16, 40])
    criteria = [c for c in _stats.as_list(audit_step.get("criteria")) if isinstance(c, dict)]
    print_setup(sheet, len(titles), max(1, len(criteria)))
    _drop_down(sheet, msg("xlsx.answer_choices"), f"H2:H{max(1, len(criteria)) + 1}")
    sheet.append(header_row(sheet, titles))
    for item in criteria:
        sheet.append(_criterion_row(sheet, audit_item_in(item, rubric, msg.lang)))
    if not criteria:
        sheet.append([cell(sheet, msg("audit.no_criteria"), wrap=True)])
    sheet.append([])
    sheet.append(header_row(sheet, [msg("audit.level_distribution"), msg("table.shops")]))
    for level, count in enumerate(figures["levels"]):
        sheet.append([cell(sheet, f"{level} – {msg(f'levels.{level}')}",
                           fill=LEVEL_FILLS[level]), cell(sheet, count)])
    sheet.append([cell(sheet, msg("levels.unknown"), fill=NOT_MEASURED_FILL),
                  cell(sheet, max(0, (figures["in_scope"] or 0) - figures["measured"]))])


def print_setup(sheet: WriteOnlyWorksheet, columns: int, rows: int) -> None:
    """Frozen header, filter, header repeated on each page, landscape, fit to width."""
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _drop_down(sheet: WriteOnlyWorksheet, choices: str, cells: str) -> None:
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    validation.add(cells)
    sheet.data_validations.append(validation)


def _criterion_row(sheet: WriteOnlyWorksheet, item: dict[str, Any]) -> list[WriteOnlyCell]:
    value_format = PERCENT if item.get("kind") in SHARE_KINDS else DECIMAL
    reference = item.get("reference") if isinstance(item.get("reference"), dict) else None
    reference_text = ""
    if reference:
        shown = reference.get("value")
        if item.get("kind") in SHARE_KINDS and isinstance(shown, int | float):
            shown = f"{round(shown * 100)}%"
        reference_text = (f"{shown} ({reference.get('source')}, {reference.get('year')}) "
                          f"{reference.get('url') or ''} {reference.get('note') or ''}").strip()
    examples = _stats.as_list(item.get("examples"))
    example_text = "\n".join(
        f"{e.get('name')}: {' '.join(e.get('urls') or [])}".strip()
        for e in examples if isinstance(e, dict))
    return [cell(sheet, item.get("question"), wrap=True),
            cell(sheet, item.get("value"), value_format), cell(sheet, item.get("shops")),
            cell(sheet, item.get("coverage"), PERCENT), cell(sheet, item.get("confidence")),
            cell(sheet, reference_text, wrap=True), cell(sheet, example_text, wrap=True),
            cell(sheet, None), cell(sheet, None)]


def _shops_sheet(sheet: WriteOnlyWorksheet, store: Store, scan: dict[str, Any],
                 msg: Messages, rubric: Rubric | None) -> None:
    titles = [msg("table.name"), msg("table.sector"), msg("table.address"),
              msg("table.website"), msg("xlsx.google_link"), msg("xlsx.phone"),
              *[msg("xlsx.level_of", step=msg(f"steps.{step}")) for step in STEPS],
              msg("xlsx.first_actions"), msg("xlsx.site_visit"), msg("xlsx.google_search"),
              msg("xlsx.check"), msg("xlsx.comment")]
    set_widths(sheet, [30, 20, 30, 16, 14, 16, *[12] * len(STEPS), 60, 22, 22, 18, 40])
    check_column = get_column_letter(len(titles) - 1)
    results = list(store.iter_shop_results(scan["id"]))
    print_setup(sheet, len(titles), len(results))
    _drop_down(sheet, msg("xlsx.check_choices"),
               f"{check_column}2:{check_column}{min(max(1, len(results)), MAX_ROWS_VALIDATED) + 1}")
    sheet.append(header_row(sheet, titles))
    for result in results:
        sheet.append(_shop_row(sheet, result, rubric, msg))


def _shop_row(sheet: WriteOnlyWorksheet, result: dict[str, Any], rubric: Rubric | None,
              msg: Messages) -> list[WriteOnlyCell]:
    sector = str(result.get("sector") or "other")
    address = " ".join(str(p) for p in (result.get("address"), result.get("postcode"),
                                         result.get("city")) if p)
    place_id = result.get("place_id")
    details = shop_details(result, rubric, msg)
    actions = [c["advice"] for step in STEPS
               for c in details[step]["missing"][:FIRST_ACTIONS_PER_STEP]]
    crawl = _stats.as_dict(result.get("crawl")).get("status")
    places = _stats.as_dict(result.get("places")).get("status")
    return [cell(sheet, result.get("name")),
            cell(sheet, msg(f"sectors.{sector}") if msg.has(f"sectors.{sector}") else sector),
            cell(sheet, address),
            _link(sheet, msg("xlsx.open_site"), safe_href(result.get("website"))),
            _link(sheet, msg("xlsx.open_listing"),
                  PLACE_URL.format(place_id=place_id) if place_id else None),
            cell(sheet, result.get("phone")),
            *[_level_cell(sheet, _stats.as_dict(_stats.as_dict(result.get("steps")).get(step)),
                          msg) for step in STEPS],
            cell(sheet, "\n".join(actions), wrap=True),
            cell(sheet, _status_text(msg, "crawl_status", crawl)),
            cell(sheet, _status_text(msg, "places_status", places)),
            cell(sheet, None), cell(sheet, None)]


def _level_cell(sheet: WriteOnlyWorksheet, step: dict[str, Any], msg: Messages) -> WriteOnlyCell:
    level = step.get("level")
    if step.get("status") == "measured" and isinstance(level, int) and level in LEVEL_FILLS:
        font = WHITE_ON_DARK if level in (0, 4) else Font(bold=True)
        return cell(sheet, f"{level} – {msg(f'levels.{level}')}", font=font,
                    fill=LEVEL_FILLS[level])
    status = str(step.get("status") or "not_measured")
    text = msg(f"status.{status}") if msg.has(f"status.{status}") else status
    return cell(sheet, text, fill=NOT_MEASURED_FILL if status != "not_applicable" else None)


def _link(sheet: WriteOnlyWorksheet, text: str, url: str | None) -> WriteOnlyCell:
    if not url:
        return cell(sheet, None)
    made = cell(sheet, text, font=LINK_FONT)
    made.hyperlink = url
    return made


def _status_text(msg: Messages, section: str, status: Any) -> str:
    key = f"{section}.{status}"
    return msg(key) if msg.has(key) else str(status or "–")


def _method_sheet(sheet: WriteOnlyWorksheet, scan: dict[str, Any], commune: dict[str, Any],
                  msg: Messages, rubric: Rubric | None) -> None:
    set_widths(sheet, [28, 90])
    sheet.append([cell(sheet, msg("method.title"), font=TITLE_FONT)])
    sheet.append([cell(sheet, msg("method.notes"), wrap=True)])
    stored_rubric = _stats.as_dict(commune.get("rubric"))
    sheet.append([cell(sheet, msg("method.rubric")), cell(sheet, stored_rubric.get("version"))])
    audit = _stats.as_dict(commune.get("audit"))
    canvas = canvas_name(rubric, msg.lang, audit.get("canvas"))
    sheet.append([cell(sheet, "Audit"), cell(sheet, canvas or audit.get("template"))])
    sheet.append([cell(sheet, msg("table.scan")), cell(sheet, scan.get("id"))])
    sheet.append([])
    sheet.append(header_row(sheet, [msg("method.settings"), ""]))
    for key, value in (scan.get("settings") or {}).items():
        sheet.append([cell(sheet, key), cell(sheet, value, wrap=True)])


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return "; ".join(str(v) for v in value)
