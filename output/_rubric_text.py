"""The scoring data's own texts (audit questions, confidence labels, published references,
action labels, the canvas name) in the report language.

Stored results keep these texts in French, as scoring wrote them. The reports look them up
again in the scan's rubric, by id, where every text exists in fr, nl, de and en (checked
when the rubric is loaded). A text the rubric no longer has (an older scan) stays as stored.
"""

from __future__ import annotations

from typing import Any

from output import _stats
from output._format import safe_href
from scoring import Rubric, load_rubric


def report_rubric(scan: dict[str, Any]) -> Rubric | None:
    """The scan's rubric (its own file if it had one, else the built-in one)."""
    path = _stats.as_dict(scan.get("settings")).get("rubric_path")
    try:
        return load_rubric(path)
    except Exception:  # noqa: BLE001 - a report without explanations beats no report
        return load_rubric() if path else None


def audit_item_in(item: dict[str, Any], rubric: Rubric | None, lang: str) -> dict[str, Any]:
    """An audit answer with its question, confidence and reference in `lang`."""
    if rubric is None:
        return item
    template = rubric.audit
    criterion = next((c for c in template.criteria if c.id == item.get("id")), None)
    shown = dict(item)
    if criterion is not None:
        shown["question"] = criterion.question.in_lang(lang)
        reference = _stats.as_dict(item.get("reference"))
        if reference and criterion.reference is not None:
            note = criterion.reference.note
            shown["reference"] = {**reference,
                                  "source": criterion.reference.source.in_lang(lang),
                                  "note": note.in_lang(lang) if note else ""}
    rule = next((r for r in template.confidence if r.label.fr == item.get("confidence")), None)
    if rule is not None:
        shown["confidence"] = rule.label.in_lang(lang)
    return shown


def references(commune: dict[str, Any], rubric: Rubric | None = None, lang: str = "fr"
               ) -> list[dict[str, Any]]:
    """Audit questions that carry a published benchmark (source and year), with our value,
    in `lang`."""
    rows = []
    for step, audit_step in _stats.as_dict(_stats.as_dict(commune.get("audit")).get(
            "steps")).items():
        for raw in _stats.as_list(_stats.as_dict(audit_step).get("criteria")):
            item = audit_item_in(_stats.as_dict(raw), rubric, lang)
            reference = _stats.as_dict(item.get("reference"))
            if reference.get("value") is not None:
                rows.append({"step": step, "question": item.get("question"),
                             "kind": item.get("kind"), "value": item.get("value"),
                             "shops": item.get("shops"), "reference": reference,
                             "href": safe_href(reference.get("url"))})
    return rows


def action_label(rubric: Rubric | None, action_id: Any, lang: str, stored: Any) -> str:
    """The action's label in `lang`; the stored (French) label for an unknown action."""
    for action in rubric.actions if rubric is not None else ():
        if action.id == action_id:
            return action.label.in_lang(lang)
    return str(stored or action_id or "")


def canvas_name(rubric: Rubric | None, lang: str, stored: Any) -> str:
    if rubric is not None:
        return rubric.audit.canvas.in_lang(lang)
    return str(stored or "")
