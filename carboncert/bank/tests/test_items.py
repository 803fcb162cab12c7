from decimal import Decimal

import pytest

from carboncert.bank.items import (
    FormulaError,
    Item,
    Option,
    Parameter,
    QuestionType,
    evaluate,
    formula_names,
    within_tolerance,
)


def test_a_one_percent_tolerance_takes_99_5_and_refuses_98_5():
    assert within_tolerance(99.5, 100.0, Decimal(1))
    assert within_tolerance(100.9, 100.0, Decimal(1))
    assert not within_tolerance(98.5, 100.0, Decimal(1))
    assert not within_tolerance(101.5, 100.0, Decimal(1))


def test_formulas_are_arithmetic_only():
    assert evaluate(
        "fuel * ncv * ef / 1000", {"fuel": 2000, "ncv": 20.9, "ef": 94.6}
    ) == pytest.approx(3954.28)
    assert formula_names("(a + b) ** 2 - c / 4") == {"a", "b", "c"}
    for bad in ("__import__('os').system('x')", "a.b", "[a]", "a if b else c", "'x'", "lambda: 1"):
        with pytest.raises(FormulaError):
            formula_names(bad)
    with pytest.raises(FormulaError):
        evaluate("a / b", {"a": 1, "b": 0})
    with pytest.raises(FormulaError):
        evaluate("a ** 1000", {"a": 2})


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        (Item(QuestionType.SINGLE, " ", (Option("甲", True), Option("乙"))), "题干不能为空"),
        (
            Item(QuestionType.MULTIPLE, "题", (Option("甲", True), Option("乙"))),
            "多选题至少要有 2 个正确选项",
        ),
        (
            Item(QuestionType.SINGLE, "题", (Option("甲", True), Option("乙", True))),
            "恰有 1 个正确选项",
        ),
        (Item(QuestionType.SINGLE, "题", (Option("甲", True),)), "2 到 8 个选项"),
        (Item(QuestionType.SHORT, "题"), "简答题需要参考答案"),
        (
            Item(
                QuestionType.NUMERIC,
                "题",
                formula="a * k",
                parameters=(Parameter("a", Decimal(1), Decimal(2)),),
            ),
            "未定义的参数：k",
        ),
        (Item(QuestionType.NUMERIC, "题", formula="a *", parameters=()), "公式有误"),
        (
            Item(QuestionType.SINGLE, "题", (Option("甲", True), Option("乙")), difficulty=6),
            "难度应为 1 到 5",
        ),
    ],
)
def test_it_says_what_is_wrong_with_content(item, problem):
    assert any(problem in p for p in item.problems()), item.problems()


def test_good_content_has_no_problems():
    item = Item(
        QuestionType.NUMERIC,
        "某企业消耗天然气 {v} 万立方米……",
        parameters=(Parameter("v", Decimal(10), Decimal(50), Decimal(1), "万Nm³"),),
        formula="v * 21.62",
        unit="tCO2",
    )
    assert item.problems() == []


def test_items_survive_storage():
    from carboncert.bank.items import Criterion, from_data, to_data

    item = Item(
        QuestionType.NUMERIC,
        "燃烧 {fc} 吨标煤……",
        parameters=(Parameter("fc", Decimal("100"), Decimal("200"), Decimal("0.5"), "t"),),
        formula="fc * 2.66",
        unit="tCO₂",
        tolerance_percent=Decimal("0.5"),
        explanation="……",
        difficulty=4,
        reference="carbon.md §5",
    )
    assert from_data(to_data(item)) == item
    short = Item(
        QuestionType.SHORT,
        "简述",
        reference_answer="答",
        rubric=(Criterion("要点", Decimal(5)),),
        keywords=("甲",),
    )
    assert from_data(to_data(short)) == short


def test_duplicate_stems_are_recognised_despite_spacing_and_punctuation():
    from carboncert.bank.items import stem_key

    assert stem_key("《巴黎协定》于哪一年通过？") == stem_key(" 巴黎协定 于哪一年通过?")
    assert stem_key("CO₂ 的全球变暖潜势是多少") != stem_key("CH₄ 的全球变暖潜势是多少")
