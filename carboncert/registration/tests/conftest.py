"""Shared set-up for registration tests: a sitting open for registration, two institutions."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from carboncert import testing
from carboncert.accounts import roles
from carboncert.catalog.models import Subject
from carboncert.registration.models import Application, SubjectFee
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import generate_sittings

BEIJING = ZoneInfo("Asia/Shanghai")
DAY = "2026-12-19"


def photo(width=413, height=579, colour=(40, 90, 200), exif=None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG", exif=exif or b"")
    return out.getvalue()


@pytest.fixture
def world(catalogue, time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 10, 0, tzinfo=BEIJING), tick=False)
    generate_sittings(2026)
    for subject in Subject.objects.all():
        SubjectFee.objects.create(subject=subject, amount=Decimal("800.00"))
    green, blue = testing.institution("green", "绿碳学校"), testing.institution("blue", "蓝天学校")
    return {
        "sitting": Sitting.objects.get(date=date(2026, 12, 19)),
        "green": testing.staff("green-staff", roles.INSTITUTION, green),
        "blue": testing.staff("blue-staff", roles.INSTITUTION, blue),
        "reviewer": testing.staff("reviewer", roles.REVIEWER),
        "admin": testing.administrator(),
        "time": time_machine,
    }


def form_data(**changes):
    data = {
        "name": "张三",
        "id_number": testing.ZHANG_SAN_ID.lower(),
        "phone": "138 0000 0001",
        "email": "zhangsan@example.cn",
        "subject": Subject.objects.get(code="CE-2").pk,
        "education": "本科",
        "major": "会计学",
        "graduated_on": "2015-07-01",
        "employer": "某电力公司",
        "work_years": "3",
        "dual_carbon_level": "0",
        "other_cert_level": "0",
    }
    data.update(changes)
    return data


def create(client, user, **changes) -> Application:
    client.force_login(user)
    response = client.post(
        reverse("registration:application_new", args=[DAY]), form_data(**changes)
    )
    assert response.status_code == 302, response.content.decode()
    return Application.objects.latest("pk")


def upload(client, application, kind="photo", data=None, name="photo.jpg"):
    return client.post(
        reverse("registration:document_upload", args=[application.pk]),
        {"kind": kind, "file": _file(data or photo(), name)},
        follow=True,
    )


def _file(data, name):
    return SimpleUploadedFile(name, data)


def submitted(client, world) -> Application:
    application = create(client, world["green"])
    upload(client, application)
    client.post(reverse("registration:application_submit", args=[application.pk]))
    application.refresh_from_db()
    return application
