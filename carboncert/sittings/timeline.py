"""A sitting's timeline, computed from its date, its rules and the working-day calendar.

Pure rules, no Django. Clock times are in the programme's time zone (Beijing
time); a date that needs a calendar nobody has entered yet is left as None and
the year is named in `pending_years`, so pages can say what it waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from .workdays import CalendarNotCovered, WorkdayCalendar

BEIJING = ZoneInfo("Asia/Shanghai")
SATURDAY = 5


@dataclass(frozen=True)
class TimelineRules:
    """The offsets of SPEC §3; every one is a per-sitting setting."""

    start_time: time = time(9, 0)
    duration_minutes: int = 120
    check_in_minutes: int = 30  # check-in opens this long before the start
    late_entry_minutes: int = 30  # after the start; later = absent
    earliest_hand_in_minutes: int = 30  # after the start
    registration_close_days: int = 7  # before the sitting
    system_test_days_before: int = 3
    results_workdays: int = 15  # working days after the sitting
    certificate_workdays: int = 40
    lookup_workdays: int = 45


@dataclass(frozen=True)
class Timeline:
    registration_closes_at: datetime
    system_test_on: date
    check_in_at: datetime
    starts_at: datetime
    late_entry_closes_at: datetime
    earliest_hand_in_at: datetime
    ends_at: datetime
    results_on: date | None
    certificates_on: date | None
    lookup_on: date | None
    pending_years: tuple[int, ...] = ()


def compute_timeline(
    day: date, rules: TimelineRules, calendar: WorkdayCalendar, tz: tzinfo = BEIJING
) -> Timeline:
    starts_at = datetime.combine(day, rules.start_time, tzinfo=tz)
    pending: set[int] = set()

    def workdays_after(count: int) -> date | None:
        try:
            return calendar.add_workdays(day, count)
        except CalendarNotCovered as missing:
            pending.add(missing.year)
            return None

    closes_on = day - timedelta(days=rules.registration_close_days)
    return Timeline(
        # Registration is open through the whole of its last day.
        registration_closes_at=datetime.combine(closes_on, time(23, 59, 59), tzinfo=tz),
        system_test_on=day - timedelta(days=rules.system_test_days_before),
        check_in_at=starts_at - timedelta(minutes=rules.check_in_minutes),
        starts_at=starts_at,
        late_entry_closes_at=starts_at + timedelta(minutes=rules.late_entry_minutes),
        earliest_hand_in_at=starts_at + timedelta(minutes=rules.earliest_hand_in_minutes),
        ends_at=starts_at + timedelta(minutes=rules.duration_minutes),
        results_on=workdays_after(rules.results_workdays),
        certificates_on=workdays_after(rules.certificate_workdays),
        lookup_on=workdays_after(rules.lookup_workdays),
        pending_years=tuple(sorted(pending)),
    )


def third_saturday(year: int, month: int) -> date:
    """The handbook's 'third Saturday' (第三周周六) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(SATURDAY - first.weekday()) % 7 + 14)


def date_warnings(day: date, calendar: WorkdayCalendar) -> list[str]:
    """Why a sitting on `day` needs an administrator's second look (Chinese)."""
    try:
        info = calendar.info(day)
    except CalendarNotCovered as missing:
        return [f"{missing.year}年节假日安排尚未录入，无法确认 {day:%Y-%m-%d} 是否为节假日。"]
    warnings = []
    if info.holiday:
        warnings.append(
            f"{day:%Y-%m-%d} 在{info.holiday}法定假期内，考生和机构多在休假，建议改期。"
        )
    if info.adjusted:
        warnings.append(f"{day:%Y-%m-%d} 是调休上班日，在职考生需要请假，建议改期。")
    return warnings
