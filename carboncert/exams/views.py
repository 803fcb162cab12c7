from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carboncert.accounts import roles, throttle
from carboncert.web import role_required

from . import services
from .forms import ExamLoginForm, ExtraTimeForm, UnlockForm
from .models import Attempt, Event

CHECK_NAMES = {"browser": "浏览器", "camera": "摄像头", "microphone": "麦克风",
               "fullscreen": "全屏", "network": "网络", "clock": "本机时钟"}  # fmt: skip


def device_problems(detail: dict) -> list[str]:
    """What the candidate's device check warned about or failed, for the exam-room list."""
    return [
        f"{CHECK_NAMES[key]}：{value.split(': ', 1)[-1]}"
        for key, value in detail.items()
        if key in CHECK_NAMES and not value.startswith("ok:")
    ]


SESSION_KEY = "exam_attempt"


@never_cache
def exam_login(request):
    form = ExamLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attempt = services.exam_login(
                form.cleaned_data["id_number"],
                form.cleaned_data["password"],
                throttle.client_address(request),
            )
        except services.Refused as error:
            form.add_error(None, error.message)
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = attempt.pk
            return redirect("exams:attempt")
    return render(request, "exams/login.html", {"form": form})


@never_cache
def attempt_page(request):
    attempt = (
        Attempt.objects.select_related("sitting", "application__person", "application__subject")
        .filter(pk=request.session.get(SESSION_KEY))
        .first()
    )
    if attempt is None:
        return redirect("exams:login")
    attempt = services.hand_in_if_over(attempt)
    if attempt.status == Attempt.Status.HANDED_IN:
        return render(request, "exams/receipt.html", {"attempt": attempt})
    return render(
        request,
        "exams/attempt.html",
        {
            "attempt": attempt,
            "token": services.token_for(attempt),
            "api": reverse("api:api-root").rstrip("/") + "/exam",
        },
    )


# --- the exam-room manager's page -------------------------------------------------------------


proctor_required = role_required(roles.PROCTOR, roles.ADMINISTRATOR)


@proctor_required
def proctor(request):
    today = timezone.localdate()
    attempts = list(
        Attempt.objects.filter(sitting__date=today)
        .select_related("application__person", "application__subject")
        .order_by("application__subject__code", "application__person__name")
    )
    checks = {}  # the latest device check of each attempt
    for attempt_id, detail in Event.objects.filter(
        attempt__in=attempts, kind="device_check"
    ).values_list("attempt_id", "detail"):
        checks[attempt_id] = detail
    for attempt in attempts:
        detail = checks.get(attempt.pk)
        attempt.device_problems = None if detail is None else device_problems(detail)
    return render(
        request,
        "exams/proctor.html",
        {
            "attempts": attempts,
            "today": today,
            "extra_form": ExtraTimeForm(),
            "unlock_form": UnlockForm(),
        },
    )


@proctor_required
@require_POST
def grant_extra_time(request, pk):
    attempt = get_object_or_404(Attempt, pk=pk)
    form = ExtraTimeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写补时分钟数（1–120）和原因。")
    else:
        try:
            services.grant_extra_time(
                attempt, form.cleaned_data["minutes"], request.user, form.cleaned_data["reason"]
            )
        except services.Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"已为 {attempt.application.person.name} 补时 {form.cleaned_data['minutes']} 分钟。",
            )
    return redirect("exams:proctor")


@proctor_required
@require_POST
def unlock(request):
    form = UnlockForm(request.POST)
    if form.is_valid():
        services.unlock_login(form.cleaned_data["id_number"], by=request.user)
        messages.success(request, "已解除该考生的登录锁定。")
    else:
        messages.error(request, "请输入正确的身份证号码。")
    return redirect("exams:proctor")
