from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from carboncert.accounts import roles
from carboncert.exams.models import Attempt
from carboncert.web import role_required

from . import services
from .models import CheatingCase

proctor_required = role_required(roles.PROCTOR, roles.ADMINISTRATOR)


@proctor_required
def cases(request):
    found = CheatingCase.objects.select_related(
        "attempt__application__person", "attempt__application__subject", "attempt__sitting",
        "decided_by",
    ).order_by("status", "-opened_at")  # fmt: skip
    return render(request, "proctoring/cases.html", {"cases": found[:300]})


@proctor_required
@require_POST
def decide(request, pk):
    case = get_object_or_404(CheatingCase, pk=pk)
    verdict = request.POST.get("verdict")
    if verdict not in ("confirm", "dismiss"):
        messages.error(request, "请选择认定违纪或不予认定。")
        return redirect("proctoring:cases")
    try:
        services.decide(case, verdict == "confirm", request.user, request.POST.get("reason", ""))
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "判定已记录。")
    return redirect("proctoring:cases")


@proctor_required
@require_POST
def open_case(request, attempt_pk):
    attempt = get_object_or_404(Attempt, pk=attempt_pk)
    services.open_case(attempt, CheatingCase.Source.MANUAL, by=request.user)
    messages.success(request, f"已对 {attempt.application.person.name} 发起违纪判定。")
    return redirect("proctoring:cases")
