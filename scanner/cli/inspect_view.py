"""What `inspect` adds to a page's signals: each step judged as the report judges it.

The rubric is run on the judged page (the page is scored like a shop of the `other`
sector, without Google data): level, score, status and what is missing, first the
criteria the next level requires, each with the action that would raise the level, then
what the page alone could not tell (`unknown`: HTTPS of a saved file, Google data...).

    judged_steps(result, rubric)
        -> {step: {"level", "score", "status", "missing": [...], "unknown": [...]}}
    print_steps(console, steps, messages)   a table under the signal summary
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from core.result import ProbeReport, Signal, StepObservation
from core.shop import Shop
from core.steps import STEPS
from output.i18n import Messages, load_messages
from scoring import Rubric, explain_step, score_shop, sector_of

PAGE_SECTOR = "other"  # a page alone says nothing of the shop's sector: the default profile
MISSING_SHOWN = 3  # missing criteria printed per step (--json lists them all)


def judged_steps(result: dict[str, Any], rubric: Rubric, lang: str = "fr"
                 ) -> dict[str, dict[str, Any]]:
    """Level, score, status and missing criteria per step for one inspected page."""
    signals = result.get("signals") or {}
    report = _report_of(signals, result.get("errors") or {})
    shop = Shop(name=str(result["input"].get("target") or "page"), sector=PAGE_SECTOR)
    scored = score_shop(shop, report, rubric)
    messages = load_messages(lang)
    steps = {}
    for step in STEPS:
        explained = explain_step(rubric, sector_of(shop), step, report.flat_signals(), lang)
        measured = scored[step]["status"] == "measured"
        missing = explained["missing"] if measured else []
        steps[step] = {
            "level": scored[step]["level"], "score": scored[step]["score"],
            "status": scored[step]["status"],
            "missing": [{"id": c["id"], "label": c["label"], "blocks": c["blocks"],
                         "advice": _advice(messages, step, c)} for c in missing],
            "unknown": [c["label"] for c in explained["unknown"]] if measured else []}
    return steps


def print_steps(console: Console, steps: dict[str, dict[str, Any]], messages: Messages) -> None:
    table = Table(title=messages("inspect.title"), show_lines=False)
    for column in ("step", "level", "score", "first"):
        table.add_column(messages(f"inspect.{column}"))
    for step, judged in steps.items():
        lines = _missing_lines(messages, judged["missing"], judged["unknown"])
        table.add_row(messages(f"steps.{step}"), _level_text(messages, judged),
                      "—" if judged["score"] is None else f"{judged['score']}/100",
                      Text("\n".join(lines)))
    console.print(table)


def _report_of(signals: dict[str, Any], errors: dict[str, str]) -> ProbeReport:
    """The page's flat signals back into a ProbeReport, steps with no signal left out."""
    steps: dict[str, StepObservation] = {}
    for key, value in signals.items():
        step, _, name = key.partition(".")
        observation = steps.setdefault(step, StepObservation(status="measured"))
        observation.signals[name] = Signal(value=value, error=errors.get(key))
    return ProbeReport(steps=steps)


def _advice(messages: Any, step: str, criterion: dict[str, Any]) -> str:
    key = f"advice.{step}.{criterion['id']}"
    return str(messages(key)) if messages.has(key) else str(criterion["label"])


def _level_text(messages: Any, judged: dict[str, Any]) -> str:
    if judged["status"] != "measured":
        return str(messages(f"status.{judged['status']}"))
    level = judged["level"]
    return f"{level} – {messages(f'levels.{level}')}"


def _missing_lines(messages: Messages, missing: list[dict[str, Any]], unknown: list[str]
                   ) -> list[str]:
    """→ blocks the next level, · would raise the score, ? not visible on the page alone."""
    lines = [("→ " if c["blocks"] else "· ") + c["advice"] for c in missing]
    lines += ["? " + messages("inspect.unchecked", label=label) for label in unknown]
    if len(lines) > MISSING_SHOWN:
        more = messages("inspect.more", count=len(lines) - MISSING_SHOWN)
        lines = [*lines[:MISSING_SHOWN], more]
    return lines or ["—"]
