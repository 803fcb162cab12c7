"""Admission tickets and review forms, read back from the PDF."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from carboncert import testing
from carboncert.pdf import has_chinese_font
from carboncert.registration import services
from carboncert.registration.models import Application, Bill
from carboncert.registration.tests.conftest import DAY, submitted

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not has_chinese_font(), reason="no Chinese font: apt-get install fonts-noto-cjk"
    ),
]


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def approved(client, world):
    application = submitted(client, world)
    services.approve(application, by=world["reviewer"])
    return Application.objects.get(pk=application.pk)


def test_approved_but_unpaid_has_no_ticket(client, world):
    application = approved(client, world)
    client.force_login(world["green"])
    assert client.get(reverse("registration:ticket", args=[application.pk])).status_code == 404
    page = client.get(reverse("registration:application", args=[application.pk])).content.decode()
    assert "待机构缴费确认后生成准考证" in page


def test_after_payment_the_ticket_shows_the_sittings_times(client, world):
    application = approved(client, world)
    services.record_payment(
        Bill.objects.get(), Decimal("800"), date(2026, 11, 25), "T1", world["admin"]
    )
    client.force_login(world["green"])
    response = client.get(reverse("registration:ticket", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    application.refresh_from_db()
    for expected in (
        application.ticket_number,
        "张三",
        "1101**********107X",
        "2026年12月19日",
        "08:30",
        "09:00",
        "09:30",
        "11:00",
        "碳排放管理技术（中级）",
        "身份证号码后四位",
    ):
        assert expected in text, expected
    assert testing.ZHANG_SAN_ID not in text  # masked on the ticket
    # An official document in Chinese, even for staff whose pages are in English.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = text_of(client.get(reverse("registration:ticket", args=[application.pk])).content)
    assert "2026年12月19日（星期六）" in text and "Saturday" not in text


def test_an_institution_downloads_all_its_tickets(client, world):
    application = approved(client, world)
    services.record_payment(
        Bill.objects.get(), Decimal("800"), date(2026, 11, 25), "T1", world["admin"]
    )
    client.force_login(world["green"])
    response = client.get(reverse("registration:tickets_zip", args=[DAY]))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    application.refresh_from_db()
    assert names == [f"{application.ticket_number}_张三.pdf"]
    client.force_login(world["blue"])
    response = client.get(reverse("registration:tickets_zip", args=[DAY]), follow=True)
    assert "暂无准考证" in response.content.decode()


def test_the_review_form_carries_the_application(client, world):
    application = submitted(client, world)
    client.force_login(world["green"])
    response = client.get(reverse("registration:review_form", args=[application.pk]))
    text = text_of(response.content)
    assert "报名审核表" in text and "张三" in text and "某电力公司" in text and "符合 中级" in text
    client.force_login(world["blue"])
    assert client.get(reverse("registration:review_form", args=[application.pk])).status_code == 404


def test_making_a_pdf_does_not_make_uploads_accept_truncated_images(client, world):
    from carboncert.registration import documents
    from carboncert.registration.tests.conftest import photo

    application = submitted(client, world)
    client.force_login(world["green"])
    client.get(reverse("registration:review_form", args=[application.pk]))  # imports WeasyPrint
    with pytest.raises(documents.DocumentRejected) as rejected:
        documents.check_upload("photo", photo()[:-2000], "photo.jpg")
    assert rejected.value.code == "corrupt"
