"""What each role sees in the navigation bar: a context processor over accounts.roles."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


PUBLIC = (
    (_("项目介绍"), "catalog:programme"),
    (_("报名条件"), "catalog:eligibility"),
    (_("考试安排"), "sittings:list"),
)


def items_for(user) -> list[NavItem]:
    items = [NavItem(label, reverse(name)) for label, name in PUBLIC]
    if user.is_authenticated:
        items.append(NavItem(_("我的工作台"), reverse("accounts:home")))
        if user.is_staff:
            items.append(NavItem(_("管理后台"), reverse("admin:index")))
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_items": items_for(user)}
