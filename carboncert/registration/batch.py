"""Batch registration by partner institutions (合作机构批量报名).

An institution downloads the Excel template (`build_template`), fills one row per
application, and uploads it with a ZIP of documents named by ID number.
`parse_workbook` checks every cell and reports every problem at once, so a
500-row file is put right in one round, not fifty; `match_documents` pairs the
ZIP's files with the rows, in memory, within fixed bounds.

Pure: openpyxl, zipfile and the standard library, no Django.
"""

from __future__ import annotations

import io
import lzma
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from carboncert.accounts import idcard

SHEET = "报名信息"
GUIDE_SHEET = "填写说明"
OPTIONS_SHEET = (
    "选项"  # hidden: drop-down lists as ranges, since an inline list stops at 255 characters
)
MAX_ROWS = 5000
# A real 5,000-row workbook unpacks to a few MB; refuse a zip bomb before openpyxl inflates it.
MAX_WORKBOOK_BYTES = 100 * 1024 * 1024
MAX_FILES = 5000
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ZIP_BYTES = 500 * 1024 * 1024
PROGRESS_EVERY = 50

GENDERS = {"男": "M", "女": "F"}
EDUCATION = {label: label for label in ("高中", "中专", "大专", "本科", "研究生")}
YES_NO = {"是": True, "否": False}
# Levels as registration.models.CERT_LEVEL_CHOICES numbers them (and eligibility.Level from 1).
CARBON_LEVELS = {"无": 0, "初级": 1, "中级": 2}
OTHER_LEVELS = {"无": 0, "初级": 1, "中级": 2, "高级": 3}
# Kind -> the names a file may use for it. The kinds are documents.DocumentKind's values
# (not imported: that module needs Pillow and pypdf); the first name is the one shown.
DOCUMENT_KINDS = {
    "photo": ("照片", "photo"),
    "id_card_front": ("身份证正面", "id_front", "id_card_front"),
    "id_card_back": ("身份证反面", "id_back", "id_card_back"),
    "diploma": ("学历证书", "diploma"),
    "proof_of_work": ("工作证明", "work_proof", "proof_of_work"),
    "other_proof": ("其他证明", "other", "other_proof"),
}

# The wording of accounts.validators, which cannot be imported here (it is Django).
ID_NUMBER_MESSAGES = {
    "length": "身份证号码应为18位",
    "format": "身份证号码格式不正确：前17位应为数字，最后一位为数字或X",
    "checksum": "身份证号码校验位不正确，请核对",
    "birth_date": "身份证号码中的出生日期不正确",
    "region": "身份证号码中的地区代码不正确",
}
FORMULA = "单元格含有公式，请改为直接填写数值"
REQUIRED = "必填，不能为空"
UNREADABLE = (
    "无法读取文件：请上传用平台模板填写的 .xlsx 文件（.xls 文件请先在 Excel 中另存为 .xlsx）"
)
EMPTY = "报名表是空的：第 1 行应为表头，从第 2 行起每行填写一名考生"
NO_DATA = "报名表中没有考生数据：请从第 2 行起每行填写一名考生"


class _Invalid(ValueError):
    """A value (a cell, or the whole file) cannot be used; the argument is the Chinese message."""


@dataclass(frozen=True)
class Problem:
    """One thing to put right, located as Excel shows it. Row 0 is the file as a whole."""

    row: int
    column: str  # the header, e.g. 身份证号码; "" for the file or the whole row
    letter: str  # the column as Excel names it, e.g. C
    message: str


@dataclass(frozen=True)
class ApplicationRow:
    row: int
    name: str
    gender: str  # M or F, read from the ID number; the 性别 column is only checked against it
    id_number: str  # upper-case X
    phone: str
    email: str
    subject: str  # the subject code
    education: str  # 高中, 中专, 大专, 本科 or 研究生
    major: str
    related_major: bool
    graduated_on: date | None
    employer: str
    work_years: Decimal
    is_student: bool
    carbon_level: int  # 0 无, 1 初级, 2 中级
    carbon_certified_on: date | None
    other_level: int  # 0 无, 1 初级, 2 中级, 3 高级
    other_name: str
    other_certified_on: date | None


@dataclass(frozen=True)
class ParsedBatch:
    rows: list[ApplicationRow]  # the rows without a problem
    problems: list[Problem]  # by row, then column
    # Every ID number as written, rows with problems included: their documents are not strays.
    id_numbers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DocumentProblem:
    filename: str  # the path inside the ZIP; "" for the ZIP as a whole
    message: str


@dataclass(frozen=True)
class MatchedDocuments:
    # id_number -> kind -> (path in the ZIP, content)
    files: dict[str, dict[str, tuple[str, bytes]]]
    problems: list[DocumentProblem]


@dataclass(frozen=True)
class _Context:
    today: date
    subjects: dict[str, str]  # folded name or code -> code
    registered: set[str]
    # id_number -> the row it first appeared on
    first_rows: dict[str, int] = field(default_factory=dict)


# --- reading one cell ---------------------------------------------------------


def _plain(value: object) -> str:
    # Excel stores every number as a float; 13812345678.0 means 13812345678.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _folded(value: object) -> str:
    """NFKC: full-width digits, letters and punctuation typed with a Chinese IME become ASCII."""
    return unicodedata.normalize("NFKC", _plain(value)).strip()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_formula(value: object) -> bool:
    # With data_only=False openpyxl gives a formula as "=…"; text typed as "=…" would be
    # evaluated by the next spreadsheet that opens an export, so it is refused alike.
    return isinstance(value, ArrayFormula | DataTableFormula) or (
        isinstance(value, str) and value.strip().startswith("=")
    )


def _text(limit: int) -> Callable[[object, _Context], str]:
    def read(value: object, ctx: _Context) -> str:
        # Names keep their characters as typed (no NFKC): they are printed on the certificate.
        text = _plain(value)
        _refuse_formula_start(text)
        if len(text) > limit:
            raise _Invalid(f"不能超过 {limit} 个字")
        return text

    return read


def _refuse_formula_start(text: str) -> None:
    # Free text is exported to spreadsheets again later; +, - and @ start a formula there.
    # Checked, formatted fields (dates, years, phone) cannot carry one, so a "-" there gets
    # that field's own message instead.
    if text[0] in "+-@":
        raise _Invalid("不能以 +、-、@ 开头：表格软件会把它当作公式执行")


def _pick(options: Mapping[str, object]) -> Callable[[object, _Context], object]:
    def read(value: object, ctx: _Context) -> object:
        text = _folded(value)
        if text not in options:
            raise _Invalid(f"只能填写：{'/'.join(options)}")
        return options[text]

    return read


def _id_number(value: object, ctx: _Context) -> str:
    if isinstance(value, int | float):
        raise _Invalid("身份证号码被存成了数字，末几位可能已丢失：请把该列设为“文本”格式后重新填写")
    try:
        return idcard.validate(_folded(value))
    except idcard.IdNumberError as error:
        raise _Invalid(ID_NUMBER_MESSAGES[error.code]) from None


_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")


def _phone(value: object, ctx: _Context) -> str:
    match = _MOBILE.fullmatch(re.sub(r"[\s-]", "", _folded(value)))
    if not match:
        raise _Invalid("手机号码应为 11 位中国大陆手机号，如 13812345678")
    return match[1]


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _email(value: object, ctx: _Context) -> str:
    text = _folded(value)
    _refuse_formula_start(text)
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise _Invalid("电子邮箱格式不正确")
    return text


def _subject(value: object, ctx: _Context) -> str:
    code = ctx.subjects.get(_folded(value).casefold())
    if code is None:
        raise _Invalid(f"报考科目“{_plain(value)}”不在本次考试的科目中，请从下拉列表中选择")
    return code


_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
BAD_DATE = "日期格式不正确，请填写如 2020-06-30 的日期"


def _date(value: object, ctx: _Context) -> date:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        # A bare number is refused: 43999 or 20200630 could each mean something else.
        text = _folded(value).replace("年", "-").replace("月", "-").removesuffix("日")
        match = _DATE.fullmatch(text)
        if not match:
            raise _Invalid(BAD_DATE)
        try:
            day = date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            raise _Invalid(BAD_DATE) from None
    if day > ctx.today:
        raise _Invalid("日期不能晚于今天")
    return day


_YEARS = re.compile(r"\d+(?:\.\d+)?")


def _years(value: object, ctx: _Context) -> Decimal:
    message = "请填写 0 到 60 之间的数字，最多一位小数（如 2.5）"
    if isinstance(value, int | float) and not isinstance(value, bool):
        years = Decimal(str(value))
    elif _YEARS.fullmatch(text := _folded(value)):
        years = Decimal(text)
    else:
        raise _Invalid(message)
    # One decimal is what an application stores; rounding 0.95 up would invent a year.
    if not 0 <= years <= 60 or years % Decimal("0.1"):
        raise _Invalid(message)
    return years


# --- the template's columns ---------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the ApplicationRow field it fills
    header: str  # as in the template, without the required mark
    read: Callable[[object, _Context], object]  # the value of a non-blank cell, or _Invalid
    required: bool = False
    default: object = None  # what a blank optional cell means
    options: tuple[str, ...] = ()  # the drop-down list; 报考科目's comes from the sitting
    number_format: str = "General"
    width: int = 12
    note: str = ""


TEXT = "@"  # Excel would turn an 18-digit ID into 1.10105E+17 and lose its last digits
DATE = "yyyy-mm-dd"

COLUMNS = (
    Column("name", "姓名", _text(50), required=True, note="与身份证上的姓名一致"),
    Column(
        "gender",
        "性别",
        _pick(GENDERS),
        options=tuple(GENDERS),
        width=8,
        note="可不填；填写时须与身份证号码一致",
    ),
    Column(
        "id_number",
        "身份证号码",
        _id_number,
        required=True,
        number_format=TEXT,
        width=22,
        note="18位居民身份证号码，末位 X 大小写均可；本列为文本格式，请勿改为数值，否则末几位会丢失",
    ),
    Column(
        "phone",
        "手机号码",
        _phone,
        required=True,
        number_format=TEXT,
        width=15,
        note="11位中国大陆手机号码",
    ),
    Column("email", "电子邮箱", _email, default="", width=24, note="可不填"),
    Column(
        "subject",
        "报考科目",
        _subject,
        required=True,
        width=28,
        note="从下拉列表中选择，也可填写科目代码（如 CE-1）",
    ),
    Column(
        "education",
        "学历",
        _pick(EDUCATION),
        required=True,
        options=tuple(EDUCATION),
        width=10,
        note="最高学历",
    ),
    Column("major", "所学专业", _text(100), default="", width=18, note="可不填"),
    Column(
        "related_major",
        "是否相关专业",
        _pick(YES_NO),
        default=False,
        options=tuple(YES_NO),
        note="环境科学、环境工程、能源等相关专业填“是”；不填视为“否”",
    ),
    Column(
        "graduated_on",
        "毕业时间",
        _date,
        number_format=DATE,
        note="日期，不能晚于今天",
    ),
    Column("employer", "工作单位", _text(150), default="", width=24, note="可不填"),
    Column(
        "work_years",
        "相关工作年限",
        _years,
        default=Decimal(0),
        note="在相关领域工作的总年数，0–60，最多一位小数（如 2.5）；不填视为 0",
    ),
    Column(
        "is_student",
        "是否在校学生",
        _pick(YES_NO),
        default=False,
        options=tuple(YES_NO),
        note="全日制在校大学生或职业院校学生填“是”；不填视为“否”",
    ),
    Column(
        "carbon_level",
        "已获双碳证书等级",
        _pick(CARBON_LEVELS),
        default=0,
        options=tuple(CARBON_LEVELS),
        width=16,
        note="不填视为“无”",
    ),
    Column(
        "carbon_certified_on",
        "双碳证书取得日期",
        _date,
        number_format=DATE,
        width=16,
        note="已获双碳证书时必填，不能晚于今天",
    ),
    Column(
        "other_level",
        "其他证书或职称等级",
        _pick(OTHER_LEVELS),
        default=0,
        options=tuple(OTHER_LEVELS),
        width=18,
        note="其他职业资格、职业技能等级证书或职称；不填视为“无”",
    ),
    Column("other_name", "其他证书名称", _text(100), default="", width=20, note="选择了等级时必填"),
    Column(
        "other_certified_on",
        "其他证书取得日期",
        _date,
        number_format=DATE,
        width=16,
        note="选择了等级时必填，不能晚于今天",
    ),
)
_BY_KEY = {column.key: column for column in COLUMNS}
# A certificate level needs its particulars; particulars without a level are a slip worth asking about.
_CERTIFICATES = (
    ("carbon_level", ("carbon_certified_on",)),
    ("other_level", ("other_name", "other_certified_on")),
)


# --- the template -------------------------------------------------------------


def build_template(subject_names: list[str]) -> bytes:
    """The .xlsx an institution fills in: drop-downs for the lists, text and date formats set."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    options = book.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    lists = {column.key: column.options for column in COLUMNS if column.options}
    lists["subject"] = tuple(subject_names)
    for position, column in enumerate(COLUMNS, 1):
        letter = get_column_letter(position)
        header = sheet.cell(1, position, column.header + ("*" if column.required else ""))
        header.font = Font(bold=True, color="C00000" if column.required else None)
        sheet.column_dimensions[letter].width = column.width
        sheet.column_dimensions[letter].number_format = column.number_format
        if column.key in lists:
            choices = lists[column.key]
            for line, choice in enumerate(choices, 1):
                options.cell(line, position, choice)
            validation = DataValidation(
                type="list",
                formula1=f"'{OPTIONS_SHEET}'!${letter}$1:${letter}${len(choices)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请从下拉列表中选择",
            )
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    _write_guide(book.create_sheet(GUIDE_SHEET, 1), lists)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_guide(sheet, lists: Mapping[str, tuple[str, ...]]) -> None:
    sheet.append(["批量报名填写说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["列名", "是否必填", "可选内容", "填写要求"])
    for column in COLUMNS:
        sheet.append(
            [
                column.header,
                "必填" if column.required else "",
                "/".join(lists.get(column.key, ())),
                column.note,
            ]
        )
    kinds = "、".join(f"{names[0]}（{names[1]}）" for names in DOCUMENT_KINDS.values())
    sheet.append([])
    for line in (
        "填写要求",
        f"1. 第 1 行为表头，请勿修改、删除或调整顺序；带 * 的列必填。从第 2 行起每行填写一名考生，每个文件最多 {MAX_ROWS} 行。",
        "2. 请直接填写内容，不要使用公式；文字不要以 =、+、-、@ 开头。",
        "3. 日期可写作 2020-06-30、2020/6/30、2020.6.30 或 2020年6月30日。",
        "4. 同一考生在同一考试批次只能报名一次。",
        "",
        "证件材料压缩包（ZIP）",
        "1. 把所有考生的材料打包为一个 ZIP 文件，按身份证号码命名：身份证号码_材料类型.扩展名，如 11010519850612107X_照片.jpg；"
        "也可以每位考生一个以身份证号码命名的文件夹，文件以材料类型命名，如 11010519850612107X/照片.jpg。",
        f"2. 材料类型：{kinds}。每位考生必须提供照片（二寸蓝底彩色证件照）。",
        f"3. 每位考生每类材料一个文件，每个文件不超过 {MAX_FILE_BYTES // 1024 // 1024} MB；压缩包不要加密。",
    ):
        sheet.append([line])
    for letter, width in zip("ABCD", (20, 10, 40, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=4, max_row=3 + len(COLUMNS)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


# --- the workbook -------------------------------------------------------------


def parse_workbook(
    data: bytes,
    *,
    subjects: Mapping[str, str],
    registered_ids: set[str],
    today: date,
    progress: Callable[[int, int], None] | None = None,
    max_rows: int = MAX_ROWS,
) -> ParsedBatch:
    """Every row checked, every problem reported; a file that cannot be used gets one problem at row 0.

    `subjects` maps each subject's name and code to its code; `registered_ids` holds the
    normalized ID numbers already registered at the sitting. `progress(done, total)` is
    called every 50 rows checked and at the end; total counts the non-blank rows, so it
    is known only once the file is read (reading 1,000 rows takes a fraction of a second).
    """
    try:
        header, body = _load(data, max_rows)
        index = _index(header)
    except _Invalid as invalid:
        return ParsedBatch([], [Problem(0, "", "", str(invalid))])
    if not body:
        return ParsedBatch([], [Problem(0, "", "", NO_DATA)])
    if len(body) > max_rows:
        message = f"数据超过 {max_rows} 行，请分成多个文件导入"
        return ParsedBatch([], [Problem(0, "", "", message)])

    ctx = _Context(
        today=today,
        subjects={_folded(key).casefold(): code for key, code in subjects.items()},
        registered=registered_ids,
    )
    rows: list[ApplicationRow] = []
    problems: list[Problem] = []
    written: set[str] = set()
    for done, (number, cells) in enumerate(body, 1):
        if index["id_number"] < len(cells) and not _blank(cells[index["id_number"]]):
            written.add(_folded(cells[index["id_number"]]).upper())
        row, found = _check_row(number, cells, index, ctx)
        if row:
            rows.append(row)
        problems.extend(found)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(body)):
            progress(done, len(body))
    problems.sort(key=lambda p: (p.row, len(p.letter), p.letter))
    return ParsedBatch(rows, problems, frozenset(written))


def _load(data: bytes, max_rows: int) -> tuple[tuple, list[tuple[int, tuple]]]:
    """The header row and up to max_rows + 1 non-blank rows (with their Excel row numbers)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        raise _Invalid(UNREADABLE) from None
    if unpacked > MAX_WORKBOOK_BYTES:
        raise _Invalid("文件解压后过大，请检查是否插入了图片等内容，只保留报名信息后重新上传")
    try:
        # read_only streams the sheet, so reading stops at max_rows + 1 whatever the file holds.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
            lines = sheet.iter_rows(values_only=True)
            header = next(lines, ())
            body = []
            for number, cells in enumerate(lines, 2):
                if not all(_blank(value) for value in cells):
                    body.append((number, cells))
                    if len(body) > max_rows:
                        break
        finally:
            book.close()
    except Exception:  # openpyxl raises anything from KeyError to XML errors on a damaged file
        raise _Invalid(UNREADABLE) from None
    return header, body


def _index(header: Iterable[object]) -> dict[str, int]:
    """Column key -> position. Columns are found by header, so extra columns do no harm."""
    names = ["" if _blank(value) else re.sub(r"[\s*]", "", _folded(value)) for value in header]
    if not any(names):
        raise _Invalid(EMPTY)
    # Every template column must be there: a misspelt optional header would otherwise lose its data silently.
    missing = [column.header for column in COLUMNS if column.header not in names]
    if missing:
        raise _Invalid(
            f"表头缺少以下列：{'、'.join(missing)}。请使用平台提供的模板，不要修改或删除表头"
        )
    repeated = [column.header for column in COLUMNS if names.count(column.header) > 1]
    if repeated:
        raise _Invalid(f"表头中以下列重复出现：{'、'.join(repeated)}，请只保留一列")
    return {column.key: names.index(column.header) for column in COLUMNS}


def _check_row(
    number: int, cells: tuple, index: Mapping[str, int], ctx: _Context
) -> tuple[ApplicationRow | None, list[Problem]]:
    values: dict[str, object] = {}
    errors: dict[str, str] = {}  # key -> message; one problem per cell
    for column in COLUMNS:
        position = index[column.key]
        value = cells[position] if position < len(cells) else None
        try:
            values[column.key] = _read(column, value, ctx)
        except _Invalid as invalid:
            errors[column.key] = str(invalid)

    def complain(key: str, message: str) -> None:
        errors.setdefault(key, message)

    id_number = values.get("id_number")
    if id_number:
        first = ctx.first_rows.setdefault(id_number, number)
        if id_number in ctx.registered:
            complain("id_number", "该考生已在本考试批次报名")
        elif first != number:
            complain("id_number", f"与第 {first} 行的身份证号码重复")
        if values.get("gender") not in (None, idcard.gender(id_number)):
            complain("gender", "性别与身份证号码不符")
    for level_key, detail_keys in _CERTIFICATES:
        if level_key not in values:
            continue
        given = {key: values[key] not in (None, "") for key in detail_keys if key in values}
        if not values[level_key] and any(given.values()):
            complain(level_key, "填写了证书信息，请选择证书等级")
        for key, present in given.items():
            if values[level_key] and not present:
                complain(key, f"已选择证书等级，请填写{_BY_KEY[key].header}")

    if errors:
        return None, [
            Problem(number, _BY_KEY[key].header, get_column_letter(index[key] + 1), message)
            for key, message in errors.items()
        ]
    values["gender"] = idcard.gender(values["id_number"])
    return ApplicationRow(row=number, **values), []


def _read(column: Column, value: object, ctx: _Context) -> object:
    if _is_formula(value):
        raise _Invalid(FORMULA)
    if _blank(value):
        if column.required:
            raise _Invalid(REQUIRED)
        return column.default
    return column.read(value, ctx)


# --- the documents ZIP --------------------------------------------------------

_KIND_NAMES = {name: kind for kind, names in DOCUMENT_KINDS.items() for name in names}
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_IGNORED = {"thumbs.db", "desktop.ini"}  # Windows leaves these in folders it zips
# What zipfile and its decompressors raise on a damaged entry.
_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError, OSError)


def match_documents(
    zip_bytes: bytes,
    id_numbers: set[str],
    *,
    max_total_bytes: int = MAX_ZIP_BYTES,
    max_files: int = MAX_FILES,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> MatchedDocuments:
    """The ZIP's files by ID number and kind, read in memory; never extracted to disk.

    Contents are not checked here (type, size per kind, re-encoding happen later).
    A second file for the same ID and kind is reported and the first one kept.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except zipfile.BadZipFile:
        return _refused("压缩包已损坏或不是 ZIP 文件，无法读取")
    with archive:
        entries = archive.infolist()
        if len(entries) > max_files:
            return _refused(f"压缩包内文件超过 {max_files} 个，请分批上传")
        if sum(entry.file_size for entry in entries) > max_total_bytes:
            return _refused(f"压缩包解压后超过 {_megabytes(max_total_bytes)}，请分批上传")
        files: dict[str, dict[str, tuple[str, bytes]]] = {}
        problems: list[DocumentProblem] = []
        for entry in entries:
            path = _entry_name(entry)
            try:
                found = _locate(path, id_numbers)
                if found is None:
                    continue
                id_number, kind = found
                if kind in files.get(id_number, {}):
                    first = files[id_number][kind][0]
                    raise _Invalid(f"与 {first} 重复：每位考生每类材料只能有一个文件")
                data = _read_entry(archive, entry, max_file_bytes)
            except _Invalid as invalid:
                problems.append(DocumentProblem(path, str(invalid)))
                continue
            files.setdefault(id_number, {})[kind] = (path, data)
    return MatchedDocuments(files, problems)


def _refused(message: str) -> MatchedDocuments:
    return MatchedDocuments({}, [DocumentProblem("", message)])


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


def _entry_name(entry: zipfile.ZipInfo) -> str:
    """The name as the person who zipped it saw it, with / between folders."""
    name = entry.filename
    if not entry.flag_bits & 0x800:
        # No UTF-8 flag: zipfile decoded as cp437, but Chinese Windows wrote GBK
        # (and some tools write UTF-8 without the flag). Try UTF-8 first: GBK bytes
        # are rarely valid UTF-8, the reverse often "succeeds" as nonsense.
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gbk"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    # Only after decoding: 0x5C, the backslash, is also the second byte of some GBK characters.
    return name.replace("\\", "/")


def _locate(path: str, id_numbers: set[str]) -> tuple[str, str] | None:
    """(id_number, kind) for a document, None for an entry to pass over, or _Invalid."""
    parts = path.split("/")
    if path.startswith("/") or re.match(r"[A-Za-z]:", path) or ".." in parts:
        raise _Invalid("文件路径不安全（含有“..”或绝对路径），已忽略")
    if path.endswith("/") or any(part.startswith(".") or part == "__MACOSX" for part in parts):
        return None  # folders, macOS resource forks, dot-files
    if parts[-1].casefold() in _IGNORED:
        return None
    stem = parts[-1].rsplit(".", 1)[0]
    owner, underscore, kind_name = stem.partition("_")
    if not (underscore and _ID_SHAPE.fullmatch(_folded(owner).upper())):
        # 11010519850612107X/照片.jpg: the folder names the candidate.
        owner, kind_name = (parts[-2] if len(parts) > 1 else ""), stem
    owner = _folded(owner).upper()
    if not _ID_SHAPE.fullmatch(owner):
        raise _Invalid(
            "无法识别文件名：应为“身份证号码_材料类型.扩展名”或“身份证号码/材料类型.扩展名”"
        )
    if owner not in id_numbers:
        raise _Invalid(f"身份证号码 {owner} 不在报名表中")
    kind = _KIND_NAMES.get(_folded(kind_name).casefold())
    if kind is None:
        shown = "、".join(names[0] for names in DOCUMENT_KINDS.values())
        raise _Invalid(f"无法识别材料类型“{kind_name}”：应为{shown}之一")
    return owner, kind


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes:
    too_big = f"文件超过 {_megabytes(limit)}"
    if entry.flag_bits & 0x1:
        raise _Invalid("文件已加密，请去掉密码后重新压缩")
    if entry.file_size > limit:
        raise _Invalid(too_big)
    try:
        with archive.open(entry) as handle:
            # At most one byte past the limit, whatever the header declared. (zipfile itself
            # stops at the declared size and then fails the CRC, so a lying entry is "damaged".)
            data = handle.read(limit + 1)
    except _DAMAGED:
        raise _Invalid("文件已损坏，无法读取") from None
    if len(data) > limit:
        raise _Invalid(too_big)
    return data


def missing_photos(rows: Iterable[ApplicationRow], matched: MatchedDocuments) -> list[Problem]:
    """The photo is the one document every candidate must send: it is matched against their face."""
    return [
        Problem(row.row, "", "", f"缺少二寸证件照（文件名如 {row.id_number}_照片.jpg）")
        for row in rows
        if "photo" not in matched.files.get(row.id_number, {})
    ]
