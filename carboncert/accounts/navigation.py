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
)


ROLE_PAGES = (
    (roles.CANDIDATE, _("我的报名"), "registration:mine"),
    (roles.INSTITUTION, _("考生报名"), "registration:institution_home"),
    (roles.REVIEWER, _("资格审核"), "registration:review_queue"),
    (roles.ADMINISTRATOR, _("资格审核"), "registration:review_queue"),
    (roles.QUESTION_EDITOR, _("题库"), "bank:questions"),
    (roles.PROCTOR, _("考场"), "exams:proctor"),
    (roles.ADMINISTRATOR, _("考场"), "exams:proctor"),
    (roles.ADMINISTRATOR, _("题库"), "bank:questions"),
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
