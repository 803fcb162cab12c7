"""State changes for sittings and the working-day calendar."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from carboncert.audit.services import record
from carboncert.catalog.models import Subject

from .models import CalendarDay, CalendarYear, Sitting, SittingDefaults
from .timeline import compute_timeline, date_warnings, third_saturday
from .workdays import DayRule, WorkdayCalendar


def working_calendar() -> WorkdayCalendar:
    """The library's calendar with every administrator-entered year and correction."""
    days = CalendarDay.objects.select_related("calendar_year")
    return WorkdayCalendar.from_rules(
        (DayRule(d.day, d.is_workday, d.name) for d in days),
        CalendarYear.objects.values_list("year", flat=True),
    )


def refresh_timeline(sitting: Sitting, calendar: WorkdayCalendar | None = None) -> Sitting:
    timeline = compute_timeline(
        sitting.date, sitting.timeline_rules(), calendar or working_calendar()
    )
    sitting.registration_closes_at = timeline.registration_closes_at
    sitting.system_test_on = timeline.system_test_on
    sitting.check_in_at = timeline.check_in_at
    sitting.starts_at = timeline.starts_at
    sitting.late_entry_closes_at = timeline.late_entry_closes_at
    sitting.earliest_hand_in_at = timeline.earliest_hand_in_at
    sitting.ends_at = timeline.ends_at
    sitting.results_on = timeline.results_on
    sitting.certificates_on = timeline.certificates_on
    sitting.lookup_on = timeline.lookup_on
    sitting.pending_calendar_years = list(timeline.pending_years)
    return sitting


TIMELINE_FIELDS = [
    "registration_closes_at",
    "system_test_on",
    "check_in_at",
    "starts_at",
    "late_entry_closes_at",
    "earliest_hand_in_at",
    "ends_at",
    "results_on",
    "certificates_on",
    "lookup_on",
    "pending_calendar_years",
]


@transaction.atomic
def refresh_all_timelines() -> int:
    """Recompute every sitting's timeline (after the calendar changed). Returns how many changed."""
    calendar = working_calendar()
    changed = 0
    for sitting in Sitting.objects.select_for_update().order_by("date"):
        before = [getattr(sitting, f) for f in TIMELINE_FIELDS]
        refresh_timeline(sitting, calendar)
        if before != [getattr(sitting, f) for f in TIMELINE_FIELDS]:
            sitting.save(update_fields=TIMELINE_FIELDS)
            changed += 1
    return changed


@dataclass(frozen=True)
class Generated:
    sitting: Sitting
    created: bool
    warnings: list[str]


@transaction.atomic
def generate_sittings(year: int, by=None) -> list[Generated]:
    """The year's sittings by the programme rule (third Saturday of the configured months).

    Idempotent: a month that already has its sitting keeps it, even if it was
    moved. Warnings name dates an administrator should look at again.
    """
    defaults = SittingDefaults.load()
    calendar = working_calendar()
    subjects = list(Subject.objects.all())
    results = []
    for month in sorted(defaults.months):
        sitting = Sitting.objects.filter(
            slot_year=year, slot_month=month, kind=Sitting.Kind.REGULAR
        ).first()
        created = sitting is None
        if created:
            sitting = Sitting(slot_year=year, slot_month=month, date=third_saturday(year, month))
            for field in Sitting.RULE_FIELDS:
                setattr(sitting, field, getattr(defaults, field))
            refresh_timeline(sitting, calendar)
            sitting.save()
            sitting.subjects.set(subjects)
            record(by, "sittings.sitting.create", sitting, after={"date": sitting.date})
        results.append(Generated(sitting, created, date_warnings(sitting.date, calendar)))
    return results


class SittingMoveError(ValueError):
    pass


@transaction.atomic
def move_sitting(sitting: Sitting, new_date: datetime.date, by=None, reason: str = "") -> list[str]:
    """Put a sitting on another day; its whole timeline follows. Returns the new date's warnings."""
    sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
    if new_date == sitting.date:
        return []
    clash = Sitting.objects.filter(date=new_date).exclude(pk=sitting.pk).first()
    if clash:
        raise SittingMoveError(f"{new_date:%Y-%m-%d} 已有考试批次：{clash}")
    if not reason.strip():
        raise SittingMoveError("改期必须填写原因。")
    calendar = working_calendar()
    before = sitting.date
    sitting.date = new_date
    refresh_timeline(sitting, calendar)
    sitting.save()
    record(
        by,
        "sittings.sitting.move",
        sitting,
        before={"date": before},
        after={"date": new_date},
        reason=reason,
    )
    return date_warnings(new_date, calendar)


@transaction.atomic
def save_rules(sitting: Sitting, by=None, reason: str = "") -> Sitting:
    """Store changed per-sitting rules and the timeline they give."""
    old = Sitting.objects.filter(pk=sitting.pk).values(*Sitting.RULE_FIELDS).first() or {}
    refresh_timeline(sitting)
    sitting.save()
    changed = {
        f: getattr(sitting, f) for f in Sitting.RULE_FIELDS if old.get(f) != getattr(sitting, f)
    }
    if changed:
        record(
            by,
            "sittings.sitting.rules",
            sitting,
            before={f: old.get(f) for f in changed},
            after=changed,
            reason=reason,
        )
    return sitting


def upcoming(today: datetime.date | None = None):
    from django.utils import timezone

    today = today or timezone.localdate()
    return Sitting.objects.filter(date__gte=today, kind=Sitting.Kind.REGULAR).order_by("date")


@transaction.atomic
def calendar_changed(calendar_year: CalendarYear, by=None) -> int:
    """An administrator entered or corrected a year's holidays: every timeline follows."""
    days = [
        {"day": d.day, "is_workday": d.is_workday, "name": d.name}
        for d in calendar_year.days.order_by("day")
    ]
    record(by, "sittings.calendar.save", calendar_year, after={"days": days})
    return refresh_all_timelines()


@transaction.atomic
def delete_calendar_year(calendar_year: CalendarYear, by=None) -> int:
    record(by, "sittings.calendar.delete", calendar_year, before={"year": calendar_year.year})
    calendar_year.delete()
    return refresh_all_timelines()


@transaction.atomic
def enter_calendar_year(year: int, source: str, days: list[DayRule], by=None) -> CalendarYear:
    """Record a year's holiday arrangement in one go (the admin form does the same by hand)."""
    calendar_year, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    calendar_year.days.all().delete()
    for rule in days:
        if rule.day.year != year:
            raise ValueError(f"{rule.day} 不在 {year} 年内")
        CalendarDay.objects.create(
            calendar_year=calendar_year, day=rule.day, is_workday=rule.is_workday, name=rule.name
        )
    calendar_changed(calendar_year, by=by)
    return calendar_year


@transaction.atomic
def add_satellite(main: Sitting, kind: str, day: datetime.date, by=None, **rules) -> Sitting:
    """A system test (考前测试) or make-up sitting (补考) for a regular sitting's admissions."""
    if kind not in (Sitting.Kind.TEST, Sitting.Kind.MAKEUP):
        raise SittingMoveError("只能为正式考试添加考前测试或补考。")
    if Sitting.objects.filter(date=day).exists():
        raise SittingMoveError(f"{day:%Y-%m-%d} 已有考试批次。")
    sitting = Sitting(kind=kind, main=main, date=day, slot_year=day.year, slot_month=day.month)
    for field in Sitting.RULE_FIELDS:
        setattr(sitting, field, getattr(main, field))
    for field, value in rules.items():
        setattr(sitting, field, value)
    refresh_timeline(sitting)
    sitting.save()
    sitting.subjects.set(main.subjects.all())
    record(by, f"sittings.sitting.{kind}", sitting, after={"main": main.pk, "date": day})
    return sitting
