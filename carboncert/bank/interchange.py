"""Question banks to and from Moodle (Moodle XML, GIFT) and other QTI 2.1 tools.

Pure: bytes or text in, `Item`s and Chinese problems out; no Django. An import
never raises on bad input: malformed XML, a DOCTYPE, unknown question types,
garbage GIFT and oversized files all come back as problems, and every question
returned passes `item.problems() == []`.

How our fields travel (and what does not):

- Knowledge point: the Moodle category `$course$/双碳题库/<knowledge point>`
  (a "/" inside it is written "//", as Moodle does), `$CATEGORY:` in GIFT, the
  assessmentItem's `label` and a LOM keyword in the QTI manifest.
- Difficulty: Moodle has none, so a tag `difficulty:3`; in GIFT a comment line
  `// [tag:difficulty:3]` above the question (harmless to any GIFT reader: comment
  lines are ignored, and a Moodle that reads `[tag:…]` comments gets the same tag
  as from Moodle XML); LOM difficulty in the QTI manifest.
- Explanation: the general feedback; the reference (出处) is its last line,
  "出处：…" (one line: line breaks in a reference become spaces).
- Short answers export as Moodle essays. The grader information holds
  "参考答案：…", "关键词：a、b" and one "标准：要点（N分）" line per criterion;
  a Moodle author's free text there is the reference answer. GIFT essays have no
  grader information, so these lines go into the general feedback (which Moodle
  shows candidates after the attempt). A Moodle `shortanswer` imports as a short
  answer marked by graders: its accepted answers become keywords, the best one the
  reference answer.
- Numeric with a fixed answer: Moodle `numerical` and GIFT `{#value:error}` have an
  absolute error, ours is relative: error = |value| × percent / 100 on export,
  percent = error / |value| × 100 on import (a 0 answer cannot carry a relative
  tolerance: it imports as exact, with a note). A GIFT range `{#min..max}` is the
  value (min+max)/2 with error (max-min)/2. The formula of a fixed question travels
  as its value ("2*3" comes back as "6").
- Numeric with parameters: Moodle `calculated` with relative tolerance (type 1,
  lossless), `{a}` wildcards, one dataset per parameter (minimum, maximum,
  decimals = the step when the step is 1, 0.1, 0.01…; other steps and parameter
  units ride on tags `step:a=5`, `unit:a=t`), `x ** y` written `pow(x, y)`.
  GIFT cannot express parameters and our QTI export keeps to fixed answers: such
  a question is exported with every parameter at the middle of its range, as a
  fixed-answer numeric question, with a Chinese warning.
- Points: Moodle `defaultgrade`, the QTI SCORE maximum; GIFT has no points.
- Names: Moodle requires one (the start of the stem when we have none); GIFT
  `::name::` only when set.
- HTML from Moodle becomes plain text: paragraphs become blank-line separated,
  `<br>` a line break, `<sub>2</sub>` "₂" (digits and signs), entities unescaped;
  images are dropped with a note. We write plain text as HTML paragraphs.

- Choices: single choice 100 for the right option, 0 otherwise; multiple choice
  100/n for each of n right options and -100/m for each of m wrong ones (values on
  Moodle's list of grades for up to 8 options). On import an option is right when
  its fraction is above 0; in GIFT, as in Moodle, an "=" answer makes it single
  choice and `~%50%` weights without one make it multiple. A single choice with
  partial credit, or a multiple choice with one right option, is reported rather
  than guessed at. True/false options always come back as 正确/错误.
- Units: Moodle `<units>` (multiplier 1); in GIFT a "单位：…" line in the general
  feedback.

GIFT cannot carry: points, parameters (midpoint, see above), true/false option
wording, anything a Moodle-only setting holds (shuffle, penalty, feedback per option).

XML safety: defusedxml is not a dependency, so every XML input is first run
through expat with handlers that refuse a DOCTYPE or any entity declaration at
the moment one starts, before a tree is built; without a DTD no entity other
than the five predefined ones can exist, which rules out XXE and billion laughs.
"""

from __future__ import annotations

import ast
import hashlib
import html
import io
import random
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from xml.parsers import expat

from .items import (
    OPTION_KEYS,
    Criterion,
    FormulaError,
    Item,
    Option,
    Parameter,
    QuestionType,
    evaluate,
    midpoint_values,
    render_stem,
)

MAX_INPUT_BYTES = 20 * 1024 * 1024
CATEGORY_ROOT = "$course$/双碳题库"
TRUE_TEXT, FALSE_TEXT = "正确", "错误"
_TRUE_WORDS = {"正确", "对", "是", "√", "T", "TRUE"}


@dataclass(frozen=True)
class Exchanged:
    """One question as it crosses to or from another system."""

    item: Item
    knowledge_point: str
    name: str = ""
    points: Decimal | None = None


@dataclass(frozen=True)
class ImportResult:
    questions: list[Exchanged] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # Chinese, each naming its question


class _Refused(ValueError):
    """This question (or file) cannot be imported; the message says why, in Chinese."""


def _too_big() -> ImportResult:
    return ImportResult([], [f"文件超过 {MAX_INPUT_BYTES // (1024 * 1024)} MB，未导入"])


# --- plain text and HTML -----------------------------------------------------------

_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUPERSCRIPT = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_SCRIPTABLE = set("0123456789+-=()")
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "table", "tr", "blockquote", "pre", "section",
    "article", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip


class _TextOfHtml(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # inside <script> or <style>
        self.scripts: list[tuple[str, int]] = []  # open <sub>/<sup> and where their text starts
        self.images = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in ("sub", "sup"):
            self.scripts.append((tag, len(self.parts)))
        elif tag == "img":
            self.images += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("sub", "sup") and self.scripts and self.scripts[-1][0] == tag:
            _, start = self.scripts.pop()
            inner = "".join(self.parts[start:])
            if inner and set(inner) <= _SCRIPTABLE:
                table = _SUBSCRIPT if tag == "sub" else _SUPERSCRIPT
                self.parts[start:] = [inner.translate(table)]

    def handle_data(self, data):
        if not self.hidden:
            # Browsers collapse ASCII white space only; 全角空格 stays.
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data.replace("\xa0", " ")))


def _html_to_text(markup: str) -> tuple[str, int]:
    """Plain text of a Moodle HTML fragment, and how many images it dropped."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    lines = [line.strip(" ") for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), parser.images


def _looks_like_html(text: str) -> bool:
    return re.search(r"</?[a-zA-Z][^>]*>|&#?\w+;", text) is not None


def _from_format(text: str, fmt: str) -> tuple[str, int]:
    """Text in one of Moodle's formats as our plain text (and images dropped)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if fmt == "html" or (fmt in ("moodle_auto_format", "moodle") and _looks_like_html(text)):
        return _html_to_text(text)
    return text.strip(), 0  # plain_text, markdown: kept as written


def _text_to_html(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def _excerpt(text: str, length: int = 20) -> str:
    line = " ".join(text.split())
    return line if len(line) <= length else line[:length] + "…"


def _label(number: int, name: str, stem: str = "") -> str:
    return f"第 {number} 题「{name or _excerpt(stem) or '无题干'}」"


# --- numbers -----------------------------------------------------------------------


def _decimal(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise _Refused(f"{what}不是数字：{_excerpt(str(text))}") from None
    if not value.is_finite() or (value and not -20 <= value.adjusted() <= 20):
        raise _Refused(f"{what}超出可处理的范围：{_excerpt(str(text))}")
    return value


def _tidy(value: Decimal, digits: int = 10) -> Decimal:
    """A value rounded to `digits` significant digits, without an exponent."""
    if not value:
        return Decimal(0)
    rounded = Decimal(format(value, f".{digits}g"))
    return (
        rounded.quantize(Decimal(1))
        if rounded == rounded.to_integral_value()
        else rounded.normalize()
    )


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _percent_of(error: Decimal, value: Decimal) -> tuple[Decimal, str]:
    """Our relative tolerance for an absolute error around `value` (and a note, if lossy)."""
    if error < 0:
        raise _Refused("误差不能为负数")
    if value == 0:
        note = (
            f"答案为 0，绝对误差 {_plain(error)} 无法换算为相对误差，按精确值导入" if error else ""
        )
        return Decimal(0), note
    return _tidy(error / abs(value) * 100), ""


def _error_of(percent: Decimal, value: Decimal) -> Decimal:
    return _tidy(abs(value) * percent / 100)


def _fixed_value(item: Item) -> Decimal:
    """The answer of a numeric question without parameters."""
    try:
        return Decimal(item.formula.strip())
    except InvalidOperation:
        return _tidy(Decimal(repr(evaluate(item.formula, {}))), 12)


def _at_midpoint(item: Item) -> tuple[Item, str]:
    """A numeric question with parameters as a fixed one, each parameter at its middle."""
    values = midpoint_values(item)
    answer = evaluate(item.formula, {k: float(v) for k, v in values.items()})
    fixed = replace(
        item,
        stem=render_stem(item, values),
        parameters=(),
        formula=_plain(_tidy(Decimal(repr(answer)), 12)),
    )
    return fixed, "，".join(f"{k}={_plain(v)}" for k, v in values.items())


def _check(item: Item) -> list[str]:
    """Item problems, plus a formula that only fails when evaluated (% or ^, say)."""
    found = item.problems()
    if not found and item.type is QuestionType.NUMERIC:
        values = {k: float(v) for k, v in midpoint_values(item).items()}
        try:
            evaluate(item.formula, values)
        except FormulaError as error:
            found.append(f"公式有误：{error}")
    return found


def _require_valid(questions: Iterable[Exchanged]) -> list[Exchanged]:
    questions = list(questions)
    for number, q in enumerate(questions, start=1):
        found = _check(q.item)
        if found:
            raise ValueError(
                f"{_label(number, q.name, q.item.stem)}有问题，不能导出：{'；'.join(found)}"
            )
    return questions


def _points(text: str) -> tuple[Decimal | None, str]:
    if not text.strip():
        return None, ""
    value = _decimal(text, "分值")
    if not 0 < value <= 100:
        return None, f"分值 {_plain(value)} 不在 0 到 100 之间，未导入分值"
    return _tidy(value), ""


# --- categories, tags and labelled lines ---------------------------------------------


def _category_path(knowledge_point: str) -> str:
    return "/".join(
        [CATEGORY_ROOT, knowledge_point.replace("/", "//")] if knowledge_point else [CATEGORY_ROOT]
    )


def _knowledge_point(path: str) -> str:
    """`$course$/top/双碳题库/碳排放核算` → "碳排放核算" ("//" is a slash in a name)."""
    parts = [p.replace("\0", "/").strip() for p in path.strip().replace("//", "\0").split("/")]
    parts = [p for p in parts if p]
    if parts and re.fullmatch(r"\$\w+\$", parts[0]):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    if parts and parts[0] == CATEGORY_ROOT.split("/")[1]:
        parts = parts[1:]
    return "/".join(parts)


def _item_tags(item: Item) -> list[str]:
    tags = [f"difficulty:{item.difficulty}"]
    for p in item.parameters:
        if _decimals(p.step) is None:
            tags.append(f"step:{p.name}={_plain(p.step)}")
        if p.unit:
            tags.append(f"unit:{p.name}={p.unit}")
    return tags


@dataclass
class _Tags:
    difficulty: int = 3
    steps: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def _read_tags(tags: Iterable[str]) -> _Tags:
    found = _Tags()
    for tag in tags:
        tag = tag.strip()
        if m := re.fullmatch(r"difficulty\s*:\s*(\S+)", tag, re.IGNORECASE):
            try:
                found.difficulty = int(m[1])
            except ValueError:
                found.notes.append(f"难度标签 {tag} 无法识别，按 3 导入")
        elif m := re.fullmatch(r"step:(\w+)=(.+)", tag):
            found.steps[m[1]] = _decimal(m[2], f"参数 {m[1]} 的步长")
        elif m := re.fullmatch(r"unit:(\w+)=(.+)", tag):
            found.units[m[1]] = m[2].strip()
    return found


_CRITERION = re.compile(r"^(.*?)\s*[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _labelled(item: Item, *, explanation: bool, grading: bool, unit: bool) -> str:
    """Plain text: the explanation, then "参考答案：", "关键词：", "标准：", "单位：", "出处：" lines."""
    lines = [item.explanation.strip()] if explanation and item.explanation.strip() else []
    if grading:
        if item.reference_answer.strip():
            lines.append("参考答案：" + item.reference_answer.strip())
        if item.keywords:
            lines.append("关键词：" + "、".join(_one_line(k) for k in item.keywords))
        lines += [f"标准：{_one_line(c.description)}（{_plain(c.points)}分）" for c in item.rubric]
    if unit and item.unit:
        lines.append("单位：" + _one_line(item.unit))
    if explanation and item.reference.strip():
        lines.append("出处：" + _one_line(item.reference))
    return "\n".join(lines)


@dataclass
class _Sections:
    free: str = ""  # the unlabelled text: explanation, or a Moodle author's grader information
    reference_answer: str = ""
    keywords: tuple = ()
    rubric: tuple = ()
    unit: str = ""
    reference: str = ""


def _read_labelled(text: str, labels: Iterable[str]) -> _Sections:
    labels = set(labels)
    free, answer, rubric = [], [], []
    found = _Sections()
    current = free
    for line in text.split("\n"):
        m = re.match(r"^\s*(参考答案|关键词|标准|单位|出处)\s*[：:]\s*(.*)$", line)
        if not m or m[1] not in labels:
            current.append(line)
            continue
        label, rest = m[1], m[2].strip()
        current = free
        if label == "参考答案":
            answer.append(rest)
            current = answer
        elif label == "关键词":
            found.keywords = tuple(k.strip() for k in re.split(r"[、,，;；]", rest) if k.strip())
        elif label == "标准":
            c = _CRITERION.match(rest)
            rubric.append(
                Criterion(c[1].strip(), _tidy(Decimal(c[2]))) if c else Criterion(rest, Decimal(0))
            )
        elif label == "单位":
            found.unit = rest
        else:
            found.reference = rest
    found.free = "\n".join(free).strip()
    found.reference_answer = "\n".join(answer).strip()
    found.rubric = tuple(rubric)
    return found


# --- formulas ------------------------------------------------------------------------


class _PowToCall(ast.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            return ast.Call(ast.Name("pow", ast.Load()), [node.left, node.right], [])
        return node


class _CallToPow(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "pow" and len(node.args) == 2:
            return ast.BinOp(node.args[0], ast.Pow(), node.args[1])
        return node


def _to_moodle_formula(formula: str, names: set[str]) -> str:
    """`v * ef ** 2` → `{v} * pow({ef}, 2)`: Moodle's wildcards, and pow() for powers."""
    formula = formula.strip()
    tree = ast.parse(formula, mode="eval")
    if any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(tree)):
        formula = ast.unparse(_PowToCall().visit(tree))
    return re.sub(
        r"(?<![\w.])([^\W\d]\w*)", lambda m: f"{{{m[1]}}}" if m[1] in names else m[1], formula
    )


def _from_moodle_formula(text: str) -> str:
    formula = re.sub(r"\{([^{}\s]+)\}", r"\1", text.strip())
    if re.search(r"\bpow\s*\(", formula):
        try:
            tree = ast.parse(formula, mode="eval")
        except SyntaxError:
            return formula  # item.problems() names the fault
        formula = ast.unparse(ast.fix_missing_locations(_CallToPow().visit(tree)))
    return formula


def _decimals(step: Decimal) -> int | None:
    """Moodle's dataset decimals for a step of 1, 0.1, 0.01…; None for any other step."""
    places = -step.normalize().as_tuple().exponent
    if places >= 0 and step == Decimal(1).scaleb(-places):
        return places
    return None


# --- XML -----------------------------------------------------------------------------


def _refuse_declarations(data: bytes) -> None:
    """Refuse a DOCTYPE or entity declaration where expat meets it, before any tree exists."""

    def refuse(*_):
        raise _Refused("文件含有 DOCTYPE 或实体声明，出于安全考虑拒绝导入")

    scanner = expat.ParserCreate()
    scanner.StartDoctypeDeclHandler = refuse
    scanner.EntityDeclHandler = refuse
    scanner.UnparsedEntityDeclHandler = refuse
    scanner.ExternalEntityRefHandler = refuse
    try:
        scanner.Parse(data, True)
    except expat.ExpatError as error:
        raise _Refused(
            f"文件不是格式正确的 XML（第 {error.lineno} 行第 {error.offset + 1} 列：{expat.errors.messages[error.code]}）"
        ) from None


def _parse_xml(data: bytes) -> ET.Element:
    _refuse_declarations(data)
    try:
        return ET.fromstring(data)
    except ET.ParseError as error:  # the scan above already saw well-formed XML
        raise _Refused(f"文件不是格式正确的 XML：{error}") from None


# --- Moodle XML: import --------------------------------------------------------------

_MOODLE_TYPES = {
    "multichoice",
    "truefalse",
    "essay",
    "numerical",
    "calculated",
    "calculatedsimple",
    "shortanswer",
}


def _rich(element: ET.Element | None, notes: list[str], what: str) -> str:
    """Plain text of a Moodle text element (`<questiontext format="html"><text>`)."""
    if element is None:
        return ""
    text, images = _from_format(element.findtext("text") or "", element.get("format", "html"))
    if images or element.find("file") is not None:
        notes.append(f"{what}中的图片或附件未导入")
    return text


def _answers(question: ET.Element, notes: list[str]) -> list[tuple[Decimal, str, ET.Element]]:
    found = []
    for answer in question.findall("answer"):
        fraction = _decimal(answer.get("fraction", "0"), "答案的得分比例")
        found.append((fraction, _rich(answer, notes, "选项"), answer))
    return found


def _units(question: ET.Element) -> str:
    for unit in question.findall("units/unit"):
        multiplier = unit.findtext("multiplier", "1").strip() or "1"
        try:
            base = Decimal(multiplier) == 1
        except InvalidOperation:
            base = False
        if base:
            return (unit.findtext("unit_name") or "").strip()
    return ""


def _read_moodle_question(question: ET.Element, qtype: str, notes: list[str]) -> Item:
    if qtype not in _MOODLE_TYPES:
        raise _Refused(f"Moodle 题型 {qtype or '（未注明）'} 不受支持，已跳过")
    stem = _rich(question.find("questiontext"), notes, "题干")
    feedback = _read_labelled(_rich(question.find("generalfeedback"), notes, "解析"), ["出处"])
    tags = _read_tags(t.findtext("text") or "" for t in question.findall("tags/tag"))
    notes += tags.notes
    common = {
        "stem": stem,
        "explanation": feedback.free,
        "reference": feedback.reference,
        "difficulty": tags.difficulty,
    }
    if qtype == "multichoice":
        single = (question.findtext("single") or "true").strip().lower() in ("true", "1")
        options = tuple(
            Option(text, fraction > 0) for fraction, text, _ in _answers(question, notes)
        )
        kind = QuestionType.SINGLE if single else QuestionType.MULTIPLE
        return Item(kind, options=options, **common)
    if qtype == "truefalse":
        truth = {
            text.strip().lower(): fraction > 0 for fraction, text, _ in _answers(question, notes)
        }
        if set(truth) != {"true", "false"}:
            raise _Refused("判断题的答案应为 true 和 false")
        options = (Option(TRUE_TEXT, truth["true"]), Option(FALSE_TEXT, truth["false"]))
        return Item(QuestionType.TRUE_FALSE, options=options, **common)
    if qtype == "essay":
        grading = _read_labelled(
            _rich(question.find("graderinfo"), notes, "评分信息"), ["参考答案", "关键词", "标准"]
        )
        answer = "\n\n".join(a for a in (grading.free, grading.reference_answer) if a)
        return Item(
            QuestionType.SHORT,
            reference_answer=answer,
            rubric=grading.rubric,
            keywords=grading.keywords,
            **common,
        )
    if qtype == "shortanswer":
        accepted = [(f, t) for f, t, _ in _answers(question, notes) if f > 0 and t.strip()]
        accepted.sort(key=lambda pair: -pair[0])
        return Item(
            QuestionType.SHORT,
            reference_answer=accepted[0][1] if accepted else "",
            keywords=tuple(t for _, t in accepted),
            **common,
        )
    right = [
        (f, a) for f, t, a in _answers(question, notes) if f > 0 and t.strip() not in ("", "*")
    ]
    if not right:
        raise _Refused("计算题没有得分的答案")
    fraction, answer = max(right, key=lambda pair: pair[0])
    if len(right) > 1 or fraction < 100:
        notes.append("只导入了得分最高的一个答案，部分得分的答案未导入")
    error = _decimal(answer.findtext("tolerance") or "0", "误差")
    if qtype == "numerical":
        value = _decimal(answer.findtext("text") or "", "答案")
        percent, note = _percent_of(error, value)
        notes += [note] if note else []
        return Item(
            QuestionType.NUMERIC,
            formula=_plain(value),
            unit=_units(question),
            tolerance_percent=percent,
            **common,
        )
    parameters = []
    for dataset in question.findall("dataset_definitions/dataset_definition"):
        name = (dataset.findtext("name/text") or "").strip()
        decimals = _decimal(dataset.findtext("decimals/text") or "0", f"参数 {name} 的小数位数")
        if not 0 <= decimals <= 10:
            raise _Refused(f"参数 {name} 的小数位数应为 0 到 10")
        step = tags.steps.get(name, Decimal(1).scaleb(-int(decimals)))
        parameters.append(
            Parameter(
                name,
                _decimal(dataset.findtext("minimum/text") or "", f"参数 {name} 的最小值"),
                _decimal(dataset.findtext("maximum/text") or "", f"参数 {name} 的最大值"),
                step,
                tags.units.get(name, ""),
            )
        )
    item = Item(
        QuestionType.NUMERIC,
        parameters=tuple(parameters),
        formula=_from_moodle_formula(answer.findtext("text") or ""),
        unit=_units(question),
        **common,
    )
    kind = (answer.findtext("tolerancetype") or "1").strip()
    if kind == "2":  # nominal: an absolute error, converted at the middle of the ranges
        if _check(item):
            return item
        middle, _ = _at_midpoint(item)
        percent, note = _percent_of(error, Decimal(middle.formula))
        notes.append(
            note or f"绝对误差 {_plain(error)} 已按参数中值换算为相对误差 {_plain(percent)}%"
        )
    else:
        if kind == "3":
            notes.append("几何误差按相对误差导入")
        percent = _tidy(error * 100)
    return replace(item, tolerance_percent=percent)


def read_moodle_xml(data: bytes) -> ImportResult:
    """Questions of a Moodle XML export, in order, and every problem found (Chinese)."""
    if len(data) > MAX_INPUT_BYTES:
        return _too_big()
    try:
        root = _parse_xml(data)
    except _Refused as refusal:
        return ImportResult([], [str(refusal)])
    if root.tag != "quiz":
        return ImportResult([], ["这不是 Moodle XML 题目文件（根元素应为 <quiz>）"])
    result = ImportResult()
    knowledge_point, number = "", 0
    for question in root.findall("question"):
        qtype = question.get("type", "").strip()
        if qtype == "category":
            knowledge_point = _knowledge_point(question.findtext("category/text") or "")
            continue
        number += 1
        name = (question.findtext("name/text") or "").strip()
        label = _label(number, name, _html_to_text(question.findtext("questiontext/text") or "")[0])
        notes: list[str] = []
        try:
            item = _read_moodle_question(question, qtype, notes)
            points, note = _points(question.findtext("defaultgrade") or "")
        except (_Refused, ArithmeticError) as refusal:
            reason = refusal if isinstance(refusal, _Refused) else "数值无法计算"
            result.problems.append(f"{label}：{reason}")
            continue
        _accept(result, label, Exchanged(item, knowledge_point, name, points), [*notes, note])
    return result


def _accept(result: ImportResult, label: str, exchanged: Exchanged, notes: list[str]) -> None:
    found = _check(exchanged.item)
    if found:
        result.problems.append(f"{label}未导入：{'；'.join(found)}")
        return
    result.questions.append(exchanged)
    result.problems.extend(f"{label}：{note}" for note in dict.fromkeys(notes) if note)


# --- Moodle XML: export --------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _moodle_text(parent: ET.Element, tag: str, text: str, html_format: bool = True) -> ET.Element:
    element = _sub(parent, tag, format="html" if html_format else "plain_text")
    _sub(element, "text", _text_to_html(text) if html_format else text)
    return element


def _fraction(share: Decimal) -> str:
    return _plain(share.quantize(Decimal("0.00001")))


def _moodle_answer(
    parent: ET.Element, fraction: str, text: str, html_format: bool = True
) -> ET.Element:
    answer = _sub(
        parent, "answer", fraction=fraction, format="html" if html_format else "moodle_auto_format"
    )
    _sub(
        answer,
        "text",
        html.escape(text, quote=False).replace("\n", "<br>") if html_format else text,
    )
    _moodle_text(answer, "feedback", "")
    return answer


def _moodle_units(question: ET.Element, unit: str) -> None:
    if unit:
        unit_element = _sub(_sub(question, "units"), "unit")
        _sub(unit_element, "multiplier", "1")
        _sub(unit_element, "unit_name", unit)
    _sub(question, "unitgradingtype", "0")  # the number alone is marked, a unit is optional
    _sub(question, "unitpenalty", "0")
    _sub(question, "showunits", "0")
    _sub(question, "unitsleft", "0")


def _moodle_question(q: Exchanged) -> ET.Element:
    item = q.item
    kind = {
        QuestionType.SINGLE: "multichoice",
        QuestionType.MULTIPLE: "multichoice",
        QuestionType.TRUE_FALSE: "truefalse",
        QuestionType.SHORT: "essay",
        QuestionType.NUMERIC: "calculated" if item.parameters else "numerical",
    }[item.type]
    question = ET.Element("question", type=kind)
    _sub(_sub(question, "name"), "text", q.name or _excerpt(item.stem, 30))
    _moodle_text(question, "questiontext", item.stem)
    _moodle_text(
        question, "generalfeedback", _labelled(item, explanation=True, grading=False, unit=False)
    )
    if q.points is not None:
        _sub(question, "defaultgrade", _plain(q.points))
    _sub(question, "hidden", "0")
    if item.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        _sub(question, "single", "true" if item.type is QuestionType.SINGLE else "false")
        _sub(question, "shuffleanswers", "false")  # our options keep their authored order
        _sub(question, "answernumbering", "ABCD")
        right = sum(o.correct for o in item.options)
        wrong = len(item.options) - right
        for option in item.options:
            if item.type is QuestionType.SINGLE:
                fraction = "100" if option.correct else "0"
            elif option.correct:
                fraction = _fraction(Decimal(100) / right)
            else:
                fraction = _fraction(Decimal(-100) / wrong)
            _moodle_answer(question, fraction, option.text)
    elif item.type is QuestionType.TRUE_FALSE:
        true_is_right = _true_is_right(item)
        _moodle_answer(question, "100" if true_is_right else "0", "true", html_format=False)
        _moodle_answer(question, "0" if true_is_right else "100", "false", html_format=False)
    elif item.type is QuestionType.SHORT:
        for tag, text in (("responseformat", "editor"), ("responserequired", "1"), ("responsefieldlines", "15"), ("attachments", "0"), ("attachmentsrequired", "0")):  # fmt: skip
            _sub(question, tag, text)
        _moodle_text(
            question, "graderinfo", _labelled(item, explanation=False, grading=True, unit=False)
        )
        _moodle_text(question, "responsetemplate", "")
    elif not item.parameters:
        value = _fixed_value(item)
        answer = _moodle_answer(question, "100", _plain(value), html_format=False)
        _sub(answer, "tolerance", _plain(_error_of(item.tolerance_percent, value)))
        _moodle_units(question, item.unit)
    else:
        _moodle_calculated(question, item)
    tags = _sub(question, "tags")
    for tag in _item_tags(item):
        _sub(_sub(tags, "tag"), "text", tag)
    return question


def _true_is_right(item: Item) -> bool:
    right = next(o for o in item.options if o.correct)
    if right.text.strip().upper() in _TRUE_WORDS:
        return True
    if right.text.strip() in (FALSE_TEXT, "错", "否", "×", "F", "FALSE"):
        return False
    return item.options[0].correct  # our convention: the first option says "true"


def _moodle_calculated(question: ET.Element, item: Item) -> None:
    _sub(question, "synchronize", "0")
    _sub(question, "single", "0")
    _sub(question, "answernumbering", "abc")
    _sub(question, "shuffleanswers", "0")
    names = {p.name for p in item.parameters}
    answer = _moodle_answer(
        question, "100", _to_moodle_formula(item.formula, names), html_format=False
    )
    _sub(answer, "tolerance", _plain(_tidy(item.tolerance_percent / 100)))
    _sub(answer, "tolerancetype", "1")  # relative: the same meaning as ours
    _sub(answer, "correctanswerformat", "1")
    _sub(answer, "correctanswerlength", "2")
    _moodle_units(question, item.unit)
    definitions = _sub(question, "dataset_definitions")
    for p in item.parameters:
        decimals = _decimals(p.step)
        if decimals is None:  # carried exactly by a step: tag
            decimals = max(0, -p.step.normalize().as_tuple().exponent)
        definition = _sub(definitions, "dataset_definition")
        _sub(_sub(definition, "status"), "text", "private")
        _sub(_sub(definition, "name"), "text", p.name)
        _sub(definition, "type", "calculated")
        _sub(_sub(definition, "distribution"), "text", "uniform")
        _sub(_sub(definition, "minimum"), "text", _plain(p.low))
        _sub(_sub(definition, "maximum"), "text", _plain(p.high))
        _sub(_sub(definition, "decimals"), "text", str(decimals))
        values = _sample(item, p)
        _sub(definition, "itemcount", str(len(values)))
        items = _sub(definition, "dataset_items")
        for number, value in enumerate(values, start=1):
            entry = _sub(items, "dataset_item")
            _sub(entry, "number", str(number))
            _sub(entry, "value", _plain(value))
        _sub(definition, "number_of_items", str(len(values)))


def _sample(item: Item, p: Parameter, count: int = 10) -> list[Decimal]:
    """Values Moodle can show before it draws its own: on the grid, the same on every export."""
    draw = random.Random(f"{item.stem}\0{p.name}")  # a str seed is stable across runs
    steps = int((p.high - p.low) / p.step)
    return [p.low + draw.randint(0, steps) * p.step for _ in range(count)]


def write_moodle_xml(questions: Iterable[Exchanged]) -> bytes:
    """A Moodle XML file: a category before each change of knowledge point.

    Raises ValueError (Chinese) for a question whose content has problems.
    """
    quiz = ET.Element("quiz")
    current = None
    for q in _require_valid(questions):
        if q.knowledge_point != current:
            category = _sub(quiz, "question", type="category")
            _sub(_sub(category, "category"), "text", _category_path(q.knowledge_point))
            _moodle_text(category, "info", "")
            current = q.knowledge_point
        quiz.append(_moodle_question(q))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True)


# --- GIFT: import --------------------------------------------------------------------

# Escaped characters are swapped for private-use ones while the structure is read.
_ESCAPED = {"\\\\": "\ue000", "\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003", "\\{": "\ue004", "\\}": "\ue005", "\\~": "\ue006", "\\n": "\ue007"}  # fmt: skip
_UNESCAPED = {v: k[1] for k, v in _ESCAPED.items()} | {"\ue007": "\n"}
_WEIGHT = re.compile(r"^\s*%(-?\d{1,3}(?:\.\d+)?)%")
_GIFT_FORMATS = {
    "html": "html",
    "moodle": "moodle_auto_format",
    "plain": "plain_text",
    "markdown": "markdown",
}


def _protect(text: str) -> str:
    return re.sub(r"\\[\\:#={}~n]", lambda m: _ESCAPED[m[0]], text)


def _restore(text: str) -> str:
    return re.sub("[\ue000-\ue007]", lambda m: _UNESCAPED[m[0]], text)


def _gift_blocks(text: str):
    """(tags, question text) for each blank-line separated block; comment lines give tags."""
    tags: list[str] = []
    lines: list[str] = []
    for line in [*text.split("\n"), ""]:
        if line.lstrip().startswith("//"):
            tags += re.findall(r"\[tag:([^\]]+)\]", line)
        elif line.strip():
            lines.append(line)
        elif lines:
            yield tags, "\n".join(lines).strip()
            tags, lines = [], []


class _Leaf:
    """Turns a piece of GIFT text (with an optional [format] marker) into our plain text."""

    def __init__(self, fmt: str):
        self.format = fmt
        self.images = 0

    def __call__(self, text: str) -> str:
        text = text.strip()
        fmt = self.format
        if m := re.match(r"\[(html|moodle|plain|markdown)\]", text):
            fmt, text = _GIFT_FORMATS[m[1]], text[m.end() :]
        plain, images = _from_format(_restore(text), fmt)
        self.images += images
        return plain


def _gift_answers(answer: str, markers: str) -> list[tuple[str, Decimal | None, str]]:
    """(marker, weight or None, text without feedback) for each answer starting with a marker."""
    pieces = re.split(f"(?=[{markers}])", answer)
    if pieces[0].strip():
        raise _Refused(f"答案部分无法识别：{_excerpt(_restore(pieces[0]))}")
    found = []
    for piece in pieces[1:]:
        marker, body = piece[0], piece[1:]
        weight = None
        if m := _WEIGHT.match(body):
            weight, body = Decimal(m[1]), body[m.end() :]
        found.append((marker, weight, body.split("#", 1)[0]))
    return found


def _read_gift_question(text: str, tags: list[str], notes: list[str]) -> tuple[str, Item]:
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            raise _Refused("题目名称缺少结尾的 ::")
        name, text = _restore(text[2:end]).strip(), text[end + 2 :].strip()
    start, finish = text.find("{"), text.find("}")
    if start == -1 and finish == -1:
        raise _Refused("没有答案部分 {…}，是说明文字而非题目，已跳过")
    if start == -1 or finish < start:
        raise _Refused("花括号不配对（文字中的 { } 要写成 \\{ \\}）")
    if "{" in text[finish + 1 :] or "}" in text[finish + 1 :]:
        raise _Refused("一道题只能有一个答案部分 {…}（完形填空题不受支持）")
    answer, after = text[start + 1 : finish].strip(), text[finish + 1 :].strip()
    stem = text[:start] + ("_____" + text[finish + 1 :] if after else "")
    fmt = "moodle_auto_format"
    if m := re.match(r"\s*\[(html|moodle|plain|markdown)\]", stem):
        fmt = _GIFT_FORMATS[m[1]]
    leaf = _Leaf(fmt)
    general = ""
    if (cut := answer.rfind("####")) != -1:
        general, answer = answer[cut + 4 :], answer[:cut].strip()
    tf = answer.split("#", 1)[0].strip()
    if answer == "":
        kind, labels = "essay", ("参考答案", "关键词", "标准", "出处")
    elif answer.startswith("#"):
        kind, labels = "numerical", ("单位", "出处")
    elif "~" in answer:
        kind, labels = "multichoice", ("出处",)
    elif "=" in answer and "->" in answer:
        raise _Refused("GIFT 配对题（matching）不受支持，已跳过")
    elif tf in ("T", "TRUE", "F", "FALSE"):
        kind, labels = "truefalse", ("出处",)
    else:
        kind, labels = "shortanswer", ("出处",)
    tagged = _read_tags(tags)
    notes += tagged.notes
    feedback = _read_labelled(leaf(general), labels)
    common = {
        "stem": leaf(stem),
        "explanation": feedback.free,
        "reference": feedback.reference,
        "difficulty": tagged.difficulty,
    }
    if kind == "essay":
        item = Item(
            QuestionType.SHORT,
            reference_answer=feedback.reference_answer,
            rubric=feedback.rubric,
            keywords=feedback.keywords,
            **common,
        )
    elif kind == "numerical":
        item = _read_gift_number(answer[1:], feedback.unit, common, notes)
    elif kind == "multichoice":
        single = "=" in answer  # Moodle's rule: an "=" answer makes it single choice
        options = tuple(
            Option(leaf(t), (w if w is not None else Decimal(100 if m == "=" else 0)) > 0)
            for m, w, t in _gift_answers(answer, "~=")
        )
        item = Item(
            QuestionType.SINGLE if single else QuestionType.MULTIPLE, options=options, **common
        )
    elif kind == "truefalse":
        truth = tf in ("T", "TRUE")
        options = (Option(TRUE_TEXT, truth), Option(FALSE_TEXT, not truth))
        item = Item(QuestionType.TRUE_FALSE, options=options, **common)
    else:
        if not answer.startswith("="):
            answer = "=" + answer  # Moodle reads a lone "{word}" as one accepted answer
        accepted = [
            (w if w is not None else Decimal(100), leaf(t))
            for _, w, t in _gift_answers(answer, "=")
        ]
        accepted = sorted(((w, t) for w, t in accepted if w > 0 and t), key=lambda pair: -pair[0])
        item = Item(
            QuestionType.SHORT,
            reference_answer=accepted[0][1] if accepted else "",
            keywords=tuple(t for _, t in accepted),
            **common,
        )
    if leaf.images:
        notes.append("图片未导入")
    return name, item


def _read_gift_number(answer: str, unit: str, common: dict, notes: list[str]) -> Item:
    answer = answer.split("~", 1)[0]  # "~#…" is feedback for any wrong number
    if not answer.strip().startswith("="):
        answer = "=" + answer
    best = None
    for _, weight, body in _gift_answers(answer, "="):
        weight = Decimal(100) if weight is None else weight
        body = _restore(body).strip()
        if weight > 0 and body and (best is None or weight > best[0]):
            best = (weight, body)
    if best is None:
        raise _Refused("数值题没有得分的答案")
    if best[0] < 100 or answer.count("=") > 1:
        notes.append("只导入了得分最高的一个答案")
    body = best[1]
    if ".." in body:
        low, high = (_decimal(part, "答案范围") for part in body.split("..", 1))
        value, error = (low + high) / 2, abs(high - low) / 2
    elif ":" in body:
        value_text, error_text = body.split(":", 1)
        value, error = _decimal(value_text, "答案"), _decimal(error_text, "误差")
    else:
        value, error = _decimal(body, "答案"), Decimal(0)
    percent, note = _percent_of(error, value)
    notes += [note] if note else []
    return Item(
        QuestionType.NUMERIC,
        formula=_plain(_tidy(value, 15)),
        unit=unit,
        tolerance_percent=percent,
        **common,
    )


def read_gift(text: str) -> ImportResult:
    """Questions of a GIFT file, in order, and every problem found (Chinese)."""
    if len(text) > MAX_INPUT_BYTES or len(text.encode("utf-8", "replace")) > MAX_INPUT_BYTES:
        return _too_big()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = _protect(re.sub("[\ue000-\ue007]", "", text))
    result = ImportResult()
    knowledge_point, number = "", 0
    for tags, block in _gift_blocks(text):
        if block.startswith("$CATEGORY:"):
            line, _, block = block.partition("\n")
            knowledge_point = _knowledge_point(_restore(line[len("$CATEGORY:") :]))
            block = block.strip()
            if not block:
                continue
        number += 1
        named = re.match(r"::(.*?)::", block)
        label = _label(number, _restore(named[1]).strip() if named else "", _restore(block))
        notes: list[str] = []
        try:
            name, item = _read_gift_question(block, tags, notes)
        except (_Refused, ArithmeticError) as refusal:
            reason = refusal if isinstance(refusal, _Refused) else "数值无法计算"
            result.problems.append(f"{label}：{reason}")
            continue
        _accept(
            result, _label(number, name, item.stem), Exchanged(item, knowledge_point, name), notes
        )
    if number == 0 and not result.problems:
        result.problems.append("文件中没有找到 GIFT 格式的题目")
    return result


# --- GIFT: export --------------------------------------------------------------------


def _escape(text: str) -> str:
    return re.sub(r"[\\~=#{}:]", lambda m: "\\" + m[0], text).replace("\r", "").replace("\n", "\\n")


def write_gift(questions: Iterable[Exchanged]) -> tuple[str, list[str]]:
    """GIFT text and warnings (Chinese) for what GIFT cannot carry.

    Numeric questions with parameters are written with each parameter at the
    middle of its range, as a fixed answer. Raises ValueError for invalid content.
    """
    blocks, warnings, with_points = [], [], 0
    current = None
    for number, q in enumerate(_require_valid(questions), start=1):
        item = q.item
        if q.knowledge_point != current:
            blocks.append(f"$CATEGORY: {_category_path(q.knowledge_point)}")
            current = q.knowledge_point
        if item.type is QuestionType.NUMERIC and item.parameters:
            item, values = _at_midpoint(item)
            warnings.append(
                f"{_label(number, q.name, q.item.stem)}带参数，GIFT 无法表达，已按参数中值（{values}）导出为固定答案的数值题"
            )
        with_points += q.points is not None
        blocks.append(_gift_question(q.name, item))
    if with_points:
        warnings.append(f"GIFT 没有分值，{with_points} 道题的分值未写入")
    return "\n\n".join(blocks) + "\n", warnings


def _gift_question(name: str, item: Item) -> str:
    general = _labelled(
        item,
        explanation=True,
        grading=item.type is QuestionType.SHORT,
        unit=item.type is QuestionType.NUMERIC,
    )
    texts = [item.stem, general, *(o.text for o in item.options)]
    # Moodle's default format reads HTML; plain text that looks like it is marked [plain].
    marker = "[plain]" if any(re.search(r"[<&]", t) for t in texts) else ""
    head = f"// [tag:difficulty:{item.difficulty}]\n"
    head += (f"::{_escape(name)}::" if name else "") + marker + _escape(item.stem)
    tail = f"####{_escape(general)}" if general else ""
    if item.type is QuestionType.TRUE_FALSE:
        return f"{head} {{{'TRUE' if _true_is_right(item) else 'FALSE'}{tail}}}"
    if item.type is QuestionType.SHORT:
        return f"{head} {{{tail}}}"
    if item.type is QuestionType.NUMERIC:
        value = _fixed_value(item)
        error = _error_of(item.tolerance_percent, value)
        return f"{head} {{#{_plain(value)}:{_plain(error)}{tail}}}"
    lines = []
    right = sum(o.correct for o in item.options)
    wrong = len(item.options) - right
    for option in item.options:
        if item.type is QuestionType.SINGLE:
            marker = "=" if option.correct else "~"
        elif option.correct:
            marker = f"~%{_fraction(Decimal(100) / right)}%"
        else:
            marker = f"~%{_fraction(Decimal(-100) / wrong)}%"
        lines.append(f"\t{marker}{_escape(option.text)}")
    if tail:
        lines.append(f"\t{tail}")
    return head + " {\n" + "\n".join(lines) + "\n}"


# --- QTI 2.1 -------------------------------------------------------------------------

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
IMSCP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/LOM"
QTI_METADATA_NS = "http://www.imsglobal.org/xsd/imsqti_metadata_v2p1"
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_XML = "{http://www.w3.org/XML/1998/namespace}"
ET.register_namespace("imsmd", LOM_NS)
ET.register_namespace("imsqti", QTI_METADATA_NS)
_LOM_DIFFICULTY = {1: "very easy", 2: "easy", 3: "medium", 4: "difficult", 5: "very difficult"}
_INTERACTIONS = {
    QuestionType.SINGLE: "choiceInteraction",
    QuestionType.MULTIPLE: "choiceInteraction",
    QuestionType.TRUE_FALSE: "choiceInteraction",
    QuestionType.SHORT: "extendedTextInteraction",
    QuestionType.NUMERIC: "textEntryInteraction",
}


def _q(tag: str) -> str:
    # ElementTree's default_namespace option refuses plain attribute names, so the
    # QTI (and manifest) elements stay unqualified under an explicit xmlns.
    return tag


def _paragraphs(parent: ET.Element, text: str) -> None:
    for paragraph in re.split(r"\n[ \t]*\n", text.strip()):
        p = _sub(parent, _q("p"))
        lines = paragraph.split("\n")
        p.text = lines[0]
        for line in lines[1:]:
            _sub(p, _q("br")).tail = line


def _score_if(processing: ET.Element, test: ET.Element, points: Decimal) -> None:
    condition = _sub(processing, _q("responseCondition"))
    branch = _sub(condition, _q("responseIf"))
    branch.append(test)
    _sub(test, _q("variable"), identifier="RESPONSE")
    _sub(test, _q("correct"), identifier="RESPONSE")
    for parent, value in ((branch, points), (_sub(condition, _q("responseElse")), Decimal(0))):
        outcome = _sub(parent, _q("setOutcomeValue"), identifier="SCORE")
        _sub(outcome, _q("baseValue"), _plain(value), baseType="float")


def _qti_item(q: Exchanged, identifier: str) -> tuple[bytes, list[str]]:
    item, warnings = q.item, []
    if item.type is QuestionType.NUMERIC and item.parameters:
        item, values = _at_midpoint(item)
        warnings.append(
            f"「{q.name or _excerpt(q.item.stem)}」带参数，已按参数中值（{values}）导出为固定答案"
        )
    rubric_points = sum((c.points for c in item.rubric), Decimal(0))
    points = q.points or (
        rubric_points if item.type is QuestionType.SHORT and rubric_points else Decimal(1)
    )
    root = ET.Element(
        _q("assessmentItem"),
        {
            "xmlns": QTI_NS,
            "identifier": identifier,
            "title": q.name or _excerpt(item.stem, 30),
            "adaptive": "false",
            "timeDependent": "false",
            _XML + "lang": "zh-CN",
            _XSI
            + "schemaLocation": f"{QTI_NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd",
        },
    )
    if q.knowledge_point:
        root.set("label", q.knowledge_point)
    response = _sub(root, _q("responseDeclaration"), identifier="RESPONSE")
    for name, value in (("SCORE", Decimal(0)), ("MAXSCORE", points)):
        outcome = _sub(
            root, _q("outcomeDeclaration"), identifier=name, cardinality="single", baseType="float"
        )
        if name == "SCORE":
            outcome.set("normalMaximum", _plain(points))
        _sub(_sub(outcome, _q("defaultValue")), _q("value"), _plain(value))
    body = _sub(root, _q("itemBody"))
    processing = None
    if item.type.is_choice:
        multiple = item.type is QuestionType.MULTIPLE
        response.attrib.update(
            cardinality="multiple" if multiple else "single", baseType="identifier"
        )
        correct = _sub(response, _q("correctResponse"))
        _paragraphs(body, item.stem)
        interaction = _sub(
            body,
            _q("choiceInteraction"),
            responseIdentifier="RESPONSE",
            shuffle="false",
            maxChoices="0" if multiple else "1",
        )
        for key, option in zip(OPTION_KEYS, item.options, strict=False):
            _sub(interaction, _q("simpleChoice"), option.text, identifier=key)
            if option.correct:
                _sub(correct, _q("value"), key)
        processing = _sub(root, _q("responseProcessing"))
        _score_if(processing, ET.Element(_q("match")), points)
    elif item.type is QuestionType.SHORT:
        response.attrib.update(cardinality="single", baseType="string")
        _paragraphs(body, item.stem)
        _sub(body, _q("extendedTextInteraction"), responseIdentifier="RESPONSE", expectedLines="10")
        scorer = _sub(body, _q("rubricBlock"), view="scorer")
        _paragraphs(scorer, _labelled(item, explanation=False, grading=True, unit=False))
    else:
        value = _fixed_value(item)
        response.attrib.update(cardinality="single", baseType="float")
        _sub(_sub(response, _q("correctResponse")), _q("value"), _plain(value))
        _paragraphs(body, item.stem)
        line = _sub(body, _q("p"))
        entry = _sub(
            line, _q("textEntryInteraction"), responseIdentifier="RESPONSE", expectedLength="15"
        )
        entry.tail = f" {item.unit}" if item.unit else None
        processing = _sub(root, _q("responseProcessing"))
        test = ET.Element(
            _q("equal"), toleranceMode="relative", tolerance=_plain(item.tolerance_percent)
        )
        _score_if(processing, test, points)
    tutor_text = _labelled(item, explanation=True, grading=False, unit=False)
    if tutor_text:
        _paragraphs(_sub(body, _q("rubricBlock"), view="tutor"), tutor_text)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), warnings


def _identifier(q: Exchanged) -> str:
    digest = hashlib.sha1(f"{q.item.type}\0{q.item.stem}".encode()).hexdigest()[:12]
    return f"item-{digest}"


def write_qti_item(q: Exchanged) -> bytes:
    """One QTI 2.1 assessmentItem. Parameters are fixed at their midpoint (see
    write_qti_package for the warning). Raises ValueError for invalid content."""
    _require_valid([q])
    return _qti_item(q, _identifier(q))[0]


def write_qti_package(questions: Iterable[Exchanged]) -> tuple[bytes, list[str]]:
    """An IMS content package (ZIP with imsmanifest.xml and one file per item), and warnings."""
    warnings, files = [], {}
    manifest = ET.Element(
        "manifest",
        {
            "xmlns": IMSCP_NS,
            "identifier": "carboncert-question-bank",
            _XSI + "schemaLocation": f"{IMSCP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd",
        },
    )
    meta = _sub(manifest, "metadata")
    _sub(meta, "schema", "QTIv2.1 Package")
    _sub(meta, "schemaversion", "1.0.0")
    _sub(manifest, "organizations")
    resources = _sub(manifest, "resources")
    for number, q in enumerate(_require_valid(questions), start=1):
        identifier = f"item{number:04d}"
        href = f"items/{identifier}.xml"
        files[href], found = _qti_item(q, identifier)
        warnings += [f"第 {number} 题{w}" for w in found]
        resource = _sub(
            resources,
            "resource",
            identifier=identifier,
            type="imsqti_item_xmlv2p1",
            href=href,
        )
        _manifest_metadata(_sub(resource, "metadata"), q)
        _sub(resource, "file", href=href)
    ET.indent(manifest)
    files = {
        "imsmanifest.xml": ET.tostring(manifest, encoding="utf-8", xml_declaration=True),
        **files,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for path, content in files.items():
            package.writestr(
                zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)),
                content,
                zipfile.ZIP_DEFLATED,
            )
    return out.getvalue(), warnings


def _manifest_metadata(meta: ET.Element, q: Exchanged) -> None:
    def lom(parent, tag, text=None, **attributes):
        return _sub(parent, f"{{{LOM_NS}}}{tag}", text, **attributes)

    record = lom(meta, "lom")
    general = lom(record, "general")
    lom(
        lom(general, "title"),
        "string",
        q.name or _excerpt(q.item.stem, 30),
        **{_XML + "lang": "zh-CN"},
    )
    if q.knowledge_point:
        lom(lom(general, "keyword"), "string", q.knowledge_point, **{_XML + "lang": "zh-CN"})
    difficulty = lom(lom(record, "educational"), "difficulty")
    lom(difficulty, "source", "LOMv1.0")
    lom(difficulty, "value", _LOM_DIFFICULTY[q.item.difficulty])
    qti = _sub(meta, f"{{{QTI_METADATA_NS}}}qtiMetadata")
    _sub(qti, f"{{{QTI_METADATA_NS}}}interactionType", _INTERACTIONS[q.item.type])
