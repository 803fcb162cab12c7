"""The sitting's class-hours rule: short of the level's minimum, the exam does not open."""

from decimal import Decimal

import pytest
from django.urls import reverse

from carboncert.catalog.models import KnowledgePoint, Subject
from carboncert.exams import services
from carboncert.exams.models import Attempt
from carboncert.learning.models import Lesson, Progress

from .conftest import ID, at


def lesson(title, hours, point):
    row = Lesson.objects.create(title=title, kind="reading", class_hours=Decimal(hours),
                                body="<p>…</p>", published=True)  # fmt: skip
    row.knowledge_points.set([point])
    return row


@pytest.fixture
def short_of_hours(morning):
    """张三 has studied 35.5 of CE-1's 36 class hours; the sitting requires them."""
    point = KnowledgePoint.objects.filter(modules__subject__code="CE-1").first()
    done, left = lesson("已学完", "35.5", point), lesson("未学", "0.5", point)
    Progress.objects.create(person=morning["zhang"].person, lesson=done, fraction=1)
    sitting = morning["sitting"]
    sitting.class_hours_required = True
    sitting.save()
    return {**morning, "left": left}


def login():
    return services.exam_login(ID, "107X", "10.1.1.1")


def test_half_an_hour_short_the_candidate_is_told_the_minutes_missing(short_of_hours):
    with pytest.raises(services.Refused) as refused:
        login()
    assert refused.value.code == "class_hours"
    # Half a class hour of 45 minutes is 22.5: 23 minutes, rounded up.
    assert "已学 35.5 / 36 标准课时，还差 23 分钟" in refused.value.message
    assert not Attempt.objects.exists()


def test_the_login_page_says_it_in_chinese(client, short_of_hours):
    page = client.post(reverse("exams:login"), {"id_number": ID, "password": "107X"})
    assert page.status_code == 200
    assert "还差 23 分钟" in page.content.decode()


def test_the_minimum_met_the_exam_opens(short_of_hours):
    Progress.objects.create(person=short_of_hours["zhang"].person, lesson=short_of_hours["left"],
                            fraction=1)  # fmt: skip
    assert login().status == Attempt.Status.CHECKED_IN


def test_without_the_setting_nobody_is_stopped(short_of_hours):
    sitting = short_of_hours["sitting"]
    sitting.class_hours_required = False
    sitting.save()
    assert login().status == Attempt.Status.CHECKED_IN


def test_a_candidate_already_answering_is_never_locked_out(short_of_hours):
    sitting = short_of_hours["sitting"]
    sitting.class_hours_required = False
    sitting.save()
    attempt = login()
    short_of_hours["time"].move_to(at(9, 1))
    services.start(attempt)
    sitting.class_hours_required = True  # turned on mid-exam: no effect on those answering
    sitting.save()
    assert login().status == Attempt.Status.ANSWERING


def test_start_checks_again_when_the_setting_was_turned_on_after_check_in(short_of_hours):
    sitting = short_of_hours["sitting"]
    sitting.class_hours_required = False
    sitting.save()
    attempt = login()
    sitting.class_hours_required = True
    sitting.save()
    short_of_hours["time"].move_to(at(9, 1))
    with pytest.raises(services.Refused, match="还差 23 分钟"):
        services.start(Attempt.objects.get(pk=attempt.pk))


def test_other_subjects_lessons_do_not_count(short_of_hours):
    other = (
        KnowledgePoint.objects.filter(modules__subject__code="CT-3")
        .exclude(modules__subject=Subject.objects.get(code="CE-1"))
        .first()
    )
    Progress.objects.create(person=short_of_hours["zhang"].person,
                            lesson=lesson("碳交易", "5", other), fraction=1)  # fmt: skip
    with pytest.raises(services.Refused, match="还差 23 分钟"):
        login()
