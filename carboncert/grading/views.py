from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carboncert.accounts import roles, throttle
from carboncert.bank.assembly import OPTION_KEYS
from carboncert.bank.items import from_data
from carboncert.bank.models import QuestionVersion
from carboncert.sittings.models import Sitting
from carboncert.web import XLSX, attachment, role_required

from . import access, exports, reports, services
from . import marking as marking_rules
from .forms import KeyCorrectionForm, LookupForm, ReviewRequestForm
from .models import Marking, ReviewRequest


def _marking_sittings():
    return Sitting.objects.filter(
        pk__in=Marking.objects.values("attempt__sitting").distinct()
    ).order_by("-date")


def _sitting(request) -> Sitting | None:
    sittings = _marking_sittings()
    chosen = request.GET.get("sitting") or request.POST.get("sitting")
    if chosen:
        try:
            return sittings.get(pk=chosen)
        except (Sitting.DoesNotExist, ValueError):
            raise Http404 from None
    return sittings.first()


# --- the marking workbench (blind: no name, ID number or institution on any of it) ---------


def _shown(task, **context) -> dict:
    pieces = marking_rules.highlight(task.answer, list(task.item.keywords)) if task else []
    return {"task": task, "pieces": pieces, **context}


@never_cache
@role_required(roles.GRADER)
def workbench(request):
    sitting = _sitting(request)
    task = None
    if sitting is not None:
        services.ensure_assignments(sitting)
        task = services.next_task(request.user, sitting)
    mine = reports.grader_counts(request.user, sitting) if sitting else {}
    return render(request, "grading/workbench.html", _shown(task, sitting=sitting, counts=mine,
                                                            mode="mark"))  # fmt: skip


@role_required(roles.GRADER)
@require_POST
def mark(request, pk):
    try:
        services.enter_mark(
            request.user, pk, request.POST.get("points", ""),
            check=request.POST.get("round") == "check",
            criteria=request.POST.getlist("criterion"),
            suggested=request.POST.get("suggested") or None,
        )  # fmt: skip
    except services.MarkRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "分数已保存。")
    return redirect(f"{reverse('grading:workbench')}?sitting={request.POST.get('sitting', '')}")


@never_cache
@role_required(roles.CHIEF_GRADER)
def arbitration(request):
    sitting = _sitting(request)
    task = services.next_arbitration(request.user, sitting) if sitting else None
    return render(request, "grading/workbench.html",
                  _shown(task, sitting=sitting, mode="arbitrate"))  # fmt: skip


@role_required(roles.CHIEF_GRADER)
@require_POST
def arbitrate(request, pk):
    try:
        services.arbitrate(request.user, pk, request.POST.get("points", ""),
                           criteria=request.POST.getlist("criterion"))  # fmt: skip
    except services.MarkRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "仲裁分已保存。")
    return redirect(f"{reverse('grading:arbitration')}?sitting={request.POST.get('sitting', '')}")


@role_required(roles.CHIEF_GRADER, roles.ADMINISTRATOR)
def progress(request):
    sitting = _sitting(request)
    return render(request, "grading/progress.html", {
        "sitting": sitting, "sittings": _marking_sittings(),
        "progress": reports.progress(sitting) if sitting else None,
    })  # fmt: skip


# --- statistics and key corrections ----------------------------------------------------------


@role_required(roles.CHIEF_GRADER, roles.ADMINISTRATOR)
def statistics(request, pk):
    sitting = get_object_or_404(Sitting, pk=pk)
    return render(request, "grading/statistics.html",
                  {"sitting": sitting, "stats": reports.statistics(sitting)})  # fmt: skip


@role_required(roles.QUESTION_EDITOR, roles.ADMINISTRATOR)
def correct_key(request, version_pk):
    version = get_object_or_404(QuestionVersion, pk=version_pk)
    item = from_data(version.content)
    if not item.type.is_choice:
        raise Http404
    labels = [f"{OPTION_KEYS[i]}. {o.text}" for i, o in enumerate(item.options)]
    form = KeyCorrectionForm(request.POST or None, options=labels)
    changed = None
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.correct_key(version, [int(i) for i in form.cleaned_data["correct"]],
                                           request.user, form.cleaned_data["reason"])  # fmt: skip
        except services.CorrectionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"答案已更正，重新评分后 {len(changed)} 名考生的成绩有变化。")
    return render(request, "grading/correct_key.html", {
        "version": version, "item": item, "form": form, "changed": changed,
        "affected": reports.affected_rows(changed) if changed else [],
    })  # fmt: skip


# --- results: the candidate, the public, the institution -------------------------------------


@login_required
def my_results(request):
    if not request.user.has_role(roles.CANDIDATE) or not request.user.person_id:
        raise PermissionDenied
    results = list(access.results_for(request.user).order_by("-sitting__date"))
    for result in results:
        result.review_deadline = services.review_deadline(result.sitting)
        result.review = result.reviews.first()
        result.may_review = (
            result.review is None and result.outcome != result.Outcome.ABSENT
            and result.review_deadline is not None
            and timezone.localdate() <= result.review_deadline
        )  # fmt: skip
    waiting = reports.waiting_applications(request.user.person_id)
    return render(request, "grading/my_results.html", {
        "results": results, "waiting": waiting, "review_form": ReviewRequestForm(),
    })  # fmt: skip


@login_required
@require_POST
def request_review(request, pk):
    result = get_object_or_404(access.results_for(request.user), pk=pk,
                               application__person_id=request.user.person_id or -1)  # fmt: skip
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写申请复核的理由（1000 字以内）。")
    else:
        try:
            services.request_review(result, form.cleaned_data["reason"], request.user)
        except services.MarkRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "复核申请已提交，处理结果将通过短信和站内告知。")
    return redirect("grading:mine")


LOOKUPS_PER_ADDRESS = 20  # in 10 minutes: a family at one address, not a script
LOOKUPS_PER_ID = 5


@never_cache
def lookup(request):
    form = LookupForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        address = throttle.client_address(request)
        if not (
            throttle.allow("results-lookup", address, LOOKUPS_PER_ADDRESS, 600)
            and throttle.allow("results-lookup-id", form.cleaned_data["id_number"],
                               LOOKUPS_PER_ID, 600)
        ):  # fmt: skip
            form.add_error(None, "查询过于频繁，请 10 分钟后再试。")
        else:
            results = list(access.public_lookup(form.cleaned_data["id_number"],
                                                form.cleaned_data["name"]))  # fmt: skip
    return render(request, "grading/lookup.html", {"form": form, "results": results})


@login_required
def institution_results(request):
    if not (request.user.has_role(roles.INSTITUTION) and request.user.institution_id):
        raise PermissionDenied
    results = access.results_for(request.user).order_by(
        "-sitting__date", "application__person__name"
    )
    day = request.GET.get("sitting")
    if day:
        results = results.filter(sitting__pk=day) if day.isdigit() else results.none()
    if request.GET.get("format") == "xlsx":
        return attachment(
            exports.results_xlsx(results), f"考核成绩_{request.user.institution.code}.xlsx", XLSX
        )
    return render(request, "grading/institution_results.html", {"results": results})


# --- reviews (成绩复核) for staff -------------------------------------------------------------


@role_required(roles.ADMINISTRATOR, roles.CHIEF_GRADER)
def reviews(request):
    pending = ReviewRequest.objects.select_related(
        "result__application__person", "result__application__subject", "result__sitting"
    ).order_by("status", "requested_at")
    return render(request, "grading/reviews.html", {"reviews": pending[:500]})


@role_required(roles.ADMINISTRATOR, roles.CHIEF_GRADER)
def review_decide(request, pk):
    review = get_object_or_404(
        ReviewRequest.objects.select_related("result__attempt__score"), pk=pk
    )
    markings = list(Marking.objects.filter(attempt=review.result.attempt_id).order_by("n"))
    if request.method == "POST":
        corrected = {m.pk: request.POST.get(f"marking-{m.pk}", "") for m in markings}
        try:
            services.decide_review(review, request.user, request.POST.get("outcome", ""),
                                   {k: v for k, v in corrected.items() if v.strip()})  # fmt: skip
        except services.MarkRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "复核结果已记录，并已通知考生。")
            return redirect("grading:reviews")
    return render(request, "grading/review_decide.html", {"review": review, "markings": markings})
