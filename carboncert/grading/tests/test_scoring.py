"""The scoring rules, table-driven, without the database."""

from decimal import Decimal as D

import pytest

from carboncert.bank.items import Item, Option, Parameter, QuestionType
from carboncert.grading.scoring import Key, MultipleRule, key_for, parse_number, score, score_paper

ALL, PARTIAL = MultipleRule.ALL_OR_NOTHING, MultipleRule.PARTIAL
SINGLE = Key("single", D(2), correct="B")
MULTIPLE = Key("multiple", D(3), correct="ACD")
NUMERIC = Key("numeric", D(5), expected=648.0, unit="tCO₂", tolerance_percent=D(1))
SHORT = Key("short", D(10))


@pytest.mark.parametrize(
    "key, answer, rule, points, outcome",
    [
        (SINGLE, "B", ALL, "2", "right"),
        (SINGLE, "b", ALL, "2", "right"),
        (SINGLE, "A", ALL, "0", "wrong"),
        (SINGLE, "", ALL, "0", "blank"),
        (SINGLE, "  ", ALL, "0", "blank"),
        (SINGLE, "AB", ALL, "0", "wrong"),  # two letters for a single choice
        (MULTIPLE, "ACD", ALL, "3", "right"),
        (MULTIPLE, "DCA", PARTIAL, "3", "right"),  # order does not matter
        # every correct option plus a wrong one: nothing, under both rules
        (MULTIPLE, "ABCD", ALL, "0", "wrong"),
        (MULTIPLE, "ABCD", PARTIAL, "0", "wrong"),
        # a subset of the correct options: nothing, or its share rounded down to half points
        (MULTIPLE, "AC", ALL, "0", "wrong"),
        (MULTIPLE, "AC", PARTIAL, "2", "partial"),
        (MULTIPLE, "A", PARTIAL, "1", "partial"),
        (MULTIPLE, "AB", PARTIAL, "0", "wrong"),  # a wrong one among them
        (MULTIPLE, "", PARTIAL, "0", "blank"),
        (NUMERIC, "648", ALL, "5", "right"),
        (NUMERIC, "652.4", ALL, "5", "right"),  # within 1 %
        (NUMERIC, "655", ALL, "0", "wrong"),  # 1.08 % off
        (NUMERIC, "６４８", ALL, "5", "right"),  # full width from a Chinese keyboard
        (NUMERIC, "648 tCO2", ALL, "5", "right"),
        (NUMERIC, "648吨二氧化碳", ALL, "5", "right"),
        (NUMERIC, "648 kg", ALL, "0", "wrong_unit"),  # the wrong unit
        (NUMERIC, "648000 kgCO2", ALL, "0", "wrong_unit"),
        (NUMERIC, "约648", ALL, "0", "unreadable"),
        (NUMERIC, "inf", ALL, "0", "unreadable"),
        (NUMERIC, "", ALL, "0", "blank"),
        (SHORT, "参考答案", ALL, None, "to_mark"),
        (SHORT, "", ALL, None, "to_mark"),  # a grader still sees the blank
    ],
)
def test_it_scores_by_the_rules(key, answer, rule, points, outcome):
    scored = score(key, answer, rule)
    assert scored.outcome == outcome
    assert scored.points == (None if points is None else D(points))
    assert scored.max_points == key.points


def test_a_numeric_key_of_zero_accepts_only_zero():
    zero = Key("numeric", D(5), expected=0.0)
    assert score(zero, "0").points == D(5)
    assert score(zero, "0.001").points == D(0)


def test_a_tolerance_of_one_percent_takes_99_5_and_refuses_98_5():
    key = Key("numeric", D(5), expected=200.0, tolerance_percent=D(1))
    assert score(key, "199").outcome == "right"
    assert score(key, "197").outcome == "wrong"


@pytest.mark.parametrize(
    "text, parsed",
    [("1,234.5 tCO₂", (1234.5, "tCO2")), ("-0.8", (-0.8, "")), (".5t", (0.5, "t")),
     ("1e3", (1000.0, "")), ("abc", None), ("", None)],
)  # fmt: skip
def test_it_reads_numbers_with_units(text, parsed):
    assert parse_number(text) == parsed


def test_the_key_follows_the_candidates_option_order_and_parameters():
    multiple = Item(
        QuestionType.MULTIPLE, "哪些属于温室气体？",
        (Option("CO₂", True), Option("O₂"), Option("CH₄", True), Option("N₂")),
    )  # fmt: skip
    # shown order: N₂, CH₄, CO₂, O₂ → the correct ones are at B and C
    entry = {"points": 2, "option_order": [3, 2, 0, 1], "parameters": {}}
    assert key_for(entry, multiple) == Key("multiple", D(2), correct="BC")
    numeric = Item(
        QuestionType.NUMERIC, "消耗 {v} 万立方米天然气", formula="v * 21.6", unit="tCO₂",
        parameters=(Parameter("v", D(10), D(90), D(10)),),
    )  # fmt: skip
    key = key_for({"points": 5, "option_order": [], "parameters": {"v": "30"}}, numeric)
    assert key.expected == pytest.approx(648.0) and key.unit == "tCO₂"


def test_a_paper_is_scored_question_by_question():
    scored = score_paper([SINGLE, MULTIPLE, NUMERIC, SHORT], {1: "B", 2: "AC", 4: "答"}, PARTIAL)
    assert [s.points for s in scored] == [D(2), D(2), D(0), None]
    assert [s.outcome for s in scored] == ["right", "partial", "blank", "to_mark"]
