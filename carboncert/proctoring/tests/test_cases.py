"""Cheating cases: the leave limit opens one, a proctor decides it on the page, audited."""

import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles
from carboncert.audit.models import AuditEvent
from carboncert.exams import services as exams
from carboncert.exams.models import Attempt
from carboncert.exams.tests.conftest import ID, at
from carboncert.exams.tests.conftest import morning as morning  # the fixture
from carboncert.proctoring.models import Assignment, CheatingCase

pytestmark = pytest.mark.django_db


def test_the_leave_limit_opens_a_case_that_a_proctor_confirms_on_the_page(
    morning, client, django_capture_on_commit_callbacks
):
    login = exams.exam_login(ID, "107x", "10.0.0.1")
    morning["time"].move_to(at(9, 1), tick=False)
    attempt = exams.start(login)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(attempt.sitting.leave_limit + 1):
            attempt = exams.record_leave(attempt, {"seconds": 6}, now=at(9, 10))
    assert attempt.hand_in_reason == Attempt.HandIn.LEAVES
    case = CheatingCase.objects.get()
    assert (case.source, case.status) == ("leaves", "open")
    proctor = testing.staff("proctor", roles.PROCTOR)
    client.force_login(proctor)
    assert "张三" not in client.get(reverse("proctoring:cases")).content.decode()  # not on duty
    Assignment.objects.create(sitting=attempt.sitting, proctor=proctor)
    page = client.get(reverse("proctoring:cases")).content.decode()
    assert "张三" in page and "离开考试次数超过上限" in page
    response = client.post(reverse("proctoring:decide", args=[case.pk]),
                           {"verdict": "confirm", "reason": ""}, follow=True)  # fmt: skip
    assert "请填写判定理由" in response.content.decode()
    client.post(reverse("proctoring:decide", args=[case.pk]),
                {"verdict": "confirm", "reason": "离开 10 次，抓拍无人"})  # fmt: skip
    case.refresh_from_db()
    attempt.refresh_from_db()
    assert case.status == "confirmed" and case.decided_by == proctor and not attempt.needs_decision
    assert AuditEvent.objects.filter(action="proctoring.case.decided").count() == 1
    response = client.post(reverse("proctoring:decide", args=[case.pk]),
                           {"verdict": "dismiss", "reason": "改判"}, follow=True)  # fmt: skip
    assert "已判定" in response.content.decode()


def test_only_proctors_and_administrators_decide(morning, client):
    attempt = exams.exam_login(ID, "107x", "10.0.0.1")
    for role in (roles.GRADER, roles.INSTITUTION, roles.CANDIDATE):
        client.force_login(testing.staff(f"u-{role}", role))
        assert client.get(reverse("proctoring:cases")).status_code == 403
        assert client.post(reverse("proctoring:open_case", args=[attempt.pk])).status_code == 403
    assert not CheatingCase.objects.exists()
