"""The exam's busiest requests, answered in front of Django's request machinery.

At a human pace every open attempt sends a save every 10–20 s, a heartbeat every 15 s
and a camera snapshot every minute: on exam day these are nearly all the requests. They
authenticate by the attempt's signed token, so they need none of what Django's
middleware does for a page (session, CSRF, messages, language, clickjacking, URL
resolution), and that machinery was most of their cost (docs/capacity.md). This WSGI layer answers them with the same schemas,
services and replies as the django-ninja endpoints in api.py, and hands every other
request to Django. The ninja endpoints stay: they are the OpenAPI description.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs

from django.conf import settings
from django.core import signals
from pydantic import ValidationError

from . import api

log = logging.getLogger(__name__)


def _saves(attempt, body: bytes, environ: dict):
    return api.saves_reply(attempt, api.SavesIn.model_validate_json(body))


def _heartbeat(attempt, body: bytes, environ: dict):
    api.HeartbeatIn.model_validate_json(body)
    return api.heartbeat_reply(attempt)


def _snapshot(attempt, body: bytes, environ: dict):
    reason = parse_qs(environ.get("QUERY_STRING", "")).get("reason", ["interval"])[0]
    return api.snapshot_reply(attempt, body, reason)


@dataclass(frozen=True)
class Route:
    reply: Callable
    content_type: str
    max_bytes: Callable[[], int]


ROUTES = {
    "/api/exam/answers": Route(_saves, "application/json",
                               lambda: settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
    "/api/exam/heartbeat": Route(_heartbeat, "application/json",
                                 lambda: settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
    # The JPEG as the body; a multipart upload is Django's (api.snapshots).
    "/api/exam/snapshots": Route(_snapshot, "image/jpeg", lambda: api.MAX_SNAPSHOT_BYTES),
}  # fmt: skip
REASONS = {200: "OK", 204: "No Content", 401: "Unauthorized", 409: "Conflict",
           413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity",
           500: "Internal Server Error", 503: "Service Unavailable"}  # fmt: skip
HEADERS = [
    ("Content-Type", "application/json; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
]


def claims(environ: dict) -> bool:
    """Whether this request is one of the hot path's (the rest go to Django)."""
    route = ROUTES.get(environ.get("PATH_INFO"))
    if environ.get("REQUEST_METHOD") != "POST" or route is None:
        return False
    if route.content_type == "image/jpeg" and environ.get("CONTENT_TYPE") != "image/jpeg":
        return False
    # Behind HTTPS=1 a plain-HTTP request is Django's to redirect.
    return not settings.SECURE_SSL_REDIRECT or _secure(environ)


def _secure(environ: dict) -> bool:
    header = settings.SECURE_PROXY_SSL_HEADER
    if header and environ.get(header[0]) == header[1]:
        return True
    return environ.get("wsgi.url_scheme") == "https"


def answer(environ: dict) -> tuple[int, dict]:
    """Authenticate the bearer token, read the body (JSON, or the snapshot's JPEG), reply
    (status, body)."""
    route = ROUTES[environ["PATH_INFO"]]
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    attempt = api.authenticated(token.strip()) if scheme.lower() == "bearer" else None
    if attempt is None:
        return 401, {"code": "unauthorized", "message": "登录已失效，请重新登录。",
                     "detail": "Unauthorized"}  # fmt: skip
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= route.max_bytes():  # refused before a byte of it is read
        return 413, {"code": "too_large", "message": "提交的数据过大。"}
    body = environ["wsgi.input"].read(length) if length else b"{}"
    try:
        return route.reply(attempt, body, environ)
    except ValidationError as error:
        detail = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
                  for e in error.errors(include_url=False, include_input=False)]  # fmt: skip
        return 422, {"code": "bad_request", "message": "提交的数据格式不正确。", "detail": detail}


class ExamHotPath:
    """WSGI middleware: the hot path's requests answered here, the rest by `app` (Django)."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not claims(environ):
            return self.app(environ, start_response)
        # The signals Django's handler sends: they recycle stale database connections.
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            status, body = answer(environ)
        except Exception:
            log.exception("exam hot path failed: %s", environ.get("PATH_INFO"))
            status, body = 500, {"code": "server_error", "message": "服务器繁忙，请稍后重试。"}
        finally:
            signals.request_finished.send(sender=self.__class__)
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = HEADERS if data else HEADERS[1:]  # a 204 has no body, so no type
        start_response(f"{status} {REASONS[status]}",
                       [*headers, ("Content-Length", str(len(data)))])  # fmt: skip
        return [data]
