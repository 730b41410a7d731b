"""Feedback while a scan runs: a rich progress bar on stderr, and an honest summary.

The summary counts every shop by its outcome (scoring.result_view.OUTCOMES): measured, site
unreachable, refused by robots.txt, HTTP error, timeout, not measured. When fewer than half
of the shops have any step measured, the scan exits with EXIT_LOW_COVERAGE (README "Codes
de sortie") and the summary says so loudly.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from scoring.result_view import OUTCOMES

OUTCOME_LABELS = {"measured": "mesurés", "unreachable": "site injoignable",
                  "robots": "refusés par robots.txt", "http_error": "erreur HTTP du site",
                  "timeout": "délai dépassé", "not_measured": "non mesurés"}
MIN_MEASURED_SHARE = 0.5  # below this, the scan is flagged (exit code EXIT_LOW_COVERAGE)


@dataclass(slots=True)
class ScanCounters:
    shops_total: int = 0
    shops_done: int = 0
    pages: int = 0
    shop_errors: int = 0
    started: float = field(default_factory=time.monotonic)
    outcomes: Counter[str] = field(default_factory=Counter)  # OUTCOMES -> shops
    with_measure: int = 0  # shops with at least one step measured

    def low_coverage(self) -> bool:
        """Most shops could not be measured at all."""
        total = sum(self.outcomes.values())
        return total > 0 and self.with_measure < MIN_MEASURED_SHARE * total

    def pages_per_second(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages / elapsed if elapsed > 0 else 0.0


class ScanProgress:
    """Shows shops done/total, pages/s, errors and the ETA; silent when quiet or not a TTY."""

    def __init__(self, counters: ScanCounters, quiet: bool = False) -> None:
        self.counters = counters
        self.console = Console(stderr=True)
        self.enabled = not quiet and sys.stderr.isatty()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> ScanProgress:
        if self.enabled:
            self._progress = Progress(
                TextColumn("[bold]Analyse"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[pages_s]:.1f} pages/s"),
                TextColumn("{task.fields[errors]} erreurs"),
                TimeElapsedColumn(), TimeRemainingColumn(),
                console=self.console, transient=True,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task(
                "scan", total=self.counters.shops_total, pages_s=0.0, errors=0
            )
        return self

    def update(self) -> None:
        if self._progress is not None and self._task is not None:
            c = self.counters
            self._progress.update(self._task, completed=c.shops_done, total=c.shops_total,
                                  pages_s=c.pages_per_second(), errors=c.shop_errors)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)


def summary_line(scan_id: str, counters: ScanCounters, out_dir: str) -> str:
    elapsed = time.monotonic() - counters.started
    total = sum(counters.outcomes.values()) or counters.shops_done
    lines = [f"Analyse {scan_id} terminée en {elapsed:.0f} s : {total} commerces, "
             f"{counters.pages} pages lues.",
             "  " + outcome_counts(counters.outcomes)]
    if counters.low_coverage():
        lines.append(f"  ATTENTION : seuls {counters.with_measure} commerces sur {total} ont "
                     "au moins une étape mesurée. Les chiffres du rapport portent sur très peu "
                     "de commerces (vérifiez la connexion Internet et les adresses des sites).")
    lines.append(f"Rapport : {out_dir}")
    return "\n".join(lines)


def outcome_counts(outcomes: Counter[str]) -> str:
    """'8 mesurés, 37 site injoignable, 0 refusés par robots.txt, …' in OUTCOMES order."""
    return ", ".join(f"{outcomes.get(name, 0)} {OUTCOME_LABELS[name]}" for name in OUTCOMES)


def places_warning(reason: str | None) -> str | None:
    """Up-front warning when Google is not asked: two steps will not be measured."""
    if reason is None:
        return None
    return (f"Attention : Google Places ne sera pas interrogé ({reason}). Les étapes "
            "« Fiche Google » et « Avis clients » seront « non mesurées » pour tous les "
            "commerces.")
