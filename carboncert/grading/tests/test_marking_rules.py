"""The pure rules of short-answer marking and of item analysis, table-driven, no database."""

from decimal import Decimal as D

import pytest

from carboncert.grading import analysis
from carboncert.grading.marking import (
    final_points,
    highlight,
    needs_arbitration,
    suggest,
    terms,
    valid_points,
)

RUBRIC = [("化石燃料燃烧排放", D(4)), ("外购电力产生的间接排放", D(3)), ("工业生产过程排放", D(3))]
KEYWORDS = ["化石燃料燃烧", "外购电力", "工业生产过程"]


@pytest.mark.parametrize(
    ("answer", "points", "met"),
    [
        ("化石燃料燃烧排放；外购电力产生的间接排放；工业生产过程排放", D(10), (0, 1, 2)),
        ("主要是化石燃料燃烧，还有外购电力。", D(7), (0, 1)),
        ("企业用的电是外购电力，属于间接排放", D(3), (1,)),
        ("ＣＯ２ 与 化石燃料燃烧", D(4), (0,)),  # full-width letters fold
        ("不清楚", D(0), ()),
        ("", D(0), ()),
    ],
)
def test_the_suggestion_adds_up_the_rubric_lines_the_answer_names(answer, points, met):
    suggestion = suggest(answer, RUBRIC, KEYWORDS, D(10))
    assert (suggestion.points, suggestion.met) == (points, met)


def test_without_a_rubric_the_suggestion_is_the_share_of_keywords_rounded_down_to_half():
    assert suggest("化石燃料燃烧和外购电力", [], KEYWORDS, D(5)).points == D("3")
    assert suggest("外购电力", [], KEYWORDS, D(5)).points == D("1.5")
    assert suggest("随便写写", [], [], D(5)).points == D(0)


def test_segmentation_drops_particles_and_punctuation():
    assert terms("核算的边界，包括燃料燃烧！") == ("核算", "边界", "燃料", "燃烧")


@pytest.mark.parametrize(
    ("first", "second", "arbiter", "rule", "final"),
    [
        (D(6), D(7), None, "mean", D("6.5")),
        (D(6), D("6.5"), None, "mean", D("6.5")),  # 6.25 rounds up to the candidate
        (D(2), D(9), D(8), "mean", D("8.5")),  # the arbiter and the nearer mark
        (D(2), D(9), D(8), "arbiter", D(8)),
        (D(3), D(7), D(5), "mean", D(6)),  # equally near: the higher one
    ],
)
def test_the_final_mark(first, second, arbiter, rule, final):
    assert final_points(first, second, arbiter, rule) == final


@pytest.mark.parametrize(
    ("a", "b", "threshold", "arbitrate"),
    [(D(6), D(8), D(2), False), (D(6), D("8.5"), D(2), True), (D(0), D(0), D(0), False)],
)
def test_arbitration_beyond_the_threshold_only(a, b, threshold, arbitrate):
    assert needs_arbitration(a, b, threshold) is arbitrate


@pytest.mark.parametrize(
    ("points", "problem"),
    [(D(0), None), (D(10), None), (D("6.5"), None), (D(11), "0 到 10"), (D("-0.5"), "0 到 10"),
     (D("6.3"), "半分")],
)  # fmt: skip
def test_valid_points(points, problem):
    found = valid_points(points, D(10))
    assert (found is None) if problem is None else (problem in found)


def test_keywords_are_highlighted_longest_first():
    assert highlight("外购电力的排放", ["外购", "外购电力"]) == [
        ("外购电力", True),
        ("的排放", False),
    ]
    assert highlight("无关", ["外购"]) == [("无关", False)]


def responses(pairs):
    return [analysis.Response(total, points) for total, points in pairs]


def test_a_question_the_strong_get_right_discriminates_and_one_they_get_wrong_is_flagged():
    good = responses([(90, 1), (80, 1), (70, 1), (60, 1), (50, 0), (40, 0), (30, 0), (20, 0)])
    bad = responses([(90, 0), (80, 0), (70, 0), (60, 0), (50, 1), (40, 1), (30, 1), (20, 1)])
    assert analysis.analyse_item(good, 1).discrimination == 1.0
    assert not analysis.analyse_item(good, 1).flagged
    stats = analysis.analyse_item(bad, 1)
    assert stats.discrimination == -1.0 and stats.flagged and "区分度为负" in stats.reasons
    assert stats.difficulty == 0.5


def test_option_counts_and_blanks():
    found = [analysis.Response(10, 1, frozenset({0})), analysis.Response(5, 0, frozenset({1, 2})),
             analysis.Response(0, 0, blank=True)]  # fmt: skip
    stats = analysis.analyse_item(found, 1, options=4)
    assert stats.option_counts == (1, 1, 1, 0) and stats.blank == 1


def test_histogram_bands_close_at_the_top():
    bands = dict(analysis.histogram([0, 9.5, 10, 59.5, 60, 100]))
    assert bands["0–9"] == 2 and bands["10–19"] == 1 and bands["50–59"] == 1
    assert bands["90–100"] == 1 and sum(bands.values()) == 6


def test_agreement_between_two_graders():
    found = analysis.agreement([(6, 6), (7, 8), (3, 8)], threshold=2)
    assert found.pairs == 3 and found.exact == pytest.approx(1 / 3)
    assert found.within == pytest.approx(2 / 3) and found.mean_difference == 2
    assert analysis.agreement([], 2).exact is None
