"""What each role sees in the navigation bar: a context processor over accounts.roles."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


PUBLIC = (
    (_("项目介绍"), "catalog:programme"),
    (_("报名条件"), "catalog:eligibility"),
    (_("考试安排"), "sittings:list"),
    (_("考试登录"), "exams:login"),
    (_("成绩查询"), "grading:lookup"),
    (_("证书查验"), "certificates:verify"),
)


ROLE_PAGES = (
    (roles.CANDIDATE, _("我的学习"), "learning:home"),
    (roles.CANDIDATE, _("我的报名"), "registration:mine"),
    (roles.INSTITUTION, _("考生报名"), "registration:institution_home"),
    (roles.INSTITUTION, _("学习进度"), "learning:institution"),
    (roles.REVIEWER, _("资格审核"), "registration:review_queue"),
    (roles.ADMINISTRATOR, _("资格审核"), "registration:review_queue"),
    (roles.ADMINISTRATOR, _("学习进度"), "learning:institution"),
    (roles.TEACHER, _("课程管理"), "learning:manage"),
    (roles.ADMINISTRATOR, _("课程管理"), "learning:manage"),
    (roles.QUESTION_EDITOR, _("题库"), "bank:questions"),
    (roles.PROCTOR, _("监考台"), "proctoring:console_index"),
    (roles.ADMINISTRATOR, _("监考台"), "proctoring:console_index"),
    (roles.PROCTOR, _("违纪判定"), "proctoring:cases"),
    (roles.ADMINISTRATOR, _("违纪判定"), "proctoring:cases"),
    (roles.ADMINISTRATOR, _("题库"), "bank:questions"),
    (roles.CANDIDATE, _("我的成绩"), "grading:mine"),
    (roles.CANDIDATE, _("我的证书"), "certificates:mine"),
    (roles.INSTITUTION, _("考生证书"), "certificates:institution"),
    (roles.ADMINISTRATOR, _("证书管理"), "certificates:manage"),
    (roles.INSTITUTION, _("考生成绩"), "grading:institution"),
    (roles.GRADER, _("阅卷"), "grading:workbench"),
    (roles.CHIEF_GRADER, _("仲裁"), "grading:arbitration"),
    (roles.CHIEF_GRADER, _("阅卷进度"), "grading:progress"),
    (roles.ADMINISTRATOR, _("阅卷与成绩"), "grading:progress"),
    (roles.ADMINISTRATOR, _("成绩复核"), "grading:reviews"),
    (roles.CHIEF_GRADER, _("成绩复核"), "grading:reviews"),
)


def items_for(user) -> list[NavItem]:
    items = [NavItem(label, reverse(name)) for label, name in PUBLIC]
    if user.is_authenticated:
        items.append(NavItem(_("我的工作台"), reverse("accounts:home")))
        # Role pages; the URLs live in downstream apps, so they are named, not imported.
        for role, label, name in ROLE_PAGES:
            url = reverse(name)
            if user.has_role(role) and all(item.url != url for item in items):
                items.append(NavItem(label, url))
        if user.is_staff:
            items.append(NavItem(_("管理后台"), reverse("admin:index")))
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_items": items_for(user)}
