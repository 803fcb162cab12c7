"""我的学习: one application's way from registration to certificate, and what to do next."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from carboncert.registration.models import Application
from carboncert.registration.services import is_admitted

from . import services


@dataclass
class Step:
    label: str
    when: str  # a date or a time, as shown
    state: str  # done | now | later
    link: str = ""
    link_text: str = ""


@dataclass
class Journey:
    application: Application
    steps: list[Step] = field(default_factory=list)
    course: services.Course | None = None
    next_step: str = ""
    next_link: str = ""
    next_link_text: str = ""
    mock_opens_on: datetime.date | None = None
    mock_open: bool = False


def _day(d: datetime.date | None) -> str:
    return formats.date_format(d) if d else _("待定")  # 2027年3月20日, March 20, 2027


def sprint_opens_on(sitting) -> datetime.date:
    return sitting.date - datetime.timedelta(days=sitting.sprint_days_before)


def journey(application: Application, now: datetime.datetime | None = None) -> Journey:
    now = now or timezone.now()
    today = timezone.localdate(now)
    sitting = application.sitting.main or application.sitting
    j = Journey(application)
    status = application.status
    approved = status == Application.Status.APPROVED
    admitted = is_admitted(application)
    course_open = approved and (sitting.results_on is None or today <= sitting.results_on)
    code = application.subject.code

    def state(done: bool, now_: bool = False) -> str:
        return "done" if done else "now" if now_ else "later"

    j.steps.append(Step(_("报名"), _day(timezone.localdate(application.created_at)), "done"))
    j.steps.append(
        Step(
            _("资格审核"),
            application.get_status_display(),
            state(approved, status == Application.Status.SUBMITTED),
        )
    )
    j.steps.append(
        Step(
            _("缴费与准考证"),
            application.ticket_number or _("缴费后生成"),
            state(admitted, approved and not admitted),
            reverse("registration:ticket", args=[application.pk]) if admitted else "",
            _("下载准考证") if admitted else "",
        )
    )
    if course_open:
        j.course = services.course(application.subject, application.person)
    j.steps.append(
        Step(
            _("课程学习"),
            _("审核通过后开课，至成绩公布日"),
            state(bool(j.course and not j.course.minutes_missing), course_open),
            reverse("learning:course", args=[code]) if course_open else "",
            _("进入课程") if course_open else "",
        )
    )
    j.mock_opens_on = sprint_opens_on(sitting)
    j.mock_open = course_open and j.mock_opens_on <= today <= sitting.date
    j.steps.append(
        Step(
            _("冲刺班与模拟卷"),
            _("%(day)s 起") % {"day": _day(j.mock_opens_on)},
            state(today > sitting.date, j.mock_open),
            reverse("learning:mocks", args=[code]) if j.mock_open else "",
            _("做模拟卷") if j.mock_open else "",
        )
    )
    test = sitting.satellites.filter(kind="test").first()
    test_day = test.date if test else sitting.system_test_on
    j.steps.append(Step(_("考前测试"), _day(test_day), state(bool(test_day and today > test_day),
                                                          test_day == today)))  # fmt: skip
    exam_day = today == sitting.date
    j.steps.append(
        Step(
            _("正式考试"),
            f"{_day(sitting.date)} {timezone.localtime(sitting.starts_at):%H:%M}"
            if sitting.starts_at
            else _day(sitting.date),
            state(today > sitting.date, exam_day),
            reverse("exams:login") if exam_day and admitted else "",
            _("进入考试") if exam_day and admitted else "",
        )
    )
    released = sitting.results_on is not None and today >= sitting.results_on
    j.steps.append(
        Step(
            _("成绩公布"),
            _day(sitting.results_on),
            state(released),
            reverse("grading:mine") if released else "",
            _("查看成绩") if released else "",
        )
    )
    issued = sitting.certificates_on is not None and today >= sitting.certificates_on
    j.steps.append(
        Step(
            _("证书颁发"),
            _day(sitting.certificates_on),
            state(issued),
            reverse("certificates:mine") if issued else "",
            _("查看证书") if issued else "",
        )
    )
    _next(j, application, today, sitting, admitted, code)
    return j


def _next(j: Journey, application, today, sitting, admitted, code) -> None:
    """The one thing this candidate should do now."""
    status = application.status
    if status in (Application.Status.DRAFT, Application.Status.REJECTED):
        j.next_step = _(
            "报名信息尚未提交或需要修改，请联系您的培训机构（或在“我的报名”中修改后重新提交）。"
        )
        j.next_link, j.next_link_text = reverse("registration:mine"), _("我的报名")
    elif status == Application.Status.SUBMITTED:
        j.next_step = _("报名材料正在审核（1 个工作日内），审核通过后即可开始学习。")
    elif status == Application.Status.WITHDRAWN:
        j.next_step = _("该报名已撤回。")
    elif j.course and j.course.minutes_missing:
        row = j.course.next_lesson()
        j.next_step = _("继续学习：还差 %(h).1f 课时（%(m)s 分钟）达到最低课时。") % {
            "h": j.course.hours_missing,
            "m": j.course.minutes_missing,
        }
        if row:
            j.next_link = reverse("learning:lesson", args=[code, row.lesson.pk])
            j.next_link_text = row.lesson.title
    elif j.mock_open:
        j.next_step = _("冲刺阶段：做一套模拟卷，查漏补缺。")
        j.next_link, j.next_link_text = reverse("learning:mocks", args=[code]), _("模拟卷")
    elif not admitted and today <= sitting.date:
        j.next_step = _("请通过培训机构缴费，缴费确认后生成准考证。")
    elif today < sitting.date:
        j.next_step = _("课时已达标。做做知识点练习，%(day)s 起开放模拟卷。") % {
            "day": _day(j.mock_opens_on)
        }
    elif today == sitting.date:
        j.next_step = _("今天考试：8:30 起签到，请提前检查摄像头和网络。")
        j.next_link, j.next_link_text = reverse("exams:login"), _("进入考试")
    elif sitting.results_on and today < sitting.results_on:
        j.next_step = _("考试已结束，成绩将于 %(day)s 公布。") % {"day": _day(sitting.results_on)}
    else:
        j.next_step = _("成绩已公布。")
        j.next_link, j.next_link_text = reverse("grading:mine"), _("查看成绩")


def journeys(person) -> list[Journey]:
    if person is None:
        return []
    applications = (
        Application.objects.filter(person=person)
        .select_related("subject__level", "subject__specialty", "sitting__main", "person")
        .select_related("bill_line")
        .order_by("-sitting__date")
    )
    return [journey(a) for a in applications]
