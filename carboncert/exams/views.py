from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from carboncert.accounts import throttle

from . import services
from .forms import ExamLoginForm
from .models import Attempt

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


# The exam room's page is the proctor console (proctoring.views).


def proctor(request):
    return redirect("proctoring:console_index")
