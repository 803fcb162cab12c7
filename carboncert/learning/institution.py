"""What an institution sees of its candidates' learning, and the reminders it sends them.

Institution staff see their own institution's candidates (registration.access), an
administrator everyone's, optionally one institution's. The table is computed in a fixed
number of queries however many candidates there are: the lessons of every subject once,
the candidates' progress once, their mock papers once (`progress_table`). Its figures are
those of `services.course()`, which the candidate's own course page shows.

A reminder is an email and/or a text (notify.tell, SMS template kind `study_reminder`) to
an approved candidate still short of the level's minimum class hours before the exam. The
click queues them (one Reminder row each, committed at once) and a job sends them, so a
slow SMS gateway never holds the page and no number of candidates is too many for one
click; the periodic tick sends what a stopped worker left queued (`send_overdue`). One
goes out at most once per REMIND_AGAIN_AFTER per application, whoever clicks and however
often, and every one sent is audited.
"""

from __future__ import annotations

import datetime
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carboncert import jobs, notify
from carboncert.accounts import roles
from carboncert.accounts.models import Institution
from carboncert.audit.services import record
from carboncert.catalog.models import ModulePoint, Subject
from carboncert.registration import access
from carboncert.registration.exports import new_sheet, safe
from carboncert.registration.models import Application
from carboncert.sittings.models import Sitting

from . import hours, tasks
from .models import Lesson, MockAttempt, Progress, Reminder
from .services import minutes_per_class_hour

Status = Application.Status

# Whose learning the table lists: candidates registered for the exam. Only approved ones
# have an open course (and are reminded); submitted ones are listed at 0 hours meanwhile.
LISTED = (Status.SUBMITTED, Status.APPROVED)

REMIND_AGAIN_AFTER = datetime.timedelta(hours=12)
# A job sends this many; a click queues as many jobs as it takes (workers share them).
PER_JOB = 100
# The job normally starts within a second; what is still queued after this, the tick sends.
OVERDUE_AFTER = datetime.timedelta(minutes=2)
# A send that began this long ago and never ended: its worker stopped mid-way.
STALLED_AFTER = datetime.timedelta(minutes=15)


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def one_decimal(value: float) -> float:
    """Hours shown to one decimal, rounded down: 35.96 of 36 is 35.9, never a full 36.0."""
    return math.floor(round(value * 10, 6)) / 10


# --- who sees whom ------------------------------------------------------------------------


def may_view(user) -> bool:
    return user.is_authenticated and (
        user.has_role(roles.ADMINISTRATOR)
        or (user.has_role(roles.INSTITUTION) and bool(user.institution_id))
    )


def sees_all(user) -> bool:
    return user.has_role(roles.ADMINISTRATOR)


def scope(user, institution: Institution | None = None):
    """The applications the user may see (an administrator's narrowed to one institution)."""
    applications = access.applications_for(user)
    if institution is not None:
        applications = applications.filter(institution=institution)
    return applications


def sittings(applications, today: datetime.date):
    """Sittings to choose from: those with candidates in scope and the upcoming ones."""
    return (
        Sitting.objects.filter(
            Q(pk__in=applications.filter(status__in=LISTED).values("sitting"))
            | Q(date__gte=today, kind=Sitting.Kind.REGULAR)
        )
        .distinct()
        .order_by("date")
    )


def default_sitting(choices: list[Sitting], applications, today: datetime.date):
    """The next sitting the scope has candidates for; else the next one; else the last."""
    with_candidates = set(
        applications.filter(status__in=LISTED, sitting__date__gte=today).values_list(
            "sitting", flat=True
        )
    )
    upcoming = [s for s in choices if s.date >= today]
    return (
        next((s for s in upcoming if s.pk in with_candidates), None)
        or next(iter(upcoming), None)
        or (choices[-1] if choices else None)
    )


def subjects(applications, sitting: Sitting | None) -> list[Subject]:
    if sitting is None:
        return []
    return list(
        Subject.objects.filter(
            pk__in=applications.filter(sitting=sitting, status__in=LISTED).values("subject")
        ).order_by("code")
    )


def listed(applications, sitting: Sitting | None, subject: Subject | None = None):
    if sitting is None:
        return applications.none()
    shown = applications.filter(sitting=sitting, status__in=LISTED)
    if subject is not None:
        shown = shown.filter(subject=subject)
    return shown.order_by("person__name", "pk")


# --- the table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LastReminder:
    at: datetime.datetime  # sent, or asked for while not sent yet
    status: str  # Reminder.Status
    failed: str

    @property
    def label(self) -> str:
        return str(Reminder.Status(self.status).label)


@dataclass
class Row:
    application: Application
    earned_hours: float  # as services.course(): rounded to 0.01
    required_hours: int
    last_studied: datetime.datetime | None = None
    mocks: int = 0
    best_mock: Decimal | None = None
    latest_mock: Decimal | None = None
    last_reminder: LastReminder | None = None

    @property
    def person(self):
        return self.application.person

    @property
    def fraction(self) -> float:
        if not self.required_hours:
            return 1.0
        return min(1.0, self.earned_hours / self.required_hours)

    @property
    def percent(self) -> int:
        """Whole percent, rounded down: 100 only when the minimum is reached."""
        return math.floor(round(self.fraction * 100, 6))

    @property
    def hours_shown(self) -> float:
        return one_decimal(self.earned_hours)

    @property
    def minutes_missing(self) -> int:
        return hours.minutes_missing(
            self.earned_hours, self.required_hours, minutes_per_class_hour()
        )

    @property
    def reached(self) -> bool:
        return self.minutes_missing == 0

    @property
    def course_open(self) -> bool:
        return self.application.status == Status.APPROVED


def lesson_hours_by_subject(subject_ids) -> dict[int, dict[int, float]]:
    """{subject: {lesson: class hours}}: each subject's published lessons, as course() finds
    them (a lesson on any knowledge point of the subject's syllabus), in two queries."""
    points_of: dict[int, set[int]] = defaultdict(set)
    for subject_id, point_id in ModulePoint.objects.filter(
        module__subject_id__in=subject_ids
    ).values_list("module__subject_id", "point_id"):
        points_of[subject_id].add(point_id)
    every_point = set().union(*points_of.values()) if points_of else set()
    lessons_on: dict[int, dict[int, float]] = defaultdict(dict)  # point -> {lesson: hours}
    links = Lesson.knowledge_points.through.objects.filter(
        knowledgepoint_id__in=every_point, lesson__published=True
    ).values_list("knowledgepoint_id", "lesson_id", "lesson__class_hours")
    for point_id, lesson_id, class_hours in links:
        lessons_on[point_id][lesson_id] = float(class_hours)
    table: dict[int, dict[int, float]] = {}
    for subject_id in subject_ids:
        mine: dict[int, float] = {}
        for point_id in points_of.get(subject_id, ()):
            mine.update(lessons_on.get(point_id, {}))
        table[subject_id] = mine
    return table


def progress_table(applications) -> list[Row]:
    """One row per application, in the given order: class hours earned and required, the
    last study, mock papers handed in (count, best, latest score), the last reminder.
    A fixed number of queries, whatever the number of applications."""
    applications = list(applications)
    if not applications:
        return []
    subject_ids = {a.subject_id for a in applications}
    person_ids = {a.person_id for a in applications}
    lessons = lesson_hours_by_subject(subject_ids)
    studied: dict[int, dict[int, tuple[float, datetime.datetime]]] = defaultdict(dict)
    for person_id, lesson_id, fraction, updated_at in Progress.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "lesson_id", "fraction", "updated_at"):
        studied[person_id][lesson_id] = (fraction, updated_at)
    application_ids = [a.pk for a in applications]
    mocks: dict[int, list[tuple[datetime.datetime, Decimal | None]]] = defaultdict(list)
    for application_id, handed_in_at, score in (
        MockAttempt.objects.filter(application_id__in=application_ids, handed_in_at__isnull=False)
        .order_by("handed_in_at", "pk")
        .values_list("application_id", "handed_in_at", "score")
    ):
        mocks[application_id].append((handed_in_at, score))
    reminded: dict[int, LastReminder] = {}
    for application_id, queued_at, sent_at, status, failed in (
        Reminder.objects.filter(application_id__in=application_ids)
        .order_by("queued_at", "pk")
        .values_list("application_id", "queued_at", "sent_at", "status", "failed")
    ):
        reminded[application_id] = LastReminder(sent_at or queued_at, status, failed)
    rows = []
    for application in applications:
        course_lessons = lessons[application.subject_id]
        mine = studied.get(application.person_id, {})
        done = {lesson: mine[lesson] for lesson in course_lessons if lesson in mine}
        earned = hours.earned_hours(
            (fraction, course_lessons[lesson]) for lesson, (fraction, _) in done.items()
        )
        last = max((updated_at for _, updated_at in done.values()), default=None)
        attempts = mocks.get(application.pk, [])
        scores = [score for _, score in attempts if score is not None]
        rows.append(
            Row(
                application=application,
                earned_hours=earned,
                required_hours=application.subject.level.min_class_hours,
                last_studied=last,
                mocks=len(attempts),
                best_mock=max(scores) if scores else None,
                latest_mock=scores[-1] if scores else None,
                last_reminder=reminded.get(application.pk),
            )
        )
    return rows


SORTS = {
    # the most behind first: those short of the minimum, least done first
    "behind": lambda r: (r.reached, r.fraction, r.person.name),
    "name": lambda r: (r.person.name, r.application.pk),
    "hours": lambda r: (-r.earned_hours, r.person.name),
    "mock": lambda r: (r.best_mock is None, -(r.best_mock or 0), r.person.name),
    # who has not studied for longest (never, first)
    "studied": lambda r: (r.last_studied is not None, r.last_studied or 0, r.person.name),
}


def sorted_rows(rows: list[Row], sort: str) -> list[Row]:
    return sorted(rows, key=SORTS.get(sort, SORTS["behind"]))


@dataclass
class Totals:
    candidates: int
    reached: int
    behind: int
    studying: int  # approved, with an open course
    mock_takers: int
    mean_hours: float


def totals(rows: list[Row]) -> Totals:
    reached = sum(r.reached for r in rows)
    return Totals(
        candidates=len(rows),
        reached=reached,
        behind=len(rows) - reached,
        studying=sum(r.course_open for r in rows),
        mock_takers=sum(bool(r.mocks) for r in rows),
        mean_hours=one_decimal(sum(r.earned_hours for r in rows) / len(rows)) if rows else 0.0,
    )


# --- the export ---------------------------------------------------------------------------

HEADERS = [("姓名", 10), ("身份证号码", 22), ("报考科目", 26), ("科目代码", 9), ("报名状态", 10),
           ("已学课时", 9), ("最低课时", 9), ("完成比例（%）", 12), ("还差（分钟）", 11),
           ("是否达标", 9), ("最近学习", 17), ("模拟考试次数", 12), ("模拟最高分", 11),
           ("模拟最近得分", 12), ("最近提醒", 17), ("提醒状态", 10)]  # fmt: skip


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def progress_xlsx(rows: list[Row], *, with_institution: bool = False) -> bytes:
    headers = HEADERS + ([("报名机构", 24)] if with_institution else [])
    workbook, sheet = new_sheet("学习进度", headers)
    row = sheet.max_row  # counted here: max_row scans every cell, each time
    for r in rows:
        a = r.application
        line = [
            safe(a.person.name), a.person.masked_id_number, str(a.subject), a.subject.code,
            a.get_status_display(), r.hours_shown, r.required_hours, r.percent,
            r.minutes_missing, "达标" if r.reached else "未达标", _moment(r.last_studied),
            r.mocks,
            float(r.best_mock) if r.best_mock is not None else None,
            float(r.latest_mock) if r.latest_mock is not None else None,
            _moment(r.last_reminder.at) if r.last_reminder else "",
            r.last_reminder.label if r.last_reminder else "",
        ]  # fmt: skip
        if with_institution:
            line.append(safe(a.institution.name))
        sheet.append(line)
        row += 1
        sheet.cell(row=row, column=2).number_format = "@"
        sheet.cell(row=row, column=6).number_format = "0.0"
        for column in (13, 14):
            sheet.cell(row=row, column=column).number_format = "0.0"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reminders ----------------------------------------------------------------------------

CHANNELS = ("email", "sms")
Sending = Reminder.Status
LIVE = (Sending.QUEUED, Sending.SENDING, Sending.SENT)  # what keeps another one back


@dataclass
class Outcome:
    queued: int = 0
    skipped: int = 0  # reached the minimum, course not open, exam over, or reminded lately
    unreachable: int = 0  # no address for the chosen channels

    def message(self) -> str:
        text = f"已提交学习提醒 {self.queued} 人，跳过 {self.skipped} 人"
        if self.unreachable:
            text += f"，{self.unreachable} 人没有所选方式的联系方式"
        text += "。"
        if self.queued:
            text += "正在后台发送，结果见表中“最近提醒”一列。"
        return text


def remindable(row: Row, today: datetime.date) -> bool:
    """An approved candidate whose exam is still ahead and who is short of the minimum."""
    a = row.application
    return a.status == Status.APPROVED and a.sitting.date >= today and not row.reached


def chosen(applications, ids) -> list[Application]:
    """The applications of these ids, all of them within `applications`, or Refused: a
    forged or stale id sends nothing at all."""
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError):
        raise Refused("提交的考生编号无效，未发送任何提醒。") from None
    if not wanted:
        raise Refused("请先勾选要提醒的考生。")
    found = list(applications.filter(pk__in=wanted).order_by("person__name", "pk"))
    if len(found) != len(wanted):
        raise Refused(
            f"所选考生中有 {len(wanted) - len(found)} 人不是本机构的考生，未发送任何提醒。"
        )
    return found


def addresses(application: Application, channels) -> tuple[str, str]:
    """(email, phone) for these channels, each empty when the candidate has none."""
    email = (application.email or application.person.email) if "email" in channels else ""
    phone = application.phone if "sms" in channels else ""
    return email, phone


def reminder_text(reminder: Reminder) -> str:
    a = reminder.application
    sitting = a.sitting.main or a.sitting
    text = (
        f"{a.person.name}，您报考的{a.sitting.date:%Y年%m月%d日}考核（{a.subject}）课程已学 "
        f"{one_decimal(float(reminder.earned_hours)):g}/{a.subject.level.min_class_hours} 课时，"
        f"还差 {reminder.minutes_missing} 分钟，请于考前登录双碳岗位能力考核平台完成学习。"
    )
    if sitting.class_hours_required:
        text += "未达到最低课时将不能参加考试。"
    return text + f"（{a.institution.name}）"


def remind(user, applications: list[Application], *, channels=CHANNELS, now=None) -> Outcome:
    """Queue a reminder for each of these applications' candidates who is behind and was
    not reminded within REMIND_AGAIN_AFTER, and start the jobs that send them. Each claim
    (a Reminder row) is committed before the next, so a second click meanwhile skips it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    channels = [c for c in CHANNELS if c in channels]
    if not channels:
        raise Refused("请至少选择一种提醒方式（邮件或短信）。")
    outcome = Outcome()
    claimed: list[int] = []
    for row in progress_table(applications):
        if not remindable(row, today):
            outcome.skipped += 1
            continue
        email, phone = addresses(row.application, channels)
        if not (email or phone):
            outcome.unreachable += 1
            continue
        reminder = _claim(user, row, email, phone, now)
        if reminder is None:
            outcome.skipped += 1
            continue
        claimed.append(reminder.pk)
        outcome.queued += 1
    for start in range(0, len(claimed), PER_JOB):
        jobs.enqueue(tasks.send_reminders, claimed[start : start + PER_JOB])
    return outcome


def _claim(user, row: Row, email: str, phone: str, now) -> Reminder | None:
    """The new queued reminder, or None when one is queued, going out or went out within
    REMIND_AGAIN_AFTER. The application row is locked meanwhile (SQLite: the write lock)."""
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=row.application.pk).first()
        if Reminder.objects.filter(
            application=row.application, status__in=LIVE, queued_at__gt=now - REMIND_AGAIN_AFTER
        ).exists():
            return None
        reminder = Reminder.objects.create(
            application=row.application,
            queued_at=now,
            by=user if getattr(user, "pk", None) else None,
            channel=",".join(c for c, on in (("email", email), ("sms", phone)) if on),
            earned_hours=Decimal(str(row.earned_hours)),
            minutes_missing=row.minutes_missing,
        )
        record(user, "learning.reminder.queued", reminder,
               after={"application": row.application.pk, "channel": reminder.channel})  # fmt: skip
        return reminder


def send(ids) -> int:
    """Send these queued reminders; each is taken by one sender only (a job and the tick
    may both try). Returns how many this call sent or failed."""
    done = 0
    for pk in ids:
        taken = Reminder.objects.filter(pk=pk, status=Sending.QUEUED).update(
            status=Sending.SENDING, sending_at=timezone.now()
        )
        if taken:
            _deliver(
                Reminder.objects.select_related(
                    "by", "application__person", "application__institution",
                    "application__subject__level", "application__sitting__main",
                ).get(pk=pk)
            )  # fmt: skip
            done += 1
    return done


def _deliver(reminder: Reminder) -> None:
    a = reminder.application
    email, phone = addresses(a, reminder.channel.split(","))
    if email or phone:
        errors = notify.tell(
            email=email, phone=phone, kind="study_reminder", text=reminder_text(reminder),
            subject=f"学习提醒：还差 {reminder.minutes_missing} 分钟达到最低课时",
            params={"name": a.person.name, "subject": str(a.subject),
                    "earned": f"{one_decimal(float(reminder.earned_hours)):g}",
                    "required": str(a.subject.level.min_class_hours),
                    "minutes": str(reminder.minutes_missing), "date": f"{a.sitting.date:%m月%d日}"},
        )  # fmt: skip
        delivered = len(errors) < bool(email) + bool(phone)
    else:  # the address was removed after the click
        errors, delivered = ["考生已没有所选方式的联系方式"], False
    with transaction.atomic():
        reminder.status = Sending.SENT if delivered else Sending.FAILED
        reminder.sent_at = timezone.now()
        reminder.failed = "；".join(errors)
        reminder.save(update_fields=["status", "sent_at", "failed"])
        record(reminder.by, "learning.reminder.sent", reminder,
               after={"application": a.pk, "channel": reminder.channel,
                      "earned_hours": str(reminder.earned_hours),
                      "minutes_missing": reminder.minutes_missing,
                      "status": reminder.status, "failed": reminder.failed})  # fmt: skip


def send_overdue(now=None) -> int:
    """The tick's part: send what is still queued OVERDUE_AFTER after the click (its job
    was lost with a stopped worker), and give up on sends stalled mid-way, saying so, since
    whether they went out is unknown and staff may remind again."""
    now = now or timezone.now()
    stalled = Reminder.objects.filter(
        status=Sending.SENDING, sending_at__lt=now - STALLED_AFTER
    ).update(status=Sending.FAILED, sent_at=now, failed="发送中断，未能确认是否送达")
    overdue = Reminder.objects.filter(
        status=Sending.QUEUED, queued_at__lt=now - OVERDUE_AFTER
    ).values_list("pk", flat=True)
    return stalled + send(list(overdue.order_by("queued_at", "pk")[:2000]))
