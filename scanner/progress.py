"""Feedback while a scan runs: a rich progress bar on stderr, and a one-line summary."""

from __future__ import annotations

import sys
import time
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


@dataclass(slots=True)
class ScanCounters:
    shops_total: int = 0
    shops_done: int = 0
    pages: int = 0
    shop_errors: int = 0
    started: float = field(default_factory=time.monotonic)

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
    return (f"Analyse {scan_id} terminée : {counters.shops_done}/{counters.shops_total} commerces, "
            f"{counters.pages} pages, {counters.shop_errors} erreurs, {elapsed:.0f} s. "
            f"Rapport : {out_dir}")
