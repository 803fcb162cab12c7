"""我的学习: the candidate's whole journey on one page."""

import datetime

from django.urls import reverse

from carboncert import testing
from carboncert.learning.journey import journey
from carboncert.registration.models import Application

from .conftest import BJ


def steps(j):
    return {s.label: s for s in j.steps}


def test_an_approved_candidate_sees_the_course_and_what_to_do_next(client, studying):
    client.force_login(studying["user"])
    page = client.get(reverse("learning:home")).content.decode()
    assert "碳排放管理技术" in page and "2026年12月19日" in page
    assert "还差" in page and reverse("learning:course", args=["CE-1"]) in page
    # The next step is the first lesson not yet studied.
    assert reverse("learning:lesson", args=["CE-1", studying["video"].pk]) in page


def test_the_timeline_follows_the_sitting(studying):
    j = journey(studying["application"])
    labels = [s.label for s in j.steps]
    assert labels == ["报名", "资格审核", "缴费与准考证", "课程学习", "冲刺班与模拟卷",
                      "考前测试", "正式考试", "成绩公布", "证书颁发"]  # fmt: skip
    assert steps(j)["资格审核"].state == "done"
    assert steps(j)["缴费与准考证"].state == "now"  # approved, not paid: no ticket yet
    assert not steps(j)["缴费与准考证"].link
    assert j.mock_opens_on == datetime.date(2026, 12, 12) and not j.mock_open
    studying["time"].move_to(datetime.datetime(2026, 12, 13, 9, 0, tzinfo=BJ))
    j = journey(studying["application"])
    assert j.mock_open and steps(j)["冲刺班与模拟卷"].link == reverse(
        "learning:mocks", args=["CE-1"]
    )


def test_a_submitted_application_waits_for_review_and_shows_no_course(client, studying):
    Application.objects.filter(pk=studying["application"].pk).update(
        status=Application.Status.SUBMITTED
    )
    client.force_login(studying["user"])
    page = client.get(reverse("learning:home")).content.decode()
    assert "正在审核" in page
    assert reverse("learning:course", args=["CE-1"]) not in page


def test_someone_without_applications_is_told_how_to_start(client, studying):
    client.force_login(testing.candidate(testing.id_number(sequence=88), "赵六"))
    assert "您还没有报名" in client.get(reverse("learning:home")).content.decode()


def test_the_candidate_navigation_leads_to_my_learning(client, studying):
    client.force_login(studying["user"])
    page = client.get(reverse("accounts:home")).content.decode()
    assert reverse("learning:home") in page


def test_in_english_the_journey_and_course_speak_english(client, studying, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(studying["user"])
    page = client.get(reverse("learning:home")).content.decode()
    assert 'lang="en"' in page and "My learning" in page
    assert "Dec. 19, 2026" in page and "2026年12月19日" not in page
    assert "我的学习" not in page and "下一步" not in page and "还差" not in page
    course = client.get(reverse("learning:course", args=["CE-1"])).content.decode()
    assert "minutes" in course and "还差" not in course and "标准课时" not in course
    # The lesson page's script speaks the page's language too.
    lesson = client.get(
        reverse("learning:lesson", args=["CE-1", studying["video"].pk])
    ).content.decode()
    assert 'data-say-paused="Paused: switch back to this page to continue"' in lesson
    assert 'data-say-rate="Up to 2× speed"' in lesson
