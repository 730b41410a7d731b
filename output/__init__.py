"""Output: the scan store and the reports (scan.json, shops.csv, audit workbook, HTML).

    from output import write_reports
    write_reports(store, scan_id, Path("out"), formats=("html", "xlsx", "csv", "json"), lang="fr")
"""

from __future__ import annotations

import logging
from pathlib import Path

from core.errors import ScanFailed
from output._stats import commune_section
from output.i18n import load_messages
from output.report_csv import write_shops_csv
from output.report_html import write_report_html
from output.report_json import write_scan_json
from output.report_xlsx import write_audit_xlsx
from output.store import Store, StoreError

FORMATS = ("html", "xlsx", "csv", "json")
FILE_NAMES = {"html": "report.html", "xlsx": "audit.xlsx", "csv": "shops.csv",
              "json": "scan.json"}

__all__ = ["FILE_NAMES", "FORMATS", "ReportsNotWritten", "write_reports"]
log = logging.getLogger(__name__)


def write_reports(store: Store, scan_id: str, out_dir: Path,
                  formats: tuple[str, ...] | list[str] = FORMATS,
                  lang: str = "fr") -> dict[str, Path]:
    """Write the chosen report files for one scan; returns {format: path}.

    `scan_id` may be "latest". Each file is written to a temporary name and renamed when
    complete. Every chosen file is attempted even when one fails; then `ReportsNotWritten`
    (a ScanFailed) names the ones missing. Raises `output.store.StoreError` if the scan does not
    exist and ValueError for an unknown format or language.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"Format inconnu : {', '.join(unknown)} (formats : {', '.join(FORMATS)})")
    load_messages(lang)  # fails early on an unknown language
    scan = store.get_scan(scan_id)
    if scan is None:
        raise StoreError(f"Scan introuvable : {scan_id}")
    commune = commune_section(store, scan)
    out_dir = Path(out_dir)
    written: dict[str, Path] = {}
    failed: dict[str, str] = {}
    for fmt in FORMATS:
        if fmt in formats:
            path = out_dir / FILE_NAMES[fmt]
            try:
                written[fmt] = _write_one(fmt, store, scan, commune, path, lang)
            except Exception as exc:  # noqa: BLE001 - one writer's failure never costs the others
                log.debug("writing %s failed", path, exc_info=True)
                failed[str(path)] = getattr(exc, "strerror", None) or type(exc).__name__
    if failed:
        raise ReportsNotWritten(written, failed)
    return written


class ReportsNotWritten(ScanFailed):
    """Some report files could not be written; the others were (``written``)."""

    def __init__(self, written: dict[str, Path], failed: dict[str, str]) -> None:
        listed = " ; ".join(f"{path} ({reason})" for path, reason in failed.items())
        kept = ", ".join(p.name for p in written.values()) or "aucun"
        super().__init__(f"rapport non écrit : {listed}. Écrits : {kept}")
        self.written, self.failed = written, failed


def _write_one(fmt: str, store: Store, scan: dict, commune: dict, path: Path,
               lang: str) -> Path:
    if fmt == "json":
        return write_scan_json(store, scan, commune, path)
    if fmt == "csv":
        return write_shops_csv(store, scan["id"], path)
    if fmt == "xlsx":
        return write_audit_xlsx(store, scan, commune, path, lang)
    return write_report_html(store, scan, commune, path, lang)
