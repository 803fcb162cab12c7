"""The institution's batch path through the pages: upload, report, import all or the valid rows."""

import io
import zipfile
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carboncert.registration.models import Application, ImportBatch
from carboncert.registration.tests.conftest import BEIJING, DAY, photo
from carboncert.registration.tests.test_batch import application, person, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """Tasks are queued on commit, which a test's transaction never reaches: run them per request."""

    class Client:
        def __getattr__(self, name):
            return getattr(client, name)

        def post(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

    return Client()


def documents_zip(numbers) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in numbers:
            archive.writestr(f"材料/{number}_照片.jpg", photo())
            archive.writestr(f"材料/{number}_身份证正面.jpg", photo(800, 500, (240, 240, 240)))
    return out.getvalue()


def upload(client, rows, numbers, url=None):
    response = client.post(
        url or reverse("registration:batch_upload", args=[DAY]),
        {
            "workbook": SimpleUploadedFile("报名表.xlsx", workbook(rows)),
            "documents": SimpleUploadedFile("材料.zip", documents_zip(numbers)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


def rows_of(n):
    return [application(i, {"报考科目": "碳排放管理技术（初级）"}) for i in range(1, n + 1)]


def test_a_clean_file_is_checked_then_imported_and_submitted(client, world):
    client.force_login(world["green"])
    rows = rows_of(3)
    import_batch = upload(client, rows, [person(i) for i in (1, 2, 3)])
    assert import_batch.status == ImportBatch.Status.CHECKED  # tasks run inline here
    page = client.get(reverse("registration:batch", args=[import_batch.pk])).content.decode()
    assert "共 3 行，其中无误 3 行；发现 0 个问题" in page

    client.post(reverse("registration:batch_import", args=[import_batch.pk]))
    import_batch.refresh_from_db()
    assert import_batch.status == ImportBatch.Status.IMPORTED
    assert import_batch.imported == 3
    applications = Application.objects.filter(institution=world["green"].institution)
    assert applications.count() == 3
    assert set(applications.values_list("status", flat=True)) == {"submitted"}
    first = applications.get(person__id_number=person(1))
    assert set(first.documents.values_list("kind", flat=True)) == {"photo", "id_card_front"}
    # A second click finds nothing left to import.
    client.post(reverse("registration:batch_import", args=[import_batch.pk]))
    page = client.get(reverse("registration:batch", args=[import_batch.pk])).content.decode()
    assert "已导入 3 名考生" in page
    assert Application.objects.count() == 3


def test_problems_are_reported_and_nothing_is_imported_unless_asked(client, world):
    client.force_login(world["green"])
    rows = rows_of(4)
    rows[1]["身份证号码"] = rows[1]["身份证号码"][:-1] + (
        "0" if rows[1]["身份证号码"][-1] != "0" else "1"
    )
    # Row 3's photo is there though its ID is mistyped; row 5 (the fourth) has none;
    # and one photo belongs to nobody on the sheet.
    numbers = [person(1), rows[1]["身份证号码"], person(3), person(99)]
    import_batch = upload(client, rows, numbers)
    assert any(p["row"] == 0 and person(99) in p["message"] for p in import_batch.problems)
    problems = {(p["row"], p["column"]) for p in import_batch.problems}
    assert (3, "身份证号码") in problems
    assert any(p["row"] == 5 and "证件照" in p["message"] for p in import_batch.problems)
    assert import_batch.rows_total == 4 and import_batch.rows_valid == 2

    client.post(reverse("registration:batch_import", args=[import_batch.pk]))
    page = client.get(reverse("registration:batch", args=[import_batch.pk])).content.decode()
    assert "文件中还有 4 个问题" in page  # two stray files, the bad ID, the missing photo
    assert Application.objects.count() == 0

    client.post(reverse("registration:batch_import", args=[import_batch.pk]), {"only_valid": "1"})
    import_batch.refresh_from_db()
    assert import_batch.imported == 2
    assert set(Application.objects.values_list("person__id_number", flat=True)) == {
        person(1),
        person(3),
    }


def test_after_the_deadline_a_batch_imports_nothing(client, world):
    world["time"].move_to(datetime(2026, 12, 13, 9, 0, tzinfo=BEIJING), tick=False)
    client.force_login(world["green"])
    import_batch = upload(client, rows_of(2), [person(1), person(2)])
    assert import_batch.rows_valid == 0
    assert any("报名已于 2026-12-12 23:59 截止" in p["message"] for p in import_batch.problems)
    client.post(reverse("registration:batch_import", args=[import_batch.pk]), {"only_valid": "1"})
    assert Application.objects.count() == 0


def test_another_institution_cannot_see_or_import_the_batch(client, world):
    client.force_login(world["green"])
    import_batch = upload(client, rows_of(1), [person(1)])
    client.force_login(world["blue"])
    assert client.get(reverse("registration:batch", args=[import_batch.pk])).status_code == 404
    assert (
        client.post(reverse("registration:batch_import", args=[import_batch.pk])).status_code == 404
    )
    assert (
        client.post(reverse("registration:batch_cancel", args=[import_batch.pk])).status_code == 404
    )
    assert Application.objects.count() == 0


def test_an_oversized_upload_is_cut_off_with_a_message(client, world, settings):
    settings.MAX_UPLOAD_REQUEST_BYTES = 10_000
    client.force_login(world["green"])
    response = client.post(
        reverse("registration:batch_upload", args=[DAY]),
        {"workbook": SimpleUploadedFile("big.xlsx", b"x" * 50_000)},
    )
    assert response.status_code == 200
    assert "上传的文件过大" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_template_downloads(client, world):
    from openpyxl import load_workbook

    client.force_login(world["green"])
    response = client.get(reverse("registration:batch_template"))
    sheet = load_workbook(io.BytesIO(response.content))["报名信息"]
    assert sheet["A1"].value.startswith("姓名")


def test_a_crash_while_importing_writes_nothing_and_says_so(client, world, monkeypatch):
    from carboncert.registration import services

    client.force_login(world["green"])
    import_batch = upload(client, rows_of(3), [person(i) for i in (1, 2, 3)])
    calls = []

    def submit_then_crash(application, by, now=None):
        calls.append(application.pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(application, by, now)

    original = services.submit
    monkeypatch.setattr(services, "submit", submit_then_crash)
    client.post(reverse("registration:batch_import", args=[import_batch.pk]))
    import_batch.refresh_from_db()
    assert import_batch.status == ImportBatch.Status.CHECKED
    assert "没有导入任何数据" in import_batch.error
    assert Application.objects.count() == 0  # the first row went back too
