"""Results: computed when marking completes, seen by nobody outside staff before the results
date, seen by everyone entitled on it without anybody pressing a button."""

import io
import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from carboncert import notify, testing
from carboncert.accounts import roles
from carboncert.accounts.services import ensure_candidate_login
from carboncert.audit.models import AuditEvent
from carboncert.exams.models import Attempt
from carboncert.grading import access, services
from carboncert.grading.models import Result
from carboncert.grading.tests.conftest import mark_everything
from carboncert.proctoring import services as proctoring
from carboncert.proctoring.models import CheatingCase

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def marked(ended, graders, chief, time_machine):
    sitting = ended(6)
    services.ensure_assignments(sitting)
    mark_everything(sitting, graders, chief, random.Random(5))
    assert Result.objects.count() == 6
    sitting.refresh_from_db()
    return sitting


def people(sitting):
    result = Result.objects.select_related("application__person").order_by("pk").first()
    person = result.application.person
    person.email = "kaosheng@example.com"
    person.save()
    candidate = ensure_candidate_login(person, testing.PASSWORD)
    org = testing.staff("org", roles.INSTITUTION, institution=result.application.institution)
    org.email = "org@example.com"
    org.save()
    return result, candidate, org


def login(client, user):
    client.force_login(user)
    return client


def visible_everywhere(client, result, candidate, org) -> dict:
    """What each outside path shows of the result's score."""
    person = result.application.person
    score = f"{result.total.normalize():f}"
    seen = {}
    page = login(client, candidate).get(reverse("grading:mine")).content.decode()
    seen["candidate"] = f'id="result-{result.pk}"' in page
    client.logout()
    page = client.get(reverse("grading:lookup"),
                      {"id_number": person.id_number, "name": person.name}).content.decode()  # fmt: skip
    seen["public"] = f'id="result-{result.pk}"' in page and score in page
    page = login(client, org).get(reverse("grading:institution")).content.decode()
    seen["institution"] = person.name in page
    xlsx = client.get(reverse("grading:institution"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    seen["export"] = len(rows) > 1
    client.logout()
    seen["access"] = access.results_for(candidate).filter(pk=result.pk).exists()
    return seen


def test_nobody_outside_staff_sees_a_score_before_the_results_date_and_all_do_on_it(
    marked, client, time_machine
):
    result, candidate, org = people(marked)
    results_on = marked.results_on
    assert results_on.isoformat() == "2027-01-11"  # 15 working days after 2026-12-19 (元旦 off)
    for moment in (datetime(2026, 12, 19, 11, 30), datetime(2027, 1, 10, 23, 59)):
        time_machine.move_to(moment.replace(tzinfo=BJ), tick=False)
        assert visible_everywhere(client, result, candidate, org) == dict.fromkeys(
            ["candidate", "public", "institution", "export", "access"], False
        )
        page = login(client, candidate).get(reverse("grading:mine")).content.decode()
        assert (
            "成绩将于 2027年1月11日 公布" in page and f"{result.total.normalize():f} /" not in page
        )
        client.logout()
        call_command("tick", stdout=io.StringIO())
        assert mail.outbox == [] and not Result.objects.filter(notified_at__isnull=False).exists()
    # Staff see results as soon as they are computed.
    chief_sees = access.results_for(testing.staff("admin2", roles.ADMINISTRATOR))
    assert chief_sees.count() == 6

    time_machine.move_to(datetime(2027, 1, 11, 0, 1, tzinfo=BJ), tick=False)
    assert visible_everywhere(client, result, candidate, org) == dict.fromkeys(
        ["candidate", "public", "institution", "export", "access"], True
    )
    # The sweep tells the candidates (mail and SMS) and the institution, once.
    notify.LogGateway.sent.clear()
    call_command("tick", stdout=io.StringIO())
    assert "kaosheng@example.com" in [m.to[0] for m in mail.outbox]
    assert "org@example.com" in [m.to[0] for m in mail.outbox]
    assert len([s for s in notify.LogGateway.sent if s.kind == "results_released"]) == 6
    sent = len(mail.outbox)
    call_command("tick", stdout=io.StringIO())
    assert len(mail.outbox) == sent


def test_a_moved_results_date_moves_the_release(marked, client, time_machine):
    _result, candidate, _org = people(marked)
    time_machine.move_to(datetime(2027, 1, 11, 9, 0, tzinfo=BJ), tick=False)
    assert access.results_for(candidate).exists()
    marked.results_workdays = 16
    from carboncert.sittings.services import save_rules

    save_rules(marked)
    assert not access.results_for(candidate).exists()


def test_the_public_look_up_needs_the_right_name_and_is_rate_limited(marked, client, time_machine):
    result, *_ = people(marked)
    time_machine.move_to(datetime(2027, 1, 11, 9, 0, tzinfo=BJ), tick=False)
    person = result.application.person
    page = client.get(reverse("grading:lookup"), {"id_number": person.id_number, "name": "别人"})
    assert "没有查到" in page.content.decode()
    bad = client.get(reverse("grading:lookup"), {"id_number": "110101199003071234", "name": "x"})
    assert "身份证号码" in bad.content.decode() and "result-" not in bad.content.decode()
    for _ in range(4):
        client.get(reverse("grading:lookup"), {"id_number": person.id_number, "name": "别人"})
    page = client.get(reverse("grading:lookup"),
                      {"id_number": person.id_number, "name": person.name}).content.decode()  # fmt: skip
    assert "查询过于频繁" in page and f'id="result-{result.pk}"' not in page


def test_a_confirmed_cheating_case_fails_the_result_whatever_the_score(
    marked, django_capture_on_commit_callbacks
):
    result = Result.objects.order_by("-total").first()
    assert result.outcome == Result.Outcome.PASSED
    proctor = testing.staff("proctor", roles.PROCTOR)
    case = proctoring.open_case(result.attempt, CheatingCase.Source.MANUAL, by=proctor)
    with pytest.raises(proctoring.Refused):
        proctoring.decide(case, True, proctor, "  ")
    with django_capture_on_commit_callbacks(execute=True):
        proctoring.decide(case, True, proctor, "抓拍显示他人代考")
    result.refresh_from_db()
    assert (
        result.outcome == Result.Outcome.CHEATING
        and result.get_outcome_display() == "不合格（违纪）"
    )
    change = AuditEvent.objects.get(action="grading.result.changed")
    assert change.before["outcome"] == "passed" and change.after["outcome"] == "cheating"
    with pytest.raises(proctoring.Refused, match="已判定"):
        proctoring.decide(case, False, proctor, "再议")


def test_an_admission_who_did_not_sit_is_absent(marked):
    from carboncert.exams.tests.conftest import admit

    subject = Result.objects.first().application.subject
    absent = admit(testing.id_number(sequence=901), "未到", marked, subject, testing.institution())
    assert services.settle_all() == 1
    result = Result.objects.get(application=absent)
    assert (result.outcome, result.attempt) == (Result.Outcome.ABSENT, None)
    assert services.settle_all() == 0  # once


def test_a_review_within_the_window_can_change_a_short_answer_mark(marked, time_machine):
    result, candidate, _ = people(marked)
    with pytest.raises(services.MarkRefused, match="尚未公布"):
        services.request_review(result, "简答题分数偏低", candidate)
    time_machine.move_to(datetime(2027, 1, 13, 9, 0, tzinfo=BJ), tick=False)
    with pytest.raises(services.MarkRefused, match="理由"):
        services.request_review(result, " ", candidate)
    review = services.request_review(result, "简答题分数偏低", candidate)
    with pytest.raises(services.MarkRefused, match="已提交"):
        services.request_review(result, "再申请一次", candidate)
    marking = result.attempt.markings.get()
    admin = testing.staff("admin3", roles.ADMINISTRATOR)
    up = marking.final_points + 2 <= marking.max_points
    new = marking.final_points + 2 if up else marking.final_points - 2
    with pytest.raises(services.MarkRefused, match="0 到"):
        services.decide_review(review, admin, "改分", {marking.pk: "99"})
    services.decide_review(review, admin, "第19题漏评一个得分点", {marking.pk: str(new)})
    review.refresh_from_db()
    result.refresh_from_db()
    assert review.status == "changed" and review.total_after == result.total
    assert result.total == review.total_before + (new - marking.final_points)
    assert AuditEvent.objects.filter(action="grading.marking.reviewed").count() == 1
    # After the window (5 working days after the results date) no more requests.
    time_machine.move_to(datetime(2027, 1, 19, 9, 0, tzinfo=BJ), tick=False)
    other = Result.objects.exclude(pk=result.pk).first()
    with pytest.raises(services.MarkRefused, match="截止"):
        services.request_review(other, "想复核", candidate)


def test_results_are_only_for_handed_in_attempts_with_all_marks(ended, graders):
    ended(2)
    assert services.settle_all() == 0  # short answers unmarked: no results yet
    assert not Result.objects.exists()
    assert Attempt.objects.filter(status="handed_in").count() == 2
