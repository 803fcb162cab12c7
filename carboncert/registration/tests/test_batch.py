"""Batch registration: the template, the row checks and the documents ZIP. No database."""

import io
import re
import struct
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from carboncert.accounts import idcard
from carboncert.registration import batch

TODAY = date(2025, 3, 1)
JUNIOR = "碳排放管理技术（初级）"
SUBJECTS = {JUNIOR: "CE-1", "CE-1": "CE-1", "碳排放管理技术（中级）": "CE-2", "CE-2": "CE-2"}
HEADERS = [column.header for column in batch.COLUMNS]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def person(n: int) -> str:
    """A valid ID number of its own for each n below 1000."""
    return idcard.with_check_digit(f"11010519850612{n:03d}")


def application(n: int, changes: dict | None = None) -> dict:
    """The cells of a valid row, by header, with some changed."""
    number = person(n)
    cells = {
        "姓名": f"考生{n}",
        "性别": "男" if idcard.gender(number) == "M" else "女",
        "身份证号码": number,
        "手机号码": f"139{n:08d}",
        "电子邮箱": f"k{n}@example.cn",
        "报考科目": JUNIOR,
        "学历": "本科",
        "所学专业": "环境工程",
        "是否相关专业": "是",
        "毕业时间": date(2008, 6, 30),
        "工作单位": "某某能源有限公司",
        "相关工作年限": 2.5,
        "是否在校学生": "否",
        "已获双碳证书等级": "无",
        "双碳证书取得日期": None,
        "其他证书或职称等级": "无",
        "其他证书名称": None,
        "其他证书取得日期": None,
    }
    return cells | (changes or {})


def workbook(rows: list[dict | None], headers: list[str] = HEADERS) -> bytes:
    """An .xlsx with the headers and one line per row; None leaves a blank line."""
    book = Workbook()
    sheet = book.active
    sheet.title = batch.SHEET
    sheet.append(headers)
    for row in rows:
        sheet.append([] if row is None else [row.get(header) for header in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parse(data: bytes, **options):
    options = {"subjects": SUBJECTS, "registered_ids": set(), "today": TODAY} | options
    return batch.parse_workbook(data, **options)


def only_row(changes: dict):
    parsed = parse(workbook([application(1, changes)]))
    assert parsed.problems == []
    return parsed.rows[0]


def only_problem(changes: dict) -> batch.Problem:
    parsed = parse(workbook([application(1, changes)]))
    assert len(parsed.problems) == 1, parsed.problems
    return parsed.problems[0]


# --- the template -------------------------------------------------------------


def test_the_template_round_trips():
    book = load_workbook(io.BytesIO(batch.build_template([JUNIOR, "碳排放管理技术（中级）"])))
    sheet = book[batch.SHEET]
    for n in (1, 2, 3):
        sheet.append([application(n)[header] for header in HEADERS])
    out = io.BytesIO()
    book.save(out)

    parsed = parse(out.getvalue())

    assert parsed.problems == []
    assert [row.id_number for row in parsed.rows] == [person(1), person(2), person(3)]
    assert [row.row for row in parsed.rows] == [2, 3, 4]


def test_the_template_marks_required_columns_and_freezes_the_header():
    sheet = load_workbook(io.BytesIO(batch.build_template([JUNIOR])))[batch.SHEET]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["姓名*", "性别", "身份证号码*", "手机号码*"]
    assert [header.rstrip("*") for header in headers] == HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 22


def test_the_template_keeps_ids_and_phones_as_text_and_dates_as_dates():
    sheet = load_workbook(io.BytesIO(batch.build_template([JUNIOR])))[batch.SHEET]
    formats = {
        header: sheet.column_dimensions[get_column_letter(position)].number_format
        for position, header in enumerate(HEADERS, 1)
    }
    assert formats["身份证号码"] == formats["手机号码"] == "@"
    assert formats["毕业时间"] == formats["双碳证书取得日期"] == formats["其他证书取得日期"]
    assert formats["毕业时间"] == "yyyy-mm-dd"


def test_the_template_offers_drop_downs():
    book = load_workbook(io.BytesIO(batch.build_template([JUNIOR, "碳排放管理技术（中级）"])))
    sheet, lists = book[batch.SHEET], book[batch.OPTIONS_SHEET]
    drop_downs = {}
    for validation in sheet.data_validations.dataValidation:
        letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
        cells = lists[validation.formula1.split("!")[1].replace("$", "")]
        drop_downs[HEADERS[lists[letter + "1"].column - 1]] = [c.value for (c,) in cells]
        assert str(validation.sqref) == f"{letter}2:{letter}{batch.MAX_ROWS + 1}"
    assert drop_downs == {
        "性别": ["男", "女"],
        "报考科目": [JUNIOR, "碳排放管理技术（中级）"],
        "学历": ["高中", "中专", "大专", "本科", "研究生"],
        "是否相关专业": ["是", "否"],
        "是否在校学生": ["是", "否"],
        "已获双碳证书等级": ["无", "初级", "中级"],
        "其他证书或职称等级": ["无", "初级", "中级", "高级"],
    }
    assert lists.sheet_state == "hidden"


def test_the_template_explains_every_column_and_the_zip():
    guide = load_workbook(io.BytesIO(batch.build_template([JUNIOR])))[batch.GUIDE_SHEET]
    text = "\n".join(str(cell.value) for row in guide.iter_rows() for cell in row if cell.value)
    assert all(header in text for header in HEADERS)
    assert "身份证号码_材料类型.扩展名" in text
    assert "11010519850612107X/照片.jpg" in text


# --- reading rows -------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"身份证号码": "１１０１０５１９８５０６１２１０７ｘ"}, "id_number", "11010519850612107X"),
        ({"身份证号码": " 11010519850612107x "}, "id_number", "11010519850612107X"),
        ({"身份证号码": person(1)}, "gender", "M"),
        ({"身份证号码": "440305199509231006", "性别": None}, "gender", "F"),
        ({"手机号码": "１３８ １２３４ ５６７８"}, "phone", "13812345678"),
        ({"手机号码": "+86 138-1234-5678"}, "phone", "13812345678"),
        ({"手机号码": 13812345678}, "phone", "13812345678"),
        ({"电子邮箱": "Zhang.San＠example.com.cn"}, "email", "Zhang.San@example.com.cn"),
        ({"电子邮箱": None}, "email", ""),
        ({"报考科目": "ce-2"}, "subject", "CE-2"),
        ({"报考科目": "碳排放管理技术(初级)"}, "subject", "CE-1"),
        ({"学历": "研究生"}, "education", "研究生"),
        ({"毕业时间": "2020-06-30"}, "graduated_on", date(2020, 6, 30)),
        ({"毕业时间": "2020/6/30"}, "graduated_on", date(2020, 6, 30)),
        ({"毕业时间": "2020.6.30"}, "graduated_on", date(2020, 6, 30)),
        ({"毕业时间": "2020年6月30日"}, "graduated_on", date(2020, 6, 30)),
        ({"毕业时间": datetime(2020, 6, 30, 9, 30)}, "graduated_on", date(2020, 6, 30)),
        ({"毕业时间": TODAY}, "graduated_on", TODAY),
        ({"毕业时间": None}, "graduated_on", None),
        ({"相关工作年限": "2.5"}, "work_years", Decimal("2.5")),
        ({"相关工作年限": 60}, "work_years", Decimal(60)),
        ({"相关工作年限": None}, "work_years", Decimal(0)),
        ({"是否相关专业": "否"}, "related_major", False),
        ({"是否相关专业": None}, "related_major", False),
        ({"是否在校学生": "是"}, "is_student", True),
        ({"已获双碳证书等级": None}, "carbon_level", 0),
        ({"已获双碳证书等级": "中级", "双碳证书取得日期": "2023-05-20"}, "carbon_level", 2),
        (
            {
                "其他证书或职称等级": "高级",
                "其他证书名称": "高级工程师",
                "其他证书取得日期": "2019.1.1",
            },
            "other_level",
            3,
        ),
        (
            {"已获双碳证书等级": "初级", "双碳证书取得日期": "2023-05-20"},
            "carbon_certified_on",
            date(2023, 5, 20),
        ),
        ({"其他证书或职称等级": "无"}, "other_level", 0),
        ({"相关工作年限": 0.1}, "work_years", Decimal("0.1")),
        ({"姓名": "\u3000 张三 "}, "name", "张三"),
        ({"工作单位": "中国石化（北京）"}, "employer", "中国石化（北京）"),
    ],
)
def test_it_normalizes_what_institutions_type(changes, field, expected):
    assert getattr(only_row(changes), field) == expected


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"姓名": "+张三"}, "姓名", "不能以 +、-、@ 开头"),
        ({"工作单位": "@某公司"}, "工作单位", "不能以 +、-、@ 开头"),
        ({"所学专业": "-环境"}, "所学专业", "不能以 +、-、@ 开头"),
        ({"电子邮箱": "-a@b.cn"}, "电子邮箱", "不能以 +、-、@ 开头"),
        ({"姓名": "张" * 51}, "姓名", "不能超过 50 个字"),
        ({"相关工作年限": "-"}, "相关工作年限", "请填写 0 到 60 之间的数字"),
        ({"相关工作年限": -1}, "相关工作年限", "请填写 0 到 60 之间的数字"),
        ({"相关工作年限": "3年"}, "相关工作年限", "请填写 0 到 60 之间的数字"),
        ({"相关工作年限": "0.95"}, "相关工作年限", "最多一位小数"),
        ({"相关工作年限": 60.5}, "相关工作年限", "请填写 0 到 60 之间的数字"),
        ({"身份证号码": "1101051985061210"}, "身份证号码", "应为18位"),
        ({"身份证号码": idcard.with_check_digit("11010519851332107")}, "身份证号码", "出生日期"),
        ({"身份证号码": 440305199509231006}, "身份证号码", "设为“文本”格式"),
        ({"手机号码": "12812345678"}, "手机号码", "11 位中国大陆手机号"),
        ({"电子邮箱": "a@b"}, "电子邮箱", "电子邮箱格式不正确"),
        ({"毕业时间": 44000}, "毕业时间", "日期格式不正确"),
        ({"毕业时间": "2021-02-29"}, "毕业时间", "日期格式不正确"),
        ({"毕业时间": "2020-06/30"}, "毕业时间", "日期格式不正确"),
        ({"性别": "M"}, "性别", "只能填写：男/女"),
        ({"报考科目": None}, "报考科目", "必填"),
        ({"已获双碳证书等级": "高级"}, "已获双碳证书等级", "只能填写：无/初级/中级"),
        ({"双碳证书取得日期": "2023-05-20"}, "已获双碳证书等级", "请选择证书等级"),
        ({"其他证书名称": "注册环保工程师"}, "其他证书或职称等级", "请选择证书等级"),
        (
            {"其他证书或职称等级": "高级", "其他证书取得日期": "2019-01-01"},
            "其他证书名称",
            "请填写其他证书名称",
        ),
    ],
)
def test_it_refuses_a_bad_cell(changes, column, message):
    problem = only_problem(changes)
    assert (problem.row, problem.column) == (2, column)
    assert problem.letter == get_column_letter(HEADERS.index(column) + 1)
    assert message in problem.message


def test_it_refuses_text_that_a_spreadsheet_would_evaluate():
    book = load_workbook(io.BytesIO(workbook([application(1)])))
    cell = book.active["H2"]
    cell.value = '=HYPERLINK("http://example.com")'
    cell.data_type = "s"  # stored as text, not as a formula
    out = io.BytesIO()
    book.save(out)

    (problem,) = parse(out.getvalue()).problems
    assert (problem.column, problem.message) == ("所学专业", batch.FORMULA)


def test_it_finds_columns_by_header_wherever_they_are():
    headers = ["备注", *reversed(HEADERS)]
    parsed = parse(workbook([application(1, {"备注": "随便写", "学历": "博士"})], headers))
    (problem,) = parsed.problems
    assert (problem.column, problem.letter) == (
        "学历",
        get_column_letter(headers.index("学历") + 1),
    )


EXPECTED_PROBLEMS = {
    (3, "身份证号码"),  # check digit
    (4, "身份证号码"),  # stored as a number
    (5, "报考科目"),
    (5, "学历"),
    (7, "毕业时间"),  # in the future
    (7, "双碳证书取得日期"),  # in the future
    (8, "身份证号码"),  # same as row 2
    (9, "身份证号码"),  # registered already
    (10, "相关工作年限"),  # formula
    (10, "手机号码"),
    (11, "电子邮箱"),
    (11, "性别"),
    (12, "相关工作年限"),  # 61
    (12, "姓名"),  # missing
    (13, "其他证书取得日期"),  # a level but no date
    (13, "毕业时间"),  # not a date
    (14, "是否相关专业"),
}


def seventeen_mistakes() -> bytes:
    rows = [
        application(1),
        application(3, {"身份证号码": person(3)[:-1] + ("1" if person(3)[-1] != "1" else "2")}),
        application(4, {"身份证号码": 440305199509231006, "性别": None}),
        application(5, {"报考科目": "碳足迹核算（高级）", "学历": "博士"}),
        None,
        application(
            7,
            {
                "毕业时间": date(2025, 7, 1),
                "已获双碳证书等级": "初级",
                "双碳证书取得日期": "2025年3月2日",
            },
        ),
        application(8, {"身份证号码": person(1), "性别": "男"}),
        application(9),
        application(10, {"相关工作年限": "=1+2", "手机号码": "1381234567"}),
        application(
            11,
            {"电子邮箱": "kaosheng@", "性别": "女" if idcard.gender(person(11)) == "M" else "男"},
        ),
        application(12, {"相关工作年限": 61, "姓名": None}),
        application(
            13,
            {
                "其他证书或职称等级": "中级",
                "其他证书名称": "注册环保工程师",
                "毕业时间": "2020-13-45",
            },
        ),
        application(14, {"是否相关专业": "可能"}),
        application(15),
    ]
    return workbook(rows)


def test_it_reports_every_mistake_in_the_file_with_row_and_column():
    parsed = parse(seventeen_mistakes(), registered_ids={person(9)})

    assert len(parsed.problems) == 17
    assert {(p.row, p.column) for p in parsed.problems} == EXPECTED_PROBLEMS
    for problem in parsed.problems:
        assert problem.letter == get_column_letter(HEADERS.index(problem.column) + 1)
        assert CHINESE.search(problem.message), problem
    assert parsed.problems == sorted(parsed.problems, key=lambda p: (p.row, p.letter))
    messages = {(p.row, p.column): p.message for p in parsed.problems}
    assert messages[8, "身份证号码"] == "与第 2 行的身份证号码重复"
    assert messages[9, "身份证号码"] == "该考生已在本考试批次报名"
    assert messages[10, "相关工作年限"] == "单元格含有公式，请改为直接填写数值"
    assert messages[7, "双碳证书取得日期"] == "日期不能晚于今天"
    assert messages[13, "其他证书取得日期"] == "已选择证书等级，请填写其他证书取得日期"
    assert [row.row for row in parsed.rows] == [2, 15]

    photos = make_zip([(f"{person(1)}_照片.jpg", b"jpeg")])
    matched = batch.match_documents(photos, {row.id_number for row in parsed.rows})
    missing = batch.missing_photos(parsed.rows, matched)

    assert [(p.row, p.column) for p in missing] == [(15, "")]
    assert "缺少二寸证件照" in missing[0].message
    assert len({(p.row, p.column) for p in parsed.problems + missing}) == 18


def test_a_thousand_rows_report_progress_to_the_end():
    calls = []
    parsed = parse(
        workbook([application(n) for n in range(1000)]),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert parsed.problems == []
    assert len(parsed.rows) == 1000
    assert calls == [(done, 1000) for done in range(50, 1001, 50)]


# --- files that cannot be used ------------------------------------------------


def zip_of(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


def without(*headers: str) -> list[str]:
    return [header for header in HEADERS if header not in headers]


@pytest.mark.parametrize(
    ("data", "max_rows", "message"),
    [
        (b"\xd0\xcf\x11\xe0 an old .xls", 5000, batch.UNREADABLE),
        (zip_of("readme.txt", b"not a workbook"), 5000, batch.UNREADABLE),
        (workbook([application(1)])[:2000], 5000, batch.UNREADABLE),
        (workbook([], headers=[]), 5000, batch.EMPTY),
        (workbook([]), 5000, batch.NO_DATA),
        (workbook([None, None]), 5000, batch.NO_DATA),
        (
            workbook([application(1)], without("毕业时间", "电子邮箱")),
            5000,
            "表头缺少以下列：电子邮箱、毕业时间。请使用平台提供的模板，不要修改或删除表头",
        ),
        (workbook([application(1)], [*HEADERS, "学历"]), 5000, "表头中以下列重复出现：学历"),
        (workbook([application(n) for n in range(4)]), 3, "数据超过 3 行，请分成多个文件导入"),
    ],
)
def test_a_file_that_cannot_be_used_gets_one_clear_problem(data, max_rows, message):
    parsed = parse(data, max_rows=max_rows)
    assert parsed.rows == []
    (problem,) = parsed.problems
    assert (problem.row, problem.column, problem.letter) == (0, "", "")
    assert message in problem.message


def test_exactly_max_rows_is_allowed():
    parsed = parse(workbook([application(n) for n in range(3)]), max_rows=3)
    assert (len(parsed.rows), parsed.problems) == (3, [])


def test_a_workbook_that_unpacks_too_large_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(batch, "MAX_WORKBOOK_BYTES", 1000)
    (problem,) = parse(workbook([application(1)])).problems
    assert "文件解压后过大" in problem.message


# --- the documents ZIP --------------------------------------------------------


def make_zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return out.getvalue()


def patched(data: bytes, offset_in_central_header: int, value: int, size: str = "<I") -> bytes:
    """The ZIP with one field of its first central directory header changed."""
    at = data.index(b"PK\x01\x02") + offset_in_central_header
    return data[:at] + struct.pack(size, value) + data[at + struct.calcsize(size) :]


ONE, TWO = person(1), "11010519850612107X"
MB = 1024 * 1024
IDS = {ONE, TWO}


def test_it_matches_both_naming_styles():
    data = make_zip(
        [
            (f"{ONE}_照片.jpg", b"1-photo"),
            (f"某机构/第一批/{ONE}_ID_FRONT.PNG", b"1-front"),
            (f"{TWO.lower()}_身份证反面.pdf", b"2-back"),
            (f"{TWO.lower()}/", b""),
            (f"{TWO.lower()}/Photo.jpeg", b"2-photo"),
            (f"{TWO}/学历证书.pdf", b"2-diploma"),
            (f"{TWO}/work_proof.pdf", b"2-work"),
            (f"{TWO}/其他证明.jpg", b"2-other"),
            (f"__MACOSX/{TWO}/._photo.jpeg", b"resource fork"),
            (f"__MACOSX/{TWO}_照片.jpg", b"resource fork"),
            (f"{TWO}/.DS_Store", b"finder"),
            (f"{TWO}/Thumbs.db", b"thumbnails"),
        ]
    )

    matched = batch.match_documents(data, IDS)

    assert matched.problems == []
    assert matched.files == {
        ONE: {
            "photo": (f"{ONE}_照片.jpg", b"1-photo"),
            "id_card_front": (f"某机构/第一批/{ONE}_ID_FRONT.PNG", b"1-front"),
        },
        TWO: {
            "id_card_back": (f"{TWO.lower()}_身份证反面.pdf", b"2-back"),
            "photo": (f"{TWO.lower()}/Photo.jpeg", b"2-photo"),
            "diploma": (f"{TWO}/学历证书.pdf", b"2-diploma"),
            "proof_of_work": (f"{TWO}/work_proof.pdf", b"2-work"),
            "other_proof": (f"{TWO}/其他证明.jpg", b"2-other"),
        },
    }


def test_it_decodes_names_zipped_on_chinese_windows():
    # zipfile writes any non-ASCII name as UTF-8 and flags it, so write ASCII stand-ins of
    # the same length and put the GBK bytes in afterwards, as Windows' own zipper does.
    # 淺 ends in 0x5C, the backslash: the name must be decoded before separators are read.
    names = [f"淺色底\\{ONE}_照片.jpg", f"{TWO}\\身份证正面.jpg"]
    encoded = [name.encode("gbk") for name in names]
    stand_ins = [f"{i}".encode() * len(raw) for i, raw in enumerate(encoded)]
    data = make_zip([(stand_in.decode(), b"jpeg") for stand_in in stand_ins])
    for stand_in, raw in zip(stand_ins, encoded, strict=True):
        data = data.replace(stand_in, raw)
    assert not any(info.flag_bits & 0x800 for info in zipfile.ZipFile(io.BytesIO(data)).infolist())

    matched = batch.match_documents(data, IDS)

    assert matched.problems == []
    assert matched.files[ONE]["photo"][0] == f"淺色底/{ONE}_照片.jpg"
    assert matched.files[TWO]["id_card_front"][0] == f"{TWO}/身份证正面.jpg"


def test_it_reads_utf8_names_that_lack_the_flag():
    name = f"{TWO}/学历证书.pdf"
    stand_in = b"0" * len(name.encode())
    data = make_zip([(stand_in.decode(), b"pdf")]).replace(stand_in, name.encode())
    assert batch.match_documents(data, IDS).files[TWO]["diploma"][0] == name


@pytest.mark.parametrize(
    ("entries", "path", "message"),
    [
        ([("110105198001010013_照片.jpg", b"x")], "110105198001010013_照片.jpg", "不在报名表中"),
        ([(f"{ONE}_自拍.jpg", b"x")], f"{ONE}_自拍.jpg", "无法识别材料类型“自拍”"),
        ([(f"{ONE}/简历.pdf", b"x")], f"{ONE}/简历.pdf", "无法识别材料类型“简历”"),
        ([("张三_照片.jpg", b"x")], "张三_照片.jpg", "无法识别文件名"),
        ([("照片.jpg", b"x")], "照片.jpg", "无法识别文件名"),
        (
            [(f"{ONE}_照片.jpg", b"x"), (f"a/{ONE}/photo.png", b"y")],
            f"a/{ONE}/photo.png",
            f"与 {ONE}_照片.jpg 重复",
        ),
        ([(f"../{ONE}_照片.jpg", b"x")], f"../{ONE}_照片.jpg", "文件路径不安全"),
        ([(f"a/../../{ONE}_照片.jpg", b"x")], f"a/../../{ONE}_照片.jpg", "文件路径不安全"),
        ([(f"/etc/{ONE}_照片.jpg", b"x")], f"/etc/{ONE}_照片.jpg", "文件路径不安全"),
        ([(f"C:\\{ONE}_照片.jpg", b"x")], f"C:/{ONE}_照片.jpg", "文件路径不安全"),
    ],
)
def test_it_reports_a_file_it_cannot_place(entries, path, message):
    matched = batch.match_documents(make_zip(entries), IDS)
    (problem,) = matched.problems
    assert problem.filename == path
    assert message in problem.message
    assert path not in [name for kinds in matched.files.values() for name, _ in kinds.values()]


def test_it_keeps_the_first_of_two_files_for_the_same_kind():
    data = make_zip([(f"{ONE}_照片.jpg", b"first"), (f"{ONE}/photo.png", b"second")])
    assert batch.match_documents(data, IDS).files[ONE]["photo"] == (f"{ONE}_照片.jpg", b"first")


def test_it_refuses_an_encrypted_file():
    data = patched(make_zip([(f"{ONE}_照片.jpg", b"x")]), 8, 0x1, "<H")
    (problem,) = batch.match_documents(data, IDS).problems
    assert problem.message == "文件已加密，请去掉密码后重新压缩"


def test_it_refuses_a_file_larger_than_allowed():
    data = make_zip([(f"{ONE}_照片.jpg", b"\0" * (MB + 1)), (f"{TWO}_照片.jpg", b"\0" * MB)])
    matched = batch.match_documents(data, IDS, max_file_bytes=MB)
    assert [(p.filename, p.message) for p in matched.problems] == [
        (f"{ONE}_照片.jpg", "文件超过 1 MB")
    ]
    assert list(matched.files) == [TWO]


def test_an_entry_that_declares_more_than_allowed_is_refused_without_reading_it():
    data = make_zip([(f"{ONE}_照片.jpg", b"\0" * 50)])
    bomb = patched(data, 24, 2 * MB)  # uncompressed size

    matched = batch.match_documents(bomb, IDS, max_file_bytes=MB)

    assert matched.files == {}
    assert [p.message for p in matched.problems] == ["文件超过 1 MB"]


def test_an_entry_that_produces_more_than_it_declares_is_not_read_past_its_claim():
    data = make_zip([(f"{ONE}_照片.jpg", b"\0" * 10_000)])
    lying = patched(data, 24, 50)  # uncompressed size: 50 bytes

    matched = batch.match_documents(lying, IDS, max_file_bytes=100)

    assert matched.files == {}
    assert [p.message for p in matched.problems] == ["文件已损坏，无法读取"]


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"max_total_bytes": 1000}, "压缩包解压后超过"),
        ({"max_files": 2}, "压缩包内文件超过 2 个"),
    ],
)
def test_a_zip_beyond_the_limits_is_refused_before_reading(limits, message):
    data = make_zip(
        [(f"{ONE}_照片.jpg", b"\0" * 600), (f"{TWO}_照片.jpg", b"\0" * 600), ("x/", b"")]
    )
    matched = batch.match_documents(data, IDS, **limits)
    assert matched.files == {}
    (problem,) = matched.problems
    assert problem.filename == ""
    assert message in problem.message


# Explicit ids: a zip's bytes carry the time it was made, and xdist's workers
# must collect the same test names.
@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04 truncated", make_zip([("a", b"b")])[:-10]],
    ids=["empty", "truncated-header", "truncated-directory"],
)
def test_a_corrupt_zip_is_one_problem(data):
    matched = batch.match_documents(data, IDS)
    assert matched.files == {}
    assert [(p.filename, p.message) for p in matched.problems] == [
        ("", "压缩包已损坏或不是 ZIP 文件，无法读取")
    ]
