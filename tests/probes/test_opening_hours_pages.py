"""Opening hours on hand-written small-business pages (fixtures/probe_pages/hours_*.html).

Dutch, Flemish, French and German contact pages in the layouts people use (tables with
one row per day, <dl>/<li>/<br> lists, footers, a WordPress widget, Wix spans, <time>
tags, schema.org), and pages whose times are not opening hours (a customer-service line,
a delivery slot, an event, a recipe). Labels: fixtures/probe_pages/hours_labels.csv.
"""

from pathlib import Path

import pytest

from fixtures.corpus import read_rows
from probes import inspect_html

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "probe_pages"
LABELS = PAGES / "hours_labels.csv"
FLOOR = 0.95  # recall and precision


def _judged() -> list[tuple[str, bool, bool]]:
    out = []
    for row in read_rows(LABELS):
        html = (PAGES / row["file"]).read_text(encoding="utf-8")
        signals = inspect_html(html, "https://shop.example/contact")["signals"]
        out.append((row["file"], row["opening_hours"] == "yes",
                    bool(signals.get("web_presence.opening_hours"))))
    return out


@pytest.fixture(scope="module")
def judged() -> list[tuple[str, bool, bool]]:
    return _judged()


def test_every_hours_page_is_labelled(judged):
    assert {name for name, _, _ in judged} == {p.name for p in PAGES.glob("hours_*.html")}
    assert sum(truth for _, truth, _ in judged) >= 15


def test_recall_and_precision_on_small_business_pages(judged):
    tp = [n for n, truth, got in judged if truth and got]
    fn = [n for n, truth, got in judged if truth and not got]
    fp = [n for n, truth, got in judged if got and not truth]
    assert len(tp) / (len(tp) + len(fn)) >= FLOOR, f"missed: {fn}"
    assert len(tp) / max(len(tp) + len(fp), 1) >= FLOOR, f"not opening hours: {fp}"
