"""audit.xlsx: the pre-filled Smart Commerce audit workbook.

Sheets: overview, one per journey step (its audit questions pre-filled from the commune
section, then its level distribution), every shop with every signal, and the method.
Written in openpyxl's write-only mode (rows streamed from the store). Text cells that a
spreadsheet would run as formulas are neutralised.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.steps import STEPS
from output import _stats
from output._files import atomic_path, neutralise_formula
from output._format import Formatter
from output.i18n import Messages, load_messages
from output.report_csv import flat_row, header, signal_names
from output.store import Store

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


def write_audit_xlsx(store: Store, scan: dict[str, Any], commune: dict[str, Any], path: Path,
                     lang: str = "fr") -> Path:
    msg, fmt = load_messages(lang), Formatter(lang)
    workbook = Workbook(write_only=True)
    _overview(workbook.create_sheet(sheet_name(msg("audit.overview"))), scan, commune, msg, fmt)
    audit_steps = (commune.get("audit") or {}).get("steps") or {}
    journey = _stats.group_figures(commune)["steps"]
    for step in STEPS:
        sheet = workbook.create_sheet(sheet_name(msg(f"steps.{step}")))
        _step_sheet(sheet, audit_steps.get(step) or {}, journey[step], msg)
    _shops_sheet(workbook.create_sheet(sheet_name(msg("audit.shops_sheet"))), store, scan["id"])
    _method_sheet(workbook.create_sheet(sheet_name(msg("audit.method_sheet"))), scan, commune, msg)
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return path


def sheet_name(text: str) -> str:
    return SHEET_NAME_FORBIDDEN.sub(" ", text)[:SHEET_NAME_MAX].strip() or "Sheet"


def cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None = None,
         font: Font | None = None, fill: PatternFill | None = None,
         wrap: bool = False) -> WriteOnlyCell:
    if isinstance(value, list | tuple | dict):
        value = _text(value)
    made = WriteOnlyCell(sheet, value=xlsx_safe(neutralise_formula(value)))
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
                msg: Messages) -> None:
    set_widths(sheet, [18, 55, 16, 11, 12, 12, 45, 45])
    sheet.freeze_panes = "A2"
    sheet.append(header_row(sheet, [msg("audit.criterion"), msg("audit.question"),
                                    msg("audit.answer"), msg("table.shops"),
                                    msg("table.coverage"), msg("audit.confidence"),
                                    msg("audit.reference"), msg("audit.examples")]))
    criteria = _stats.as_list(audit_step.get("criteria"))
    for item in criteria:
        if isinstance(item, dict):
            sheet.append(_criterion_row(sheet, item))
    if not criteria:
        sheet.append([cell(sheet, "–"), cell(sheet, msg("audit.no_criteria"), wrap=True)])
    sheet.append([])
    sheet.append(header_row(sheet, [msg("audit.level_distribution"), msg("table.shops")]))
    for level, count in enumerate(figures["levels"]):
        sheet.append([cell(sheet, f"{level} – {msg(f'levels.{level}')}"), cell(sheet, count)])


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
    return [cell(sheet, item.get("id")), cell(sheet, item.get("question"), wrap=True),
            cell(sheet, item.get("value"), value_format), cell(sheet, item.get("shops")),
            cell(sheet, item.get("coverage"), PERCENT), cell(sheet, item.get("confidence")),
            cell(sheet, reference_text, wrap=True), cell(sheet, example_text, wrap=True)]


def _shops_sheet(sheet: WriteOnlyWorksheet, store: Store, scan_id: str) -> None:
    signals = signal_names(store, scan_id)
    titles = header(signals)
    set_widths(sheet, [min(len(t) + 2, 30) if i != 2 else 32 for i, t in enumerate(titles)])
    sheet.freeze_panes = "D2"  # ids and names stay visible while scrolling
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}1"
    sheet.append(header_row(sheet, titles))
    for result in store.iter_shop_results(scan_id):
        sheet.append([cell(sheet, value) for value in flat_row(result, signals)])


def _method_sheet(sheet: WriteOnlyWorksheet, scan: dict[str, Any], commune: dict[str, Any],
                  msg: Messages) -> None:
    set_widths(sheet, [28, 90])
    sheet.append([cell(sheet, msg("method.title"), font=TITLE_FONT)])
    sheet.append([cell(sheet, msg("method.notes"), wrap=True)])
    rubric = _stats.as_dict(commune.get("rubric"))
    sheet.append([cell(sheet, msg("method.rubric")), cell(sheet, rubric.get("version"))])
    audit = _stats.as_dict(commune.get("audit"))
    sheet.append([cell(sheet, "Audit"), cell(sheet, audit.get("canvas") or audit.get("template"))])
    sheet.append([cell(sheet, msg("table.scan")), cell(sheet, scan.get("id"))])
    sheet.append([])
    sheet.append(header_row(sheet, [msg("method.settings"), ""]))
    for key, value in (scan.get("settings") or {}).items():
        sheet.append([cell(sheet, key), cell(sheet, value, wrap=True)])


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return "; ".join(str(v) for v in value)
