"""冲刺班与模拟卷: the list of a course's mock papers, the exam client in practice mode, and
a mock's result with every answer explained."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from carboncert.bank import papers

from . import mock as mocks
from . import services
from .models import MockAttempt
from .views import person_of


def _course_or_404(request, code):
    try:
        return services.application_for(person_of(request), code)
    except services.Refused as error:
        raise Http404(error.message) from None


def _mock_or_404(application, pk) -> MockAttempt:
    """One of this application's own mocks; another person's is not found, like a missing one."""
    found = (
        MockAttempt.objects.select_related("paper__subject", "application__sitting__main")
        .filter(pk=pk, application=application)
        .first()
    )
    if found is None:
        raise Http404("没有这份模拟卷。")
    return found


def sections_of(subject) -> list[dict]:
    """The blueprint's sections as the list page describes them, or nothing if unusable."""
    try:
        blueprint = papers.blueprint_of(subject)
    except ValueError:
        return []
    return [
        {"label": s.type.label, "count": s.count, "points": s.points, "total": s.total}
        for s in blueprint.sections
    ]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mock_list(request, code):
    application = _course_or_404(request, code)
    if request.method == "POST":
        try:
            started = mocks.start_mock(application)
        except services.Refused as error:
            messages.error(request, error.message)
            return redirect("learning:mocks", code)
        return redirect("learning:mock", code, started.pk)
    mocks.hand_in_overdue(application)
    window = mocks.window_of(application)
    state = window.state(timezone.localdate())
    problems = mocks.problems(application) if state == "open" else []
    sitting = mocks.regular_sitting(application)
    return render(
        request,
        "learning/mock_list.html",
        {
            "application": application,
            "subject": application.subject,
            "window": window,
            "state": state,
            "sprint_days": sitting.sprint_days_before,
            "duration": sitting.duration_minutes,
            "not_ready": bool(problems),
            "not_ready_message": mocks.NOT_READY,
            "sections": sections_of(application.subject),
            "attempts": application.mock_attempts.all(),
            "unfinished": mocks.unfinished(application),
        },
    )


@login_required
@never_cache
def mock_page(request, code, pk):
    """The exam client, in practice mode, on one of the candidate's own mocks."""
    application = _course_or_404(request, code)
    found = mocks.hand_in_if_over(_mock_or_404(application, pk))
    if found.handed_in_at is not None:
        return redirect("learning:mock_result", code, found.pk)
    return render(
        request,
        "exams/attempt.html",
        {
            "attempt": found,
            "token": mocks.token_for(found),
            "api": reverse("api:api-root").rstrip("/") + "/mock",
            "practice": True,
            "practice_title": f"模拟卷 · {application.subject}",
            "result_url": reverse("learning:mock_result", args=[code, found.pk]),
            "login_url": reverse("learning:mocks", args=[code]),
        },
    )


@login_required
@never_cache
def mock_result(request, code, pk):
    application = _course_or_404(request, code)
    found = _mock_or_404(application, pk)
    if found.handed_in_at is None:
        if timezone.now() < found.ends_at:
            return redirect("learning:mock", code, found.pk)
        found = mocks.hand_in(found)  # time is up: the client went away before the end
    return render(
        request,
        "learning/mock_result.html",
        {
            "application": application,
            "subject": application.subject,
            "result": mocks.result(found),
            "estimate_note": mocks.ESTIMATE_NOTE,
            "open": mocks.window_of(application).state(timezone.localdate()) == "open",
        },
    )
