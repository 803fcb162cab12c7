"""The exam's saves and heartbeats answered in front of Django (hotpath.py), as production
serves them: the same replies as the ninja endpoints, and bad requests change nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carboncert import wsgi
from carboncert.exams import hotpath
from carboncert.exams.models import Answer, JournalEntry
from carboncert.exams.tests.conftest import at
from carboncert.exams.tests.test_attempts import API, call, started

pytestmark = pytest.mark.django_db


def post(client, token, path, body: bytes, **extra):
    return client.generic(
        "POST", API + path, body, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}", **extra,
    )  # fmt: skip


def nothing_written():
    return not Answer.objects.exists() and not JournalEntry.objects.exists()


def test_production_serves_saves_and_heartbeats_on_the_hot_path(client, morning, monkeypatch):
    assert isinstance(wsgi.application, hotpath.ExamHotPath)
    attempt, token, _ = started(client, morning)
    claimed = []
    real = hotpath.answer
    monkeypatch.setattr(hotpath, "answer", lambda environ: claimed.append(1) or real(environ))
    reply = call(client, token, "/answers", {"saves": [{"seq": 1, "n": 3, "value": "B"}]})
    assert reply.status_code == 200 and reply.json()["acked_seq"] == 1
    assert reply["X-Content-Type-Options"] == "nosniff" and reply["Cache-Control"] == "no-store"
    beat = call(client, token, "/heartbeat", {"client_time_ms": 1}).json()
    assert beat["status"] == "answering" and beat["ends_at_ms"] > beat["server_now_ms"]
    assert len(claimed) == 2  # both went the hot way
    call(client, token, "/state", method="get")
    assert len(claimed) == 2  # everything else is Django's
    assert attempt.answers.get(n=3).value == "B"


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Token {token}", "Bearer {token}x"],
)
def test_a_save_without_a_valid_token_is_refused_and_writes_nothing(client, morning, authorization):
    _attempt, token, _ = started(client, morning)
    reply = client.post(
        API + "/answers", json.dumps({"saves": [{"seq": 1, "n": 1, "value": "A"}]}),
        content_type="application/json", HTTP_AUTHORIZATION=authorization.format(token=token),
    )  # fmt: skip
    assert reply.status_code == 401 and reply.json()["message"] == "登录已失效，请重新登录。"
    assert nothing_written()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"saves": "A"}',
        b'{"saves": [{"seq": "one", "n": 1, "value": "A"}]}',
        b'{"saves": [{"n": 1, "value": "A"}]}',
        b'{"saves": [{"seq": 1, "n": 1, "value": ["A"]}]}',
        '{"saves": [{"seq": 1, "n": 1, "value": "\xff"}]}'.encode("latin-1"),
    ],
)
def test_a_malformed_save_gets_a_clear_message_and_writes_nothing(client, morning, body):
    _attempt, token, _ = started(client, morning)
    reply = post(client, token, "/answers", body)
    assert reply.status_code == 422, reply.content
    assert reply.json()["message"] == "提交的数据格式不正确。" and reply.json()["detail"]
    assert nothing_written()


def test_too_much_at_once_is_refused_and_writes_nothing(client, morning, settings):
    _attempt, token, _ = started(client, morning)
    saves = [{"seq": n, "n": 1, "value": "A"} for n in range(1, 502)]
    reply = post(client, token, "/answers", json.dumps({"saves": saves}).encode())
    assert reply.status_code == 413 and reply.json()["message"] == "一次提交的答案过多"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    big = json.dumps({"saves": [{"seq": 1, "n": 1, "value": "A" * 200}]}).encode()
    reply = post(client, token, "/answers", big)
    assert reply.status_code == 413 and reply.json()["message"] == "提交的数据过大。"
    assert nothing_written()


def test_a_failure_inside_is_a_json_500_and_logged(client, morning, monkeypatch, caplog):
    _attempt, token, _ = started(client, morning)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(hotpath.api.services, "save_answers", broken)
    reply = call(client, token, "/answers", {"saves": [{"seq": 1, "n": 1, "value": "A"}]})
    assert reply.status_code == 500 and reply.json()["code"] == "server_error"
    assert "exam hot path failed" in caplog.text
    # The client keeps the save and sends it again: nothing acknowledged was lost.
    monkeypatch.undo()
    again = call(client, token, "/answers", {"saves": [{"seq": 1, "n": 1, "value": "A"}]})
    assert again.json()["acked_seq"] == 1


def test_behind_https_a_plain_request_is_left_to_django_to_redirect(settings):
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/exam/answers",
               "wsgi.url_scheme": "http"}  # fmt: skip
    assert hotpath.claims(environ)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert not hotpath.claims(environ)
    assert hotpath.claims({**environ, "HTTP_X_FORWARDED_PROTO": "https"})
    assert not hotpath.claims({**environ, "REQUEST_METHOD": "GET",
                               "HTTP_X_FORWARDED_PROTO": "https"})  # fmt: skip


def test_the_wsgi_layer_hands_everything_else_to_django():
    seen = []
    layer = hotpath.ExamHotPath(lambda environ, start_response: seen.append(environ) or [b"dj"])
    for path in ("/api/exam/state", "/exam/login/", "/api/exam/answers/x"):
        assert layer({"REQUEST_METHOD": "POST", "PATH_INFO": path}, None) == [b"dj"]
    assert len(seen) == 3


JPEG = b"\xff\xd8\xff\xe0" + bytes(2000)


def snap(client, token, body=JPEG, reason="interval", content_type="image/jpeg"):
    return client.generic("POST", f"{API}/snapshots?reason={reason}", body,
                          content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip


def test_a_snapshot_sent_as_a_jpeg_body_is_stored(client, morning, media):
    attempt, token, _ = started(client, morning)
    reply = snap(client, token, reason="camera_back")
    assert reply.status_code == 204 and reply.content == b""
    stored = attempt.snapshots.get()
    assert stored.reason == "camera_back" and stored.image.read() == JPEG
    # The multipart form, for other clients, is Django's endpoint and stores the same.
    form = client.post(f"{API}/snapshots", {"image": SimpleUploadedFile("s.jpg", JPEG)},
                       HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert form.status_code == 204 and attempt.snapshots.count() == 2


def test_a_bad_snapshot_is_refused_and_stores_nothing(client, morning, media, monkeypatch):
    attempt, token, _ = started(client, morning)
    reply = snap(client, token, body=b"GIF89a" + bytes(100))
    assert reply.status_code == 415 and reply.json()["message"] == "抓拍图片应为 JPEG"
    monkeypatch.setattr(hotpath.api, "MAX_SNAPSHOT_BYTES", 1000)
    reply = snap(client, token)  # 2,004 bytes: refused on its Content-Length
    assert reply.status_code == 413 and reply.json()["message"] == "提交的数据过大。"
    assert snap(client, "forged").status_code == 401
    assert not attempt.snapshots.exists()


def test_snapshots_never_take_the_threads_saves_need(client, morning, media):
    attempt, token, _ = started(client, morning)
    writers = hotpath.api.SNAPSHOT_WRITERS
    held = [writers.acquire(blocking=False) for _ in range(writers._initial_value)]
    try:
        assert all(held) and held  # all but two threads storing snapshots already
        busy = snap(client, token)
        assert busy.status_code == 503 and "下次抓拍时重试" in busy.json()["message"]
        save = call(client, token, "/answers", {"saves": [{"seq": 1, "n": 1, "value": "A"}]})
        assert save.json()["acked_seq"] == 1
    finally:
        for _ in held:
            hotpath.api.SNAPSHOT_WRITERS.release()
    assert not attempt.snapshots.exists()
    assert snap(client, token).status_code == 204


def test_no_snapshot_after_the_hand_in(client, morning, media):
    attempt, token, _ = started(client, morning)
    morning["time"].move_to(at(9, 40), tick=False)
    call(client, token, "/hand-in")
    assert snap(client, token).status_code == 409
    assert not attempt.snapshots.exists()
