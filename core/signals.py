"""The signal catalogue: every signal a probe may emit, with its type (data/signals.toml).

Probes emit only catalogued signals; the rubric, the opportunities and the audit grid may only
reference catalogued signals.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

SIGNAL_CATALOGUE_PATH = Path(__file__).parent / "data" / "signals.toml"


def load_signal_catalogue(path: Path = SIGNAL_CATALOGUE_PATH) -> dict[str, str]:
    """`{"step.signal": type}` from core/data/signals.toml."""
    if path == SIGNAL_CATALOGUE_PATH:
        return dict(_default_catalogue())
    return _read(path)


@cache
def _default_catalogue() -> dict[str, str]:
    return _read(SIGNAL_CATALOGUE_PATH)


def _read(path: Path) -> dict[str, str]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return {f"{step}.{name}": spec["type"]
            for step, signals in data.items() for name, spec in signals.items()}
