from datetime import date, datetime, time

import pytest

from carboncert.sittings.timeline import (
    BEIJING,
    TimelineRules,
    compute_timeline,
    date_warnings,
    third_saturday,
)
from carboncert.sittings.workdays import DayRule, WorkdayCalendar

# A 2027 arrangement as an administrator might enter it (the library lacks 2027).
CALENDAR_2027 = WorkdayCalendar.from_rules(
    [
        DayRule(date(2027, 1, 1), False, "元旦"),
        *[DayRule(date(2027, 2, d), False, "春节") for d in range(6, 15)],
        DayRule(date(2027, 2, 20), True, "春节"),
    ],
    entered_years=[2027],
)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 2, date(2026, 2, 21)),
        (2026, 12, date(2026, 12, 19)),
        (2025, 10, date(2025, 10, 18)),
        (2025, 11, date(2025, 11, 15)),  # the month starts on a Saturday
        (2026, 8, date(2026, 8, 15)),  # ... and so does this one
        (2027, 2, date(2027, 2, 20)),
    ],
)
def test_third_saturday(year, month, expected):
    assert third_saturday(year, month) == expected
    assert expected.weekday() == 5


def at(day: str, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hh, mm, ss), tzinfo=BEIJING)


def test_the_day_of_the_sitting_follows_the_handbook():
    t = compute_timeline(date(2026, 10, 17), TimelineRules(), WorkdayCalendar())
    assert t.registration_closes_at == at("2026-10-10", 23, 59, 59)
    assert t.system_test_on == date(2026, 10, 14)
    assert t.check_in_at == at("2026-10-17", 8, 30)
    assert t.starts_at == at("2026-10-17", 9, 0)
    assert t.late_entry_closes_at == at("2026-10-17", 9, 30)
    assert t.earliest_hand_in_at == at("2026-10-17", 9, 30)
    assert t.ends_at == at("2026-10-17", 11, 0)


def test_later_dates_count_working_days():
    # 10-19..23, 10-26..30, 11-02..06: the 15th working day is 11-06.
    t = compute_timeline(date(2026, 10, 17), TimelineRules(), WorkdayCalendar())
    assert (t.results_on, t.certificates_on, t.lookup_on) == (
        date(2026, 11, 6),
        date(2026, 12, 11),
        date(2026, 12, 18),
    )
    assert t.pending_years == ()


def test_dates_in_an_uncovered_year_are_pending_not_guessed():
    t = compute_timeline(date(2026, 12, 19), TimelineRules(), WorkdayCalendar())
    assert (t.results_on, t.certificates_on, t.lookup_on) == (None, None, None)
    assert t.pending_years == (2027,)
    assert t.ends_at == at("2026-12-19", 11, 0)  # the day itself is known


def test_dates_appear_once_the_year_is_entered():
    t = compute_timeline(date(2026, 12, 19), TimelineRules(), CALENDAR_2027)
    # 9 working days in late December, 01-01 off, 01-04..08, then 01-11.
    assert t.results_on == date(2027, 1, 11)
    # ... skipping the Spring Festival week, the adjusted Saturday 02-20 counts.
    assert t.certificates_on == date(2027, 2, 20)
    assert t.lookup_on == date(2027, 2, 26)
    assert t.pending_years == ()


def test_every_offset_is_a_setting():
    rules = TimelineRules(
        start_time=time(14, 0),
        duration_minutes=90,
        check_in_minutes=45,
        late_entry_minutes=15,
        earliest_hand_in_minutes=60,
        registration_close_days=10,
        system_test_days_before=2,
        results_workdays=1,
        certificate_workdays=2,
        lookup_workdays=3,
    )
    t = compute_timeline(date(2026, 10, 17), rules, WorkdayCalendar())
    assert t.check_in_at == at("2026-10-17", 13, 15)
    assert t.late_entry_closes_at == at("2026-10-17", 14, 15)
    assert t.earliest_hand_in_at == at("2026-10-17", 15, 0)
    assert t.ends_at == at("2026-10-17", 15, 30)
    assert t.registration_closes_at == at("2026-10-07", 23, 59, 59)
    assert t.system_test_on == date(2026, 10, 15)
    assert (t.results_on, t.certificates_on, t.lookup_on) == (
        date(2026, 10, 19),
        date(2026, 10, 20),
        date(2026, 10, 21),
    )


def test_it_warns_about_holidays_adjusted_days_and_unknown_years():
    calendar = WorkdayCalendar()
    assert "春节" in date_warnings(date(2026, 2, 21), calendar)[0]
    assert "调休上班日" in date_warnings(date(2026, 2, 28), calendar)[0]
    assert date_warnings(date(2026, 3, 7), calendar) == []
    assert "2027年节假日安排尚未录入" in date_warnings(date(2027, 2, 20), calendar)[0]
