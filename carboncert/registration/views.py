from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from carboncert import jobs
from carboncert.accounts import throttle
from carboncert.catalog.models import Subject
from carboncert.pdf import PdfUnavailable
from carboncert.sittings.models import Sitting
from carboncert.web import XLSX, attachment

from . import access, batch, exports, importing, printing, services, tasks
from .forms import (
    ApplicationForm,
    ApproveForm,
    BatchUploadForm,
    DocumentForm,
    ReasonForm,
    RejectForm,
    SelfApplicationForm,
)
from .models import Application, Document, ImportBatch

Status = Application.Status
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def institution_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.is_institution_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def reviewer_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.is_reviewer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _sitting(day: str) -> Sitting:
    try:
        date = parse_date(day)
    except ValueError:
        date = None
    if date is None:
        raise Http404
    return get_object_or_404(Sitting, date=date)


# --- institution -----------------------------------------------------------------


@institution_required
def institution_home(request):
    today = timezone.localdate()
    mine = access.applications_for(request.user)
    sittings = (
        Sitting.objects.filter(
            Q(date__gte=today, kind=Sitting.Kind.REGULAR) | Q(applications__in=mine)
        )
        .distinct()
        .annotate(count=Count("applications", filter=Q(applications__in=mine)))
        .order_by("date")
    )
    return render(request, "registration/institution_home.html", {"sittings": sittings})


@institution_required
def sitting_dashboard(request, day):
    sitting = _sitting(day)
    applications = access.applications_for(request.user).filter(sitting=sitting)
    status = request.GET.get("status", "")
    shown = applications.filter(status=status) if status in Status.values else applications
    shown = shown.prefetch_related("documents").order_by("person__name")
    by_status = dict(applications.values_list("status").annotate(n=Count("id")))
    by_subject = (
        applications.values("subject__code").annotate(n=Count("id")).order_by("subject__code")
    )
    rows = [(a, services.missing_documents(a)) for a in shown]
    return render(
        request,
        "registration/sitting_dashboard.html",
        {
            "sitting": sitting,
            "rows": rows,
            "status": status,
            "statuses": [(s, s.label, by_status.get(s, 0)) for s in Status],
            "by_subject": by_subject,
            "missing_count": sum(1 for _, missing in rows if missing),
            "total": sum(by_status.values()),
            "open": sitting.registration_closes_at
            and timezone.now() <= sitting.registration_closes_at,
        },
    )


@institution_required
def application_new(request, day):
    sitting = _sitting(day)
    form = ApplicationForm(request.POST or None, sitting=sitting)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                request.user.institution, sitting, form.facts(), by=request.user
            )
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "报名已保存为草稿。请上传材料后提交审核。")
            return redirect("registration:application", pk=application.pk)
    return render(request, "registration/application_form.html", {"form": form, "sitting": sitting})


@institution_required
def application_edit(request, pk):
    application = access.get_application_for(request.user, pk)
    form = ApplicationForm(
        request.POST or None,
        sitting=application.sitting,
        initial=ApplicationForm.initial_from(application),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(application, form.facts(), by=request.user)
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "报名信息已更新。")
            return redirect("registration:application", pk=application.pk)
    return render(
        request,
        "registration/application_form.html",
        {"form": form, "sitting": application.sitting, "application": application},
    )


@login_required
def application_detail(request, pk):
    application = access.get_application_for(request.user, pk)
    documents = {d.kind: d for d in application.documents.all()}
    return render(
        request,
        "registration/application_detail.html",
        {
            "application": application,
            "documents": [(kind, documents.get(kind)) for kind in Document.Kind],
            "missing": services.missing_documents(application),
            "can_manage": access.is_institution_staff(request.user),
            "can_review": access.is_reviewer(request.user)
            and application.status == Status.SUBMITTED,
            "document_form": DocumentForm(),
            # Two forms on one page: their fields need ids of their own.
            "approve_form": ApproveForm(auto_id="approve_%s"),
            "reject_form": RejectForm(auto_id="reject_%s"),
            "withdraw_form": ReasonForm(),
            "admitted": services.is_admitted(application),
        },
    )


@institution_required
@require_POST
def document_upload(request, pk):
    application = access.get_application_for(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择材料类型和文件。")
    elif form.cleaned_data["file"].size > MAX_UPLOAD_BYTES:
        messages.error(request, "文件超过 10 MB，请压缩后重新上传。")
    else:
        upload = form.cleaned_data["file"]
        try:
            services.attach_document(
                application, form.cleaned_data["kind"], upload.read(), upload.name, by=request.user
            )
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "材料已上传。")
    return redirect("registration:application", pk=application.pk)


@login_required
def document_file(request, token):
    document = access.get_document_for(request.user, token)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type)
    # Images were re-encoded and may show inline; PDFs are stored as given, so they download.
    is_pdf = document.content_type == "application/pdf"
    response["Content-Disposition"] = "attachment" if is_pdf else "inline"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


@institution_required
@require_POST
def application_submit(request, pk):
    application = access.get_application_for(request.user, pk)
    try:
        services.submit(application, by=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已提交审核。审核员将在1个工作日内完成审核。")
    return redirect("registration:application", pk=application.pk)


@institution_required
@require_POST
def application_withdraw(request, pk):
    application = access.get_application_for(request.user, pk)
    form = ReasonForm(request.POST)
    try:
        services.withdraw(application, by=request.user, reason=form.data.get("reason", ""))
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "报名已撤回。")
    return redirect("registration:application", pk=application.pk)


# --- candidate -------------------------------------------------------------------


@login_required
def my_applications(request):
    applications = access.applications_for(request.user).filter(person_id=request.user.person_id)
    return render(request, "registration/my_applications.html", {"applications": applications})


# --- review --------------------------------------------------------------------------


@reviewer_required
def review_queue(request):
    waiting = (
        access.applications_for(request.user)
        .filter(status=Status.SUBMITTED)
        .prefetch_related("documents")
        .order_by("review_due_at", "submitted_at")
    )
    now = timezone.now()
    rows = [
        (a, services.missing_documents(a), a.review_due_at is not None and a.review_due_at < now)
        for a in waiting
    ]
    return render(
        request,
        "registration/review_queue.html",
        {"rows": rows, "overdue": sum(1 for *_, late in rows if late)},
    )


@reviewer_required
@require_POST
def review_decide(request, pk):
    application = access.get_application_for(request.user, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            form = ApproveForm(request.POST)
            form.is_valid()
            services.approve(application, by=request.user, note=form.cleaned_data.get("note", ""))
            messages.success(request, f"已通过：{application.person.name}")
        elif decision == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                raise services.RegistrationError("请选择未通过的原因。")
            services.reject(
                application,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"已退回：{application.person.name}")
        else:
            raise services.RegistrationError("未知的审核操作。")
    except services.RegistrationError as error:
        messages.error(request, str(error))
        return redirect("registration:application", pk=application.pk)
    return redirect("registration:review_queue")


@reviewer_required
@require_POST
def review_bulk_approve(request):
    ids = request.POST.getlist("application")
    chosen = access.applications_for(request.user).filter(pk__in=[i for i in ids if i.isdigit()])
    approved, skipped = services.bulk_approve(
        list(chosen.prefetch_related("documents")), by=request.user
    )
    if approved:
        messages.success(request, f"已批量通过 {len(approved)} 份报名。")
    for application, why in skipped:
        messages.warning(request, f"{application.person.name}：{why}")
    return redirect("registration:review_queue")


# --- printed papers ------------------------------------------------------------------


def _download(content: bytes, filename: str, content_type="application/pdf"):
    return attachment(content, filename, content_type)


@login_required
def ticket(request, pk):
    application = access.get_application_for(request.user, pk)
    if not services.is_admitted(application):
        raise Http404
    try:
        content = printing.ticket_pdf(application)
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect("registration:application", pk=pk)
    return _download(content, f"准考证_{application.ticket_number}_{application.person.name}.pdf")


@login_required
def review_form(request, pk):
    application = access.get_application_for(request.user, pk)
    try:
        content = printing.review_form_pdf(application)
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect("registration:application", pk=pk)
    return _download(content, f"报名审核表_{application.person.name}.pdf")


@institution_required
def tickets_zip(request, day):
    sitting = _sitting(day)
    applications = (
        access.applications_for(request.user)
        .filter(sitting=sitting, status=Status.APPROVED, ticket_number__isnull=False)
        .select_related("bill_line")
    )
    try:
        content, count = printing.tickets_zip(applications)
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect("registration:sitting_dashboard", day=day)
    if not count:
        messages.warning(request, "本批次还没有已缴费确认的考生，暂无准考证。")
        return redirect("registration:sitting_dashboard", day=day)
    return _download(
        content,
        f"准考证_{sitting.date:%Y%m%d}_{request.user.institution.code}.zip",
        "application/zip",
    )


@institution_required
def export_xlsx(request, day):
    sitting = _sitting(day)
    applications = (
        access.applications_for(request.user)
        .filter(sitting=sitting)
        .prefetch_related("documents")
        .order_by("person__name")
    )
    return _download(
        exports.applications_xlsx(applications),
        f"报名名单_{sitting.date:%Y%m%d}_{request.user.institution.code}.xlsx",
        XLSX,
    )


# --- batch import -------------------------------------------------------------------


def _batch_for(user, pk) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("sitting"), pk=pk, institution_id=user.institution_id
    )


@institution_required
def batch_template(request):
    subjects = Subject.objects.select_related("specialty", "level")
    names = [f"{s.specialty.name_zh}（{s.level.name_zh}）" for s in subjects]
    return _download(
        batch.build_template(names),
        "双碳考核报名表模板.xlsx",
        XLSX,
    )


@institution_required
def batch_upload(request, day):
    sitting = _sitting(day)
    form = BatchUploadForm(request.POST or None, request.FILES or None)
    if getattr(request, "upload_refused", False):
        messages.error(request, "上传的文件过大（超过 500 MB），请分批上传。")
    elif request.method == "POST" and form.is_valid():
        workbook, archive = form.cleaned_data["workbook"], form.cleaned_data.get("documents")
        with transaction.atomic():
            import_batch = ImportBatch(
                institution=request.user.institution,
                sitting=sitting,
                uploaded_by=request.user,
                workbook_name=workbook.name[:200],
                documents_name=archive.name[:200] if archive else "",
            )
            import_batch.workbook.save("batch.xlsx", workbook, save=False)
            if archive:
                import_batch.documents.save("documents.zip", archive, save=False)
            import_batch.save()
            jobs.enqueue(tasks.check_batch, import_batch.pk)
        return redirect("registration:batch", pk=import_batch.pk)
    recent = ImportBatch.objects.filter(institution=request.user.institution, sitting=sitting)[:10]
    return render(
        request,
        "registration/batch_upload.html",
        {"form": form, "sitting": sitting, "recent": recent},
    )


@institution_required
def batch_detail(request, pk):
    import_batch = _batch_for(request.user, pk)
    template = "registration/_batch_status.html" if request.htmx else "registration/batch.html"
    return render(
        request,
        template,
        {
            "batch": import_batch,
            "progress": importing.progress_of(import_batch.pk),
            "busy": import_batch.status
            in (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING),
        },
    )


@institution_required
@require_POST
def batch_import(request, pk):
    import_batch = _batch_for(request.user, pk)
    only_valid = request.POST.get("only_valid") == "1"
    try:
        importing.start_import(import_batch)
    except importing.ImportRefused as error:
        messages.error(request, str(error))
        return redirect("registration:batch", pk=pk)
    jobs.enqueue(tasks.import_batch, import_batch.pk, only_valid, request.user.pk)
    return redirect("registration:batch", pk=pk)


@institution_required
@require_POST
def batch_cancel(request, pk):
    importing.cancel(_batch_for(request.user, pk))
    return redirect(
        "registration:batch_upload", day=f"{_batch_for(request.user, pk).sitting.date:%Y-%m-%d}"
    )


# --- candidates applying themselves ------------------------------------------------------


def _self_registration_sittings():
    return Sitting.objects.filter(
        self_registration=True,
        registration_closes_at__gte=timezone.now(),
        kind=Sitting.Kind.REGULAR,
    ).order_by("date")


def self_apply_list(request):
    return render(
        request, "registration/self_apply_list.html", {"sittings": _self_registration_sittings()}
    )


def self_apply(request, day):
    sitting = _sitting(day)
    if not _self_registration_sittings().filter(pk=sitting.pk).exists():
        raise Http404
    form = SelfApplicationForm(request.POST or None, request.FILES or None, sitting=sitting)
    if getattr(request, "upload_refused", False):
        messages.error(request, "上传的文件过大，请压缩后重新提交。")
    elif request.method == "POST" and form.is_valid():
        address = throttle.client_address(request)
        if not throttle.allow("self-apply", address, limit=20, window_seconds=3600):
            form.add_error(None, "提交过于频繁，请稍后再试。")
        else:
            try:
                application = services.apply_as_candidate(
                    sitting,
                    form.cleaned_data["institution"],
                    form.facts(),
                    form.files_by_kind(),
                )
            except services.RegistrationError as error:
                form.add_error(None, str(error))
            else:
                return render(
                    request, "registration/self_apply_done.html", {"application": application}
                )
    return render(request, "registration/self_apply.html", {"form": form, "sitting": sitting})
