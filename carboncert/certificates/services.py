"""Certificates: issued on the sitting's certificate date (or earlier by an administrator),
numbered without gaps, signed, printed, verified by anyone, revoked with a reason. Audited."""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from carboncert import jobs
from carboncert.audit.services import record
from carboncert.grading.models import Result

from . import keys, numbers, signing, tasks
from .models import Certificate, SerialCounter


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- issuance --------------------------------------------------------------------------------


def next_serial(year: int, subject) -> int:
    """The next serial of a subject's certificates this year, under a row lock held until the
    issuing transaction ends: concurrent issuers queue, a rollback gives the number back."""
    for _ in range(3):
        counter = (
            SerialCounter.objects.select_for_update().filter(year=year, subject=subject).first()
        )
        if counter is not None:
            counter.last += 1
            counter.save(update_fields=["last"])
            return counter.last
        try:
            with transaction.atomic():  # the year's first: two issuers may race to create it
                SerialCounter.objects.create(year=year, subject=subject, last=0)
        except IntegrityError:
            pass
    raise RuntimeError("could not take a certificate serial")


def qr_url(token: str) -> str:
    return settings.PUBLIC_URL + reverse("certificates:scan", args=[token])


def issue(result: Result, by=None, on: datetime.date | None = None) -> Certificate | None:
    """The certificate of one passed result; None if it has one already (or is not passed)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = (
            Result.objects.select_for_update(skip_locked=True, of=("self",))  # not the sitting
            .select_related("application__person", "application__subject__level", "sitting")
            .filter(pk=result.pk, outcome=Result.Outcome.PASSED)
            .first()
        )
        if locked is None or Certificate.objects.filter(result=locked).exists():
            return None  # another issuer has it (or had it), or it is not a pass
        application = locked.application
        subject = application.subject
        number = numbers.compose(on.year, subject.code, next_serial(on.year, subject))
        kid, key = keys.current()
        person = application.person
        payload = signing.Payload(kid, number, person.name, subject.code, subject.level.code, on)
        certificate = Certificate.objects.create(
            number=number, result=locked, application=application, sitting=locked.sitting,
            subject=subject, name=person.name, gender=person.gender,
            masked_id_number=person.masked_id_number, issued_on=on,
            issued_by=by if getattr(by, "pk", None) else None, token=signing.sign(payload, key),
        )  # fmt: skip
        record(by, "certificates.issued", certificate, after={"number": number, "kid": kid})
        if settings.CERTIFICATE_PRINT_ON_ISSUE:
            jobs.enqueue(tasks.print_certificate, certificate.pk, serial=True)
    return certificate


def due(today: datetime.date):
    """Passed results whose sitting's certificate date has come, without a certificate."""
    return Result.objects.filter(
        outcome=Result.Outcome.PASSED,
        sitting__certificates_on__lte=today,
        certificate__isnull=True,
    ).order_by("pk")


def issue_due(today: datetime.date | None = None) -> int:
    """The periodic task's part: every certificate whose day has come. Several issuers may
    run at once: each takes the results the others have not locked."""
    today = today or timezone.localdate()
    issued = 0
    for result in due(today).select_related("sitting").iterator():
        # Dated the sitting's certificate date, even when the task ran a day late.
        if issue(result, on=result.sitting.certificates_on) is not None:
            issued += 1
    return issued


def issue_sitting(sitting, by) -> int:
    """An administrator issues a whole sitting's certificates before its date (audited)."""
    today = timezone.localdate()
    results = Result.objects.filter(sitting=sitting, outcome=Result.Outcome.PASSED,
                                    certificate__isnull=True)  # fmt: skip
    if not sitting.results_on or sitting.results_on > today:
        raise Refused("成绩公布之前不能颁发证书。")
    issued = sum(issue(result, by=by, on=today) is not None for result in results.iterator())
    record(by, "certificates.issued_early", sitting, after={"issued": issued})
    return issued


# --- revocation and re-issue -----------------------------------------------------------------


def revoke(certificate: Certificate, by, reason: str) -> Certificate:
    if not reason.strip():
        raise Refused("撤销证书须填写原因。")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked:
            raise Refused("该证书已撤销。")
        certificate.revoked_at, certificate.revoked_by = timezone.now(), by
        certificate.revoke_reason = reason.strip()
        certificate.save()
        record(by, "certificates.revoked", certificate, reason=certificate.revoke_reason)
    return certificate


def on_case_decided(sender, attempt_id: int, **kwargs) -> None:
    """Cheating confirmed after the certificate was issued: grading has just made the result
    不合格（违纪）, so the certificate is revoked (audited, no person acting)."""
    found = Certificate.objects.filter(result__attempt_id=attempt_id, revoked_at__isnull=True)
    for certificate in found.select_related("result"):
        if certificate.result.outcome != Result.Outcome.PASSED:
            revoke(
                certificate,
                None,
                f"成绩改为“{certificate.result.get_outcome_display()}”（违纪认定）",
            )


def reissue(certificate: Certificate, by, reason: str) -> Certificate:
    """A damaged or lost certificate printed again: the same number, a new PDF (audited)."""
    if not reason.strip():
        raise Refused("补发证书须填写原因。")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked:
            raise Refused("已撤销的证书不能补发。")
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.pdf_version += 1
        certificate.save()
        record(by, "certificates.reissued", certificate,
               after={"version": certificate.pdf_version}, reason=reason.strip())  # fmt: skip
    pdf_of(certificate)
    return certificate


# --- the document ----------------------------------------------------------------------------


def pdf_of(certificate: Certificate) -> bytes:
    """The certificate's PDF, made once and kept (a re-issue makes it anew)."""
    if certificate.pdf:
        try:
            with certificate.pdf.open("rb") as f:
                return f.read()
        except FileNotFoundError:
            pass
    from .printing import render

    content = render(certificate)
    certificate.pdf.save(f"{certificate.number}-{certificate.pdf_version}.pdf",
                         ContentFile(content), save=False)  # fmt: skip
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return content


def zip_of(certificates, name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # PDFs do not compress
        for certificate in certificates:
            archive.writestr(f"{name}/{certificate.number}-{certificate.name}.pdf",
                             pdf_of(certificate))  # fmt: skip
    return out.getvalue()


# --- verification ----------------------------------------------------------------------------


@dataclass
class Verdict:
    """What the public page says: valid, revoked, not_found, not_yet, or forged."""

    outcome: str
    certificate: Certificate | None = None
    opens_on: datetime.date | None = None


def _with_facts():
    """Certificates with what the verification page shows of them."""
    return Certificate.objects.select_related("sitting", "subject__specialty", "subject__level")


def _published(certificate: Certificate, today: datetime.date) -> Verdict:
    opens = certificate.sitting.lookup_on  # a make-up sitting has its own
    if opens is None or today < opens:
        return Verdict("not_yet", opens_on=opens)
    return Verdict("revoked" if certificate.revoked else "valid", certificate)


def look_up(number: str, name: str, today: datetime.date | None = None) -> Verdict:
    """By number and the holder's name: both must match, so a number alone tells nothing."""
    today = today or timezone.localdate()
    number, name = numbers.normalise(number), "".join((name or "").split())
    if not numbers.is_number(number) or not name:
        return Verdict("not_found")
    certificate = _with_facts().filter(number=number).first()
    if certificate is None or certificate.name != name:
        return Verdict("not_found")
    return _published(certificate, today)


def check_token(token: str, today: datetime.date | None = None) -> Verdict:
    """A scanned QR code: the signature first (a forged one never reaches the database
    lookup's answer), then the record, which must say exactly what was signed."""
    today = today or timezone.localdate()
    try:
        payload = signing.verify(token, keys.public_keys())
    except signing.BadToken:
        return Verdict("forged")
    certificate = _with_facts().filter(number=payload.number).first()
    if certificate is None or certificate.token != token.strip():
        return Verdict("not_found")
    return _published(certificate, today)


def credential_of(certificate: Certificate) -> dict:
    """The certificate as a signed Open Badges 3.0 credential (credentials.py)."""
    from . import credentials, printing

    kid, key = keys.current()
    subject = certificate.subject
    achievement_zh = f"{subject.specialty.name_zh}（{subject.level.name_zh}）岗位能力证书"
    achievement_en = f"{subject.specialty.name_en} ({subject.level.name_en})"
    document = credentials.credential(
        number=certificate.number, name=certificate.name, achievement_zh=achievement_zh,
        achievement_en=achievement_en, description=printing.STATEMENT,
        issuer_id=settings.PUBLIC_URL, issuer_name=settings.CERTIFICATE_ISSUER,
        issued_on=certificate.issued_on, verify_url=qr_url(certificate.token),
    )  # fmt: skip
    created = timezone.now().replace(microsecond=0).isoformat()
    method = f"{settings.PUBLIC_URL}{reverse('certificates:keys')}#{kid}"
    return credentials.sign(document, key, method, created)
