"""The proctor's pages: the live console of a sitting, a candidate's timeline and the
actions on it, the identity queue, cheating cases; and the pictures, for the sitting's
proctors and the administrators only."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carboncert.accounts import roles
from carboncert.exams import services as exams
from carboncert.exams.forms import ExtraTimeForm, UnlockForm
from carboncert.exams.models import Attempt, Snapshot
from carboncert.sittings.models import Sitting
from carboncert.web import role_required

from . import console, services
from .models import CheatingCase, IdentityCheck

proctor_required = role_required(roles.PROCTOR, roles.ADMINISTRATOR)


def _sitting_for(request, pk) -> Sitting:
    sitting = get_object_or_404(Sitting, pk=pk)
    if not services.may_see(request.user, sitting):
        raise PermissionDenied
    return sitting


def _attempt_for(request, pk) -> Attempt:
    attempt = get_object_or_404(
        Attempt.objects.select_related("sitting", "application__person", "application__subject"),
        pk=pk,
    )
    if not services.may_see(request.user, attempt.sitting):
        raise PermissionDenied
    return attempt


def _back(attempt: Attempt):
    return redirect("proctoring:candidate", attempt.pk)


# --- the console ---------------------------------------------------------------------------


@proctor_required
def console_index(request):
    """The sittings this proctor is on duty at; today's straight away."""
    today = timezone.localdate()
    mine = services.sittings_of(request.user)
    current = mine.filter(date=today).first()
    if current is not None:
        return redirect("proctoring:console", current.pk)
    upcoming = mine.filter(date__gte=today).order_by("date")[:20]
    recent = mine.filter(date__lt=today).order_by("-date")[:10]
    return render(
        request, "proctoring/console_index.html", {"upcoming": upcoming, "recent": recent}
    )


def _console_context(request, sitting):
    wanted = request.GET.get("show", "all")
    if wanted not in console.FILTERS:
        wanted = "all"
    everyone = console.rows(sitting, timezone.now())
    shown = [r for r in everyone if console.keep(r, wanted)]
    return {
        "sitting": sitting,
        "rows": shown,
        "tabs": console.tabs(everyone),
        "wanted": wanted,
        "pending": console.pending_photos(sitting).count(),
        "open_cases": CheatingCase.objects.filter(attempt__sitting=sitting, status="open").count(),
        "now": timezone.now(),
    }


@proctor_required
def sitting_console(request, pk):
    sitting = _sitting_for(request, pk)
    context = _console_context(request, sitting)
    if request.htmx:  # the poll: only the live part
        return render(request, "proctoring/_console_rows.html", context)
    context["unlock_form"] = UnlockForm()
    return render(request, "proctoring/console.html", context)


@proctor_required
def candidate(request, pk):
    attempt = _attempt_for(request, pk)
    enrolment = getattr(attempt.application, "face", None)
    return render(
        request,
        "proctoring/candidate.html",
        {
            "attempt": attempt,
            "moments": console.timeline(attempt),
            "cases": attempt.cases.select_related("decided_by", "first_confirmed_by"),
            "enrolment": enrolment,
            "window": exams.window_of(attempt),
            "extra_form": ExtraTimeForm(),
            "seen": exams.last_seen([attempt.pk]).get(attempt.pk),
        },
    )


# --- actions -------------------------------------------------------------------------------


@proctor_required
@require_POST
def extra_time(request, pk):
    attempt = _attempt_for(request, pk)
    form = ExtraTimeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写补时分钟数（1–120）和原因。")
        return _back(attempt)
    minutes = form.cleaned_data["minutes"]
    try:
        exams.grant_extra_time(attempt, minutes, request.user, form.cleaned_data["reason"])
    except exams.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"已为 {attempt.application.person.name} 补时 {minutes} 分钟。")
    return _back(attempt)


@proctor_required
@require_POST
def send_message(request, pk):
    attempt = _attempt_for(request, pk)
    try:
        services.send_message(attempt, request.POST.get("text", ""), request.user)
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "消息已发送，考生页面将在数秒内显示。")
    return _back(attempt)


@proctor_required
@require_POST
def end_attempt(request, pk):
    attempt = _attempt_for(request, pk)
    try:
        exams.end_attempt(attempt, request.user, request.POST.get("reason", ""))
    except exams.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"已收卷：{attempt.application.person.name}。")
    return _back(attempt)


@proctor_required
@require_POST
def clear_flags(request, pk):
    attempt = _attempt_for(request, pk)
    n = services.clear_flags(attempt, request.user)
    messages.success(request, f"已处理 {n} 条监考提示。")
    return _back(attempt)


@proctor_required
@require_POST
def open_case(request, attempt_pk):
    attempt = _attempt_for(request, attempt_pk)
    source = CheatingCase.Source.FLAGS if attempt.flags.exists() else CheatingCase.Source.MANUAL
    case = services.open_case(attempt, source, by=request.user)
    messages.success(request, f"已对 {attempt.application.person.name} 发起违纪判定。")
    return redirect("proctoring:case", case.pk)


@proctor_required
@require_POST
def unlock(request, pk):
    sitting = _sitting_for(request, pk)
    form = UnlockForm(request.POST)
    if form.is_valid():
        exams.unlock_login(form.cleaned_data["id_number"], by=request.user)
        messages.success(request, "已解除该考生的登录锁定。")
    else:
        messages.error(request, "请输入正确的身份证号码。")
    return redirect("proctoring:console", sitting.pk)


# --- identity ------------------------------------------------------------------------------


@proctor_required
def identity_queue(request, pk):
    sitting = _sitting_for(request, pk)
    return render(
        request,
        "proctoring/identity.html",
        {"sitting": sitting, "checks": console.pending_photos(sitting)},
    )


@proctor_required
@require_POST
def decide_identity(request, pk):
    check = get_object_or_404(IdentityCheck.objects.select_related("attempt__sitting"), pk=pk)
    if not services.may_see(request.user, check.attempt.sitting):
        raise PermissionDenied
    verdict = request.POST.get("verdict")
    if verdict not in ("accept", "reject"):
        messages.error(request, "请选择确认本人或判定非本人。")
    else:
        try:
            services.decide_identity(
                check, verdict == "accept", request.user, request.POST.get("reason", "")
            )
        except services.Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "核验结果已记录。")
    return redirect("proctoring:identity", check.attempt.sitting_id)


# --- pictures ------------------------------------------------------------------------------


def _picture(file) -> FileResponse:
    if not file:
        raise Http404("图片已按保存期限删除。")
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("图片已按保存期限删除。") from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@proctor_required
def snapshot_image(request, pk):
    snapshot = get_object_or_404(Snapshot.objects.select_related("attempt__sitting"), pk=pk)
    if not services.may_see(request.user, snapshot.attempt.sitting):
        raise PermissionDenied
    return _picture(snapshot.image)


@proctor_required
def identity_image(request, pk):
    check = get_object_or_404(IdentityCheck.objects.select_related("attempt__sitting"), pk=pk)
    if not services.may_see(request.user, check.attempt.sitting):
        raise PermissionDenied
    return _picture(check.image)


@proctor_required
def application_photo(request, attempt_pk):
    attempt = _attempt_for(request, attempt_pk)
    photo = attempt.application.photo()
    return _picture(photo.file if photo else None)


# --- cases ---------------------------------------------------------------------------------


@proctor_required
def cases(request):
    found = CheatingCase.objects.select_related(
        "attempt__application__person", "attempt__application__subject", "attempt__sitting",
        "decided_by", "first_confirmed_by",
    ).order_by("status", "-opened_at")  # fmt: skip
    if not request.user.has_role(roles.ADMINISTRATOR):
        found = found.filter(attempt__sitting__in=services.sittings_of(request.user))
    return render(request, "proctoring/cases.html", {"cases": found[:300]})


@proctor_required
def case(request, pk):
    found = get_object_or_404(CheatingCase.objects.select_related("attempt__sitting"), pk=pk)
    attempt = _attempt_for(request, found.attempt_id)
    return render(
        request,
        "proctoring/case.html",
        {
            "case": found,
            "attempt": attempt,
            "moments": console.timeline(attempt),
            "snapshots": attempt.snapshots.select_related("look"),
            "two_needed": settings.CASE_CONFIRMATIONS > 1,
        },
    )


@proctor_required
@require_POST
def decide(request, pk):
    found = get_object_or_404(CheatingCase.objects.select_related("attempt__sitting"), pk=pk)
    if not services.may_see(request.user, found.attempt.sitting):
        raise PermissionDenied
    verdict = request.POST.get("verdict")
    back = reverse("proctoring:case", args=[found.pk])
    if verdict not in ("confirm", "dismiss"):
        messages.error(request, "请选择认定违纪或不予认定。")
        return redirect(back)
    evidence = [int(pk) for pk in request.POST.getlist("evidence") if pk.isdigit()]
    try:
        found = services.decide(
            found, verdict == "confirm", request.user, request.POST.get("reason", ""), evidence
        )
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        if found.status == CheatingCase.Status.OPEN:
            messages.success(request, "初判已记录，须由另一位监考人员复核确认。")
        else:
            messages.success(request, "判定已记录。")
    return redirect(back)
