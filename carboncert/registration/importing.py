"""Batch registration: check an institution's spreadsheet and ZIP, then import all or the valid rows.

Checking reads everything and reports every problem with its row and column;
importing checks again (the world may have moved since) and writes the rows
in one transaction, so a file is never half imported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from carboncert.accounts.models import Person

from . import batch, documents, services
from .models import Application, ImportBatch

log = logging.getLogger(__name__)

MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
MAX_ZIP_BYTES = 500 * 1024 * 1024
ZIP_COLUMN = "材料压缩包"


@dataclass
class Checked:
    rows: list[batch.ApplicationRow]  # rows with no problem at all
    problems: list[batch.Problem]
    total: int
    files: dict[str, dict[str, tuple[str, bytes]]]
    cleaned: dict[tuple[str, str], documents.CheckedFile]  # (id number, kind) -> checked file


def progress_key(batch_id: int) -> str:
    return f"import-batch:{batch_id}:progress"


def report_progress(batch_id: int, stage: str, done: int, total: int) -> None:
    # The cache, not the row: the import runs inside one transaction nobody else can see into.
    cache.set(progress_key(batch_id), {"stage": stage, "done": done, "total": total}, 3600)


def progress_of(batch_id: int) -> dict | None:
    return cache.get(progress_key(batch_id))


def _read(field) -> bytes:
    with field.open("rb") as f:
        return f.read()


def check(import_batch: ImportBatch) -> Checked:
    sitting = import_batch.sitting
    problems: list[batch.Problem] = []
    try:
        services.check_deadline(sitting)
    except services.RegistrationError as error:
        problems.append(batch.Problem(0, "", "", str(error)))
    subjects = {}
    for subject in sitting.subjects.select_related("specialty", "level"):
        subjects[subject.code] = subject.code
        subjects[f"{subject.specialty.name_zh}（{subject.level.name_zh}）"] = subject.code
    registered = set(
        Application.objects.filter(sitting=sitting).values_list("person__id_number", flat=True)
    )
    parsed = batch.parse_workbook(
        _read(import_batch.workbook),
        subjects=subjects,
        registered_ids=registered,
        today=timezone.localdate(),
        progress=lambda done, total: report_progress(import_batch.pk, "rows", done, total),
    )
    problems += parsed.problems
    rows = parsed.rows
    ids = {row.id_number for row in rows}
    files: dict[str, dict[str, tuple[str, bytes]]] = {}
    if import_batch.documents:
        # A file for a row with a problem is passed over, not reported as one for nobody.
        matched = batch.match_documents(_read(import_batch.documents), ids | parsed.id_numbers)
        files = matched.files
        # A stray or doubled file is reported but blocks nobody; only an unusable ZIP does.
        problems += [
            batch.Problem(
                0,
                ZIP_COLUMN if p.filename else "",
                "",
                f"{p.filename}：{p.message}" if p.filename else p.message,
            )
            for p in matched.problems
        ]
        problems += batch.missing_photos(rows, matched)
    else:
        problems += [
            batch.Problem(row.row, "", "", "缺少二寸证件照：请同时上传材料 ZIP") for row in rows
        ]
    document_problems, cleaned = _check_documents(rows, files, import_batch.pk)
    problems += document_problems
    problems += _name_problems(rows)
    bad_rows = {p.row for p in problems}
    file_level = any(p.row == 0 and p.column != ZIP_COLUMN for p in problems)
    valid = [] if file_level else [row for row in rows if row.row not in bad_rows]
    total = len(rows) + len({p.row for p in parsed.problems if p.row})
    problems.sort(key=lambda p: (p.row, p.letter, p.column))
    return Checked(valid, problems, total, files, cleaned)


def _check_documents(rows, files, batch_id):
    """Every file checked (and cleaned) once; the import stores the cleaned files it keeps."""
    problems, cleaned = [], {}
    for n, row in enumerate(rows, start=1):
        for kind, (path, content) in files.get(row.id_number, {}).items():
            try:
                cleaned[row.id_number, kind] = documents.check_upload(kind, content, path)
            except documents.DocumentRejected as rejected:
                label = documents.DocumentKind(kind).label
                problems.append(batch.Problem(row.row, label, "", f"{path}：{rejected.message}"))
        if n % 50 == 0 or n == len(rows):
            report_progress(batch_id, "documents", n, len(rows))
    return problems, cleaned


def _name_problems(rows) -> list[batch.Problem]:
    """An ID number already known under another name is a typing error in one place or the other."""
    known = dict(
        Person.objects.filter(id_number__in=[r.id_number for r in rows]).values_list(
            "id_number", "name"
        )
    )
    return [
        batch.Problem(
            row.row,
            "姓名",
            "A",
            f"该身份证号码已登记的姓名为“{known[row.id_number]}”，与填写的不一致",
        )
        for row in rows
        if row.id_number in known and known[row.id_number] != row.name
    ]


def run_check(batch_id: int) -> ImportBatch:
    import_batch = ImportBatch.objects.select_related("sitting").get(pk=batch_id)
    try:
        checked = check(import_batch)
    except Exception:
        # The institution must not watch "检查中" forever; the trace goes to the log.
        log.exception("checking import batch %s failed", batch_id)
        import_batch.status = ImportBatch.Status.FAILED
        import_batch.error = "检查文件时出错，请重新上传；如仍出错，请联系平台管理员。"
        import_batch.save(update_fields=["status", "error"])
        return import_batch
    import_batch.problems = [
        {"row": p.row, "column": p.column, "letter": p.letter, "message": p.message}
        for p in checked.problems
    ]
    import_batch.rows_total = checked.total
    import_batch.rows_valid = len(checked.rows)
    import_batch.status = ImportBatch.Status.CHECKED
    import_batch.save()
    return import_batch


def facts_of(row: batch.ApplicationRow, subject_ids: dict[str, int]) -> services.ApplicantFacts:
    return services.ApplicantFacts(
        id_number=row.id_number,
        name=row.name,
        phone=row.phone,
        email=row.email,
        subject_id=subject_ids[row.subject],
        education=row.education,
        major=row.major,
        major_related=row.related_major,
        graduated_on=row.graduated_on,
        employer=row.employer,
        work_years=row.work_years,
        is_student=row.is_student,
        dual_carbon_level=row.carbon_level,
        dual_carbon_obtained_on=row.carbon_certified_on,
        other_cert_level=row.other_level,
        other_cert_name=row.other_name,
        other_cert_obtained_on=row.other_certified_on,
    )


class ImportRefused(services.RegistrationError):
    pass


def start_import(import_batch: ImportBatch) -> None:
    """Claim the batch for importing; a second click finds it claimed and changes nothing."""
    claimed = ImportBatch.objects.filter(
        pk=import_batch.pk, status=ImportBatch.Status.CHECKED
    ).update(status=ImportBatch.Status.IMPORTING, error="")
    if not claimed:
        raise ImportRefused("这批文件已在导入、已导入或已取消。")


def run_import(batch_id: int, *, only_valid: bool, by) -> ImportBatch:
    """Import the claimed file: all of it (only if it has no problem) or just its valid rows.

    A refusal puts the batch back to checked with the reason, and nothing is written.
    """
    import_batch = ImportBatch.objects.select_related("sitting", "institution").get(pk=batch_id)
    try:
        return _import(import_batch, only_valid=only_valid, by=by)
    except services.RegistrationError as error:
        message = str(error)
    except Exception:
        log.exception("importing batch %s failed", batch_id)
        message = "导入时出错，没有导入任何数据。请重试；如仍出错，请联系平台管理员。"
    import_batch.status = ImportBatch.Status.CHECKED
    import_batch.error = message
    import_batch.save(update_fields=["status", "error"])
    return import_batch


def _import(import_batch: ImportBatch, *, only_valid: bool, by) -> ImportBatch:
    batch_id = import_batch.pk
    checked = check(import_batch)
    if checked.problems and not only_valid:
        raise ImportRefused(
            f"文件中还有 {len(checked.problems)} 个问题：请修改后重新上传，或选择只导入无误的行。"
        )
    if not checked.rows:
        raise ImportRefused("没有可以导入的行。")
    subject_ids = dict(import_batch.sitting.subjects.values_list("code", "pk"))
    with transaction.atomic():
        for n, row in enumerate(checked.rows, start=1):
            application = services.create_application(
                import_batch.institution,
                import_batch.sitting,
                facts_of(row, subject_ids),
                by,
                channel=Application.Channel.BATCH,
            )
            for kind in checked.files.get(row.id_number, {}):
                services.store_document(application, checked.cleaned[row.id_number, kind], by)
            services.submit(application, by)
            if n % 25 == 0 or n == len(checked.rows):
                report_progress(batch_id, "import", n, len(checked.rows))
        import_batch.status = ImportBatch.Status.IMPORTED
        import_batch.imported = len(checked.rows)
        import_batch.save(update_fields=["status", "imported"])
    return import_batch


@transaction.atomic
def cancel(import_batch: ImportBatch) -> None:
    if import_batch.status == ImportBatch.Status.CHECKED:
        import_batch.status = ImportBatch.Status.CANCELLED
        import_batch.save(update_fields=["status"])
