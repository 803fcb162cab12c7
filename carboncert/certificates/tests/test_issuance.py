"""Issued on the 40th working day after the sitting, not a day earlier; verifiable from the
45th, "not yet" before; numbered without gaps; revoked and re-issued, audited."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from carboncert import testing
from carboncert.audit.models import AuditEvent
from carboncert.certificates import numbers, services
from carboncert.certificates.models import Certificate

from .conftest import enter_2027, passed_candidates

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


def tick():
    call_command("tick", stdout=io.StringIO())


def test_certificates_come_on_the_40th_working_day_and_lookup_on_the_45th(
    december, time_machine, client
):
    sitting, subject = december
    time_machine.move_to(datetime.datetime(2026, 12, 21, 10, tzinfo=BJ), tick=False)
    passed_candidates(5, sitting, subject, failed=2)
    enter_2027(by=testing.administrator())
    sitting.refresh_from_db()
    # The 40th and 45th working days after 2026-12-19, counted with 2027's holidays.
    assert sitting.certificates_on == datetime.date(2027, 2, 20)
    assert sitting.lookup_on == datetime.date(2027, 2, 26)

    time_machine.move_to(datetime.datetime(2027, 2, 19, 23, 59, tzinfo=BJ), tick=False)
    tick()
    assert not Certificate.objects.exists()  # not a day earlier
    time_machine.move_to(datetime.datetime(2027, 2, 20, 1, 0, tzinfo=BJ), tick=False)
    tick()
    issued = list(Certificate.objects.order_by("number"))
    assert [c.number for c in issued] == [f"2027CE1{n:06d}" for n in range(1, 6)]
    assert {c.issued_on for c in issued} == {datetime.date(2027, 2, 20)}
    assert AuditEvent.objects.filter(action="certificates.issued").count() == 5
    time_machine.move_to(datetime.datetime(2027, 2, 22, 9, 0, tzinfo=BJ), tick=False)
    passed_candidates(1, sitting, subject, first=50)  # a late pass (after a review)
    tick()
    assert Certificate.objects.count() == 6  # the failed ones get none, nobody gets two
    late = Certificate.objects.get(name="考生050")
    assert late.issued_on == datetime.date(2027, 2, 20)  # the sitting's date, not the tick's

    zhang = next(c for c in issued if c.name == "张三")
    ask = {"number": zhang.number, "name": "张三"}
    page = client.get("/verify/", ask).content.decode()
    assert "暂未开放查询" in page and "2027年2月26日" in page and zhang.masked_id_number not in page
    time_machine.move_to(datetime.datetime(2027, 2, 26, 8, 0, tzinfo=BJ), tick=False)
    page = client.get("/verify/", ask).content.decode()
    assert "证书有效" in page and zhang.masked_id_number in page and "碳排放管理技术" in page
    assert "证书有效" not in client.get("/verify/", {**ask, "name": "李四"}).content.decode()


def test_an_administrator_issues_a_sitting_early_once_results_are_out(december, time_machine):
    sitting, subject = december
    time_machine.move_to(datetime.datetime(2026, 12, 21, 10, tzinfo=BJ), tick=False)
    passed_candidates(3, sitting, subject)
    admin = testing.administrator()
    with pytest.raises(services.Refused, match="成绩公布之前"):
        services.issue_sitting(sitting, admin)
    enter_2027()
    sitting.refresh_from_db()
    time_machine.move_to(
        datetime.datetime.combine(sitting.results_on, datetime.time(9), tzinfo=BJ), tick=False
    )
    assert services.issue_sitting(sitting, admin) == 3
    assert services.issue_sitting(sitting, admin) == 0
    assert set(Certificate.objects.values_list("issued_by", flat=True)) == {admin.pk}
    assert AuditEvent.objects.filter(action="certificates.issued_early", actor=admin).count() == 2


def test_numbers_follow_the_documented_scheme():
    assert numbers.compose(2027, "CE-1", 42) == "2027CE1000042"
    assert numbers.normalise(" 2027-ce1 000042 ") == "2027CE1000042"
    assert numbers.normalise("２０２７ＣＥ１００００４２") == "2027CE1000042"  # full width
    assert not numbers.is_number("2027CE1٠٠٠٠٤٢")  # ASCII digits only
    assert numbers.serial_of("2027CE1000042") == 42
    assert not numbers.is_number("2027CE4000042") and not numbers.is_number("2027CE100004")
    with pytest.raises(numbers.BadNumber):
        numbers.compose(2027, "CE-1", 1_000_000)


def test_revoked_and_reissued_are_audited_and_keep_the_number(december, time_machine, client):
    sitting, subject = december
    [result] = passed_candidates(1, sitting, subject)
    certificate = services.issue(result, on=datetime.date(2027, 2, 20))
    admin = testing.administrator()
    first_pdf = services.pdf_of(certificate)
    reissued = services.reissue(certificate, admin, "证书污损")
    assert reissued.number == certificate.number and reissued.pdf_version == 2
    assert reissued.pdf.name.endswith("-2.pdf") and services.pdf_of(reissued)[:5] == b"%PDF-"
    assert first_pdf[:5] == b"%PDF-"
    with pytest.raises(services.Refused):
        services.revoke(certificate, admin, " ")
    services.revoke(certificate, admin, "考后查实替考")
    time_machine.move_to(datetime.datetime(2027, 3, 1, 9, tzinfo=BJ), tick=False)
    sitting.lookup_on = datetime.date(2027, 2, 26)
    sitting.save()
    verdict = services.look_up(certificate.number, "张三")
    assert verdict.outcome == "revoked"
    page = client.get(f"/v/{certificate.token}").content.decode()
    assert "证书已撤销" in page
    actions = set(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True))
    assert {"certificates.reissued", "certificates.revoked"} <= actions
    with pytest.raises(services.Refused):
        services.reissue(certificate, admin, "再补")


def test_cheating_confirmed_after_issue_revokes_the_certificate(december):
    from carboncert.exams.models import Attempt
    from carboncert.grading.models import Result
    from carboncert.proctoring.signals import case_decided

    sitting, subject = december
    [result] = passed_candidates(1, sitting, subject)
    result.attempt = Attempt.objects.create(application=result.application, sitting=sitting,
                                            status=Attempt.Status.HANDED_IN)  # fmt: skip
    result.save()
    certificate = services.issue(result, on=datetime.date(2027, 2, 20))
    case_decided.send(None, attempt_id=result.attempt_id)  # dismissed: the result stands
    certificate.refresh_from_db()
    assert not certificate.revoked
    Result.objects.filter(pk=result.pk).update(outcome=Result.Outcome.CHEATING)  # grading's part
    case_decided.send(None, attempt_id=result.attempt_id)
    certificate.refresh_from_db()
    assert certificate.revoked and "违纪" in certificate.revoke_reason
    assert AuditEvent.objects.filter(action="certificates.revoked", actor=None).exists()


def test_each_certificate_is_printed_right_after_issue(
    december, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_PRINT_ON_ISSUE = True
    sitting, subject = december
    [result] = passed_candidates(1, sitting, subject)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue(result, on=datetime.date(2027, 2, 20))
    certificate.refresh_from_db()
    assert certificate.pdf.name.endswith(f"{certificate.number}-1.pdf")
    with certificate.pdf.open("rb") as f:
        assert f.read(5) == b"%PDF-"
