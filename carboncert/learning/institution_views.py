"""The institution's pages of its candidates' learning: the table, its export, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from carboncert.accounts import roles
from carboncert.accounts.models import Institution
from carboncert.catalog.models import Subject
from carboncert.sittings.models import Sitting
from carboncert.web import XLSX, attachment, role_required

from . import institution as service
from .services import minutes_per_class_hour

PER_PAGE = 100

SORT_LABELS = [
    ("behind", _("未达标在前")),
    ("name", _("姓名")),
    ("hours", _("已学课时")),
    ("mock", _("模拟最高分")),
    ("studied", _("最近学习")),
]


@dataclass
class Filter:
    applications: object  # the user's scope (QuerySet of Application)
    institutions: list[Institution]  # administrators only: the institution filter's choices
    institution: Institution | None
    sittings: list[Sitting]
    sitting: Sitting | None
    subjects: list[Subject]
    subject: Subject | None
    sort: str

    @property
    def query(self) -> str:
        params = {"sitting": self.sitting.pk if self.sitting else "",
                  "subject": self.subject.code if self.subject else "",
                  "institution": self.institution.pk if self.institution else ""}  # fmt: skip
        return urlencode({k: v for k, v in params.items() if v})

    @property
    def sorted_query(self) -> str:
        """The filter's query with its order: what the pager's links and the export keep."""
        extra = "" if self.sort == "behind" else urlencode({"sort": self.sort})
        return "&".join(q for q in (self.query, extra) if q)

    def listed(self):
        return service.listed(self.applications, self.sitting, self.subject)


def _filter(request, data) -> Filter:
    user = request.user
    if not service.may_view(user):
        raise PermissionDenied
    today = timezone.localdate()
    institutions, institution = [], None
    if service.sees_all(user):
        institutions = list(Institution.objects.order_by("code"))
        wanted = data.get("institution", "")
        institution = next((i for i in institutions if str(i.pk) == wanted), None)
    applications = service.scope(user, institution)
    sittings = list(service.sittings(applications, today))
    wanted = data.get("sitting", "")
    if wanted:
        sitting = next((s for s in sittings if str(s.pk) == wanted), None)
        if sitting is None:
            raise Http404
    else:
        sitting = service.default_sitting(sittings, applications, today)
    subjects = service.subjects(applications, sitting)
    code = data.get("subject", "")
    subject = next((s for s in subjects if s.code == code), None)
    sort = data.get("sort", "")
    return Filter(applications, institutions, institution, sittings, sitting, subjects, subject,
                  sort if sort in service.SORTS else "behind")  # fmt: skip


@role_required(roles.INSTITUTION, roles.ADMINISTRATOR)
def progress(request):
    chosen = _filter(request, request.GET)
    rows = service.sorted_rows(service.progress_table(chosen.listed()), chosen.sort)
    today = timezone.localdate()
    # Every row is counted (totals, the order, "remind all"); a page of them is shown.
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/institution_progress.html",
        {
            "filter": chosen,
            "page": page,
            "rows": [(r, service.remindable(r, today)) for r in page],
            "totals": service.totals(rows),
            "remindable": sum(service.remindable(r, today) for r in rows),
            "today": today,
            "minutes_per_hour": minutes_per_class_hour(),
            "sees_all": service.sees_all(request.user),
            "sorts": SORT_LABELS,
            "again_hours": int(service.REMIND_AGAIN_AFTER.total_seconds() // 3600),
        },
    )


@role_required(roles.INSTITUTION, roles.ADMINISTRATOR)
def export(request):
    chosen = _filter(request, request.GET)
    rows = service.sorted_rows(service.progress_table(chosen.listed()), chosen.sort)
    name = "学习进度"
    if chosen.sitting:
        name += f"_{chosen.sitting.date:%Y-%m-%d}"
    if chosen.subject:
        name += f"_{chosen.subject.code}"
    if chosen.institution:
        name += f"_{chosen.institution.code}"
    content = service.progress_xlsx(rows, with_institution=service.sees_all(request.user))
    return attachment(content, f"{name}.xlsx", XLSX)


@require_POST
@role_required(roles.INSTITUTION, roles.ADMINISTRATOR)
def remind(request):
    chosen = _filter(request, request.POST)
    back = reverse("learning:institution") + (f"?{chosen.query}" if chosen.query else "")
    try:
        if request.POST.get("target") == "all":
            applications = list(chosen.listed())
        else:
            applications = service.chosen(chosen.applications, request.POST.getlist("application"))
        outcome = service.remind(
            request.user, applications, channels=request.POST.getlist("channel")
        )
    except service.Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(back)
    level = messages.WARNING if outcome.unreachable else messages.SUCCESS
    messages.add_message(request, level, outcome.message())
    return redirect(back)
