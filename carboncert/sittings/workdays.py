"""Chinese working days: statutory holidays off, adjusted weekend days (调休) on.

Pure rules, no Django. The facts come from two sources: the chinesecalendar
library for the years it knows, and days an administrator entered for years
it does not know yet (the State Council publishes each year's arrangement in
November or December). A question about a year neither source covers raises
CalendarNotCovered: a date computed from a guess would be printed on
admission tickets and certificates, so we never guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarNotCovered(Exception):
    """A date falls in a year for which no holiday arrangement is known."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的节假日安排尚未录入，无法计算工作日。请管理员录入{year}年的法定节假日和调休安排。"
        )


@dataclass(frozen=True)
class DayRule:
    """An administrator's statement about one day: a working day or not, and why."""

    day: date
    is_workday: bool
    name: str = ""  # the holiday it belongs to, e.g. 春节; empty for an ordinary day


@dataclass(frozen=True)
class DayInfo:
    day: date
    is_workday: bool
    holiday: str | None  # statutory holiday this day is part of (off), or None
    adjusted: bool  # a weekend day worked in exchange for a holiday (调休上班)


@dataclass
class WorkdayCalendar:
    """Answers working-day questions from the library plus administrator-entered days.

    `entered_years` are years the library lacks and an administrator has
    entered: every holiday and adjusted day of the year is in `rules`, all
    other days follow the weekday rule. Rules for a year the library knows
    correct the library day by day.
    """

    rules: Mapping[date, DayRule] = field(default_factory=dict)
    entered_years: frozenset[int] = frozenset()

    @classmethod
    def from_rules(cls, rules: Iterable[DayRule], entered_years: Iterable[int]) -> WorkdayCalendar:
        return cls({r.day: r for r in rules}, frozenset(entered_years))

    def covers(self, year: int) -> bool:
        return year in self.entered_years or _library_covers(year)

    def info(self, day: date) -> DayInfo:
        weekend = day.weekday() >= 5
        rule = self.rules.get(day)
        if rule is not None:
            return DayInfo(
                day,
                rule.is_workday,
                holiday=None if rule.is_workday else (rule.name or None),
                adjusted=rule.is_workday and weekend,
            )
        if _library_covers(day.year):
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            workday = chinese_calendar.is_workday(day)
            return DayInfo(
                day,
                workday,
                holiday=HOLIDAY_NAMES_ZH.get(name, name) if (on_holiday and name) else None,
                adjusted=workday and weekend,
            )
        if day.year in self.entered_years:
            return DayInfo(day, not weekend, holiday=None, adjusted=False)
        raise CalendarNotCovered(day.year)

    def is_workday(self, day: date) -> bool:
        return self.info(day).is_workday

    def add_workdays(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (`start` itself not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day


# The library publishes each year it knows as a set of holidays.
LIBRARY_FIRST_YEAR = min(chinese_calendar.holidays).year
LIBRARY_LAST_YEAR = max(chinese_calendar.holidays).year


def _library_covers(year: int) -> bool:
    return LIBRARY_FIRST_YEAR <= year <= LIBRARY_LAST_YEAR
