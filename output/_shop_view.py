"""One shop as the report shows it: levels per step, then, Lighthouse-style, what is missing
first (each with the action that would raise the level), what was found (evidence in
words, with its source page) and what could not be checked. Every text comes from the
catalogue of the report's language. No HTML here: the template escapes everything.
"""

from __future__ import annotations

from typing import Any

from core.steps import STEPS
from output import _stats
from output._evidence import evidence_text
from output._format import safe_href
from output.i18n import Messages
from scoring import Rubric, explain_shop

MAX_EVIDENCE_PER_SIGNAL = 2


def shop_details(result: dict[str, Any], rubric: Rubric | None, msg: Messages
                 ) -> dict[str, dict[str, Any]]:
    """{step: {"missing", "found", "unknown", "next_level", "not_applicable"}} in the report
    language (`not_applicable`: why the step does not apply to the shop's sector, or None)."""
    explained = explain_shop(rubric, result, msg.lang) if rubric is not None else {}
    evidence = _stats.as_dict(result.get("evidence"))
    details = {}
    for step in STEPS:
        step_explained = explained.get(step) or {"missing": [], "met": [], "unknown": []}
        details[step] = {
            "missing": [_criterion(step, c, msg, advice=True) for c in step_explained["missing"]],
            "found": [{**_criterion(step, c, msg), "proofs": _proofs(c["signal"], evidence, msg)}
                      for c in step_explained["met"]],
            "unknown": [_criterion(step, c, msg) for c in step_explained["unknown"]],
            "next_level": step_explained.get("next_level"),
            "not_applicable": step_explained.get("not_applicable"),
        }
    return details


def problems(result: dict[str, Any], msg: Messages) -> list[str]:
    """The site's problems, by kind, in the report language (stored messages are English)."""
    texts = []
    for error in _stats.as_list(result.get("errors")):
        kind = str(_stats.as_dict(error).get("kind") or "other")
        text = msg(f"problems.{kind}") if msg.has(f"problems.{kind}") else msg("problems.other")
        if text not in texts:
            texts.append(text)
    return texts


def _criterion(step: str, criterion: dict[str, Any], msg: Messages,
               advice: bool = False) -> dict[str, Any]:
    key = f"{step}.{criterion['id']}"
    label = criterion["label"]  # the rubric's, in the report language
    row = {"id": criterion["id"], "label": label, "blocks": criterion["blocks"]}
    if advice:
        row["advice"] = msg(f"advice.{key}") if msg.has(f"advice.{key}") else label
    return row


def _proofs(signal: str, evidence: dict[str, Any], msg: Messages) -> list[dict[str, Any]]:
    rows = []
    for item in _stats.as_list(evidence.get(signal))[:MAX_EVIDENCE_PER_SIGNAL]:
        if isinstance(item, dict):
            rows.append({"text": evidence_text(signal, item, msg), "url": item.get("url"),
                         "href": safe_href(item.get("url"))})
    return rows
