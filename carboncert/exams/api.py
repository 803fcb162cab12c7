"""The exam client's API. Every endpoint authenticates the attempt's bearer token and
checks that the attempt is open; the clock is the server's."""

from __future__ import annotations

import os
import threading
import time

from django.core.files.base import ContentFile
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from . import services, signals
from .models import Attempt, Snapshot

MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024
JPEG_START = b"\xff\xd8\xff"  # what the camera's JPEGs begin with (SOI and a marker)
EVENT_KINDS = {
    "camera_lost",
    "camera_back",
    "copy",
    "paste",
    "contextmenu",
    "offline",
    "online",
    "device_check",
}
# A device check's findings: a handful of short strings, never a page of text.
MAX_EVENT_DETAIL_CHARS = 2000


def authenticated(token: str) -> Attempt | None:
    """The open attempt a bearer token names; time runs out whether or not the
    candidate's browser is still there, so an attempt past its end is handed in here."""
    attempt = services.attempt_for_token(token)
    if attempt is None:
        return None
    services.mark_seen(attempt.pk)  # the page is there: the proctor console's 离线 reads it
    return services.hand_in_if_over(attempt)


class AttemptToken(HttpBearer):
    def authenticate(self, request, token):
        request.attempt = authenticated(token)
        return request.attempt


router = Router(auth=AttemptToken(), tags=["exam"])


def ms(moment) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


class Problem(Schema):
    code: str
    message: str


def problem(error: services.Refused) -> dict:
    return {"code": error.code, "message": error.message}


def refused(error: services.Refused):
    return Status(409, problem(error))


def attempt_state(attempt: Attempt) -> dict:
    window = services.window_of(attempt)
    sitting = attempt.sitting
    return {
        "id": attempt.pk,
        "status": attempt.status,
        "server_now_ms": int(time.time() * 1000),
        "starts_at_ms": ms(window.starts_at),
        "earliest_hand_in_at_ms": ms(window.earliest_hand_in_at),
        "ends_at_ms": ms(window.attempt_ends_at),
        "handed_in_at_ms": ms(attempt.handed_in_at),
        "leave_count": attempt.leave_count,
        "leave_limit": sitting.leave_limit,
        "countdown_seconds": sitting.leave_countdown_seconds,
        "snapshot_interval_seconds": sitting.snapshot_interval_seconds,
        "microphone_required": sitting.microphone_required,
        "face_check": sitting.face_check,
        "identity": attempt.identity,
        "privacy_accepted": attempt.privacy_accepted_at is not None,
        "message_seq": attempt.message_seq,
    }


def full_state(attempt: Attempt) -> dict:
    items = services.shown_items(attempt) if attempt.status == Attempt.Status.ANSWERING else []
    until = services.retention_ends(attempt.sitting)
    return {
        "attempt": attempt_state(attempt),
        "retention_until": until.isoformat() if until else None,  # for the privacy notice
        "items": [item.__dict__ for item in items],
        "answers": {str(n): v for n, v in attempt.answers.values_list("n", "value")},
        "last_seq": attempt.last_seq,
    }


@router.get("/state")
def state(request):
    return full_state(request.attempt)


@router.post("/start", response={200: dict, 409: Problem})
def start(request):
    try:
        attempt = services.start(request.attempt)
    except services.Refused as error:
        return refused(error)
    return full_state(attempt)


class SaveIn(Schema):
    seq: int
    n: int
    value: str = ""
    client_time_ms: int | None = None


class SavesIn(Schema):
    saves: list[SaveIn]


MAX_SAVES = 500


def saves_reply(attempt: Attempt, payload: SavesIn) -> tuple[int, dict]:
    """The reply to a batch of saves (here and in hotpath.py, which serves it on exam day)."""
    if len(payload.saves) > MAX_SAVES:
        return 413, {"code": "too_many", "message": "一次提交的答案过多"}
    try:
        acked = services.save_answers(
            attempt, [services.Save(s.seq, s.n, s.value, s.client_time_ms) for s in payload.saves]
        )
    except services.Refused as error:
        return 409, problem(error)
    return 200, {"acked_seq": acked, "server_now_ms": int(time.time() * 1000)}


@router.post("/answers", response={200: dict, 409: Problem, 413: Problem})
def answers(request, payload: SavesIn):
    return Status(*saves_reply(request.attempt, payload))


class HeartbeatIn(Schema):
    client_time_ms: int | None = None


def heartbeat_reply(attempt: Attempt) -> tuple[int, dict]:
    state = attempt_state(attempt)  # fresh from the token's one query
    keys = ("server_now_ms", "ends_at_ms", "status", "leave_count", "message_seq")
    return 200, {k: state[k] for k in keys}


@router.post("/heartbeat")
def heartbeat(request, payload: HeartbeatIn):
    return Status(*heartbeat_reply(request.attempt))


class LeaveIn(Schema):
    left_at_ms: int | None = None
    returned_at_ms: int | None = None
    reason: str = "fullscreen"


@router.post("/leaves")
def leaves(request, payload: LeaveIn):
    attempt = services.record_leave(request.attempt, payload.dict())
    return {
        "leave_count": attempt.leave_count,
        "handed_in": attempt.status == Attempt.Status.HANDED_IN,
    }


class EventIn(Schema):
    kind: str
    at_ms: int | None = None
    detail: dict[str, str] = {}


@router.post("/events", response={204: None})
def events(request, payload: EventIn):
    if payload.kind in EVENT_KINDS:
        detail = payload.detail
        if sum(len(k) + len(v) for k, v in detail.items()) > MAX_EVENT_DETAIL_CHARS:
            detail = {"error": "too_long"}
        services.record_event(request.attempt, payload.kind, payload.at_ms, detail)
    return Status(204, None)


# Storing a snapshot may wait on object storage: all but two of a process's threads at
# most, so that saves always find a free thread. The page sends a refused one once more.
SNAPSHOT_WRITERS = threading.BoundedSemaphore(max(1, int(os.environ.get("WEB_THREADS", 8)) - 2))


def snapshot_reply(attempt: Attempt, data: bytes, reason: str) -> tuple[int, dict | None]:
    """Store one camera snapshot; 204 once it is stored (here and in hotpath.py)."""
    if attempt.status == Attempt.Status.HANDED_IN:
        return 409, {"code": "handed_in", "message": "已交卷"}
    if len(data) > MAX_SNAPSHOT_BYTES:
        return 413, {"code": "too_large", "message": "图片过大"}
    if not data.startswith(JPEG_START):
        return 415, {"code": "not_jpeg", "message": "抓拍图片应为 JPEG"}
    if not SNAPSHOT_WRITERS.acquire(blocking=False):
        return 503, {"code": "busy", "message": "抓拍上传繁忙，将在下次抓拍时重试"}
    try:
        snapshot = Snapshot(attempt=attempt, taken_at=timezone.now(), reason=reason[:12])
        snapshot.image.save(f"{attempt.pk}.jpg", ContentFile(data), save=True)
    finally:
        SNAPSHOT_WRITERS.release()
    signals.snapshot_stored.send(Snapshot, snapshot=snapshot)  # analysed off this path
    return 204, None


@router.post("/snapshots", response={204: None, 409: Problem, 413: Problem, 415: Problem,
                                     503: Problem})  # fmt: skip
def snapshots(request, image: UploadedFile = File(...), reason: str = Form("interval")):
    """A multipart upload (field `image`); the exam page sends the JPEG itself as the body
    (`Content-Type: image/jpeg`, `?reason=`), which hotpath.py answers."""
    if image.size > MAX_SNAPSHOT_BYTES:
        return Status(413, {"code": "too_large", "message": "图片过大"})
    return Status(*snapshot_reply(request.attempt, image.read(), reason))


@router.post("/privacy", response={204: None})
def privacy(request):
    """The candidate read what is recorded and for how long, and agreed; the camera starts."""
    services.accept_privacy(request.attempt)
    return Status(204, None)


@router.post("/hand-in", response={200: dict, 409: Problem})
def hand_in(request):
    try:
        attempt = services.hand_in(request.attempt)
    except services.Refused as error:
        return refused(error)
    return {
        "status": attempt.status,
        "handed_in_at_ms": ms(attempt.handed_in_at),
        "answered": attempt.answers.exclude(value="").count(),
        "total": len(attempt.paper.items) if attempt.paper_id else 0,
    }
