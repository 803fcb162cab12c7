import pytest
from django.urls import reverse

from carboncert.exams.tests.conftest import ID

pytestmark = pytest.mark.django_db


def test_the_exam_login_page_leads_to_the_exam(client, morning):
    response = client.post(reverse("exams:login"), {"id_number": ID.lower(), "password": "107X"})
    assert response.status_code == 302 and response.url == reverse("exams:attempt")
    page = client.get(reverse("exams:attempt")).content.decode()
    assert 'data-token="' in page
    bad = client.post(reverse("exams:login"), {"id_number": ID, "password": "0000"})
    assert "密码为身份证号码后四位" in bad.content.decode()
