"""The demo question sets (bank/data/*.yaml) read into `Item`s. Pure, no Django.

The YAML schema is documented at the top of bank/data/ce1.yaml. `load` returns
(knowledge point name, item) pairs in file order; numbers become Decimal. A
structurally wrong file (unknown key, missing knowledge point, unknown type,
a number where text belongs) raises ContentError listing every problem;
whether each item is good content is `Item.problems()`'s call.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from .items import Criterion, Item, Option, Parameter, QuestionType

DATA_DIR = Path(__file__).resolve().parent / "data"
CE1 = DATA_DIR / "ce1.yaml"

KEYS = frozenset(
    {
        "knowledge_point",
        "type",
        "stem",
        "options",
        "reference_answer",
        "rubric",
        "keywords",
        "parameters",
        "formula",
        "unit",
        "tolerance_percent",
        "explanation",
        "difficulty",
        "reference",
    }
)


class ContentError(ValueError):
    """The file is not in the schema; `problems` lists every problem found, in Chinese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


class _Entry:
    """One entry's fields, collecting problems instead of stopping at the first."""

    def __init__(self, raw: dict, where: str, problems: list[str]):
        self.raw, self.where, self.problems = raw, where, problems

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.where}：{text}")

    def text(self, key: str, raw: dict | None = None) -> str:
        value = (self.raw if raw is None else raw).get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(f"{key} 应为文字（数字请加引号），实为 {value!r}")
            return str(value)
        return value

    def number(self, key: str, raw: dict, default: Decimal | None = None) -> Decimal:
        value = raw.get(key)
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problem(f"{key} 应为数字，实为 {value!r}")
            return Decimal(0)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.problem(f"{key} 应为数字，实为 {value!r}")
            return Decimal(0)
        if not number.is_finite():
            self.problem(f"{key} 应为有限数字，实为 {value!r}")
            return Decimal(0)
        return number

    def mappings(self, key: str) -> list[dict]:
        value = self.raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(f"{key} 应为列表，每项为键值对")
            return []
        return value


def _item(raw: dict, where: str, problems: list[str]) -> tuple[str, Item] | None:
    entry = _Entry(raw, where, problems)
    for key in sorted(set(raw) - KEYS, key=str):
        entry.problem(f"未知的键 {key!r}")
    point = entry.text("knowledge_point").strip()
    if not point:
        entry.problem("缺少 knowledge_point")
    try:
        qtype = QuestionType(raw.get("type"))
    except ValueError:
        entry.problem(
            f"题型 {raw.get('type')!r} 不存在，应为 {'、'.join(t.value for t in QuestionType)}"
        )
        return None
    difficulty = raw.get("difficulty", 3)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int):
        entry.problem(f"difficulty 应为整数，实为 {difficulty!r}")
        difficulty = 3
    keywords = raw.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        entry.problem("keywords 应为文字列表")
        keywords = []
    item = Item(
        type=qtype,
        stem=entry.text("stem"),
        options=tuple(
            Option(entry.text("text", o), _flag(entry, o)) for o in entry.mappings("options")
        ),
        reference_answer=entry.text("reference_answer"),
        rubric=tuple(
            Criterion(entry.text("description", c), entry.number("points", c))
            for c in entry.mappings("rubric")
        ),
        keywords=tuple(keywords),
        parameters=tuple(
            Parameter(
                name=entry.text("name", p),
                low=entry.number("low", p),
                high=entry.number("high", p),
                step=entry.number("step", p, Decimal(1)),
                unit=entry.text("unit", p),
            )
            for p in entry.mappings("parameters")
        ),
        formula=entry.text("formula"),
        unit=entry.text("unit"),
        tolerance_percent=entry.number("tolerance_percent", raw, Decimal(1)),
        explanation=entry.text("explanation"),
        difficulty=difficulty,
        reference=entry.text("reference"),
    )
    return point, item


def _flag(entry: _Entry, option: dict) -> bool:
    value = option.get("correct", False)
    if not isinstance(value, bool):
        entry.problem(f"correct 应为 true 或 false，实为 {value!r}")
    return value is True


def parse(entries) -> list[tuple[str, Item]]:
    """(knowledge point, item) pairs from the parsed YAML list; ContentError if malformed."""
    if not isinstance(entries, list):
        raise ContentError(["文件内容应为题目列表"])
    problems: list[str] = []
    pairs = []
    for number, raw in enumerate(entries, start=1):
        if not isinstance(raw, dict):
            problems.append(f"第 {number} 题：应为键值对")
            continue
        pair = _item(raw, f"第 {number} 题", problems)
        if pair is not None:
            pairs.append(pair)
    if problems:
        raise ContentError(problems)
    return pairs


def load(path: Path | str = CE1) -> list[tuple[str, Item]]:
    """The question set in `path` (the CE-1 demo set by default)."""
    with open(path, encoding="utf-8") as f:
        return parse(yaml.safe_load(f))
