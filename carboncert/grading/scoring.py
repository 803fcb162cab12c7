"""Automatic scoring of objective questions: pure rules, no Django.

A paper's answer key is built once per paper (`Key` per question: the letters
as this candidate saw them, or the expected number for their parameters); an
answer is scored against it. Short answers are not scored here: they wait for
graders (`points is None`).

Multiple choice follows the programme's rule, a per-sitting setting:
- all or nothing (default): every correct option and no wrong one;
- partial credit: a wrong option still gives 0, a subset of the correct ones
  gives the points in proportion (2 of 3 correct = 2/3 of the points), as Moodle
  does; rounded down to half points so no score carries odd fractions.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from carboncert.bank.assembly import displayed_key
from carboncert.bank.items import FormulaError, Item, evaluate, within_tolerance

OBJECTIVE = frozenset({"single", "multiple", "true_false", "numeric"})


class MultipleRule(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    PARTIAL = "partial"


@dataclass(frozen=True, slots=True)
class Key:
    """One question's key; a paper's keys are listed in question order (number n = index + 1)."""

    type: str
    points: Decimal
    correct: str = ""  # choice: the displayed letters of the correct options, e.g. "AC"
    expected: float | None = None  # numeric: the formula's value for this candidate
    unit: str = ""  # numeric
    tolerance_percent: Decimal = Decimal(1)  # numeric


@dataclass(frozen=True, slots=True)
class Scored:
    points: Decimal | None  # None: a grader marks it
    max_points: Decimal
    outcome: str  # right | partial | wrong | blank | wrong_unit | unreadable | to_mark

    def as_data(self) -> list:
        """[points, outcome]: compact, since a sitting writes 5,000 × 50 of them at once (and
        PostgreSQL's bulk insert escapes every quote). Points are whole or half: exact floats."""
        return [None if self.points is None else float(self.points), self.outcome]


HALF = Decimal("0.5")


def key_for(entry: dict, item: Item) -> Key:
    """The key of one question of a stored paper: `entry` is the paper's item, `item` its version."""
    points = Decimal(entry["points"])
    if item.type.is_choice:
        correct = [i for i, option in enumerate(item.options) if option.correct]
        return Key(item.type.value, points, correct=displayed_key(correct, entry["option_order"]))
    if item.type.value == "numeric":
        values = {name: float(value) for name, value in entry["parameters"].items()}
        try:
            expected = evaluate(item.formula, values)
        except FormulaError:
            expected = None  # scored "unreadable" for everyone: the key needs a correction
        return Key("numeric", points, expected=expected, unit=item.unit,
                   tolerance_percent=item.tolerance_percent)  # fmt: skip
    return Key(item.type.value, points)


def score(key: Key, answer: str, rule: MultipleRule = MultipleRule.ALL_OR_NOTHING) -> Scored:
    answer = (answer or "").strip()
    if key.type not in OBJECTIVE:
        return Scored(None, key.points, "to_mark")
    if not answer:
        return Scored(Decimal(0), key.points, "blank")
    if key.type == "numeric":
        return _numeric(key, answer)
    chosen, correct = set(answer.upper()), set(key.correct)
    if chosen == correct:
        return Scored(key.points, key.points, "right")
    if key.type == "multiple" and rule is MultipleRule.PARTIAL and chosen < correct:
        share = key.points * len(chosen) / len(correct)
        partial = (share / HALF).to_integral_value(ROUND_FLOOR) * HALF
        return Scored(partial, key.points, "partial")
    return Scored(Decimal(0), key.points, "wrong")


def score_paper(
    keys: list[Key], answers: dict[int, str], rule: MultipleRule = MultipleRule.ALL_OR_NOTHING
) -> list[Scored]:
    """Scores in question order; answers by question number (from 1)."""
    return [score(key, answers.get(n, ""), rule) for n, key in enumerate(keys, start=1)]


def objective_total(scored: list[Scored]) -> Decimal:
    return sum((s.points for s in scored if s.points is not None), Decimal(0))


# --- numbers and units ------------------------------------------------------------------

_NUMBER = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
# Ways of writing the same unit; compared after folding case, width, subscripts and spaces.
_UNIT_SYNONYMS = {
    "t": "t",
    "吨": "t",
    "tco2": "tco2",
    "tco2e": "tco2",
    "吨co2": "tco2",
    "吨co2e": "tco2",
    "吨二氧化碳": "tco2",
    "吨二氧化碳当量": "tco2",
    "kg": "kg",
    "千克": "kg",
    "公斤": "kg",
    "kgco2": "kgco2",
    "kgco2e": "kgco2",
    "千克二氧化碳": "kgco2",
}


def fold_unit(unit: str) -> str:
    folded = unicodedata.normalize("NFKC", unit).translate(_SUBSCRIPTS).lower()
    folded = re.sub(r"\s+", "", folded)
    return _UNIT_SYNONYMS.get(folded, folded)


def parse_number(answer: str) -> tuple[float, str] | None:
    """'1,234.5 tCO₂' → (1234.5, 'tCO₂'); full-width digits and thousands commas allowed."""
    text = unicodedata.normalize("NFKC", answer).replace(",", "").strip()
    match = _NUMBER.match(text)
    if not match:
        return None
    value = float(match.group(1))
    return (value, match.group(2).strip()) if math.isfinite(value) else None


def _numeric(key: Key, answer: str) -> Scored:
    parsed = parse_number(answer)
    if parsed is None or key.expected is None:
        return Scored(Decimal(0), key.points, "unreadable")
    value, unit = parsed
    # The page shows the unit beside the box; a candidate who types another one answered
    # in another unit, and a number in kg is not the number in t.
    if unit and fold_unit(unit) != fold_unit(key.unit):
        return Scored(Decimal(0), key.points, "wrong_unit")
    if within_tolerance(value, key.expected, key.tolerance_percent):
        return Scored(key.points, key.points, "right")
    return Scored(Decimal(0), key.points, "wrong")
