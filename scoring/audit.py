"""Pre-fill the Smart Commerce audit from the commune's shop results.

The audit template (scoring/data/audit_template.toml) lists, per step, questions in
French and a formula over the shop results:

    kind = "share"        share of shops (step measured, signal known) whose signal
                          passes `test` (see conditions.py)
    kind = "share_level"  share of measured shops at `min_level` or above
    kind = "mean_score"   mean 0-100 score of measured shops
    kind = "median"       median of a numeric signal among measured shops
    among = "step.signal" (optional) restricts the question to shops where that
                          signal is true, e.g. "among sites": web_presence.website

Each answer carries the value, the number of shops behind it (denominator), the
coverage (denominator / shops for which the step applies), a confidence label and
a few example shops with evidence URLs. Streaming: one accumulator per question.
"""

from __future__ import annotations

import statistics
from typing import Any

from core.steps import STEP_LABELS_FR, STEPS

from .conditions import check_test, evaluate, is_number
from .errors import RubricError
from .model import LEVELS, AuditCriterion, AuditTemplate, ConfidenceRule, Reference
from .result_view import evidence_urls, step_of
from .texts import parse_text

KINDS = {"share", "share_level", "mean_score", "median"}
SHARE_DECIMALS = 3
VALUE_DECIMALS = 1
EVIDENCE_URLS_PER_EXAMPLE = 2


def load_audit_template(data: dict[str, Any], name: str, catalogue: dict[str, str]
                        ) -> AuditTemplate:
    where = f"Modèle d'audit {name}"
    if not isinstance(data.get("version"), str):
        raise RubricError(f"{where} : 'version' manquant (texte attendu).")
    canvas = parse_text(data.get("canvas"), where, "canvas")
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise RubricError(f"{where} : liste [[criteria]] manquante.")
    criteria = tuple(parse_audit_criterion(c, where, catalogue) for c in raw_criteria)
    ids = [c.id for c in criteria]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RubricError(f"{where} : question en double {duplicates[0]!r}.")
    confidence = tuple(parse_confidence(r, where) for r in data.get("confidence", []))
    if not confidence:
        raise RubricError(f"{where} : règles de 'confidence' manquantes.")
    return AuditTemplate(version=data["version"], canvas=canvas, criteria=criteria,
                         confidence=confidence, max_examples=int(data.get("max_examples", 3)))


def parse_confidence(raw: Any, where: str) -> ConfidenceRule:
    if (not isinstance(raw, dict) or not is_number(raw.get("min_coverage"))
            or not is_number(raw.get("min_shops"))):
        raise RubricError(f"{where} : chaque règle de confiance a un label, "
                          f"min_coverage et min_shops (nombres).")
    return ConfidenceRule(parse_text(raw.get("label"), where, "confidence.label"),
                          float(raw["min_coverage"]), int(raw["min_shops"]))


def parse_audit_criterion(raw: Any, where: str, catalogue: dict[str, str]) -> AuditCriterion:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise RubricError(f"{where} : chaque question doit avoir un 'id'.")
    here = f"{where}, question {raw['id']!r}"
    if raw.get("step") not in STEPS:
        raise RubricError(f"{here} : étape inconnue {raw.get('step')!r}.")
    question = parse_text(raw.get("question"), here, "question")
    formula = raw.get("formula") or {}
    kind = formula.get("kind")
    if kind not in KINDS:
        raise RubricError(f"{here} : formule inconnue {kind!r} "
                          f"(formules : {', '.join(sorted(KINDS))}).")
    if kind == "share":
        check_test(here, formula.get("signal"), formula.get("test"), formula.get("value"),
                   catalogue)
    if kind == "median":
        check_test(here, formula.get("signal"), "at_least", 0, catalogue)
    if formula.get("among") is not None:
        check_test(here, formula["among"], "true", None, catalogue)
    if kind == "share_level" and formula.get("min_level") not in LEVELS:
        raise RubricError(f"{here} : 'min_level' doit être un niveau de 0 à 4.")
    return AuditCriterion(id=raw["id"], step=raw["step"], question=question,
                          kind=kind, signal=formula.get("signal"), test=formula.get("test"),
                          value=formula.get("value"), min_level=formula.get("min_level"),
                          among=formula.get("among"),
                          reference=parse_reference(raw.get("reference"), here))


def parse_reference(raw: Any, where: str) -> Reference | None:
    if raw is None:
        return None
    keys = {"value", "source", "year", "url"}
    if not isinstance(raw, dict) or not keys <= set(raw) or not is_number(raw["value"]):
        raise RubricError(f"{where} : une référence publiée demande value (nombre), "
                          f"source, year et url.")
    note = raw.get("note")
    return Reference(value=float(raw["value"]), source=parse_text(raw["source"], where, "source"),
                     year=int(raw["year"]), url=raw["url"],
                     note=None if note is None else parse_text(note, where, "note"))


class QuestionAccumulator:
    """Counts one audit question over shops, one at a time."""

    def __init__(self, criterion: AuditCriterion, max_examples: int) -> None:
        self.criterion = criterion
        self.max_examples = max_examples
        self.in_scope = 0
        self.denominator = 0
        self.hits = 0
        self.numbers: list[float] = []
        self.examples: list[dict[str, Any]] = []

    def add(self, result: dict[str, Any]) -> None:
        step = step_of(result, self.criterion.step)
        if step["status"] == "not_applicable":
            return
        if self.criterion.among and (result.get("signals") or {}).get(
                self.criterion.among) is not True:
            return
        self.in_scope += 1
        if step["status"] != "measured":
            return
        hit = self.observe(step, result.get("signals") or {})
        if hit and len(self.examples) < self.max_examples:
            self.examples.append({"id": result.get("id"), "name": result.get("name"),
                                  "urls": evidence_urls(result, self.criterion.signal,
                                                        self.criterion.step,
                                                        EVIDENCE_URLS_PER_EXAMPLE)})

    def observe(self, step: dict[str, Any], signals: dict[str, Any]) -> bool:
        """Count the shop; True when it is a good example for this question."""
        c = self.criterion
        if c.kind == "share":
            passed = evaluate(c.test or "", signals.get(c.signal or ""), c.value)
            if passed is None:
                return False
            self.denominator += 1
            self.hits += passed
            return passed
        if c.kind == "share_level":
            self.denominator += 1
            reached = (step.get("level") or 0) >= (c.min_level or 0)
            self.hits += reached
            return reached
        number = step.get("score") if c.kind == "mean_score" else signals.get(c.signal or "")
        if not is_number(number):
            return False
        self.denominator += 1
        self.numbers.append(float(number))
        return True

    def value(self) -> float | None:
        if not self.denominator:
            return None
        if self.criterion.kind in {"share", "share_level"}:
            return round(self.hits / self.denominator, SHARE_DECIMALS)
        if self.criterion.kind == "mean_score":
            return round(statistics.fmean(self.numbers), VALUE_DECIMALS)
        return round(statistics.median(self.numbers), VALUE_DECIMALS)


def confidence_of(template: AuditTemplate, coverage: float, shops: int) -> str:
    for rule in template.confidence:
        if coverage >= rule.min_coverage and shops >= rule.min_shops:
            return rule.label.fr
    return template.confidence[-1].label.fr


class AuditFiller:
    """Streaming pre-fill of the whole audit template."""

    def __init__(self, template: AuditTemplate) -> None:
        self.template = template
        self.questions = [QuestionAccumulator(c, template.max_examples)
                          for c in template.criteria]

    def add(self, result: dict[str, Any]) -> None:
        for question in self.questions:
            question.add(result)

    def finish(self) -> dict[str, Any]:
        steps: dict[str, Any] = {s: {"label": STEP_LABELS_FR[s], "criteria": []} for s in STEPS}
        for q in self.questions:
            steps[q.criterion.step]["criteria"].append(self.answer(q))
        return {"template": self.template.version, "canvas": self.template.canvas.fr,
                "steps": {s: v for s, v in steps.items() if v["criteria"]}}

    def answer(self, q: QuestionAccumulator) -> dict[str, Any]:
        coverage = round(q.denominator / q.in_scope, SHARE_DECIMALS) if q.in_scope else 0.0
        ref = q.criterion.reference
        return {
            "id": q.criterion.id, "question": q.criterion.question.fr, "kind": q.criterion.kind,
            "value": q.value(), "shops": q.denominator, "in_scope": q.in_scope,
            "coverage": coverage,
            "confidence": confidence_of(self.template, coverage, q.denominator),
            "examples": q.examples,
            "reference": None if ref is None else {
                "value": ref.value, "source": ref.source.fr, "year": ref.year,
                "url": ref.url, "note": ref.note.fr if ref.note else ""},
        }
