"""The CE-1 demo question set (bank/data/ce1.yaml) and its loader. No database."""

import math
import re
from collections import Counter
from decimal import Decimal

import pytest

from carboncert.bank import demo_content
from carboncert.bank.items import QuestionType, evaluate, formula_names, stem_key
from carboncert.catalog import syllabus

PAIRS = demo_content.load()
ITEMS = [item for _, item in PAIRS]

# Per knowledge point, for each CE-1 module that lists it (碳排放量化与报告原则 is listed twice).
AT_LEAST_PER_POINT = {"single": 8, "multiple": 4, "short": 1}
AT_LEAST_IN_TOTAL = {"single": 110, "multiple": 45, "short": 12, "numeric": 4}
NUMERIC_POINTS = {"碳排放量化与报告流程", "国内碳排放量化与核查标准"}

# Source keys of carbon.md marked ✅ (confirmed). A reference may cite only these.
CONFIRMED = {
    "GWP", "KP", "KP2", "DOHA", "DOHA2", "PA", "PA2", "PLEDGE", "PLEDGE2", "YJ", "FA",
    "NDC35", "GHGP", "ISO", "G32150", "G32151a", "G32151b", "G32151c", "PWR21", "CCDEF",
    "NOTE22", "EF5703", "EF21", "EF22", "VERD", "MEAS", "ICAP21", "ICAPD", "CPD", "RULES",
    "TRM", "TR", "OPEN", "PRICE", "CP1", "CP1D", "CP2", "REG24", "EXP", "EXP2", "CCER1",
    "CCERM", "PILOT", "CMON",
}  # fmt: skip


def ce1_modules():
    (subject,) = [s for s in syllabus.load().subjects if s.code == "CE-1"]
    return subject.modules


def kind(item):
    """How a paper counts the item: true/false questions are single choice."""
    return "single" if item.type is QuestionType.TRUE_FALSE else item.type.value


def lows(item):
    return {p.name: float(p.low) for p in item.parameters}


def highs(item):
    return {p.name: float(p.high) for p in item.parameters}


def numeric_with(names):
    (item,) = [
        i for i in ITEMS if i.type is QuestionType.NUMERIC and formula_names(i.formula) == names
    ]
    return item


def test_every_item_is_good_content():
    for point, item in PAIRS:
        assert item.problems() == [], (point, item.stem, item.problems())
        assert item.explanation.strip(), item.stem
        assert 1 <= item.difficulty <= 5


def test_every_item_hangs_on_a_ce1_knowledge_point_by_its_exact_name():
    names = {p for m in ce1_modules() for p in m.points}
    assert {point for point, _ in PAIRS} == names


def test_every_ce1_knowledge_point_has_enough_questions_of_each_type():
    listed = Counter(p for m in ce1_modules() for p in m.points)
    assert len(listed) == 9 and sum(listed.values()) == 10  # one point shared by two modules
    counts = Counter((point, kind(item)) for point, item in PAIRS)
    for point, modules in listed.items():
        for qtype, minimum in AT_LEAST_PER_POINT.items():
            assert counts[point, qtype] >= minimum * modules, (point, qtype, counts[point, qtype])


def test_the_set_is_big_enough_for_individual_papers():
    counts = Counter(kind(item) for item in ITEMS)
    for qtype, minimum in AT_LEAST_IN_TOTAL.items():
        assert counts[qtype] >= minimum, (qtype, counts[qtype])
    true_false = sum(item.type is QuestionType.TRUE_FALSE for item in ITEMS)
    assert 12 <= true_false <= 20


def test_difficulties_spread_around_three():
    difficulties = [item.difficulty for item in ITEMS]
    assert 2.6 <= sum(difficulties) / len(difficulties) <= 3.4
    assert set(difficulties) == {1, 2, 3, 4, 5}


def test_no_two_stems_are_the_same_question():
    keys = Counter(stem_key(item.stem) for item in ITEMS)
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_reference_cites_a_carbon_md_section_and_only_confirmed_sources():
    for item in ITEMS:
        assert re.search(r"carbon\.md §\d+", item.reference), item.stem
        cited = set(re.findall(r"\[([A-Za-z0-9-]+)\]", item.reference))
        assert cited <= CONFIRMED, (item.stem, cited - CONFIRMED)


def test_single_and_true_false_have_one_right_option_multiple_two_or_more():
    for item in ITEMS:
        right = sum(o.correct for o in item.options)
        if item.type is QuestionType.TRUE_FALSE:
            assert [o.text for o in item.options] == ["正确", "错误"]
            assert right == 1
        elif item.type is QuestionType.SINGLE:
            assert right == 1 and len(item.options) >= 4, item.stem
        elif item.type is QuestionType.MULTIPLE:
            assert 2 <= right < len(item.options), item.stem
        texts = [o.text for o in item.options]
        assert len(texts) == len(set(texts)), item.stem


def test_short_answers_have_a_model_answer_keywords_and_a_rubric_worth_ten():
    shorts = [item for item in ITEMS if item.type is QuestionType.SHORT]
    for item in shorts:
        assert item.reference_answer.strip() and item.keywords
        assert 3 <= len(item.rubric) <= 5
        assert sum(c.points for c in item.rubric) == 10, item.stem


def test_text_uses_unicode_subscripts_for_gas_formulas():
    for item in ITEMS:
        texts = [item.stem, item.explanation, item.reference_answer, item.unit]
        texts += [o.text for o in item.options]
        for text in texts:
            assert not re.search(r"\b(CO2|CH4|N2O|SF6|NF3|CF4)\b", text), text


def test_numeric_questions_are_drawn_per_candidate_and_evaluate_at_both_ends():
    numeric = [(p, i) for p, i in PAIRS if i.type is QuestionType.NUMERIC]
    assert len(numeric) >= 4
    for point, item in numeric:
        assert point in NUMERIC_POINTS
        assert item.tolerance_percent == 1 and item.unit == "tCO₂"
        names = {p.name for p in item.parameters}
        assert set(re.findall(r"\{(\w+)\}", item.stem)) == names == formula_names(item.formula)
        for p in item.parameters:
            assert all(isinstance(v, Decimal) for v in (p.low, p.high, p.step))
            assert ((p.high - p.low) / p.step) % 1 == 0, (item.stem, p.name)
        for values in (lows(item), highs(item)):
            result = evaluate(item.formula, values)
            assert math.isfinite(result) and result > 0


def test_numeric_answers_match_carbon_md_worked_examples():
    # §8A: 1,000,000 t coal, C_ar 0.55 tC/t, OF 0.99 -> 1,996,500.0 t; + 5,000 MWh x 0.5703
    coal = numeric_with({"FC", "C_ar", "OF"})
    assert evaluate(coal.formula, {"FC": 1_000_000, "C_ar": 0.55, "OF": 0.99}) == pytest.approx(
        1_996_500.0
    )
    total = numeric_with({"FC", "C_ar", "OF", "AD"})
    assert evaluate(
        total.formula, {"FC": 1_000_000, "C_ar": 0.55, "OF": 0.99, "AD": 5000}
    ) == pytest.approx(1_999_351.5)
    # §8A default-CC case: 1,000,000 t x 21.000 GJ/t x 0.03085 x 0.99 x 44/12
    default = numeric_with({"FC", "NCV", "OF"})
    assert evaluate(default.formula, {"FC": 1_000_000, "NCV": 21, "OF": 0.99}) == pytest.approx(
        2_351_695.5
    )
    # §8B: natural gas 50 x 10^4 Nm3 -> 1,081.09 t; bituminous coal 2,000 t -> 4,143.02 t
    fuel = [
        i
        for i in ITEMS
        if i.type is QuestionType.NUMERIC and formula_names(i.formula) == {"FC", "NCV", "CC", "OF"}
    ]
    assert len(fuel) == 2  # bituminous coal and natural gas
    for item in fuel:
        gas = {"FC": 50, "NCV": 389.31, "CC": 0.0153, "OF": 0.99}
        assert evaluate(item.formula, gas) == pytest.approx(1081.09, abs=0.01)
        coal_b = {"FC": 2000, "NCV": 23.204, "CC": 0.02618, "OF": 0.93}
        assert evaluate(item.formula, coal_b) == pytest.approx(4143.02, abs=0.01)
    # §8B: 1,200 MWh x 0.5703 = 684.36 t
    electricity = numeric_with({"AD"})
    assert evaluate(electricity.formula, {"AD": 1200}) == pytest.approx(684.36)


def test_the_loader_gives_decimals_and_refuses_malformed_entries(tmp_path):
    short = next(item for item in ITEMS if item.type is QuestionType.SHORT)
    assert all(isinstance(c.points, Decimal) for c in short.rubric)
    assert all(isinstance(item.tolerance_percent, Decimal) for item in ITEMS)

    path = tmp_path / "bad.yaml"
    path.write_text(
        "- knowledge_point: 温室气体的影响\n"
        "  type: single\n"
        "  stem: 题\n"
        "  options: [{text: 28, correct: true}, {text: '21'}]\n"
        "  answer: 28\n"
        "- knowledge_point: 温室气体的影响\n"
        "  type: essay\n"
        "  stem: 题\n",
        encoding="utf-8",
    )
    with pytest.raises(demo_content.ContentError) as refused:
        demo_content.load(path)
    problems = "；".join(refused.value.problems)
    assert "第 1 题：text 应为文字" in problems
    assert "第 1 题：未知的键 'answer'" in problems
    assert "第 2 题：题型 'essay' 不存在" in problems


def test_a_well_formed_file_loads_in_order(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(
        "- knowledge_point: 碳排放量化与报告流程\n"
        "  type: numeric\n"
        "  stem: 购入电力{AD} MWh\n"
        "  parameters: [{name: AD, low: 100, high: 200, step: 0.5, unit: MWh}]\n"
        "  formula: AD * 0.5703\n"
        "  unit: tCO₂\n"
        "  tolerance_percent: 0.5\n",
        encoding="utf-8",
    )
    ((point, item),) = demo_content.load(path)
    assert point == "碳排放量化与报告流程"
    assert item.type is QuestionType.NUMERIC
    assert item.parameters[0].step == Decimal("0.5")
    assert item.tolerance_percent == Decimal("0.5")
    assert item.problems() == []
