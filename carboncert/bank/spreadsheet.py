"""Questions in the Excel layout Chinese exam platforms use: one row per question.

Pure: bytes in, items and row-level problems out (no Django). The import
reports every problem with its row and column, as batch registration does.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .items import (
    OPTION_KEYS,
    TYPE_LABELS,
    Criterion,
    Item,
    Option,
    Parameter,
    QuestionType,
    stem_key,
)

SHEET = "试题"
OPTION_HEADERS = [f"选项{k}" for k in OPTION_KEYS]
HEADERS = [
    "题型", "题干", *OPTION_HEADERS, "答案", "分值", "难度", "知识点", "解析", "出处",
    "评分标准", "关键词", "参数", "公式", "单位", "允许误差%",
]  # fmt: skip
REQUIRED = {"题型", "题干", "答案", "知识点"}
TYPES = {label: kind for kind, label in TYPE_LABELS.items()} | {
    "单项选择题": QuestionType.SINGLE,
    "多项选择题": QuestionType.MULTIPLE,
}
TRUE_WORDS = {"正确", "对", "是", "√", "T", "TRUE", "A"}
FALSE_WORDS = {"错误", "错", "否", "×", "F", "FALSE", "B"}
MAX_ROWS = 5000


@dataclass(frozen=True)
class Problem:
    row: int  # 0: the file as a whole
    column: str
    letter: str
    message: str


@dataclass(frozen=True)
class QuestionRow:
    row: int
    knowledge_point: str
    item: Item
    points: Decimal | None


@dataclass(frozen=True)
class Parsed:
    rows: list[QuestionRow]
    problems: list[Problem]


class _Bad(ValueError):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse(
    data: bytes, *, knowledge_points: set[str], existing_stems: set[str] = frozenset()
) -> Parsed:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        return Parsed(
            [], [Problem(0, "", "", "无法读取文件：请上传用平台模板填写的 Excel（.xlsx）文件")]
        )
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    lines = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    if not lines:
        return Parsed([], [Problem(0, "", "", "文件是空的：第 1 行应为表头")])
    header = [_text(h).rstrip("*").strip() for h in lines[0]]
    missing = [h for h in HEADERS if h in REQUIRED and h not in header]
    if missing:
        return Parsed([], [Problem(0, "", "", f"缺少列：{'、'.join(missing)}（请使用平台模板）")])
    if len(lines) - 1 > MAX_ROWS:
        return Parsed([], [Problem(0, "", "", f"一次最多导入 {MAX_ROWS} 道题，请分批导入")])
    index = {h: i for i, h in enumerate(header) if h}
    rows, problems = [], []
    seen: dict[str, int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if all(_text(c) == "" for c in cells):
            continue
        found: list[Problem] = []

        def cell(name, cells=cells):
            i = index.get(name)
            value = cells[i] if i is not None and i < len(cells) else None
            if isinstance(value, str) and value.startswith("="):
                raise _Bad("单元格含有公式，请改为直接填写内容")
            return _text(value)

        def problem(name, message, found=found, number=number):
            letter = get_column_letter(index[name] + 1) if name in index else ""
            found.append(Problem(number, name, letter, message))

        def read(name, convert, found=found):
            try:
                return convert(cell(name))
            except _Bad as error:
                problem(name, str(error))
                return None

        kind = read("题型", _type)
        stem = read("题干", _required("题干不能为空"))
        point = read("知识点", _required("请填写知识点"))
        if point and point not in knowledge_points:
            problem("知识点", f"知识点“{point}”不在考试大纲中")
        points = read("分值", _points)
        difficulty = read("难度", _difficulty)
        options = []
        for header_name in OPTION_HEADERS:
            text = read(header_name, str)
            options.append(text or "")
        while options and not options[-1]:
            options.pop()
        answer = read("答案", str) or ""
        item = None
        if kind and stem:
            try:
                item = _item(kind, stem, options, answer, cell, difficulty or 3)
            except _Bad as error:
                problem("答案", str(error))
            except _BadIn as error:
                problem(error.column, error.message)
        if item is not None:
            for message in item.problems():
                problem("答案" if "正确选项" in message else "题干", message)
            key = stem_key(stem)
            if key in existing_stems:
                problem("题干", "题库中已有相同题干的试题")
            elif key in seen:
                problem("题干", f"与第 {seen[key]} 行的题干重复")
            else:
                seen[key] = number
        if found:
            problems.extend(found)
        elif item is not None:
            rows.append(QuestionRow(number, point, item, points))
    problems.sort(key=lambda p: (p.row, len(p.letter), p.letter))
    return Parsed(rows, problems)


class _BadIn(ValueError):
    def __init__(self, column, message):
        self.column, self.message = column, message
        super().__init__(message)


def _required(message):
    def check(text):
        if not text:
            raise _Bad(message)
        return text

    return check


def _type(text):
    if text not in TYPES:
        raise _Bad(f"题型应为：{'、'.join(TYPE_LABELS.values())}")
    return TYPES[text]


def _points(text):
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Bad("分值应为数字") from None
    if value <= 0 or value > 100:
        raise _Bad("分值应大于0且不超过100")
    return value


def _difficulty(text):
    if not text:
        return 3
    if text not in {"1", "2", "3", "4", "5"}:
        raise _Bad("难度应为 1 到 5 的整数")
    return int(text)


def _letters(answer: str, count: int) -> set[int]:
    letters = re.sub(r"[\s,，、;；]", "", answer.upper())
    if not letters or any(ch not in OPTION_KEYS for ch in letters):
        raise _Bad("答案应为选项字母，例如 A 或 ABD")
    chosen = {OPTION_KEYS.index(ch) for ch in letters}
    if max(chosen) >= count:
        raise _Bad(f"答案 {letters} 超出了已填写的选项（共 {count} 个）")
    return chosen


def _item(kind, stem, options, answer, cell, difficulty) -> Item:
    common = {
        "explanation": cell("解析"),
        "reference": cell("出处"),
        "difficulty": difficulty,
    }
    if kind is QuestionType.TRUE_FALSE:
        word = answer.strip().upper()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise _Bad("判断题的答案应为“正确”或“错误”")
        return Item(
            kind,
            stem,
            (Option("正确", word in TRUE_WORDS), Option("错误", word in FALSE_WORDS)),
            **common,
        )
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if any(not text for text in options):
            raise _BadIn("选项A", "选项之间不能有空白选项")
        chosen = _letters(answer, len(options))
        if kind is QuestionType.SINGLE and len(chosen) != 1:
            raise _Bad("单选题只能有一个正确答案")
        if kind is QuestionType.MULTIPLE and len(chosen) < 2:
            raise _Bad("多选题至少要有 2 个正确选项")
        return Item(
            kind, stem, tuple(Option(t, i in chosen) for i, t in enumerate(options)), **common
        )
    if kind is QuestionType.SHORT:
        rubric = []
        for line in filter(None, (x.strip() for x in cell("评分标准").splitlines())):
            parts = re.split(r"[|｜]", line, maxsplit=1)
            try:
                rubric.append(Criterion(parts[0].strip(), Decimal(parts[1].strip())))
            except (IndexError, InvalidOperation):
                raise _BadIn("评分标准", "评分标准每行应为“要点｜分值”") from None
        keywords = tuple(k.strip() for k in re.split(r"[,，、]", cell("关键词")) if k.strip())
        return Item(
            kind, stem, reference_answer=answer, rubric=tuple(rubric), keywords=keywords, **common
        )
    parameters = []
    for part in filter(None, (x.strip() for x in re.split(r"[;；\n]", cell("参数")))):
        fields = [f.strip() for f in re.split(r"[,，]", part)]
        try:
            name, low, high, step = fields[:4]
            parameters.append(
                Parameter(
                    name,
                    Decimal(low),
                    Decimal(high),
                    Decimal(step),
                    fields[4] if len(fields) > 4 else "",
                )
            )
        except (ValueError, InvalidOperation):
            raise _BadIn(
                "参数", "参数应为“名称,最小值,最大值,步长,单位”，多个参数用分号隔开"
            ) from None
    tolerance = cell("允许误差%") or "1"
    try:
        tolerance_percent = Decimal(tolerance)
    except InvalidOperation:
        raise _BadIn("允许误差%", "允许误差应为数字") from None
    return Item(
        kind, stem, parameters=tuple(parameters), formula=cell("公式") or answer,
        unit=cell("单位"), tolerance_percent=tolerance_percent, **common,
    )  # fmt: skip


def write(rows: list[tuple[str, Item, Decimal | None]]) -> bytes:
    """The template (no rows) or an export (knowledge point, item, points per row)."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([f"{h}*" if h in REQUIRED else h for h in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = (
            40 if header in ("题干", "解析") else 14
        )
    types = DataValidation(
        type="list", formula1='"' + ",".join(TYPE_LABELS.values()) + '"', allow_blank=False
    )
    sheet.add_data_validation(types)
    types.add(f"A2:A{MAX_ROWS + 1}")
    for point, item, points in rows:
        values = {
            "题型": item.type.label, "题干": item.stem, "难度": item.difficulty, "知识点": point,
            "解析": item.explanation, "出处": item.reference, "分值": points,
        }  # fmt: skip
        if item.type is QuestionType.TRUE_FALSE:
            values["答案"] = "正确" if item.options and item.options[0].correct else "错误"
        elif item.type.is_choice:
            for key, option in zip(OPTION_KEYS, item.options, strict=False):
                values[f"选项{key}"] = option.text
            values["答案"] = "".join(
                k for k, o in zip(OPTION_KEYS, item.options, strict=False) if o.correct
            )
        elif item.type is QuestionType.SHORT:
            values["答案"] = item.reference_answer
            values["评分标准"] = "\n".join(f"{c.description}｜{c.points}" for c in item.rubric)
            values["关键词"] = "，".join(item.keywords)
        else:
            values["答案"] = item.formula
            values["公式"] = item.formula
            values["单位"] = item.unit
            values["允许误差%"] = str(item.tolerance_percent)
            values["参数"] = "；".join(
                f"{p.name},{p.low},{p.high},{p.step},{p.unit}" for p in item.parameters
            )
        # Text that a spreadsheet would run as a formula is written as text.
        sheet.append([_safe(values.get(h)) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
