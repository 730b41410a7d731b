"""Shops one cheap action away from the next level.

An action (scoring/data/actions.toml) names a `trigger` signal and the signals it
sets. A shop is "one action away" when, for a step that was measured, the trigger
is currently false (not unknown) and re-scoring the shop with the action's signals
set gives a higher level. Actions are ranked by how many shops they would lift.
"""

from __future__ import annotations

from typing import Any

from .conditions import check_test, is_number
from .errors import RubricError
from .model import Action, Rubric
from .result_view import sector_of_result, step_of
from .score import score_signals
from .texts import parse_text

MAX_EXAMPLES = 5  # shop ids listed per action
ACTION_KEYS = {"id", "label", "trigger", "sets"}
VALUE_TYPES = {"bool": (bool,), "str": (str,), "list": (list,), "int": (int,),
               "float": (int, float), "year": (int,)}


def load_actions(data: dict[str, Any], name: str, catalogue: dict[str, str]
                 ) -> tuple[Action, ...]:
    raw = data.get("actions")
    if not isinstance(raw, list) or not raw:
        raise RubricError(f"Fichier {name} : liste [[actions]] manquante.")
    actions = tuple(parse_action(a, name, catalogue) for a in raw)
    ids = [a.id for a in actions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RubricError(f"Fichier {name} : action en double {duplicates[0]!r}.")
    return actions


def parse_action(raw: Any, name: str, catalogue: dict[str, str]) -> Action:
    if not isinstance(raw, dict) or set(raw) != ACTION_KEYS:
        raise RubricError(f"Fichier {name} : chaque action a exactement les clés "
                          f"{', '.join(sorted(ACTION_KEYS))}.")
    where = f"Fichier {name}, action {raw['id']!r}"
    if not isinstance(raw["id"], str) or not raw["id"]:
        raise RubricError(f"{where} : 'id' doit être un texte non vide.")
    label = parse_text(raw["label"], where, "label")
    check_test(where, raw["trigger"], "true", None, catalogue)
    sets = raw["sets"]
    if not isinstance(sets, dict) or raw["trigger"] not in sets:
        raise RubricError(f"{where} : 'sets' doit contenir le signal déclencheur.")
    for signal, value in sets.items():
        if signal not in catalogue:
            raise RubricError(f"{where} : signal inconnu {signal!r} "
                              f"(il n'existe pas dans core/data/signals.toml).")
        kind = catalogue[signal]
        if not isinstance(value, VALUE_TYPES[kind]) or (
                kind != "bool" and isinstance(value, bool)) or (
                kind in {"int", "float", "year"} and not is_number(value)):
            raise RubricError(f"{where} : valeur {value!r} incompatible avec le signal "
                              f"{signal!r} de type {kind}.")
    return Action(id=raw["id"], label=label, step=raw["trigger"].split(".")[0],
                  trigger=raw["trigger"], sets=dict(sets))


class OpportunityCounter:
    """Streaming: counts, per action, the shops it would lift to the next level."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.lifted = {a.id: 0 for a in rubric.actions}
        self.examples: dict[str, list[Any]] = {a.id: [] for a in rubric.actions}

    def add(self, result: dict[str, Any]) -> None:
        signals = result.get("signals") or {}
        sector = sector_of_result(result)
        for action in self.rubric.actions:
            step = step_of(result, action.step)
            if step["status"] != "measured" or signals.get(action.trigger) is not False:
                continue
            if self.lifts(action, sector, signals):
                self.lifted[action.id] += 1
                if len(self.examples[action.id]) < MAX_EXAMPLES:
                    self.examples[action.id].append(result.get("id"))

    def lifts(self, action: Action, sector: str, signals: dict[str, Any]) -> bool:
        profile = self.rubric.steps[action.step].profile_for(sector)
        before = score_signals(profile, signals)
        after = score_signals(profile, {**signals, **action.sets})
        return (before["level"] is not None and after["level"] is not None
                and after["level"] > before["level"])

    def finish(self) -> list[dict[str, Any]]:
        rows = [{"id": a.id, "label": a.label.fr, "step": a.step, "signals": sorted(a.sets),
                 "shops_lifted": self.lifted[a.id], "examples": self.examples[a.id]}
                for a in self.rubric.actions]
        return sorted(rows, key=lambda r: (-r["shops_lifted"], r["id"]))
