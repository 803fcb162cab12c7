"""The proctor's side of the exam: who is at the camera (the application photo's face against
the check-in picture, or a proctor's look at a photo), what the snapshots show, messages to a
candidate, cheating cases and their decisions, and how long pictures are kept. Audited."""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from carboncert import jobs
from carboncert.accounts import roles
from carboncert.audit.services import record
from carboncert.exams import services as exams
from carboncert.exams.models import Attempt, Snapshot
from carboncert.exams.services import IDENTIFIED
from carboncert.registration.models import Application
from carboncert.sittings.models import Sitting

from . import faces, signals, tasks
from .models import (
    Assignment,
    CheatingCase,
    Enrolment,
    Flag,
    IdentityCheck,
    Message,
    SnapshotLook,
)


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def on_hand_in(sender, attempt_id: int, **kwargs) -> None:
    attempt = Attempt.objects.get(pk=attempt_id)
    if attempt.hand_in_reason == Attempt.HandIn.LEAVES:
        Flag.objects.create(
            attempt=attempt,
            kind=Flag.Kind.LEAVE_LIMIT,
            severity=Flag.Severity.ALERT,
            at=attempt.handed_in_at or timezone.now(),
            note=f"离开 {attempt.leave_count} 次，强制交卷",
        )
        open_case(attempt, CheatingCase.Source.LEAVES)


def open_case(attempt: Attempt, source: str, by=None) -> CheatingCase:
    """One open case per attempt: a second report joins the open one."""
    with transaction.atomic():
        Attempt.objects.select_for_update().get(pk=attempt.pk)
        case = attempt.cases.filter(status=CheatingCase.Status.OPEN).first()
        if case is None:
            case = CheatingCase.objects.create(attempt=attempt, source=source)
            record(by, "proctoring.case.opened", case, after={"source": source})
        if not attempt.needs_decision:
            Attempt.objects.filter(pk=attempt.pk).update(needs_decision=True)
    return case


def decide(case: CheatingCase, confirmed: bool, by, reason: str, evidence=()) -> CheatingCase:
    """Confirm or dismiss, with a reason and the snapshots cited. With CASE_CONFIRMATIONS = 2
    a confirmation waits for a second, different proctor; a dismissal is final at once."""
    if not reason.strip():
        raise Refused("请填写判定理由。")
    with transaction.atomic():
        case = CheatingCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CheatingCase.Status.OPEN:
            raise Refused("该案件已判定，不能重复判定。")
        cited = sorted(set(case.evidence) | {int(pk) for pk in evidence})
        if cited != case.evidence:
            known = set(
                Snapshot.objects.filter(attempt=case.attempt_id, pk__in=cited).values_list(
                    "pk", flat=True
                )
            )
            case.evidence = [pk for pk in cited if pk in known]
        if confirmed and settings.CASE_CONFIRMATIONS > 1:
            if case.first_confirmed_by_id is None:
                case.first_confirmed_by, case.first_reason = by, reason.strip()
                case.save()
                record(by, "proctoring.case.first_confirmed", case, reason=case.first_reason)
                return case
            if case.first_confirmed_by_id == by.pk:
                raise Refused("认定违纪须由另一位监考人员复核确认。")
        case.status = CheatingCase.Status.CONFIRMED if confirmed else CheatingCase.Status.DISMISSED
        case.decided_by, case.decided_at, case.reason = by, timezone.now(), reason.strip()
        case.save()
        still_open = case.attempt.cases.filter(status=CheatingCase.Status.OPEN).exists()
        Attempt.objects.filter(pk=case.attempt_id).update(needs_decision=still_open)
        record(
            by,
            "proctoring.case.decided",
            case,
            before={"status": "open"},
            after={"status": case.status, "evidence": case.evidence},
            reason=case.reason,
        )
        attempt_id = case.attempt_id
        transaction.on_commit(
            lambda: signals.case_decided.send(CheatingCase, attempt_id=attempt_id)
        )
    return case


def confirmed_cheating(attempt_ids) -> set[int]:
    return set(
        CheatingCase.objects.filter(
            attempt__in=attempt_ids, status=CheatingCase.Status.CONFIRMED
        ).values_list("attempt_id", flat=True)
    )


# --- the face on file ------------------------------------------------------------------------


def enrol(application) -> Enrolment | None:
    """The application photo's descriptor, computed once per photo (when it is accepted, or
    at the first check-in if that was missed). None: there is no photo."""
    photo = application.photo()
    if photo is None:
        return None
    enrolment = Enrolment.objects.filter(application=application).first()
    if enrolment and enrolment.photo_sha256 == photo.sha256 and enrolment.problem != "purged":
        return enrolment
    descriptor, problem = None, ""
    try:
        with photo.file.open("rb") as f:
            seen = faces.look(f.read())
    except (faces.Unreadable, OSError):
        problem = "unreadable"
    else:
        # An ID photo shows one person; should it show more, the largest face is theirs.
        descriptor = None if seen.descriptor is None else faces.to_bytes(seen.descriptor)
        problem = "" if seen.faces else "no_face"
    enrolment, _ = Enrolment.objects.update_or_create(
        application=application,
        defaults={"photo_sha256": photo.sha256, "descriptor": descriptor, "problem": problem},
    )
    return enrolment


def on_approved(sender, application_id: int, **kwargs) -> None:
    application = Application.objects.select_related("sitting").get(pk=application_id)
    if application.sitting.face_check:
        jobs.enqueue(tasks.enrol_photo, application_id, serial=True)


def enrolled_descriptor(application):
    enrolment = Enrolment.objects.filter(application=application).first()
    if enrolment is None or enrolment.problem == "purged":
        enrolment = enrol(application)
    if enrolment is None or enrolment.descriptor is None:
        return None
    return faces.from_bytes(enrolment.descriptor)


# --- check-in ----------------------------------------------------------------------------------

# Each try costs the server a face model run; past this many, only the photo remains.
MAX_TRIES = 20
MAX_IMAGE_BYTES = 2 * 1024 * 1024


@dataclass
class CheckResult:
    outcome: str
    message: str
    advice: str
    identity: str
    tries: int
    tries_before_photo: int
    photo_allowed: bool
    distance: float | None = None


def _tries(attempt: Attempt) -> int:
    return attempt.identity_checks.exclude(outcome=IdentityCheck.Outcome.PHOTO).count()


def _result(attempt, outcome, distance=None, tries=None, enrolled=True) -> CheckResult:
    tries = _tries(attempt) if tries is None else tries
    limit = settings.FACE_TRIES_BEFORE_PHOTO
    message, advice = faces.MESSAGES.get(outcome, ("", ""))
    return CheckResult(
        outcome=outcome,
        message=message,
        advice=advice,
        identity=attempt.identity,
        tries=tries,
        tries_before_photo=limit,
        photo_allowed=attempt.identity not in IDENTIFIED and (not enrolled or tries >= limit),
        distance=distance,
    )


def _refuse_unless_checking_in(attempt: Attempt) -> None:
    if attempt.status == Attempt.Status.HANDED_IN:
        raise Refused("您已交卷。")
    if not attempt.sitting.face_check:
        raise Refused("本场考试不需要人脸核验。")


def _store(check: IdentityCheck, data: bytes) -> None:
    check.image.save(f"{check.attempt_id}.jpg", ContentFile(data), save=False)


def identity_status(attempt: Attempt) -> CheckResult:
    enrolled = enrolled_descriptor(attempt.application) is not None
    outcome = "no_enrolment" if not enrolled else "status"
    return _result(attempt, outcome, enrolled=enrolled)


def check_identity(attempt: Attempt, data: bytes) -> CheckResult:
    """Compare a live camera picture with the application photo."""
    _refuse_unless_checking_in(attempt)
    if attempt.identity in IDENTIFIED:
        return _result(
            attempt, "match" if attempt.identity == Attempt.Identity.MATCHED else "status"
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise Refused("图片过大（不超过 2 MB）。")
    enrolled = enrolled_descriptor(attempt.application)
    if enrolled is None:  # no usable photo on file: straight to the photo and a proctor's look
        return _result(attempt, "no_enrolment", enrolled=False)
    tries = _tries(attempt)
    if tries >= MAX_TRIES:
        return _result(attempt, "too_many", tries=tries)
    try:
        seen = faces.look(data)
    except faces.Unreadable:
        return _result(attempt, "unreadable", tries=tries)
    verdict = faces.verdict(seen, enrolled, settings.FACE_MATCH_DISTANCE)
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("sitting").get(pk=attempt.pk)
        check = IdentityCheck(attempt=attempt, outcome=verdict.outcome, distance=verdict.distance)
        _store(check, data)
        check.save()
        if verdict.passed and attempt.identity not in IDENTIFIED:
            attempt.identity = Attempt.Identity.MATCHED
            attempt.save(update_fields=["identity"])
            record(
                None, "proctoring.identity.matched", attempt, after={"distance": verdict.distance}
            )
    return _result(attempt, verdict.outcome, verdict.distance, tries + 1)


def submit_photo(attempt: Attempt, data: bytes) -> CheckResult:
    """After the face check failed often enough (拍照上传): go on, a proctor will look."""
    _refuse_unless_checking_in(attempt)
    if attempt.identity in IDENTIFIED:
        return _result(attempt, "status")
    enrolled = enrolled_descriptor(attempt.application)
    if enrolled is not None and _tries(attempt) < settings.FACE_TRIES_BEFORE_PHOTO:
        raise Refused(
            f"请先进行人脸核验；连续 {settings.FACE_TRIES_BEFORE_PHOTO} 次未通过后可拍照上传。"
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise Refused("图片过大（不超过 2 MB）。")
    try:
        seen = faces.look(data)
    except faces.Unreadable:
        raise Refused("未能读取照片，请重新拍照。") from None
    d = None
    if enrolled is not None and seen.descriptor is not None:
        d = round(faces.distance(seen.descriptor, enrolled), 4)
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("sitting").get(pk=attempt.pk)
        check = IdentityCheck(attempt=attempt, outcome=IdentityCheck.Outcome.PHOTO, distance=d)
        _store(check, data)
        check.save()
        attempt.identity = Attempt.Identity.PENDING
        attempt.save(update_fields=["identity"])
        Flag.objects.create(
            attempt=attempt,
            kind=Flag.Kind.IDENTITY,
            severity=Flag.Severity.WARNING,
            at=timezone.now(),
            note=f"照片中人脸 {seen.faces} 张",
        )
        record(
            None, "proctoring.identity.photo", attempt, after={"faces": seen.faces, "distance": d}
        )
    return _result(attempt, "photo")


def decide_identity(check: IdentityCheck, accepted: bool, by, reason: str = "") -> IdentityCheck:
    """A proctor looks at the photo beside the application photo. Not the person: the paper is
    collected and a case opened; the case's decision settles the result."""
    if not accepted and not reason.strip():
        raise Refused("判定非本人须填写理由。")
    with transaction.atomic():
        check = IdentityCheck.objects.select_for_update().select_related("attempt").get(pk=check.pk)
        if check.outcome != IdentityCheck.Outcome.PHOTO:
            raise Refused("只有拍照上传的照片需要人工核验。")
        if check.decision:
            raise Refused("该照片已核验，不能重复核验。")
        attempt = Attempt.objects.select_for_update().get(pk=check.attempt_id)
        check.decision = (
            IdentityCheck.Decision.ACCEPTED if accepted else IdentityCheck.Decision.REJECTED
        )
        check.decided_by, check.decided_at, check.reason = by, timezone.now(), reason.strip()
        check.save()
        attempt.identity = Attempt.Identity.ACCEPTED if accepted else Attempt.Identity.REJECTED
        attempt.save(update_fields=["identity"])
        attempt.flags.filter(kind=Flag.Kind.IDENTITY, cleared_at__isnull=True).update(
            cleared_by=by, cleared_at=timezone.now()
        )
        record(
            by,
            "proctoring.identity.decided",
            attempt,
            after={"decision": check.decision},
            reason=check.reason,
        )
        if not accepted:
            Flag.objects.create(
                attempt=attempt,
                kind=Flag.Kind.OTHER_PERSON,
                severity=Flag.Severity.ALERT,
                at=timezone.now(),
                note="人工核验判定非本人",
            )
            exams.end_attempt(
                attempt, by, f"人工核验判定非本人：{check.reason}", how=Attempt.HandIn.IDENTITY
            )
            open_case(attempt, CheatingCase.Source.IDENTITY, by=by)
    return check


# --- snapshots -------------------------------------------------------------------------------

# What a snapshot's finding is worth; a run of the worst ones raises an alert.
SEVERITY = {
    "no_face": Flag.Severity.NOTICE,
    "dark": Flag.Severity.NOTICE,
    "frozen": Flag.Severity.WARNING,
    "several_faces": Flag.Severity.WARNING,
    "other_person": Flag.Severity.WARNING,
}
RUN_KINDS = {"no_face", "other_person"}


def on_snapshot_stored(sender, snapshot: Snapshot, **kwargs) -> None:
    if snapshot.attempt.sitting.face_check:  # in memory on the hot path: no query
        jobs.enqueue(tasks.analyse_snapshot, snapshot.pk, serial=True)


def analyse_snapshot(snapshot_id: int) -> SnapshotLook | None:
    snapshot = (
        Snapshot.objects.select_related("attempt__sitting", "attempt__application")
        .filter(pk=snapshot_id)
        .first()
    )
    if snapshot is None or not snapshot.attempt.sitting.face_check:
        return None
    if SnapshotLook.objects.filter(snapshot=snapshot).exists():
        return snapshot.look  # a task delivered twice
    started = time.process_time()
    attempt = snapshot.attempt
    try:
        with snapshot.image.open("rb") as f:
            seen = faces.look(f.read())
    except (faces.Unreadable, OSError):
        return None  # nothing to judge; the camera events tell the proctor more
    enrolled = enrolled_descriptor(attempt.application)
    d = None
    if enrolled is not None and seen.descriptor is not None:
        d = round(faces.distance(seen.descriptor, enrolled), 4)
    before = SnapshotLook.objects.filter(attempt=attempt).order_by("-snapshot_id").first()
    frozen = before is not None and faces.frozen(bytes(before.thumbnail), seen.thumbnail)
    if seen.faces == 0:
        finding = "dark" if seen.dark else "no_face"
    elif seen.faces > 1:
        finding = "several_faces"
    elif d is not None and d >= settings.FACE_MATCH_DISTANCE:
        finding = "other_person"
    elif frozen:
        finding = "frozen"
    else:
        finding = "ok"
    look = SnapshotLook.objects.create(
        snapshot=snapshot,
        attempt=attempt,
        faces=seen.faces,
        distance=d,
        brightness=round(seen.brightness, 1),
        frozen=frozen,
        thumbnail=seen.thumbnail,
        finding=finding,
        cpu_ms=round((time.process_time() - started) * 1000),
    )
    if finding != "ok":
        _flag_finding(snapshot, finding)
    return look


def _flag_finding(snapshot, finding: str) -> None:
    """A flag when a finding starts (not one per snapshot), an alert when a run of the
    candidate missing or someone else reaches FACE_ALERT_RUN snapshots."""
    run = settings.FACE_ALERT_RUN
    recent = list(
        SnapshotLook.objects.filter(attempt=snapshot.attempt_id)
        .order_by("-snapshot_id")
        .values_list("finding", flat=True)[: run + 1]
    )
    if len(recent) < 2 or recent[1] != finding:
        Flag.objects.create(
            attempt_id=snapshot.attempt_id,
            snapshot=snapshot,
            kind=finding,
            severity=SEVERITY[finding],
            at=snapshot.taken_at,
        )
    bad = [f in RUN_KINDS for f in recent]
    if len(bad) >= run and all(bad[:run]) and (len(bad) == run or not bad[run]):
        Flag.objects.create(
            attempt_id=snapshot.attempt_id,
            snapshot=snapshot,
            kind=finding,
            severity=Flag.Severity.ALERT,
            at=snapshot.taken_at,
            note=f"连续 {run} 张抓拍{'无人' if finding == 'no_face' else '疑似非本人'}",
        )


def clear_flags(attempt: Attempt, by) -> int:
    """The proctor has looked: the attempt's open flags are no longer shown as open."""
    cleared = attempt.flags.filter(cleared_at__isnull=True).update(
        cleared_by=by, cleared_at=timezone.now()
    )
    if cleared:
        record(by, "proctoring.flags.cleared", attempt, after={"cleared": cleared})
    return cleared


# --- messages --------------------------------------------------------------------------------


def send_message(attempt: Attempt, text: str, by) -> Message:
    text = " ".join(text.split())
    if not text:
        raise Refused("消息内容不能为空。")
    if len(text) > 300:
        raise Refused("消息不超过 300 字。")
    if attempt.status == Attempt.Status.HANDED_IN:
        raise Refused("该考生已交卷，消息不会再显示。")
    with transaction.atomic():
        message = Message.objects.create(attempt=attempt, text=text, sent_by=by)
        Attempt.objects.filter(pk=attempt.pk).update(message_seq=F("message_seq") + 1)
        record(by, "proctoring.message.sent", attempt, after={"text": text})
    return message


def messages_for(attempt: Attempt) -> list[dict]:
    return [
        {
            "id": m.pk,
            "text": m.text,
            "sent_at_ms": int(m.sent_at.timestamp() * 1000),
            "read": m.read_at is not None,
        }
        for m in attempt.messages.all()
    ]


def mark_read(attempt: Attempt, up_to: int) -> None:
    attempt.messages.filter(pk__lte=up_to, read_at__isnull=True).update(read_at=timezone.now())


# --- who may look ----------------------------------------------------------------------------


def may_see(user, sitting) -> bool:
    """Pictures of a sitting's candidates: its proctors and the administrators only."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(roles.ADMINISTRATOR):
        return True
    if not user.has_role(roles.PROCTOR):
        return False
    main = sitting.main_id or sitting.pk
    return Assignment.objects.filter(proctor=user, sitting_id=main).exists()


def sittings_of(user):
    """The sittings whose console this user may open."""
    found = Sitting.objects.exclude(starts_at=None)
    if user.has_role(roles.ADMINISTRATOR):
        return found
    mine = Assignment.objects.filter(proctor=user).values("sitting_id")
    return found.filter(models.Q(pk__in=mine) | models.Q(main__in=mine))


# --- retention -------------------------------------------------------------------------------


def purge_expired(today: datetime.date | None = None) -> int:
    """Delete snapshots, check-in pictures and face descriptors past their retention date,
    one audit entry per sitting saying how many. Returns the number of files deleted."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.PROCTORING_RETENTION_DAYS)
    deleted = 0
    for main in Sitting.objects.filter(main=None, results_on__lt=cutoff):
        sittings = [main.pk, *main.satellites.values_list("pk", flat=True)]
        attempts = Attempt.objects.filter(sitting__in=sittings)
        snapshots = Snapshot.objects.filter(attempt__in=attempts)
        checks = IdentityCheck.objects.filter(attempt__in=attempts).exclude(image="")
        # A descriptor stays while the person has a later sitting still to come.
        enrolments = Enrolment.objects.filter(application__sitting=main).exclude(problem="purged")
        counts = {
            "snapshots": snapshots.count(),
            "identity_images": checks.count(),
            "descriptors": enrolments.count(),
        }
        if not any(counts.values()):
            continue
        for snapshot in snapshots.iterator():
            snapshot.image.delete(save=False)
        for check in checks.iterator():
            check.image.delete(save=False)
        with transaction.atomic():
            Flag.objects.filter(snapshot__in=snapshots).update(snapshot=None)
            snapshots.delete()
            checks.update(image="")
            enrolments.update(descriptor=None, problem="purged")
            record(
                None,
                "proctoring.retention.purged",
                main,
                after={**counts, "retention_ends": str(exams.retention_ends(main))},
            )
        deleted += counts["snapshots"] + counts["identity_images"]
    return deleted
