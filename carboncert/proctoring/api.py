"""The exam page's side of identity and proctoring: the face check at check-in, the photo
fallback, and the proctor's messages. Same bearer token as the rest of the exam API."""

from ninja import Router, Schema, Status

from carboncert.exams.api import JPEG_START, AttemptToken, Problem

from . import services
from .services import MAX_IMAGE_BYTES, CheckResult

router = Router(auth=AttemptToken(), tags=["exam"])


def _picture(request) -> bytes | tuple[int, dict]:
    """The JPEG itself as the body, like the snapshots; refused before it is read if too big."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_IMAGE_BYTES:
        return 413, {"code": "too_large", "message": "图片过大（不超过 2 MB）"}
    data = request.body
    if not data.startswith(JPEG_START):
        return 415, {"code": "not_jpeg", "message": "请上传摄像头拍摄的 JPEG 图片"}
    return data


def _answer(call, request):
    picture = _picture(request)
    if isinstance(picture, tuple):
        return Status(*picture)
    try:
        return Status(200, call(request.attempt, picture))
    except services.Refused as refused:
        return Status(409, {"code": "refused", "message": refused.message})


RESPONSES = {200: CheckResult, 409: Problem, 413: Problem, 415: Problem}


@router.get("/identity", response=CheckResult)
def identity(request):
    """Where the check-in stands: tries made, whether the photo fallback is open."""
    return services.identity_status(request.attempt)


@router.post("/identity", response=RESPONSES)
def check(request):
    """Compare a camera picture (body: image/jpeg) with the application photo."""
    return _answer(services.check_identity, request)


@router.post("/identity/photo", response=RESPONSES)
def photo(request):
    """The photo fallback (拍照上传): the candidate goes on, a proctor will look."""
    return _answer(services.submit_photo, request)


class Note(Schema):
    id: int
    text: str
    sent_at_ms: int
    read: bool


@router.get("/messages", response=list[Note])
def messages(request):
    return services.messages_for(request.attempt)


class ReadIn(Schema):
    up_to: int


@router.post("/messages/read", response={204: None})
def read(request, payload: ReadIn):
    services.mark_read(request.attempt, payload.up_to)
    return Status(204, None)
