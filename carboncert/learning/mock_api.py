"""The exam client's practice mode for mock papers (模拟卷): the subset of the exam API it
uses, at /api/mock/. Every endpoint authenticates the mock's own bearer token (one mock of
one person); the clock is the server's."""

from __future__ import annotations

import time

from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from carboncert.bank import papers
from carboncert.exams.api import Problem, ms, problem

from . import mock as mocks
from .models import MockAttempt

MAX_SAVES = 500


def authenticated(token: str) -> MockAttempt | None:
    """The mock a bearer token names; one past its end is handed in (and scored) here."""
    found = mocks.mock_for_token(token)
    return None if found is None else mocks.hand_in_if_over(found)


class MockToken(HttpBearer):
    def authenticate(self, request, token):
        request.mock = authenticated(token)
        return request.mock


router = Router(auth=MockToken(), tags=["mock"])


def refused(error: mocks.Refused):
    return Status(409, problem(error))


def status_of(mock: MockAttempt) -> str:
    return "handed_in" if mock.handed_in_at else "answering"


def mock_state(mock: MockAttempt) -> dict:
    """The exam client's attempt, as practice mode reads it: a timer and nothing else (no
    camera, no identity check, no leave limit, no earliest hand-in, no proctor messages)."""
    return {
        "id": mock.pk,
        "status": status_of(mock),
        "mode": "practice",
        "server_now_ms": int(time.time() * 1000),
        "starts_at_ms": ms(mock.started_at),
        "earliest_hand_in_at_ms": None,
        "ends_at_ms": ms(mock.ends_at),
        "handed_in_at_ms": ms(mock.handed_in_at),
        "leave_count": 0,
        "leave_limit": None,
        "countdown_seconds": None,
        "snapshot_interval_seconds": 0,
        "microphone_required": False,
        "face_check": False,
        "identity": "",
        "privacy_accepted": True,
        "message_seq": 0,
    }


def full_state(mock: MockAttempt) -> dict:
    items = [] if mock.handed_in_at else papers.shown_items(mock.paper)
    return {
        "attempt": mock_state(mock),
        "items": [item.__dict__ for item in items],
        "answers": {str(n): v for n, v in mock.answers.items()},
        "last_seq": mock.last_seq,
    }


@router.get("/state")
def state(request):
    return full_state(request.mock)


@router.post("/start")
def start(request):
    """The mock started when the candidate asked for it: nothing to do but show it."""
    return full_state(request.mock)


class SaveIn(Schema):
    seq: int
    n: int
    value: str = ""
    client_time_ms: int | None = None


class SavesIn(Schema):
    saves: list[SaveIn]


@router.post("/answers", response={200: dict, 409: Problem, 413: Problem})
def answers(request, payload: SavesIn):
    if len(payload.saves) > MAX_SAVES:
        return Status(413, {"code": "too_many", "message": "一次提交的答案过多"})
    try:
        acked = mocks.save(
            request.mock,
            [mocks.Save(s.seq, s.n, s.value, s.client_time_ms) for s in payload.saves],
        )
    except mocks.Refused as error:
        return refused(error)
    return {"acked_seq": acked, "server_now_ms": int(time.time() * 1000)}


class HeartbeatIn(Schema):
    client_time_ms: int | None = None


@router.post("/heartbeat")
def heartbeat(request, payload: HeartbeatIn):
    state = mock_state(request.mock)
    keys = ("server_now_ms", "ends_at_ms", "status", "leave_count", "message_seq")
    return {k: state[k] for k in keys}


class EventIn(Schema):
    kind: str = ""
    at_ms: int | None = None
    detail: dict[str, str] = {}


@router.post("/events", response={204: None})
def events(request, payload: EventIn):
    """Nothing is recorded in practice; the client may still report."""
    return Status(204, None)


@router.post("/hand-in", response={200: dict, 409: Problem})
def hand_in(request):
    mock = mocks.hand_in(request.mock)
    return {
        "status": status_of(mock),
        "handed_in_at_ms": ms(mock.handed_in_at),
        "answered": sum(1 for v in mock.answers.values() if v != ""),
        "total": len(mock.paper.items),
        "score": None if mock.score is None else float(mock.score),
    }
