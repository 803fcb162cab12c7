"""Passed candidates of the 2026-12-19 sitting, with application photos, and a signing key
of the test's own."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from carboncert import testing
from carboncert.catalog.models import Subject
from carboncert.certificates import keys
from carboncert.exams.tests.conftest import admit
from carboncert.grading.models import Result
from carboncert.registration.models import Document
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import enter_calendar_year, generate_sittings
from carboncert.sittings.workdays import DayRule


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    settings.CERTIFICATE_KEY_FILE = tmp_path / "keys" / "signing.pem"
    settings.PUBLIC_URL = "https://cert.example.cn"
    keys.forget()
    yield settings.CERTIFICATE_KEY_FILE
    keys.forget()


def enter_2027(by=None):
    """2027's holidays as the State Council's notice would give them, entered by an
    administrator (the same service as the admin form)."""
    days = [DayRule(datetime.date(2027, 1, 1), False, "元旦")]
    days += [DayRule(datetime.date(2027, 2, d), False, "春节") for d in range(6, 15)]
    days.append(DayRule(datetime.date(2027, 2, 20), True, "春节"))
    return enter_calendar_year(2027, "国务院办公厅关于2027年部分节假日安排的通知", days, by=by)


def give_photo(application, data: bytes):
    document = Document(application=application, kind=Document.Kind.PHOTO,
                        content_type="image/jpeg", size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), width=295, height=413)  # fmt: skip
    document.file.save("photo.jpg", ContentFile(data), save=False)
    document.save()


def passed_candidates(n: int, sitting, subject, *, failed: int = 0, photos: bool = True, first=0):
    """n passed results (and some failed ones) at a sitting, as grading leaves them."""
    institution = testing.institution()
    results = []
    for i in range(first, first + n + failed):
        number = testing.id_number(birth="19900101", sequence=100 + i)
        application = admit(number, f"考生{i:03d}" if i else "张三", sitting, subject, institution)
        if photos:
            give_photo(application, testing.id_photo(i))
        results.append(Result.objects.create(
            application=application, sitting=sitting, total=80 if i < first + n else 40,
            outcome=Result.Outcome.PASSED if i < first + n else Result.Outcome.FAILED,
            computed_at=timezone.now(),
        ))  # fmt: skip
    return results


@pytest.fixture
def december(catalogue, media):
    """The 2026-12-19 sitting of CE-1 and its subject; 2027 not yet entered."""
    generate_sittings(2026)
    return Sitting.objects.get(date="2026-12-19"), Subject.objects.get(code="CE-1")
