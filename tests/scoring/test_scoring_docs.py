"""docs/rubric.md must describe the built-in rubric as it is (criteria, weights, actions,
audit questions), so that what an ambassador reads is what the scanner does."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "rubric.md"


def test_every_criterion_and_weight_is_documented(rubric) -> None:
    doc = DOC.read_text(encoding="utf-8")
    for step in rubric.steps.values():
        for profile in step.profiles.values():
            for c in profile.criteria:
                row = f"| `{c.id}` | {c.label.fr} | `{c.signal}`"
                lines = [line for line in doc.splitlines() if line.startswith(row)]
                assert lines, row
                assert any(line.endswith(f"| {c.weight:g} |") for line in lines), row
        for reason in step.not_applicable.values():
            assert reason.fr in doc


def test_every_action_and_question_is_documented(rubric) -> None:
    doc = DOC.read_text(encoding="utf-8")
    for action in rubric.actions:
        assert f"| {action.label.fr} | `{action.trigger}` |" in doc
    for question in rubric.audit.criteria:
        assert question.question.fr in doc
