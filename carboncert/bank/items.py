"""A question's content as the paper machinery sees it: pure data, no Django.

One `Item` is one immutable version of a question. Assembly, interchange
formats (Moodle XML, GIFT, QTI, Excel), practice and the exam all speak this.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

OPTION_KEYS = "ABCDEFGH"


class QuestionType(StrEnum):
    SINGLE = "single"  # 单选题
    MULTIPLE = "multiple"  # 多选题
    TRUE_FALSE = "true_false"  # 判断题, answered as a single choice of 正确/错误
    SHORT = "short"  # 简答题, marked by graders
    NUMERIC = "numeric"  # 计算题: parameters per candidate, a formula, a tolerance

    @property
    def label(self) -> str:
        return TYPE_LABELS[self]

    @property
    def is_choice(self) -> bool:
        return self in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


TYPE_LABELS = {
    QuestionType.SINGLE: "单选题",
    QuestionType.MULTIPLE: "多选题",
    QuestionType.TRUE_FALSE: "判断题",
    QuestionType.SHORT: "简答题",
    QuestionType.NUMERIC: "计算题",
}


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool = False


@dataclass(frozen=True)
class Criterion:
    """One line of a short answer's marking rubric."""

    description: str
    points: Decimal


@dataclass(frozen=True)
class Parameter:
    """A number drawn per candidate, uniformly from low..high in steps of `step`."""

    name: str
    low: Decimal
    high: Decimal
    step: Decimal = Decimal(1)
    unit: str = ""


@dataclass(frozen=True)
class Item:
    type: QuestionType
    stem: str
    options: tuple[Option, ...] = ()  # choice types, in authored order
    reference_answer: str = ""  # short answer
    rubric: tuple[Criterion, ...] = ()  # short answer
    keywords: tuple[str, ...] = ()  # short answer: hints for graders
    parameters: tuple[Parameter, ...] = ()  # numeric: names used as {name} in the stem
    formula: str = ""  # numeric: an arithmetic expression over the parameter names
    unit: str = ""  # numeric: the answer's unit
    tolerance_percent: Decimal = Decimal(1)  # numeric: relative tolerance
    explanation: str = ""  # shown in practice, never in the exam
    difficulty: int = 3  # 1 easy .. 5 hard
    reference: str = ""  # source of the facts the question rests on
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def problems(self) -> list[str]:
        """What is wrong with this content (Chinese), or nothing."""
        found = []
        if not self.stem.strip():
            found.append("题干不能为空")
        if not 1 <= self.difficulty <= 5:
            found.append("难度应为 1 到 5")
        correct = sum(o.correct for o in self.options)
        if self.type.is_choice:
            if len(self.options) < 2 or len(self.options) > len(OPTION_KEYS):
                found.append(f"选择题应有 2 到 {len(OPTION_KEYS)} 个选项")
            if any(not o.text.strip() for o in self.options):
                found.append("选项内容不能为空")
            if self.type is QuestionType.MULTIPLE and correct < 2:
                found.append("多选题至少要有 2 个正确选项")
            if self.type in (QuestionType.SINGLE, QuestionType.TRUE_FALSE) and correct != 1:
                found.append("单选题和判断题必须恰有 1 个正确选项")
        elif self.options:
            found.append(f"{self.type.label}不应有选项")
        if self.type is QuestionType.SHORT and not self.reference_answer.strip():
            found.append("简答题需要参考答案")
        if self.type is QuestionType.NUMERIC:
            names = {p.name for p in self.parameters}
            try:
                used = formula_names(self.formula)
            except FormulaError as error:
                found.append(f"公式有误：{error}")
            else:
                if used - names:
                    found.append(f"公式用到了未定义的参数：{'、'.join(sorted(used - names))}")
            for p in self.parameters:
                if p.low > p.high or p.step <= 0:
                    found.append(f"参数 {p.name} 的取值范围不正确")
            if self.tolerance_percent < 0:
                found.append("允许误差不能为负数")
        return found


# --- numeric questions --------------------------------------------------------------


class FormulaError(ValueError):
    pass


_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def _parse(formula: str) -> ast.AST:
    try:
        return ast.parse(formula.strip(), mode="eval").body
    except SyntaxError:
        raise FormulaError("无法解析公式") from None


def formula_names(formula: str) -> set[str]:
    """The parameter names a formula uses; refuses anything but arithmetic."""
    names = set()
    for node in ast.walk(_parse(formula)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif not isinstance(
            node, ast.BinOp | ast.UnaryOp | ast.Constant | ast.Load | ast.operator | ast.unaryop
        ):
            raise FormulaError(
                f"公式只能包含数字、参数和 + - * / ** 运算（不支持 {type(node).__name__}）"
            )
        elif isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise FormulaError("公式只能包含数字")
    return names


def evaluate(formula: str, values: dict[str, float]) -> float:
    """The formula's value for these parameters: arithmetic only, never eval()."""

    def walk(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise FormulaError(f"缺少参数 {node.id}")
            return float(values[node.id])
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 10:
                raise FormulaError("指数过大")
            return _OPERATORS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.operand))
        raise FormulaError("公式只能包含数字、参数和 + - * / ** 运算")

    try:
        result = walk(_parse(formula))
    except ZeroDivisionError:
        raise FormulaError("公式出现除以零") from None
    if not math.isfinite(result):
        raise FormulaError("公式结果不是有限数")
    return result


def within_tolerance(given: float, expected: float, tolerance_percent: Decimal) -> bool:
    """A candidate's number is right when within the relative tolerance of the expected value."""
    if expected == 0:
        return abs(given) <= 1e-9
    return abs(given - expected) <= abs(expected) * float(tolerance_percent) / 100 + 1e-12


# --- storage -------------------------------------------------------------------------


def to_data(item: Item) -> dict:
    """The item as JSON-ready data (how a question version is stored)."""
    return {
        "type": item.type.value,
        "stem": item.stem,
        "options": [{"text": o.text, "correct": o.correct} for o in item.options],
        "reference_answer": item.reference_answer,
        "rubric": [{"description": c.description, "points": str(c.points)} for c in item.rubric],
        "keywords": list(item.keywords),
        "parameters": [
            {
                "name": p.name,
                "low": str(p.low),
                "high": str(p.high),
                "step": str(p.step),
                "unit": p.unit,
            }
            for p in item.parameters
        ],
        "formula": item.formula,
        "unit": item.unit,
        "tolerance_percent": str(item.tolerance_percent),
        "explanation": item.explanation,
        "difficulty": item.difficulty,
        "reference": item.reference,
    }


def from_data(data: dict) -> Item:
    return Item(
        type=QuestionType(data["type"]),
        stem=data.get("stem", ""),
        options=tuple(Option(o["text"], bool(o.get("correct"))) for o in data.get("options", ())),
        reference_answer=data.get("reference_answer", ""),
        rubric=tuple(
            Criterion(c["description"], Decimal(str(c["points"]))) for c in data.get("rubric", ())
        ),
        keywords=tuple(data.get("keywords", ())),
        parameters=tuple(
            Parameter(
                p["name"],
                Decimal(str(p["low"])),
                Decimal(str(p["high"])),
                Decimal(str(p.get("step", 1))),
                p.get("unit", ""),
            )
            for p in data.get("parameters", ())
        ),
        formula=data.get("formula", ""),
        unit=data.get("unit", ""),
        tolerance_percent=Decimal(str(data.get("tolerance_percent", 1))),
        explanation=data.get("explanation", ""),
        difficulty=int(data.get("difficulty", 3)),
        reference=data.get("reference", ""),
    )


_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def stem_key(stem: str) -> str:
    """The stem with whitespace and punctuation removed: equal keys mean a duplicate question."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", stem)).casefold()


def midpoint_values(item: Item) -> dict[str, Decimal]:
    """Parameter values for a preview: each range's middle, on its step."""
    values = {}
    for p in item.parameters:
        steps = ((p.high - p.low) / p.step / 2).to_integral_value()
        values[p.name] = p.low + steps * p.step
    return values


def render_stem(item: Item, values: dict[str, Decimal]) -> str:
    """The stem as a candidate reads it, with their parameter values in place of {name}."""
    return re.sub(
        r"\{(\w+)\}",
        lambda m: _plain_number(values[m.group(1)]) if m.group(1) in values else m.group(0),
        item.stem,
    )


def _plain_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
