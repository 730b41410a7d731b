"""Every signal of the catalogue has a plain-language name in every report language."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from output.i18n import LANGUAGES, load_table

CATALOGUE = tomllib.loads((Path(__file__).parents[2] / "core/data/signals.toml").read_text("utf-8"))
SIGNALS = [f"{step}.{name}" for step, names in CATALOGUE.items() for name in names]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_signal_has_a_label(lang: str) -> None:
    table = load_table(lang)
    missing = [s for s in SIGNALS if f"signals.{s}" not in table]
    assert not missing
    extra = [k for k in table if k.startswith("signals.") and k[len("signals."):] not in SIGNALS]
    assert not extra
