import io
from decimal import Decimal

from openpyxl import Workbook

from carboncert.bank import spreadsheet
from carboncert.bank.items import Criterion, Item, Option, Parameter, QuestionType

POINTS = {"温室气体的影响", "国内碳排放权交易进程"}


def workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.title = spreadsheet.SHEET
    sheet.append(spreadsheet.HEADERS)
    for row in rows:
        sheet.append([row.get(h) for h in spreadsheet.HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good(**changes):
    row = {
        "题型": "单选题",
        "题干": "《京都议定书》于哪一年生效？",
        "选项A": "1997年",
        "选项B": "2005年",
        "选项C": "2012年",
        "答案": "B",
        "分值": 1,
        "难度": 2,
        "知识点": "温室气体的影响",
    }
    return row | changes


def test_every_planted_error_is_reported_with_row_and_column():
    data = workbook(
        [
            good(),
            good(题干="甲", 知识点="碳中和的哲学"),  # unknown knowledge point
            good(题干="乙", 答案="E"),  # answer outside the options
            good(题干="丙", 题型="多选题", 答案="B"),  # multiple choice with one correct option
            good(题干=None),  # empty stem
            good(题干="丁", 分值="两分"),  # non-numeric points
            good(题干="戊", 难度=9),
            good(题干="己", 题型="填空题"),
            good(题干="=1+1"),
            good(),  # duplicate of row 2
        ]
    )
    parsed = spreadsheet.parse(data, knowledge_points=POINTS)
    found = {(p.row, p.column, p.letter) for p in parsed.problems}
    assert found == {
        (3, "知识点", "N"),
        (4, "答案", "K"),
        (5, "答案", "K"),
        (6, "题干", "B"),
        (7, "分值", "L"),
        (8, "难度", "M"),
        (9, "题型", "A"),
        (10, "题干", "B"),
        (11, "题干", "B"),
    }
    messages = {(p.row, p.column): p.message for p in parsed.problems}
    assert "不在考试大纲中" in messages[3, "知识点"]
    assert "超出了已填写的选项" in messages[4, "答案"]
    assert "至少要有 2 个正确选项" in messages[5, "答案"]
    assert "分值应为数字" in messages[7, "分值"]
    assert "公式" in messages[10, "题干"]
    assert "与第 2 行的题干重复" in messages[11, "题干"]
    assert [r.row for r in parsed.rows] == [2]


def test_a_stem_already_in_the_bank_is_reported():
    from carboncert.bank.items import stem_key

    parsed = spreadsheet.parse(
        workbook([good()]),
        knowledge_points=POINTS,
        existing_stems={stem_key("《京都议定书》于哪一年生效?")},
    )
    assert parsed.problems[0].message == "题库中已有相同题干的试题"


def test_a_broken_file_is_one_clear_problem():
    parsed = spreadsheet.parse(b"not a workbook", knowledge_points=POINTS)
    assert parsed.rows == [] and parsed.problems[0].row == 0
    assert "无法读取文件" in parsed.problems[0].message


def test_export_then_import_gives_the_same_questions():
    items = [
        ("温室气体的影响", Item(QuestionType.SINGLE, "CH₄ 的 AR5 全球变暖潜势为？", (Option("21"), Option("28", True), Option("25")), difficulty=3, explanation="AR5：28", reference="carbon.md §1"), Decimal(1)),
        ("温室气体的影响", Item(QuestionType.MULTIPLE, "《京都议定书》管控哪些气体？", (Option("CO₂", True), Option("CH₄", True), Option("O₂")), difficulty=2), Decimal(2)),
        ("国内碳排放权交易进程", Item(QuestionType.TRUE_FALSE, "全国碳市场首批纳入发电行业。", (Option("正确", True), Option("错误")), difficulty=1), None),
        ("国内碳排放权交易进程", Item(QuestionType.SHORT, "简述全国碳市场的履约流程。", reference_answer="……", rubric=(Criterion("配额分配", Decimal(5)), Criterion("清缴", Decimal(5))), keywords=("配额", "清缴")), Decimal(10)),
        ("温室气体的影响", Item(QuestionType.NUMERIC, "外购电力 {ad} MWh……", parameters=(Parameter("ad", Decimal(1000), Decimal(3000), Decimal(100), "MWh"),), formula="ad * 0.6101", unit="tCO₂", tolerance_percent=Decimal("0.5")), Decimal(10)),
    ]  # fmt: skip
    parsed = spreadsheet.parse(spreadsheet.write(items), knowledge_points=POINTS)
    assert parsed.problems == []
    assert [(r.knowledge_point, r.item, r.points) for r in parsed.rows] == items


def test_the_template_is_an_empty_export():
    parsed = spreadsheet.parse(spreadsheet.write([]), knowledge_points=POINTS)
    assert parsed == spreadsheet.Parsed([], [])
