"""Working days over 2025 and 2026, the holiday weeks and their 调休 weekend days."""

from datetime import date, timedelta

import pytest

from carboncert.sittings.workdays import CalendarNotCovered, DayRule, WorkdayCalendar

LIBRARY = WorkdayCalendar()


def days(first: str, last: str):
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    while day <= end:
        yield day
        day += timedelta(days=1)


# (date, working?, holiday name or None, adjusted weekend working day?)
TABLE = [
    # National Day + Mid-autumn 2025: 10-01..08 off, Sunday 09-28 and Saturday 10-11 worked.
    *[(d, False, "国庆节", False) for d in days("2025-10-01", "2025-10-05")],
    (date(2025, 10, 6), False, "中秋节", False),  # Mid-autumn fell inside the week
    *[(d, False, "国庆节", False) for d in days("2025-10-07", "2025-10-08")],
    (date(2025, 9, 28), True, None, True),
    (date(2025, 10, 11), True, None, True),
    (date(2025, 9, 27), False, None, False),  # an ordinary Saturday
    (date(2025, 10, 9), True, None, False),
    (date(2025, 10, 12), False, None, False),
    # Spring Festival 2025: 01-28..02-04 off, Sunday 01-26 and Saturday 02-08 worked.
    *[(d, False, "春节", False) for d in days("2025-01-28", "2025-02-04")],
    (date(2025, 1, 26), True, None, True),
    (date(2025, 2, 8), True, None, True),
    (date(2025, 2, 5), True, None, False),
    # Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked.
    *[(d, False, "春节", False) for d in days("2026-02-15", "2026-02-23")],
    (date(2026, 2, 14), True, None, True),
    (date(2026, 2, 28), True, None, True),
    (date(2026, 2, 24), True, None, False),
    # National Day 2026: 10-01..07 off, Sunday 09-20 and Saturday 10-10 worked.
    *[(d, False, "国庆节", False) for d in days("2026-10-01", "2026-10-07")],
    (date(2026, 9, 20), True, None, True),
    (date(2026, 10, 10), True, None, True),
    (date(2026, 10, 8), True, None, False),
    # Ordinary days and New Year's Day.
    (date(2026, 12, 19), False, None, False),
    (date(2026, 12, 31), True, None, False),
    (date(2026, 1, 1), False, "元旦", False),
]


@pytest.mark.parametrize(("day", "working", "holiday", "adjusted"), TABLE, ids=str)
def test_it_knows_holidays_and_adjusted_days(day, working, holiday, adjusted):
    info = LIBRARY.info(day)
    assert (info.is_workday, info.holiday, info.adjusted) == (working, holiday, adjusted)
    assert LIBRARY.is_workday(day) is working


def test_it_counts_working_days_over_a_holiday_week():
    # The first working day after 2025-09-30 is 10-09: the whole holiday is skipped.
    assert LIBRARY.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    # From Friday 09-26 the next working day is the adjusted Sunday 09-28.
    assert LIBRARY.add_workdays(date(2025, 9, 26), 1) == date(2025, 9, 28)
    # 10-09, 10-10, 10-11 (adjusted Saturday), 10-13.
    assert LIBRARY.add_workdays(date(2025, 10, 8), 4) == date(2025, 10, 13)
    assert LIBRARY.add_workdays(date(2025, 10, 8), 0) == date(2025, 10, 8)


def test_it_refuses_to_guess_an_uncovered_year():
    with pytest.raises(CalendarNotCovered) as raised:
        LIBRARY.is_workday(date(2027, 3, 1))
    assert raised.value.year == 2027
    assert "2027年的节假日安排尚未录入" in str(raised.value)
    assert not LIBRARY.covers(2027)


def test_it_refuses_to_count_into_an_uncovered_year():
    with pytest.raises(CalendarNotCovered):
        LIBRARY.add_workdays(date(2026, 12, 19), 15)


def test_an_entered_year_follows_its_rules_and_the_weekday_rule():
    calendar = WorkdayCalendar.from_rules(
        [
            DayRule(date(2027, 1, 1), False, "元旦"),
            DayRule(date(2027, 2, 20), True, "春节"),  # an adjusted Saturday
        ],
        entered_years=[2027],
    )
    assert calendar.covers(2027)
    assert calendar.info(date(2027, 1, 1)).holiday == "元旦"
    assert calendar.is_workday(date(2027, 1, 4))  # Monday
    assert not calendar.is_workday(date(2027, 1, 2))  # Saturday
    assert calendar.info(date(2027, 2, 20)).adjusted
    assert calendar.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    with pytest.raises(CalendarNotCovered):
        calendar.is_workday(date(2028, 1, 3))


def test_rules_for_a_known_year_correct_the_library():
    calendar = WorkdayCalendar.from_rules([DayRule(date(2026, 12, 31), False, "临时调整")], [])
    assert not calendar.is_workday(date(2026, 12, 31))
    assert calendar.info(date(2026, 12, 31)).holiday == "临时调整"
    assert calendar.is_workday(date(2026, 12, 30))
