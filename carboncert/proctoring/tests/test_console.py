"""The proctor console: a sitting of 50 candidates with planted events shows exactly those
on its filters; the leave-limit case is confirmed and the result is 不合格（违纪）; and the
pictures are seen by the sitting's proctors and the administrators, nobody else."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from carboncert import testing
from carboncert.accounts import roles
from carboncert.audit.models import AuditEvent
from carboncert.exams import api
from carboncert.exams import services as exams
from carboncert.exams.models import Attempt
from carboncert.exams.tests.conftest import at
from carboncert.grading import services as grading
from carboncert.grading.models import Result
from carboncert.proctoring import console, services
from carboncert.proctoring.models import Assignment, CheatingCase, Flag, IdentityCheck

from .conftest import give_photo

pytestmark = pytest.mark.django_db

CROWD = 50
OFFLINE, OTHER_FACE, LEAVER = 7, 3, 5  # the planted candidates, by number


def shown(client, sitting, show):
    page = client.get(reverse("proctoring:console", args=[sitting.pk]), {"show": show},
                      HTTP_HX_REQUEST="true")  # fmt: skip
    assert page.status_code == 200
    html = page.content.decode()
    return {n for n in range(CROWD) if f"考生{n:02d}</a>" in html}


# The headline test has all 50; the others, which look at one candidate, 8 (each face run
# costs a tenth of a second).
FIFTY = pytest.mark.parametrize("crowd", [CROWD], indirect=True)


@pytest.fixture
def crowd(request, morning, media, pictures, django_capture_on_commit_callbacks):
    """Candidates answering at 09:09 with the face check on; 3 of them have a story."""
    from carboncert.exams.tests.conftest import admit

    sitting = morning["sitting"]
    sitting.face_check = True
    sitting.save()
    subject, institution = morning["zhang"].subject, morning["zhang"].institution
    time = morning["time"]
    attempts = {}
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(getattr(request, "param", 8)):
            number = testing.id_number(birth="19880101", sequence=100 + n)
            application = admit(number, f"考生{n:02d}", sitting, subject, institution)
            give_photo(application, pictures["astronaut"])  # everyone looks alike here
            attempt = exams.exam_login(number, number[-4:], f"10.0.{n}.1")
            services.check_identity(attempt, pictures["astronaut"])
            attempts[n] = attempt
        time.move_to(at(9, 5), tick=False)
        for n, attempt in attempts.items():
            attempt.refresh_from_db()
            attempts[n] = exams.start(attempt)
            exams.mark_seen(attempt.pk)  # its heartbeat
            api.snapshot_reply(attempts[n], pictures["astronaut"], "interval")
        hopper = Image.open(io.BytesIO(pictures["hopper"]))
        for turn in range(3):  # someone else sits in for three snapshots
            out = io.BytesIO()
            hopper.rotate(turn + 1).save(out, "JPEG")
            api.snapshot_reply(attempts[OTHER_FACE], out.getvalue(), "interval")
        for _ in range(sitting.leave_limit):
            attempts[LEAVER] = exams.record_leave(attempts[LEAVER], {"seconds": 8}, now=at(9, 7))
        time.move_to(at(9, 9), tick=False)
        for n, attempt in attempts.items():
            if n != OFFLINE:  # silent since 09:05
                exams.mark_seen(attempt.pk)
    return {**morning, "attempts": attempts}


@FIFTY
def test_fifty_candidates_show_exactly_the_planted_events(
    crowd, client, django_assert_max_num_queries
):
    sitting = crowd["sitting"]
    client.force_login(testing.administrator())
    assert shown(client, sitting, "offline") == {OFFLINE}
    assert shown(client, sitting, "flagged") == {OTHER_FACE, LEAVER}
    everyone = shown(client, sitting, "all")
    assert len(everyone) == CROWD
    with django_assert_max_num_queries(20):  # a fixed handful whatever the crowd
        rows = console.rows(sitting, at(9, 9))
    by_name = {r.application.person.name: r for r in rows}
    offline = by_name[f"考生{OFFLINE:02d}"]
    assert offline.state == "offline" and offline.offline_since.astimezone(at(0, 0).tzinfo) == at(
        9, 5
    )
    assert by_name[f"考生{LEAVER:02d}"].state == "handed_in"
    alert = by_name[f"考生{OTHER_FACE:02d}"]
    assert alert.severity == Flag.Severity.ALERT and alert.camera == "ok"
    assert {f.kind for f in alert.flags} == {"other_person"}
    assert by_name["张三"].state == "absent"  # admitted, not logged in
    normal = by_name["考生00"]
    assert (normal.state, normal.camera, normal.flags) == ("answering", "ok", [])
    left = (sitting.ends_at - at(9, 9)).total_seconds()
    assert normal.seconds_left == left and normal.time_left.count(":") == 2


def test_the_leave_limit_case_is_confirmed_and_the_result_is_cheating(crowd, client,
                                                                       django_capture_on_commit_callbacks):  # fmt: skip
    leaver = crowd["attempts"][LEAVER]
    leaver.refresh_from_db()
    assert leaver.hand_in_reason == Attempt.HandIn.LEAVES
    case = CheatingCase.objects.get(attempt=leaver)
    proctor = testing.staff("proctor", roles.PROCTOR)
    Assignment.objects.create(sitting=crowd["sitting"], proctor=proctor)
    client.force_login(proctor)
    page = client.get(reverse("proctoring:case", args=[case.pk])).content.decode()
    assert "离开考试 8 秒" in page and "离开次数达到上限" in page
    grading.score_unscored()
    snapshot = leaver.snapshots.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("proctoring:decide", args=[case.pk]),
                    {"verdict": "confirm", "reason": "离开 10 次", "evidence": [snapshot.pk]})  # fmt: skip
    case.refresh_from_db()
    assert (case.status, case.evidence, case.decided_by) == ("confirmed", [snapshot.pk], proctor)
    assert Result.objects.get(attempt=leaver).outcome == Result.Outcome.CHEATING


def test_a_second_proctor_confirms_when_the_setting_says_so(crowd, client, settings):
    settings.CASE_CONFIRMATIONS = 2
    case = CheatingCase.objects.get(attempt=crowd["attempts"][LEAVER])
    first, second = (testing.staff(name, roles.PROCTOR) for name in ("p1", "p2"))
    services.decide(case, True, first, "离开 10 次")
    case.refresh_from_db()
    assert case.status == "open" and case.first_confirmed_by == first
    with pytest.raises(services.Refused, match="另一位"):
        services.decide(case, True, first, "再次确认")
    services.decide(case, True, second, "复核确认")
    case.refresh_from_db()
    assert case.status == "confirmed" and case.decided_by == second


def test_the_console_actions_reach_the_candidate_and_the_audit(crowd, client):
    attempt = crowd["attempts"][3]
    proctor = testing.staff("proctor", roles.PROCTOR)
    Assignment.objects.create(sitting=crowd["sitting"], proctor=proctor)
    client.force_login(proctor)
    page = client.get(reverse("proctoring:candidate", args=[attempt.pk])).content.decode()
    assert "人脸核验：比对通过" in page and "开始答题" in page and "抓拍" in page
    client.post(reverse("proctoring:message", args=[attempt.pk]), {"text": "请坐正"})
    client.post(
        reverse("proctoring:extra_time", args=[attempt.pk]), {"minutes": 5, "reason": "断网"}
    )
    response = client.post(
        reverse("proctoring:end", args=[attempt.pk]), {"reason": ""}, follow=True
    )
    assert "收卷需要填写原因" in response.content.decode()
    client.post(reverse("proctoring:end", args=[attempt.pk]), {"reason": "考生身体不适，申请结束"})
    attempt.refresh_from_db()
    assert (attempt.message_seq, attempt.extra_minutes, attempt.status) == (1, 5, "handed_in")
    assert attempt.hand_in_reason == Attempt.HandIn.PROCTOR
    actions = set(AuditEvent.objects.filter(actor=proctor).values_list("action", flat=True))
    assert {"proctoring.message.sent", "exams.attempt.ended"} <= actions
    other = crowd["attempts"][OTHER_FACE]
    client.post(reverse("proctoring:clear_flags", args=[other.pk]))
    assert not other.flags.filter(cleared_at=None).exists()
    client.post(reverse("proctoring:open_case", args=[other.pk]))
    assert CheatingCase.objects.get(attempt=other).source == "flags"


def test_only_the_sittings_proctors_and_administrators_see_the_pictures(crowd, client):
    attempt = crowd["attempts"][0]
    snapshot = attempt.snapshots.get()
    check = IdentityCheck.objects.filter(attempt=attempt).first()
    urls = [
        reverse("proctoring:snapshot", args=[snapshot.pk]),
        reverse("proctoring:identity_image", args=[check.pk]),
        reverse("proctoring:photo", args=[attempt.pk]),
        reverse("proctoring:candidate", args=[attempt.pk]),
        reverse("proctoring:console", args=[attempt.sitting_id]),
    ]
    on_duty = testing.staff("on-duty", roles.PROCTOR)
    Assignment.objects.create(sitting=crowd["sitting"], proctor=on_duty)
    allowed = [testing.administrator(), on_duty]
    others = [testing.staff("elsewhere", roles.PROCTOR)]  # a proctor of no (or another) sitting
    others += [testing.staff(f"u-{code}", code) for code in (
        roles.CANDIDATE, roles.INSTITUTION, roles.REVIEWER, roles.TEACHER,
        roles.QUESTION_EDITOR, roles.GRADER, roles.CHIEF_GRADER)]  # fmt: skip
    for url in urls:
        client.logout()
        assert client.get(url).status_code == 302  # anonymous: to the login page
        for user in others:
            client.force_login(user)
            assert client.get(url).status_code == 403, (url, user)
        for user in allowed:
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200, (url, user)
            if url.endswith(".jpg"):
                assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
                assert response["Cache-Control"] == "private, no-store"


def test_the_identity_queue_shows_both_pictures_and_takes_the_decision(crowd, client, pictures):
    from carboncert.exams.tests.conftest import ID

    attempt = exams.exam_login(ID, "107x", "10.0.0.9")
    give_photo(crowd["zhang"], pictures["astronaut"])
    for _ in range(3):
        services.check_identity(attempt, pictures["hopper"])
    services.submit_photo(attempt, pictures["hopper"])
    check = IdentityCheck.objects.get(attempt=attempt, outcome="photo")
    client.force_login(testing.administrator())
    page = client.get(reverse("proctoring:identity", args=[attempt.sitting_id])).content.decode()
    assert reverse("proctoring:photo", args=[attempt.pk]) in page
    assert reverse("proctoring:identity_image", args=[check.pk]) in page
    assert shown(client, crowd["sitting"], "identity") == set()  # 张三 is not one of the 50
    client.post(reverse("proctoring:decide_identity", args=[check.pk]), {"verdict": "accept"})
    attempt.refresh_from_db()
    assert attempt.identity == "accepted"
    assert (
        "没有待核验的照片"
        in client.get(reverse("proctoring:identity", args=[attempt.sitting_id])).content.decode()
    )
