"""Who may open a course, and how study reports become class hours."""

import datetime

import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.catalog.models import Subject
from carboncert.learning import services
from carboncert.learning.models import Progress
from carboncert.registration.models import Application
from carboncert.sittings.models import Sitting

from .conftest import BJ, apply


def lesson_urls(s):
    code = s["subject"].code
    urls = [reverse("learning:course", args=[code])]
    for lesson in (s["video"], s["reading"], s["document"]):
        urls.append(reverse("learning:lesson", args=[code, lesson.pk]))
    for lesson in (s["video"], s["document"]):
        urls.append(reverse("learning:lesson_file", args=[lesson.pk]))
    return urls


def test_an_approved_candidate_opens_every_lesson_and_file(client, studying):
    client.force_login(studying["user"])
    for url in lesson_urls(studying):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "status",
    [Application.Status.DRAFT, Application.Status.SUBMITTED, Application.Status.REJECTED,
     Application.Status.WITHDRAWN],
)  # fmt: skip
def test_no_lesson_or_file_opens_before_approval_or_after_rejection(client, studying, status):
    Application.objects.filter(pk=studying["application"].pk).update(status=status)
    client.force_login(studying["user"])
    for url in lesson_urls(studying):
        assert client.get(url).status_code == 404, url
    report = reverse("learning:report", args=[studying["video"].pk])
    assert client.post(report, "{}", content_type="application/json").status_code == 403


def test_strangers_and_other_subjects_see_nothing(client, studying):
    for url in lesson_urls(studying):
        assert client.get(url).status_code == 302  # to the login
    other = testing.candidate(testing.id_number(sequence=55), "王五")
    apply(other, Subject.objects.get(code="CT-3"), studying["sitting"])
    client.force_login(other)
    code = studying["subject"].code
    assert client.get(reverse("learning:course", args=[code])).status_code == 404
    # The shared first lesson (a point of every subject's first module) is theirs too; the
    # CE-1 document is not.
    assert (
        client.get(reverse("learning:lesson_file", args=[studying["document"].pk])).status_code
        == 404
    )


def test_the_course_closes_after_the_results_date(client, studying):
    october = Sitting.objects.get(date="2026-10-17")  # its results date is in 2026's calendar
    Application.objects.filter(pk=studying["application"].pk).update(sitting=october)
    client.force_login(studying["user"])
    url = reverse("learning:course", args=[studying["subject"].code])
    results_on = october.results_on
    studying["time"].move_to(datetime.datetime.combine(results_on, datetime.time(23, 0), tzinfo=BJ))
    assert client.get(url).status_code == 200
    studying["time"].move_to(results_on + datetime.timedelta(days=1))
    assert client.get(url).status_code == 404


def test_unpublished_lessons_stay_hidden(client, studying):
    studying["reading"].published = False
    studying["reading"].save()
    client.force_login(studying["user"])
    code = studying["subject"].code
    assert (
        client.get(reverse("learning:lesson", args=[code, studying["reading"].pk])).status_code
        == 404
    )


def test_video_file_streams_ranges(client, studying):
    client.force_login(studying["user"])
    url = reverse("learning:lesson_file", args=[studying["video"].pk])
    whole = b"".join(client.get(url).streaming_content)
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[100:200]
    assert client.get(url, HTTP_RANGE=f"bytes={len(whole)}-").status_code == 416


def test_a_document_is_drawn_in_the_page_never_framed(client, studying):
    client.force_login(studying["user"])
    response = client.get(reverse("learning:lesson_file", args=[studying["document"].pk]))
    assert response["X-Frame-Options"] == "DENY"  # pdf.js reads it; no frame shows it
    assert response["Content-Type"] == "application/pdf"
    page = client.get(
        reverse("learning:lesson", args=["CE-1", studying["document"].pk])
    ).content.decode()
    assert 'class="pdf-view"' in page and "<iframe" not in page
    assert "vendor/pdfjs-6.5.438/cmaps/" in page and "learning/pdfview" in page


def beat(s, lesson, seconds_later, **report):
    s["time"].shift(seconds_later)
    return services.record_report(s["person"], lesson, services.Report(**report))


def test_a_minute_of_video_counts_a_minute_and_a_seek_counts_nothing(studying):
    video = studying["video"]
    for n in range(6):
        beat(studying, video, 10, elapsed=10, segments=((n * 10, n * 10 + 10),))
    progress = Progress.objects.get(lesson=video)
    assert progress.covered_seconds == pytest.approx(60)
    # Seeking to the end: the page reports two stretches around the jump.
    beat(studying, video, 10, elapsed=10, segments=((60, 65), (590, 595)))
    progress.refresh_from_db()
    assert progress.covered_seconds == pytest.approx(70)
    assert progress.fraction == pytest.approx(70 / 600)


def test_two_tabs_at_once_count_once(studying):
    video = studying["video"]
    for n in range(6):  # both tabs report the same ten seconds of real time
        beat(studying, video, 10, elapsed=10, segments=((n * 10, n * 10 + 10),))
        beat(studying, video, 0, elapsed=10, segments=((300 + n * 10, 310 + n * 10),))
    assert Progress.objects.get(lesson=video).covered_seconds == pytest.approx(60)


def test_a_stretch_split_by_reports_stays_whole_and_counts_as_stored(studying):
    # What the lesson page sends: each report's stretch starts where the last one ended.
    video = studying["video"]
    beat(studying, video, 10, elapsed=10, segments=((0.0007, 9.8123),))
    beat(studying, video, 10, elapsed=10, segments=((9.8123, 19.6164),))
    progress = Progress.objects.get(lesson=video)
    assert progress.covered == [[0.0, 19.62]]
    assert progress.covered_seconds == pytest.approx(19.62)
    # A report that gains nothing leaves the figure as it was.
    beat(studying, video, 10, elapsed=10, segments=((5.004, 9.006),))
    progress.refresh_from_db()
    assert progress.covered_seconds == pytest.approx(19.62)


def test_too_fast_or_hidden_playback_counts_nothing(studying):
    video = studying["video"]
    beat(studying, video, 10, elapsed=10, segments=((0, 160),), rate=16)
    beat(studying, video, 10, elapsed=10, segments=((200, 210),), visible=False)
    assert Progress.objects.get(lesson=video).covered_seconds == 0


def test_reading_counts_active_time_within_real_time(studying):
    reading = studying["reading"]  # 0.5 class hours = 22.5 minutes
    beat(studying, reading, 15, elapsed=15, active=15)
    beat(studying, reading, 5, elapsed=15, active=15)  # claims more than the 5 s elapsed
    progress = Progress.objects.get(lesson=reading)
    assert progress.active_seconds == pytest.approx(20)
    assert progress.fraction == pytest.approx(20 / (22.5 * 60))


def test_course_progress_adds_lessons_against_the_level_minimum(studying):
    Progress.objects.create(person=studying["person"], lesson=studying["video"], fraction=1)
    Progress.objects.create(person=studying["person"], lesson=studying["reading"], fraction=0.5)
    course = services.course(studying["subject"], studying["person"])
    assert course.required_hours == 36
    assert course.earned_hours == pytest.approx(1.25)
    assert course.minutes_missing == 45 * 36 - round(1.25 * 45)
    assert [r.lesson.title for r in course.lessons] == ["温室效应", "核算边界", "指南原文"]
    assert course.next_lesson().lesson == studying["reading"]
