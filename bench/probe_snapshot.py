"""Regression guard for speed work: every probe output on every page, saved and compared.

Usage:
  python bench/probe_snapshot.py --save /tmp/probes-before.json   # before a change
  python bench/probe_snapshot.py --check /tmp/probes-before.json  # after it: exit 1 on a diff

Pages: ../shared/corpus/pages (with their provenance address, decoded as the crawler
decodes them), ../shared/samples/pages, fixtures/probe_pages and the first shops' pages of
the scan benchmark's synthetic farm (bench/synthetic_farm.py, long texts). Per page it records the
whole probe report (status, reason, every signal's value, confidence, evidence and error),
the webshop evidence kinds and platform candidate the evaluation reads, and a digest of the
shared parse (title, lang, meta, links, controls, forms, scripts, schema, visible text) that
the crawler also reads. The snapshot holds snippets of the pages: keep it outside the project.
A speed change must leave `--check` silent; a detection change is not a speed change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic_farm import NAV, render_page, shop_host  # noqa: E402
from fixtures.corpus import CORPUS_PAGES, SAMPLES_PAGES, provenance_urls  # noqa: E402
from probes import artifacts_for_html, run_probes  # noqa: E402
from probes.context import ProbeContext  # noqa: E402
from probes.document import ParsedPage  # noqa: E402
from probes.online_ordering import platform_candidate, webshop_evidence  # noqa: E402
from scanner.gather.encoding import decode_html  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_PAGES = ROOT / "fixtures" / "probe_pages"
FIXTURE_URL = "https://example.test/"
MAX_DIFFS_SHOWN = 20
FARM_SHOPS = 4  # synthetic shops whose every page is judged


def page_digest(page: ParsedPage) -> str:
    """sha256 of everything the parse hands to probes and crawler."""
    parts = [page.title, page.lang, page.meta, page.text, page.links_blob, page.scripts_blob,
             [(lk.href, lk.text, lk.title, lk.host) for lk in page.links],
             [(c.text, c.name, c.classes) for c in page.controls],
             page.form_actions, page.form_names, page.script_srcs,
             [(s.types, s.props, s.source) for s in page.schema]]
    blob = json.dumps(parts, sort_keys=True, default=repr, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "replace")).hexdigest()


def page_output(html: str, url: str | None) -> dict[str, Any]:
    artifacts = artifacts_for_html(html, url)
    ctx = ProbeContext(artifacts)
    report = run_probes(artifacts, ctx)
    steps = {step: {"status": obs.status, "reason": obs.reason,
                    "signals": {name: {"value": sig.value, "confidence": sig.confidence,
                                       "error": sig.error,
                                       "evidence": [e.to_dict() for e in sig.evidence]}
                                for name, sig in obs.signals.items()}}
             for step, obs in report.steps.items()}
    return {"steps": steps, "kinds": sorted(webshop_evidence(ctx)),
            "platform": list(platform_candidate(ctx)),
            "parse": [page_digest(p) for p in ctx.pages]}


def pages_to_judge() -> list[tuple[str, Path, str | None]]:
    """(key, path, address) of every page the snapshot covers."""
    found = []
    for folder in (CORPUS_PAGES, SAMPLES_PAGES):
        if folder.is_dir():
            urls = provenance_urls(folder)
            found += [(f"{folder.parent.name}/{p.name}", p, urls.get(p.name))
                      for p in sorted(folder.glob("*.html"))]
    found += [(f"fixtures/{p.name}", p, FIXTURE_URL) for p in sorted(FIXTURE_PAGES.glob("*.html"))]
    return found


def snapshot(farm_shops: int = FARM_SHOPS) -> dict[str, Any]:
    found = {key: page_output(decode_html(path.read_bytes(), None), url)
             for key, path, url in pages_to_judge()}
    for shop in range(farm_shops):
        for _, path in [("home", "/"), *NAV]:
            html = render_page(shop, path).decode("utf-8")
            found[f"farm/{shop}{path}"] = page_output(html, f"http://{shop_host(shop)}{path}")
    return found


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    diffs = [f"{key}: missing now" for key in before if key not in after]
    diffs += [f"{key}: new page" for key in after if key not in before]
    for key in before.keys() & after.keys():
        old, new = before[key], after[key]
        diffs += [f"{key}: {part} differs" for part in old if old[part] != new.get(part)]
    return sorted(diffs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the snapshot here")
    group.add_argument("--check", type=Path, help="compare with this snapshot")
    parser.add_argument("--farm", type=int, default=FARM_SHOPS, metavar="SHOPS",
                        help=f"synthetic farm shops judged, 7 pages each (default {FARM_SHOPS}; "
                             "bench_probes.py --farm 10 benches 10): save and check with the same")
    args = parser.parse_args(argv)
    # Round-trip through JSON so that a fresh snapshot compares like a saved one.
    now = json.loads(json.dumps(snapshot(args.farm), ensure_ascii=False, default=repr))
    if args.save:
        args.save.write_text(json.dumps(now, ensure_ascii=False, sort_keys=True), "utf-8")
        print(f"{len(now)} pages saved to {args.save}")
        return 0
    diffs = differences(json.loads(args.check.read_text("utf-8")), now)
    for line in diffs[:MAX_DIFFS_SHOWN]:
        print(line)
    print(f"{len(now)} pages compared: {len(diffs)} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
