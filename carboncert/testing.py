"""Named people for tests, built by the real services (STYLE.md); the test client and live
server as production serves the exam."""

from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import Client

from carboncert.accounts import roles
from carboncert.accounts.idcard import with_check_digit
from carboncert.accounts.models import Institution, Person
from carboncert.accounts.services import create_staff_user, ensure_candidate_login

PASSWORD = "test-pass-2026"
ZHANG_SAN_ID = "11010519850612107X"  # ends in X on purpose


def institution(code="green", name="绿碳培训学校"):
    return Institution.objects.get_or_create(code=code, defaults={"name": name})[0]


def staff(username, role, institution=None):
    return create_staff_user(
        username, PASSWORD, full_name=username, roles=[role], institution=institution
    )


def administrator():
    return staff("admin", roles.ADMINISTRATOR)


def candidate(id_number=ZHANG_SAN_ID, name="张三"):
    person = Person.objects.create(id_number=id_number, name=name)
    return ensure_candidate_login(person, PASSWORD)


def id_number(birth="19900307", sequence=123, region="110101"):
    return with_check_digit(f"{region}{birth}{sequence:03d}")


class ProductionClient(Client):
    """Django's test client with the exam's hot path in front, as wsgi.py serves production."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.handler = _HotPathFirst(self.handler)


class _HotPathFirst:
    def __init__(self, handler):
        self.handler = handler

    def __getattr__(self, name):
        return getattr(self.handler, name)

    def __call__(self, environ):
        from carboncert.exams import hotpath

        if not hotpath.claims(environ):
            return self.handler(environ)
        captured = {}

        def start_response(status, headers):
            captured.update(status=int(status.split()[0]), headers=headers)

        # As Django's ClientHandler does: the test's connection must survive the request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = b"".join(hotpath.ExamHotPath(None)(environ, start_response))
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        response = HttpResponse(body, status=captured["status"])
        for name, value in captured["headers"]:
            response[name] = value
        response.wsgi_request = WSGIRequest(environ)
        return response


def production_live_server(addr: str):
    """pytest-django's live server, serving through the production WSGI stack (hot path)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    from carboncert.exams.hotpath import ExamHotPath

    server = LiveServer(addr, start=False)
    server.thread.static_handler = lambda app: StaticFilesHandler(ExamHotPath(app))
    server.start()
    return server


def id_photo(seed: int = 0) -> bytes:
    """A drawn blue-background ID photo (295 × 413 px, JPEG): a face-shaped oval, no face."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (295, 413), (67, 142, 219))
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 200, 190), fill=(236, 200, 170))
    draw.rectangle((60, 200, 235, 413), fill=(30 + seed % 50, 40, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()
