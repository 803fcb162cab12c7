"""Candidates applying themselves, where a sitting allows it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from carboncert import testing
from carboncert.accounts.models import Person
from carboncert.registration.models import Application
from carboncert.registration.tests.conftest import DAY, form_data, photo

pytestmark = pytest.mark.django_db
URL = reverse("registration:self_apply", args=[DAY])


@pytest.fixture
def open_sitting(world):
    world["sitting"].self_registration = True
    world["sitting"].save()
    return world


def post(client, world, **changes):
    data = form_data(**changes)
    data.update(
        institution=world["green"].institution.pk,
        agree="on",
        photo=SimpleUploadedFile("me.jpg", photo()),
        id_card_front=SimpleUploadedFile("front.jpg", photo(800, 500, (230, 230, 230))),
    )
    data.update({k: v for k, v in changes.items() if k in ("photo",)})
    return client.post(URL, data)


def test_a_sitting_that_does_not_allow_it_has_no_form(client, world):
    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data()).status_code == 404
    assert not Application.objects.exists()


def test_a_candidate_applies_and_the_chosen_institution_sees_it(client, open_sitting):
    response = post(client, open_sitting)
    assert response.status_code == 200
    assert "报名已提交" in response.content.decode()
    application = Application.objects.get()
    assert application.channel == Application.Channel.SELF
    assert application.status == Application.Status.SUBMITTED
    assert application.institution == open_sitting["green"].institution
    assert set(application.documents.values_list("kind", flat=True)) == {"photo", "id_card_front"}
    client.force_login(open_sitting["green"])
    page = client.get(reverse("registration:sitting_dashboard", args=[DAY])).content.decode()
    assert "张三" in page


def test_a_refused_document_leaves_nothing_behind(client, open_sitting):
    png = io.BytesIO()
    Image.new("RGB", (413, 579), (40, 90, 200)).save(png, "PNG")
    response = post(client, open_sitting, photo=SimpleUploadedFile("me.pdf", png.getvalue()))
    assert "文件扩展名与内容不符" in response.content.decode()
    assert not Application.objects.exists()
    assert not Person.objects.filter(id_number=testing.ZHANG_SAN_ID).exists()


def test_one_address_cannot_flood_the_form(client, open_sitting):
    for n in range(20):
        post(client, open_sitting, id_number=testing.id_number(sequence=100 + n), name=f"考生{n}")
    response = post(client, open_sitting, id_number=testing.id_number(sequence=200), name="又一个")
    assert "提交过于频繁" in response.content.decode()
    assert Application.objects.count() == 20
