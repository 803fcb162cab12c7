import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carboncert.catalog.models import KnowledgePoint
from carboncert.web import ranged_file

from . import practice, services
from .models import LessonImage


def person_of(request):
    return getattr(request.user, "person", None) if request.user.is_authenticated else None


def _course_or_404(request, code):
    try:
        application = services.application_for(person_of(request), code)
    except services.Refused as error:
        raise Http404(error.message) from None
    return application


def _lesson_or_404(request, pk):
    try:
        return services.open_lesson(person_of(request), pk)
    except services.Refused as error:
        raise Http404(error.message) from None


@login_required
def course_page(request, code):
    application = _course_or_404(request, code)
    course = services.course(application.subject, application.person)
    return render(
        request,
        "learning/course.html",
        {
            "application": application,
            "course": course,
            "minutes_per_hour": services.minutes_per_class_hour(),
        },
    )


@login_required
@never_cache
def lesson_page(request, code, pk):
    application = _course_or_404(request, code)
    lesson = _lesson_or_404(request, pk)
    course = services.course(application.subject, application.person)
    rows = course.lessons
    index = next((i for i, r in enumerate(rows) if r.lesson.pk == lesson.pk), None)
    if index is None:  # open to the person, but through another subject's course
        raise Http404
    sitting = application.sitting.main or application.sitting
    return render(
        request,
        "learning/lesson.html",
        {
            "application": application,
            "course": course,
            "row": rows[index],
            "lesson": lesson,
            "previous": rows[index - 1] if index else None,
            "next": rows[index + 1] if index + 1 < len(rows) else None,
            "max_rate": float(sitting.max_playback_rate),
            "idle_seconds": sitting.idle_seconds,
            "needed_seconds": services.seconds_for(lesson.class_hours),
        },
    )


@login_required
def lesson_file(request, pk):
    lesson = _lesson_or_404(request, pk)
    if not lesson.file:
        raise Http404
    return ranged_file(request, lesson.file, lesson.content_type or "application/octet-stream")


def _number(value, default=0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number == number and abs(number) < 1e7 else default  # no NaN, no inf


@require_POST
def report(request, pk):
    """The lesson page's study report (JSON); the reply is the lesson's progress."""
    if not request.user.is_authenticated:
        return JsonResponse({"code": "login", "message": "登录已失效，请重新登录。"}, status=401)
    try:
        lesson, max_rate = services.lesson_to_study(person_of(request), pk)
    except services.Refused as error:
        return JsonResponse({"code": error.code, "message": error.message}, status=403)
    try:
        data = json.loads(request.body or b"{}")
        segments = tuple(
            (_number(a), _number(b)) for a, b in data.get("segments", [])[: services.MAX_SEGMENTS]
        )
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"code": "bad_report", "message": "学习记录格式不正确。"}, status=400)
    position = data.get("position")
    progress = services.record_report(
        person_of(request),
        lesson,
        services.Report(
            elapsed=_number(data.get("elapsed")),
            segments=segments,
            rate=_number(data.get("rate"), 1.0),
            position=None if position is None else _number(position),
            active=_number(data.get("active")),
            visible=data.get("visible", True) is not False,
        ),
        max_rate=max_rate,
    )
    return JsonResponse(
        {
            "fraction": round(progress.fraction, 4),
            "covered_seconds": round(progress.covered_seconds, 1),
            "active_seconds": round(progress.active_seconds, 1),
            "earned_hours": round(progress.fraction * float(lesson.class_hours), 2),
        }
    )


@login_required
def home(request):
    """我的学习: every application's journey, the current one first."""
    from .journey import journeys

    return render(request, "learning/home.html", {"journeys": journeys(person_of(request))})


# --- practice and the mistakes notebook ----------------------------------------------------


@login_required
def practice_home(request, code):
    application = _course_or_404(request, code)
    return render(
        request,
        "learning/practice.html",
        {
            "application": application,
            "subject": application.subject,
            "modules": practice.mastery(application.person, application.subject),
            "notebook_count": len(practice.open_mistakes(application.person, application.subject)),
        },
    )


@login_required
def practice_point(request, code, point):
    application = _course_or_404(request, code)
    questions = practice.point_set(application.person, application.subject, point)
    name = KnowledgePoint.objects.filter(pk=point).values_list("name", flat=True).first()
    if name is None:
        raise Http404
    return render(
        request,
        "learning/practice_set.html",
        {"subject": application.subject, "title": name, "questions": questions,
         "notebook": False},
    )  # fmt: skip


@login_required
def mistakes(request, code):
    application = _course_or_404(request, code)
    return render(
        request,
        "learning/practice_set.html",
        {"subject": application.subject, "title": _("错题本"),
         "questions": practice.notebook(application.person, application.subject),
         "notebook": True},
    )  # fmt: skip


@login_required
@require_POST
def practice_answer(request, code, question):
    """One answer: the question comes back with its feedback (htmx swaps it in place; a
    page without JavaScript gets the same fragment as a page of its own)."""
    application = _course_or_404(request, code)
    try:
        feedback = practice.answer(
            application.person,
            application.subject,
            question,
            "".join(request.POST.getlist("answer")),
        )
    except services.Refused as error:
        if error.code == "no_question":
            raise Http404(error.message) from None
        shown = practice.pool(application.subject).filter(pk=question).first()
        return render(
            request,
            "learning/_practice_question.html",
            {"q": practice.shown(shown), "subject": application.subject, "error": error.message,
             "standalone": not request.htmx},
            status=400,
        )  # fmt: skip
    return render(
        request,
        "learning/_practice_question.html",
        {"q": feedback.shown, "feedback": feedback, "subject": application.subject,
         "standalone": not request.htmx},
    )  # fmt: skip


@login_required
def lesson_image(request, token, extension):
    """A picture of a lesson body. Its address is a random token, found only in a body, so
    any signed-in user may fetch it (a preview, a course); it never changes."""
    image = get_object_or_404(LessonImage, token=token)
    if extension != image.extension:
        raise Http404
    response = ranged_file(request, image.file, image.content_type)
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
