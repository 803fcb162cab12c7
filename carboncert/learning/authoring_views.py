"""课程管理: the pages where teachers (师资) and administrators write, publish and order
lessons. The candidate pages refuse unpublished lessons; these preview them."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carboncert.accounts import roles
from carboncert.catalog.models import Subject
from carboncert.web import ranged_file, role_required

from . import authoring, services
from .forms import LessonForm
from .models import Lesson

teacher_required = role_required(roles.TEACHER, roles.ADMINISTRATOR)


def _subjects():
    return Subject.objects.select_related("specialty", "level")


def _subject(code):
    subjects = _subjects()
    return get_object_or_404(subjects, code=code) if code else subjects.first()


def _manage_url(subject_code=None, lesson_pk=None):
    url = reverse("learning:manage")
    if subject_code:
        url += f"?subject={subject_code}"
    if lesson_pk:
        url += f"#lesson-{lesson_pk}"
    return url


def _back(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@teacher_required
def manage(request):
    subject = _subject(request.GET.get("subject"))
    if subject is None:
        raise Http404("尚未导入考试科目。")
    return render(
        request,
        "learning/manage_index.html",
        {
            "subjects": _subjects(),
            "subject": subject,
            "outline": authoring.outline(subject),
            "unplaced": authoring.unplaced_lessons(),
            "minutes_per_hour": services.minutes_per_class_hour(),
        },
    )


def _save(request, form, lesson=None):
    """The form's lesson saved through the services, or None (the reasons on the form)."""
    try:
        if lesson is None:
            return authoring.create_lesson(request.user, **form.values())
        return authoring.update_lesson(lesson, request.user, **form.values())
    except authoring.Invalid as error:
        for name, message in error.errors.items():
            form.add_error(name if name in form.fields else None, message)
    return None


def _lesson_form(request, lesson=None):
    subject_code = request.GET.get("subject", "")
    data, files = request.POST or None, request.FILES or None  # parsing sets upload_refused
    if getattr(request, "upload_refused", False):
        # The request was cut off before its body was read: nothing of it arrived.
        messages.error(request, authoring.too_large_message() + " 请压缩后重新上传。")
        form = LessonForm(lesson=lesson)
    else:
        form = LessonForm(data, files, lesson=lesson)
        if request.method == "POST" and form.is_valid():
            saved = _save(request, form, lesson)
            if saved is not None:
                messages.success(
                    request,
                    f"已保存「{saved.title}」。"
                    + ("" if saved.published else "课程尚未发布，考生暂时看不到。"),
                )
                url = reverse("learning:lesson_edit", args=[saved.pk])
                return redirect(f"{url}?subject={subject_code}" if subject_code else url)
    subject_codes = (
        sorted(
            Subject.objects.filter(pk__in=services.lesson_subject_ids(lesson)).values_list(
                "code", flat=True
            )
        )
        if lesson
        else []
    )
    return render(
        request,
        "learning/manage_lesson.html",
        {
            "form": form,
            "lesson": lesson,
            "points": form.point_choices(),
            "subject_code": subject_code,
            "lesson_subjects": subject_codes,
            "max_mb": authoring.max_upload_bytes() // (1024 * 1024),
        },
    )


@teacher_required
def lesson_new(request):
    return _lesson_form(request)


@teacher_required
def lesson_edit(request, pk):
    return _lesson_form(request, get_object_or_404(Lesson, pk=pk))


@teacher_required
@require_POST
def lesson_publish(request, pk):
    lesson = get_object_or_404(Lesson, pk=pk)
    published = request.POST.get("published") == "1"
    try:
        authoring.set_published(lesson, request.user, published)
    except services.Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"已发布「{lesson.title}」。"
            if published
            else f"已撤回「{lesson.title}」，考生不再看到。",
        )
    return redirect(_back(request, reverse("learning:lesson_edit", args=[pk])))


@teacher_required
@require_POST
def lesson_move(request, pk):
    lesson = get_object_or_404(Lesson, pk=pk)
    subject = get_object_or_404(Subject, code=request.POST.get("subject", ""))
    try:
        authoring.move(lesson, subject, request.POST.get("direction", ""), request.user)
    except services.Refused as error:
        messages.error(request, error.message)
    return redirect(_manage_url(subject.code, lesson.pk))


@teacher_required
@never_cache
def lesson_preview(request, pk):
    """The lesson as candidates will see it, published or not; no study time is recorded."""
    lesson = get_object_or_404(Lesson, pk=pk)
    subjects = Subject.objects.filter(pk__in=services.lesson_subject_ids(lesson)).select_related(
        "specialty", "level"
    )
    return render(
        request,
        "learning/manage_preview.html",
        {
            "lesson": lesson,
            "subjects": subjects,
            "needed_seconds": services.seconds_for(lesson.class_hours),
            "subject_code": request.GET.get("subject", ""),
        },
    )


@teacher_required
def lesson_preview_file(request, pk):
    lesson = get_object_or_404(Lesson, pk=pk)
    if not lesson.file:
        raise Http404
    return ranged_file(request, lesson.file, lesson.content_type or "application/octet-stream")


# What the editor (Jodit's uploader) expects back: the address to insert, or the messages.
def _editor_reply(address: str = "", message: str = "", status: int = 200):
    data = {"files": [address], "isImages": [True], "baseurl": ""} if address else {}
    return JsonResponse(
        {"success": bool(address), "data": {**data, "messages": [message] if message else []}},
        status=status,
    )


@require_POST
def image_upload(request):
    """A picture dropped, pasted or chosen in the lesson editor: stored, and its address
    returned for the body. JSON either way, so the editor can say what went wrong."""
    user = request.user
    if not (
        user.is_authenticated
        and (user.has_role(roles.TEACHER) or user.has_role(roles.ADMINISTRATOR))
    ):
        return _editor_reply(message="没有上传课程图片的权限，请重新登录。", status=403)
    if getattr(request, "upload_refused", False):
        return _editor_reply(message="上传的文件过大。", status=413)
    try:
        image = authoring.store_image(user, request.FILES.get("image"))
    except services.Refused as refusal:
        status = 413 if refusal.code == "image_size" else 400
        return _editor_reply(message=refusal.message, status=status)
    return _editor_reply(address=image.address)
