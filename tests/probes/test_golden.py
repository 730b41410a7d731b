"""Golden files: a fixture page next to its expected signals and evidence, checked whole.

Regenerate after an intended change (then review the diff):
    UPDATE_GOLDEN=1 python -m pytest tests/probes/test_golden.py

"""

import json
import os
from pathlib import Path

import pytest

from probes import artifacts_for_html, run_probes
from probes.evaluation import read_page
from tests.probes.builders import context

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "probe_pages"
GOLDEN = {"fr_boulangerie_woocommerce.html": "https://boulangerie-dupont.example/",
          "nl_tuincentrum_magento.html": "https://www.delinde.example/potgrond-universeel-40l.html",
          "fr_hotel_reserver.html": "https://hoteldulac.example/"}


def _observe(name: str, url: str) -> dict:
    arts = artifacts_for_html(read_page(PAGES / name), url)
    report = run_probes(arts, context(arts))
    return {"steps": {step: {"status": obs.status, "reason": obs.reason}
                      for step, obs in report.steps.items()},
            "signals": report.flat_signals(), "evidence": report.flat_evidence()}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_page_matches_its_golden_file(name):
    expected_path = PAGES / name.replace(".html", ".expected.json")
    observed = json.loads(json.dumps(_observe(name, GOLDEN[name])))
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(observed, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert observed["signals"] == expected["signals"]
    assert observed["evidence"] == expected["evidence"]
    assert observed["steps"] == expected["steps"]
