"""The learning centre's state changes and the queries its pages share.

A course is a subject's syllabus: its modules, their knowledge points, and the published
lessons on those points. It opens when an application for the subject is approved
(handbook §四 1: 审核过开课) and stays open until the sitting's results date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carboncert.accounts.models import Person
from carboncert.catalog.models import ModulePoint, Subject
from carboncert.registration.models import Application

from . import hours
from .models import Lesson, Progress, StudyClock


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def minutes_per_class_hour() -> int:
    # 1 标准课时 = 45 minutes, the national standard for vocational training hours.
    return settings.LEARNING_CLASS_HOUR_MINUTES


def seconds_for(class_hours: Decimal | float) -> float:
    return float(class_hours) * minutes_per_class_hour() * 60


# --- who may study what ---------------------------------------------------------------


def open_applications(person: Person | None, today: datetime.date | None = None):
    """The person's approved applications whose course is open today."""
    if person is None:
        return Application.objects.none()
    today = today or timezone.localdate()
    return (
        Application.objects.filter(person=person, status=Application.Status.APPROVED)
        .filter(Q(sitting__results_on__isnull=True) | Q(sitting__results_on__gte=today))
        .select_related(
            "subject__specialty", "subject__level", "sitting__main", "institution", "person"
        )
        .order_by("sitting__date")
    )


def application_for(person, subject_code: str, today=None) -> Application:
    """The open application of this subject's course, or Refused."""
    for application in open_applications(person, today):
        if application.subject.code == subject_code:
            return application
    raise Refused(
        "closed", "您没有已开通的该科目课程。课程在报名审核通过后开通，至成绩公布日关闭。"
    )


def lesson_subject_ids(lesson: Lesson) -> set[int]:
    return set(
        ModulePoint.objects.filter(point__lessons=lesson).values_list(
            "module__subject_id", flat=True
        )
    )


def _lesson_and_applications(person, lesson_id: int, today=None):
    lesson = Lesson.objects.filter(pk=lesson_id, published=True).first()
    applications = list(open_applications(person, today))
    subjects = {a.subject_id for a in applications}
    if lesson is None or not subjects & lesson_subject_ids(lesson):
        raise Refused("closed", "该课程未对您开放。")
    return lesson, applications


def open_lesson(person, lesson_id: int, today=None) -> Lesson:
    """A published lesson in one of the person's open courses, or Refused (the same answer
    whether the lesson does not exist or is not theirs)."""
    return _lesson_and_applications(person, lesson_id, today)[0]


def lesson_to_study(person, lesson_id: int) -> tuple[Lesson, float]:
    """open_lesson, and the fastest playback that counts: the strictest of the person's
    open sittings (one query for both: a study report is the learning centre's hot path)."""
    lesson, applications = _lesson_and_applications(person, lesson_id)
    rates = [float((a.sitting.main or a.sitting).max_playback_rate) for a in applications]
    return lesson, min(rates)


# --- the course and its progress ------------------------------------------------------


@dataclass
class LessonRow:
    lesson: Lesson
    fraction: float
    position: float

    @property
    def earned_hours(self) -> float:  # class hours credited so far
        return self.fraction * float(self.lesson.class_hours)


@dataclass
class ModuleRow:
    module_id: int
    order: int
    name: str
    weight: int
    points: list = field(default_factory=list)  # [(point_id, name)]
    lessons: list[LessonRow] = field(default_factory=list)

    @property
    def class_hours(self) -> float:
        return sum(float(r.lesson.class_hours) for r in self.lessons)

    @property
    def earned_hours(self) -> float:
        return sum(r.earned_hours for r in self.lessons)

    @property
    def fraction(self) -> float:
        return self.earned_hours / self.class_hours if self.class_hours else 0.0


@dataclass
class Course:
    subject: Subject
    modules: list[ModuleRow]
    required_hours: int

    @property
    def lessons(self) -> list[LessonRow]:
        return [row for module in self.modules for row in module.lessons]

    @property
    def class_hours(self) -> float:
        return sum(m.class_hours for m in self.modules)

    @property
    def earned_hours(self) -> float:
        return hours.earned_hours((r.fraction, r.lesson.class_hours) for r in self.lessons)

    @property
    def fraction(self) -> float:
        return min(1.0, self.earned_hours / self.required_hours) if self.required_hours else 1.0

    @property
    def minutes_missing(self) -> int:
        return hours.minutes_missing(
            self.earned_hours, self.required_hours, minutes_per_class_hour()
        )

    @property
    def hours_missing(self) -> float:
        return max(0.0, self.required_hours - self.earned_hours)

    def next_lesson(self) -> LessonRow | None:
        return next((row for row in self.lessons if row.fraction < 0.999), None)


def course(subject: Subject, person: Person | None = None) -> Course:
    """The subject's modules with their published lessons, in order; each lesson once, in
    the first module that lists one of its points. With a person: their progress."""
    modules = list(subject.modules.order_by("order"))
    rows = {m.pk: ModuleRow(m.pk, m.order, m.name, m.weight) for m in modules}
    links = ModulePoint.objects.filter(module__subject=subject).select_related("point")
    point_first: dict[int, tuple[int, int]] = {}  # point -> (module order, point order)
    module_of_point: dict[int, int] = {}
    for link in links.order_by("module__order", "order"):
        rows[link.module_id].points.append((link.point_id, link.point.name))
        if link.point_id not in point_first:
            point_first[link.point_id] = (rows[link.module_id].order, link.order)
            module_of_point[link.point_id] = link.module_id
    lessons = (
        Lesson.objects.filter(published=True, knowledge_points__in=point_first)
        .distinct()
        .prefetch_related("knowledge_points")
    )
    progress = {}
    if person is not None:
        progress = {p.lesson_id: p for p in Progress.objects.filter(person=person)}
    placed = []
    for lesson in lessons:
        points = [p.pk for p in lesson.knowledge_points.all() if p.pk in point_first]
        first = min(points, key=lambda p: point_first[p])
        placed.append((point_first[first], lesson.order, lesson.pk, module_of_point[first], lesson))
    for _place, _order, _pk, module_id, lesson in sorted(placed, key=lambda t: t[:3]):
        mine = progress.get(lesson.pk)
        rows[module_id].lessons.append(
            LessonRow(lesson, mine.fraction if mine else 0.0, mine.position if mine else 0.0)
        )
    return Course(subject, [rows[m.pk] for m in modules], subject.level.min_class_hours)


def hours_refusal(application: Application, sitting=None) -> str:
    """Why this admission may not start the exam for lack of class hours (Chinese), or ""
    when its sitting does not require the level's minimum or it is met. A system test
    (考前测试) checks the device, not the study, and never asks."""
    sitting = sitting or application.sitting
    if sitting.kind == "test":
        return ""
    rules = sitting.main or sitting
    if not rules.class_hours_required:
        return ""
    mine = course(application.subject, application.person)
    if not mine.minutes_missing:
        return ""
    return (
        f"您的学习课时未达到本科目的最低要求：已学 {mine.earned_hours:.1f} / "
        f"{mine.required_hours} 标准课时，还差 {mine.minutes_missing} 分钟"
        f"（1 标准课时 = {minutes_per_class_hour()} 分钟）。"
        "请先登录平台“我的学习”完成课程学习，达到要求后即可进入考试。"
    )


# --- study reports --------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """What the lesson page reports every few seconds while the candidate studies."""

    elapsed: float  # seconds of the page's own clock since its last report (or playing began)
    segments: tuple[tuple[float, float], ...] = ()  # video: stretches played, split at seeks
    rate: float = 1.0  # video: playback speed
    position: float | None = None  # video: where it is now, to resume later
    active: float = 0.0  # reading/document: active seconds since the last report
    visible: bool = True


MAX_SEGMENTS = 50


@transaction.atomic
def record_report(
    person: Person, lesson: Lesson, report: Report, now=None, max_rate: float | None = None
) -> Progress:
    """Credit one report, under the person's study clock: whatever tabs or devices report
    at once, no stretch of real time is credited twice."""
    now = now or timezone.now()
    sitting_rate = max_rate if max_rate is not None else lesson_to_study(person, lesson.pk)[1]
    clock = StudyClock.objects.select_for_update().get_or_create(person=person)[0]
    progress = Progress.objects.select_for_update().get_or_create(person=person, lesson=lesson)[0]
    moment = now.timestamp()
    claimed = clock.claimed_until.timestamp() if clock.claimed_until else None
    budget = hours.wall_budget(moment, report.elapsed, claimed) if report.visible else 0.0
    gained = 0.0
    if lesson.kind == Lesson.Kind.VIDEO:
        duration = float(lesson.duration_seconds or 0)
        rate = report.rate if report.rate <= sitting_rate + 1e-6 else 0.0  # too fast: nothing
        credit = hours.credit_video(
            progress.covered, report.segments[:MAX_SEGMENTS], duration=duration,
            budget=budget, rate=rate, max_rate=sitting_rate,
        )  # fmt: skip
        gained = credit.gained
        digits = hours.POSITION_DIGITS
        progress.covered = [[round(a, digits), round(b, digits)] for a, b in credit.covered]
        progress.covered_seconds = hours.length(progress.covered)  # as stored
        if report.position is not None:
            progress.position = max(0.0, min(duration, float(report.position)))
        used = gained / rate if rate else 0.0
    else:
        gained = hours.credit_active(report.active, budget)
        progress.active_seconds += gained
        used = gained
    progress.fraction = hours.lesson_fraction(
        lesson.kind, covered_seconds=progress.covered_seconds,
        active_seconds=progress.active_seconds, duration=float(lesson.duration_seconds or 0),
        needed=seconds_for(lesson.class_hours),
    )  # fmt: skip
    progress.save(
        update_fields=["covered", "covered_seconds", "active_seconds", "position", "fraction",
                       "updated_at"]
    )  # fmt: skip
    if used > 0:
        # Only the real time actually spent is claimed; the rest stays for another tab.
        start = max(moment - budget, claimed or 0.0)
        clock.claimed_until = datetime.datetime.fromtimestamp(
            min(moment, start + used), tz=datetime.UTC
        )
        clock.save(update_fields=["claimed_until"])
    return progress
