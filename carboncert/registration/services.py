"""State changes for registration: applications, documents, review, bills and payments.

Every function here is the one path for its change: the institution's pages,
the reviewer's queue, the batch import and the admin all call them. Each is
atomic, locks the rows it moves, and writes the audit row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from carboncert.accounts.models import Institution, Person
from carboncert.accounts.services import ensure_candidate_login
from carboncert.audit.services import record
from carboncert.sittings.services import working_calendar
from carboncert.sittings.workdays import CalendarNotCovered

from . import documents as document_rules
from . import eligibility, signals
from .models import Application, Bill, BillLine, Document, Payment, SubjectFee

Status = Application.Status

REJECT_REASONS = {
    "documents_missing": "报名材料不全",
    "documents_unclear": "材料不清晰或无法辨认",
    "photo_invalid": "证件照不符合要求（二寸蓝底免冠彩色）",
    "identity_mismatch": "身份信息与证件不一致",
    "not_eligible": "不符合报考等级的报名条件",
    "proof_insufficient": "工作年限或证书证明不足",
    "other": "其他原因",
}


class RegistrationError(ValueError):
    """A refused change, with a message for the person who asked (Chinese)."""


def move(application: Application, to: str, by, reason: str = "", **changes) -> Application:
    """The one place an application's status changes: refuses illegal moves, audits the rest."""
    if to not in Application.MOVES[application.status]:
        raise RegistrationError(
            f"报名状态为“{application.get_status_display()}”，不能改为“{Status(to).label}”。"
        )
    before = application.status
    application.status = to
    for field, value in changes.items():
        setattr(application, field, value)
    application.save()
    record(
        by,
        f"registration.application.{to}",
        application,
        before={"status": before},
        after={"status": to, **{k: v for k, v in changes.items() if k != "reviewed_by"}},
        reason=reason,
    )
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("sitting", "subject__level")
        .get(pk=application.pk)
    )


def check_deadline(sitting, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    if sitting.registration_closes_at and now > sitting.registration_closes_at:
        closes = timezone.localtime(sitting.registration_closes_at)
        raise RegistrationError(
            f"本考试批次（{sitting.date:%Y-%m-%d}）的报名已于 {closes:%Y-%m-%d %H:%M} 截止，不能再提交。"
        )


# --- applications --------------------------------------------------------------


@dataclass
class ApplicantFacts:
    """What an institution enters for one application (form or spreadsheet row)."""

    id_number: str
    name: str
    phone: str
    subject_id: int
    education: str
    email: str = ""
    major: str = ""
    major_related: bool = False
    graduated_on: datetime.date | None = None
    employer: str = ""
    work_years: Decimal = Decimal(0)
    is_student: bool = False
    dual_carbon_level: int = 0
    dual_carbon_obtained_on: datetime.date | None = None
    other_cert_level: int = 0
    other_cert_name: str = ""
    other_cert_obtained_on: datetime.date | None = None

    APPLICATION_FIELDS = (
        "phone",
        "email",
        "education",
        "major",
        "major_related",
        "graduated_on",
        "employer",
        "work_years",
        "is_student",
        "dual_carbon_level",
        "dual_carbon_obtained_on",
        "other_cert_level",
        "other_cert_name",
        "other_cert_obtained_on",
    )


def _person_for(facts: ApplicantFacts) -> Person:
    person = Person.objects.select_for_update().filter(id_number=facts.id_number).first()
    if person is None:
        return Person.objects.create(
            id_number=facts.id_number, name=facts.name, phone=facts.phone, email=facts.email
        )
    if person.name != facts.name:
        raise RegistrationError(
            f"身份证号码 {person.masked_id_number} 已登记的姓名为“{person.name}”，与填写的“{facts.name}”不一致。"
        )
    return person


@transaction.atomic
def create_application(
    institution: Institution,
    sitting,
    facts: ApplicantFacts,
    by,
    channel: str = Application.Channel.INSTITUTION,
) -> Application:
    check_deadline(sitting)
    if sitting.kind != "regular":
        raise RegistrationError("考前测试和补考不单独报名：它们属于对应的正式考试。")
    person = _person_for(facts)
    if Application.objects.filter(person=person, sitting=sitting).exists():
        raise RegistrationError(f"{person} 已在本考试批次（{sitting.date:%Y-%m-%d}）报名。")
    if not sitting.subjects.filter(pk=facts.subject_id).exists():
        raise RegistrationError("本考试批次不考该科目。")
    application = Application(
        person=person,
        institution=institution,
        sitting=sitting,
        subject_id=facts.subject_id,
        channel=channel,
    )
    for field in ApplicantFacts.APPLICATION_FIELDS:
        setattr(application, field, getattr(facts, field))
    application.save()
    record(by, "registration.application.create", application, after={"subject": facts.subject_id})
    return application


@transaction.atomic
def update_application(application: Application, facts: ApplicantFacts, by) -> Application:
    application = _locked(application)
    if not application.editable:
        raise RegistrationError("只有草稿或未通过审核的报名可以修改。")
    if facts.id_number != application.person.id_number:
        raise RegistrationError("身份证号码不能修改；如填错，请撤回本报名后重新报名。")
    before = {f: getattr(application, f) for f in ApplicantFacts.APPLICATION_FIELDS}
    for field in ApplicantFacts.APPLICATION_FIELDS:
        setattr(application, field, getattr(facts, field))
    application.subject_id = facts.subject_id
    application.save()
    after = {f: getattr(application, f) for f in ApplicantFacts.APPLICATION_FIELDS}
    changed = {f: after[f] for f in after if after[f] != before[f]}
    record(
        by,
        "registration.application.update",
        application,
        before={f: before[f] for f in changed},
        after=changed,
    )
    return application


@transaction.atomic
def apply_as_candidate(
    sitting, institution: Institution, facts: ApplicantFacts, files: dict[str, tuple[bytes, str]]
) -> Application:
    """A candidate's own application (where the sitting allows it): filled, documented and
    submitted in one go, or not at all. The chosen institution collects the fee as usual."""
    if not sitting.self_registration:
        raise RegistrationError("本考试批次不接受考生自行报名，请通过合作机构报名。")
    if not institution.is_active:
        raise RegistrationError("所选合作机构目前不接受报名，请另选一家。")
    application = create_application(
        institution, sitting, facts, by=None, channel=Application.Channel.SELF
    )
    for kind, (data, filename) in files.items():
        attach_document(application, kind, data, filename, by=None)
    return submit(application, by=None)


def missing_documents(application: Application) -> list[str]:
    have = {d.kind for d in application.documents.all()}
    return [str(Document.Kind(k).label) for k in Document.REQUIRED if k not in have]


@transaction.atomic
def submit(application: Application, by, now: datetime.datetime | None = None) -> Application:
    application = _locked(application)
    check_deadline(application.sitting, now)
    if not application.documents.filter(kind=Document.Kind.PHOTO).exists():
        raise RegistrationError("请先上传二寸蓝底证件照：它用于考试时的身份核验，并印在证书上。")
    now = now or timezone.now()
    decision = decide_eligibility(application)
    return move(
        application,
        Status.SUBMITTED,
        by,
        submitted_at=now,
        submission_count=application.submission_count + 1,
        review_due_at=review_due(now),
        eligible=decision.eligible,
        eligibility_summary=decision.summary,
    )


def review_due(submitted_at: datetime.datetime) -> datetime.datetime | None:
    """One working day after submission (SPEC §3), or None while that day's calendar is unknown."""
    local = timezone.localtime(submitted_at)
    try:
        day = working_calendar().add_workdays(local.date(), 1)
    except CalendarNotCovered:
        return None
    return local.replace(year=day.year, month=day.month, day=day.day)


@transaction.atomic
def withdraw(application: Application, by, reason: str) -> Application:
    application = _locked(application)
    if hasattr(application, "bill_line") and application.bill_line.paid_at:
        raise RegistrationError("已缴费的报名不能撤回，请联系管理员办理。")
    if not reason.strip():
        raise RegistrationError("撤回报名需要填写原因。")
    if hasattr(application, "bill_line"):
        application.bill_line.delete()
    return move(application, Status.WITHDRAWN, by, reason=reason)


# --- review ----------------------------------------------------------------------


@transaction.atomic
def approve(application: Application, by, note: str = "") -> Application:
    application = _locked(application)
    fee = SubjectFee.objects.filter(subject=application.subject).first()
    if fee is None:
        raise RegistrationError(
            f"科目 {application.subject.code} 尚未设置报名费，请联系管理员设置后再审核。"
        )
    move(
        application,
        Status.APPROVED,
        by,
        reason=note,
        reviewed_at=timezone.now(),
        reviewed_by=by,
        reject_reason="",
        reject_note=note,
    )
    bill, _ = Bill.objects.get_or_create(
        institution=application.institution,
        sitting=application.sitting,
        defaults={"number": bill_number(application.institution, application.sitting)},
    )
    BillLine.objects.create(bill=bill, application=application, amount=fee.amount)
    _admit_paid_lines(bill)
    # From now on the candidate follows their own application (SPEC §2).
    ensure_candidate_login(application.person, by=by)
    application_id = application.pk  # proctoring enrols the photo's face
    transaction.on_commit(lambda: signals.approved.send(Application, application_id=application_id))
    return application


@transaction.atomic
def reject(application: Application, by, reason: str, note: str = "") -> Application:
    if reason not in REJECT_REASONS:
        raise RegistrationError("请选择未通过的原因。")
    if reason == "other" and not note.strip():
        raise RegistrationError("选择“其他原因”时请填写审核意见。")
    application = _locked(application)
    return move(
        application,
        Status.REJECTED,
        by,
        reason=f"{REJECT_REASONS[reason]} {note}".strip(),
        reviewed_at=timezone.now(),
        reviewed_by=by,
        reject_reason=reason,
        reject_note=note,
    )


def is_clean(application: Application) -> bool:
    """Safe to approve in bulk: the rules say eligible and every required document is there."""
    return (
        application.status == Status.SUBMITTED
        and application.eligible is True
        and not missing_documents(application)
    )


def bulk_approve(applications, by) -> tuple[list[Application], list[tuple[Application, str]]]:
    """Approve each clean application on its own (each audited); report the rest with why."""
    approved, skipped = [], []
    for application in applications:
        if not is_clean(application):
            skipped.append(
                (application, "不符合批量通过条件（资格未判定为符合或材料不全），请逐个审核")
            )
            continue
        try:
            approved.append(approve(application, by, note="批量审核通过"))
        except RegistrationError as error:
            skipped.append((application, str(error)))
    return approved, skipped


# --- bills and payments ------------------------------------------------------------


def bill_number(institution: Institution, sitting) -> str:
    return f"B{sitting.date:%Y%m%d}-{institution.code}".upper()[:40]


def payment_problems(bill: Bill, amount, paid_on: datetime.date, reference: str) -> list[str]:
    problems = []
    if amount is None or Decimal(amount) <= 0:
        problems.append("缴费金额必须大于0。")
    if paid_on is None or paid_on > timezone.localdate():
        problems.append("到账日期不能为空，也不能晚于今天。")
    if not (reference or "").strip():
        problems.append("请填写缴费凭证号。")
    elif bill.payments.filter(reference=reference.strip()).exists():
        problems.append(f"凭证号 {reference.strip()} 已登记过，不能重复登记。")
    return problems


@transaction.atomic
def record_payment(
    bill: Bill, amount: Decimal, paid_on: datetime.date, reference: str, by
) -> Payment:
    """Record money received against a bill; the lines it covers become admissions."""
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    problems = payment_problems(bill, amount, paid_on, reference)
    if problems:
        raise RegistrationError(" ".join(problems))
    payment = Payment.objects.create(
        bill=bill,
        amount=Decimal(amount),
        paid_on=paid_on,
        reference=reference.strip(),
        recorded_by=by,
    )
    admitted = _admit_paid_lines(bill)
    record(
        by,
        "registration.payment.record",
        bill,
        after={
            "amount": str(payment.amount),
            "reference": payment.reference,
            "admitted": len(admitted),
        },
    )
    return payment


def bill_balance(bill: Bill) -> dict[str, Decimal]:
    total = sum((line.amount for line in bill.lines.all()), Decimal(0))
    paid = sum((p.amount for p in bill.payments.all()), Decimal(0))
    return {"total": total, "paid": paid, "due": max(total - paid, Decimal(0))}


def _admit_paid_lines(bill: Bill) -> list[BillLine]:
    """Money received covers lines in the order they were billed; each covered line is admitted."""
    paid = sum((p.amount for p in bill.payments.all()), Decimal(0))
    covered = sum((line.amount for line in bill.lines.filter(paid_at__isnull=False)), Decimal(0))
    available = paid - covered
    admitted = []
    for line in bill.lines.filter(paid_at__isnull=True).select_related("application__subject"):
        if line.amount > available:
            break
        available -= line.amount
        line.paid_at = timezone.now()
        line.save(update_fields=["paid_at"])
        _give_ticket_number(line.application)
        admitted.append(line)
    return admitted


def _give_ticket_number(application: Application) -> None:
    if application.ticket_number:
        return
    # Year-month, subject, and the application's own id: unique without a counter to race on.
    subject = application.subject.code.replace("-", "")
    application.ticket_number = f"{application.sitting.date:%Y%m}{subject}{application.pk:07d}"
    application.save(update_fields=["ticket_number"])
    record(
        None,
        "registration.application.admitted",
        application,
        after={"ticket": application.ticket_number},
    )


def is_admitted(application: Application) -> bool:
    return bool(
        application.status == Status.APPROVED
        and application.ticket_number
        and getattr(application, "bill_line", None)
        and application.bill_line.paid_at
    )


# --- documents -------------------------------------------------------------------


def attach_document(
    application: Application, kind: str, data: bytes, filename: str, by
) -> Document:
    """Check, clean and store one upload; it replaces an earlier one of the same kind."""
    try:
        checked = document_rules.check_upload(document_rules.DocumentKind(kind), data, filename)
    except document_rules.DocumentRejected as rejected:
        raise RegistrationError(rejected.message) from None
    return store_document(application, checked, by)


@transaction.atomic
def store_document(application: Application, checked: document_rules.CheckedFile, by) -> Document:
    """Store a file that passed the document checks."""
    application = _locked(application)
    if not application.editable:
        raise RegistrationError("报名已提交，材料不能再修改；如需修改，请等待审核结果。")
    kind = str(checked.kind)
    old = Document.objects.filter(application=application, kind=kind).first()
    if old is not None:
        old.file.delete(save=False)
        old.delete()
    document = Document(
        application=application,
        kind=kind,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        width=checked.width,
        height=checked.height,
        pages=checked.page_count,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    name = f"{checked.sha256[:16]}{checked.extension}"
    document.file.save(name, ContentFile(checked.content), save=False)
    document.save()
    record(
        by,
        "registration.document.upload",
        application,
        after={"kind": kind, "sha256": checked.sha256, "replaced": old is not None},
    )
    return document


# --- eligibility ---------------------------------------------------------------------

EDUCATION_BY_LABEL = {e.label: e for e in eligibility.Education}


def applicant_facts(application: Application) -> eligibility.Applicant:
    """The application as the eligibility rules read it."""
    degrees = ()
    if application.education and application.graduated_on:
        degrees = (
            eligibility.Degree(
                EDUCATION_BY_LABEL[application.education],
                application.graduated_on,
                application.major_related,
            ),
        )
    periods = tuple(
        eligibility.WorkPeriod(
            datetime.date.fromisoformat(p["start"]),
            datetime.date.fromisoformat(p["end"]) if p.get("end") else None,
        )
        for p in application.work_periods or ()
    )
    certificates = []
    if application.dual_carbon_level and application.dual_carbon_obtained_on:
        certificates.append(
            eligibility.Certificate(
                eligibility.CertificateKind.DUAL_CARBON,
                eligibility.Level(application.dual_carbon_level),
                application.dual_carbon_obtained_on,
            )
        )
    if application.other_cert_level and application.other_cert_obtained_on:
        certificates.append(
            eligibility.Certificate(
                eligibility.CertificateKind.OTHER,
                eligibility.Level(application.other_cert_level),
                application.other_cert_obtained_on,
            )
        )
    return eligibility.Applicant(
        degrees=degrees,
        work_periods=periods,
        declared_work_years=None if periods else application.work_years,
        student=application.is_student,
        certificates=tuple(certificates),
    )


def decide_eligibility(application: Application) -> eligibility.Decision:
    return eligibility.decide(
        applicant_facts(application),
        application.subject.level.code,
        as_of=application.sitting.date,
        work_cutoff=application.sitting.work_years_cutoff,
    )
