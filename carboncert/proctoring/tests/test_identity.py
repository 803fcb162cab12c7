"""Check-in: the live picture against the application photo, the tries, the photo fallback
and the proctor's look at it; through the exam API with the attempt's token."""

import pytest
from django.core.files.base import ContentFile

from carboncert import testing
from carboncert.accounts import roles
from carboncert.audit.models import AuditEvent
from carboncert.exams import services as exams
from carboncert.exams.models import Attempt
from carboncert.exams.tests.conftest import ID, at
from carboncert.proctoring import services
from carboncert.proctoring.models import CheatingCase, Enrolment, Flag, IdentityCheck

from .conftest import give_photo

pytestmark = pytest.mark.django_db


def bearer(attempt):
    return {"HTTP_AUTHORIZATION": f"Bearer {exams.token_for(attempt)}"}


def post_picture(client, attempt, data, path="/api/exam/identity"):
    return client.post(path, data=data, content_type="image/jpeg", **bearer(attempt))


def test_the_same_person_passes_and_may_start(checking_in, pictures):
    attempt = checking_in["attempt"]
    checking_in["time"].move_to(at(9, 1), tick=False)
    with pytest.raises(exams.Refused) as refused:
        exams.start(attempt)
    assert refused.value.code == "identity"
    result = services.check_identity(attempt, pictures["astronaut_flipped"])
    assert (result.outcome, result.identity, result.tries) == ("match", "matched", 1)
    assert result.message == "人脸核验通过。" and result.distance < 0.4
    attempt.refresh_from_db()
    assert exams.start(attempt).status == Attempt.Status.ANSWERING
    assert Enrolment.objects.get(application=checking_in["zhang"]).problem == ""
    assert IdentityCheck.objects.get(attempt=attempt).outcome == "match"
    assert AuditEvent.objects.filter(action="proctoring.identity.matched").count() == 1


@pytest.mark.parametrize(
    ("picture", "outcome", "says"),
    [
        ("hopper", "mismatch", "人脸与报名照片不一致"),
        ("cat", "no_face", "没有检测到人脸"),
        ("both", "several_faces", "多张人脸"),
        ("black", "dark", "光线太暗"),
    ],
)
def test_each_failure_says_what_is_wrong_and_what_to_do(
    checking_in, pictures, picture, outcome, says
):
    result = services.check_identity(checking_in["attempt"], pictures[picture])
    assert result.outcome == outcome and says in result.message and result.advice
    assert result.identity == "unchecked" and not result.photo_allowed


def test_after_three_failures_the_photo_goes_to_a_proctor_who_accepts_it(checking_in, pictures):
    attempt = checking_in["attempt"]
    with pytest.raises(services.Refused):  # not before the tries
        services.submit_photo(attempt, pictures["hopper"])
    tries = [services.check_identity(attempt, pictures["hopper"]) for _ in range(3)]
    assert [t.photo_allowed for t in tries] == [False, False, True]
    result = services.submit_photo(attempt, pictures["hopper"])
    assert (result.outcome, result.identity) == ("photo", "pending")
    attempt.refresh_from_db()
    checking_in["time"].move_to(at(9, 1), tick=False)
    exams.start(attempt)  # a pending photo does not keep the candidate waiting
    flag = Flag.objects.get(attempt=attempt)
    assert (flag.kind, flag.severity) == ("identity", Flag.Severity.WARNING)
    photo = IdentityCheck.objects.get(attempt=attempt, outcome="photo")
    assert photo.image and photo.distance > 0.6  # the proctor sees how far from the photo
    proctor = testing.staff("proctor", roles.PROCTOR)
    services.decide_identity(photo, True, proctor, "视频核实为本人（戴眼镜）")
    attempt.refresh_from_db()
    flag.refresh_from_db()
    assert attempt.identity == "accepted" and flag.cleared_by == proctor
    assert attempt.status == Attempt.Status.ANSWERING
    with pytest.raises(services.Refused):
        services.decide_identity(photo, False, proctor, "改判")


def test_a_rejected_photo_collects_the_paper_and_opens_a_case(checking_in, pictures):
    attempt = checking_in["attempt"]
    for _ in range(3):
        services.check_identity(attempt, pictures["hopper"])
    services.submit_photo(attempt, pictures["hopper"])
    photo = IdentityCheck.objects.get(attempt=attempt, outcome="photo")
    proctor = testing.staff("proctor", roles.PROCTOR)
    with pytest.raises(services.Refused):
        services.decide_identity(photo, False, proctor, " ")  # a reason is required
    services.decide_identity(photo, False, proctor, "与报名照片明显不是同一人")
    attempt.refresh_from_db()
    assert attempt.identity == "rejected" and attempt.status == Attempt.Status.HANDED_IN
    assert attempt.hand_in_reason == Attempt.HandIn.IDENTITY and attempt.needs_decision
    case = CheatingCase.objects.get(attempt=attempt)
    assert (case.source, case.status) == ("identity", "open")
    assert AuditEvent.objects.filter(action="proctoring.identity.decided", actor=proctor).exists()
    assert AuditEvent.objects.filter(action="exams.attempt.ended").exists()


def test_without_a_usable_photo_the_candidate_goes_straight_to_the_fallback(
    morning, media, pictures
):
    morning["sitting"].face_check = True
    morning["sitting"].save()
    give_photo(morning["zhang"], pictures["cat"])  # no face on file
    attempt = exams.exam_login(ID, "107x", "10.0.0.1")
    result = services.check_identity(attempt, pictures["astronaut"])
    assert (result.outcome, result.photo_allowed) == ("no_enrolment", True)
    assert not IdentityCheck.objects.exists()  # nothing to compare with: no try counted
    assert Enrolment.objects.get().problem == "no_face"
    assert services.submit_photo(attempt, pictures["astronaut"]).identity == "pending"


def test_the_photo_is_enrolled_when_the_application_is_approved(
    morning, media, pictures, django_capture_on_commit_callbacks
):
    from carboncert.registration import signals

    morning["sitting"].face_check = True
    morning["sitting"].save()
    give_photo(morning["li"], pictures["hopper"])
    with django_capture_on_commit_callbacks(execute=True):
        signals.approved.send(None, application_id=morning["li"].pk)
    enrolment = Enrolment.objects.get(application=morning["li"])
    assert enrolment.descriptor and enrolment.problem == ""
    computed = enrolment.computed_at
    services.enrol(morning["li"])  # the same photo: not computed again
    enrolment.refresh_from_db()
    assert enrolment.computed_at == computed
    photo = morning["li"].documents.get()
    photo.file.save("new.jpg", ContentFile(pictures["cat"]), save=False)
    photo.sha256 = "0" * 64
    photo.save()
    assert services.enrol(morning["li"]).problem == "no_face"  # a new photo: computed anew


def test_the_api_checks_the_picture_and_refuses_what_is_not_one(checking_in, pictures, client):
    attempt = checking_in["attempt"]
    assert exams.last_seen([attempt.pk]) == {}
    state = client.get("/api/exam/identity", **bearer(attempt)).json()
    assert attempt.pk in exams.last_seen([attempt.pk])  # any call: the page is there
    assert state["tries"] == 0 and state["tries_before_photo"] == 3 and not state["photo_allowed"]
    response = post_picture(client, attempt, b"GIF89a not a jpeg")
    assert response.status_code == 415
    response = post_picture(client, attempt, b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 413
    response = post_picture(client, attempt, b"\xff\xd8\xff broken")
    assert response.json()["outcome"] == "unreadable"
    early = post_picture(client, attempt, pictures["hopper"], "/api/exam/identity/photo")
    assert early.status_code == 409 and "3 次" in early.json()["message"]
    assert post_picture(client, attempt, pictures["hopper"]).json()["outcome"] == "mismatch"
    reply = post_picture(client, attempt, pictures["astronaut"]).json()
    assert (reply["outcome"], reply["identity"]) == ("match", "matched")
    assert client.post("/api/exam/identity", data=b"", content_type="image/jpeg").status_code == 401
    assert IdentityCheck.objects.filter(attempt=attempt).count() == 2  # the refused ones left none


def test_a_sitting_without_the_face_check_needs_none(morning, pictures):
    attempt = exams.exam_login(ID, "107x", "10.0.0.1")
    with pytest.raises(services.Refused):
        services.check_identity(attempt, pictures["astronaut"])
    morning["time"].move_to(at(9, 1), tick=False)
    assert exams.start(attempt).status == Attempt.Status.ANSWERING


def test_messages_reach_the_candidate_and_raise_the_sequence(checking_in, client):
    attempt = checking_in["attempt"]
    proctor = testing.staff("proctor", roles.PROCTOR)
    with pytest.raises(services.Refused):
        services.send_message(attempt, "   ", proctor)
    message = services.send_message(attempt, "请把摄像头  调低一些", proctor)
    beat = client.post("/api/exam/heartbeat", {"client_time_ms": 1}, content_type="application/json",
                       **bearer(attempt)).json()  # fmt: skip
    assert beat["message_seq"] == 1
    listed = client.get("/api/exam/messages", **bearer(attempt)).json()
    assert [(m["text"], m["read"]) for m in listed] == [("请把摄像头 调低一些", False)]
    client.post("/api/exam/messages/read", {"up_to": message.pk}, content_type="application/json",
                **bearer(attempt))  # fmt: skip
    assert client.get("/api/exam/messages", **bearer(attempt)).json()[0]["read"]
