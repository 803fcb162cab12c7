"""The class-hour rules, without the database."""

from decimal import Decimal

import pytest

from carboncert.learning import hours


def test_merged_joins_overlapping_and_touching_stretches():
    assert hours.merged([[10, 20], [0, 5], [5, 8], [15, 30]]) == [(0, 8), (10, 30)]


def test_uncovered_leaves_only_new_seconds():
    assert hours.uncovered((0, 100), [(10, 20), (50, 60)]) == [(0, 10), (20, 50), (60, 100)]
    assert hours.uncovered((12, 18), [(10, 20)]) == []


def test_a_minute_played_earns_a_minute():
    credit = hours.credit_video([], [[0, 60]], duration=600, budget=60, rate=1, max_rate=2)
    assert credit.gained == 60 and credit.covered == [(0, 60)]


def test_watching_again_earns_nothing():
    credit = hours.credit_video([[0, 60]], [[0, 60]], duration=600, budget=60, rate=1, max_rate=2)
    assert credit.gained == 0


def test_a_report_cannot_earn_more_than_real_time_at_its_speed():
    # "I played 0–600" after 10 seconds at 1×: ten seconds.
    credit = hours.credit_video([], [[0, 600]], duration=600, budget=10, rate=1, max_rate=2)
    assert credit.gained == 10 and credit.covered == [(0, 10)]
    # At 2× (allowed) ten seconds of real time cover twenty of video; 16× is capped at 2×.
    assert hours.credit_video([], [[0, 600]], duration=600, budget=10, rate=2,
                              max_rate=2).gained == 20  # fmt: skip
    assert hours.credit_video([], [[0, 600]], duration=600, budget=10, rate=16,
                              max_rate=2).gained == 20  # fmt: skip


def test_segments_past_the_end_of_the_video_are_cut():
    credit = hours.credit_video([], [[590, 700]], duration=600, budget=60, rate=1, max_rate=2)
    assert credit.gained == 10


def test_a_stretch_split_by_a_report_stays_one_stretch():
    # The page closes its stretch at each report and opens the next where it stopped,
    # 9.8123; covered is stored to the hundredth, and no gap opens between the two.
    first = hours.credit_video([], [[0, 9.8123]], duration=600, budget=10, rate=1, max_rate=2)
    stored = [(round(a, 2), round(b, 2)) for a, b in first.covered]
    second = hours.credit_video(
        stored, [[9.8123, 19.6164]], duration=600, budget=10, rate=1, max_rate=2
    )
    assert second.covered == [(0, 19.62)]
    assert first.gained + second.gained == pytest.approx(19.62)


def test_wall_budget_is_shared_by_every_tab():
    # Tab A reported at t=100 for its last 10 s; tab B's 10 s at t=105 overlap it by 5.
    assert hours.wall_budget(100, 10, None) == 10
    assert hours.wall_budget(105, 10, claimed_until=100) == 5
    assert hours.wall_budget(105, 3, claimed_until=106) == 0
    # A tab that slept for an hour gets one minute at most.
    assert hours.wall_budget(5000, 3600, None) == hours.MAX_REPORT_SECONDS


def test_active_time_is_within_real_time():
    assert hours.credit_active(15, 10) == 10
    assert hours.credit_active(-4, 10) == 0


@pytest.mark.parametrize(
    ("kind", "covered", "active", "fraction"),
    [("video", 300, 0, 0.5), ("video", 900, 0, 1.0), ("reading", 0, 1350, 0.5),
     ("document", 0, 9999, 1.0),
     # A report's fraction of a second lost to a busy moment does not leave it unfinished,
     # but more than a second missing is not the whole video.
     ("video", 599.0, 0, 1.0), ("video", 598.9, 0, 598.9 / 600), ("video", 0, 0, 0.0)],
)  # fmt: skip
def test_lesson_fraction(kind, covered, active, fraction):
    got = hours.lesson_fraction(
        kind, covered_seconds=covered, active_seconds=active, duration=600, needed=2700
    )
    assert got == pytest.approx(fraction)


def test_minutes_missing_round_up():
    assert hours.minutes_missing(35.5, 36, 45) == 23
    assert hours.minutes_missing(35.5, 36, 60) == 30
    assert hours.minutes_missing(36.2, 36, 45) == 0
    assert hours.minutes_missing(35.0, 36, 45) == 45


def test_earned_hours_add_each_lessons_share_of_its_hours():
    assert hours.earned_hours([(0.5, 1.0), (1.0, Decimal("0.5")), (0.0, 2)]) == 1.0
    assert hours.earned_hours([(1 / 3, 1.0)]) == 0.33  # to the hundredth
    assert hours.earned_hours([]) == 0.0
