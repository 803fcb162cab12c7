"""From an institution's single application to an admitted, paid candidate."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import ExifTags, Image

from carboncert import testing
from carboncert.audit.models import AuditEvent
from carboncert.catalog.models import Subject
from carboncert.registration import services
from carboncert.registration.models import Application, Bill, Document
from carboncert.registration.tests.conftest import (
    BEIJING,
    DAY,
    create,
    form_data,
    photo,
    submitted,
    upload,
)
from carboncert.sittings.models import Sitting

pytestmark = pytest.mark.django_db


def test_an_institution_registers_a_candidate_who_becomes_an_admission(client, world):
    application = create(client, world["green"])
    assert application.status == Application.Status.DRAFT
    assert application.person.id_number == testing.ZHANG_SAN_ID  # x stored as X
    assert application.phone == "13800000001"

    page = upload(client, application).content.decode()
    assert "材料已上传" in page
    client.post(reverse("registration:application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.eligible is True
    # 本科 and 3 years: the first condition met in handbook order is (1), 中专 or above.
    assert application.eligibility_summary.startswith("符合 中级 (1)")
    # One working day after Wednesday 10:00.
    assert application.review_due_at == datetime(2026, 11, 26, 10, 0, tzinfo=BEIJING)

    client.force_login(world["reviewer"])
    client.post(
        reverse("registration:review_decide", args=[application.pk]), {"decision": "approve"}
    )
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert not services.is_admitted(application)
    assert application.ticket_number is None

    bill = Bill.objects.get(institution=world["green"].institution, sitting=world["sitting"])
    assert services.bill_balance(bill) == {
        "total": Decimal("800.00"),
        "paid": Decimal("0"),
        "due": Decimal("800.00"),
    }
    services.record_payment(
        bill, Decimal("800.00"), date(2026, 11, 25), "HX-001", by=world["admin"]
    )
    application.refresh_from_db()
    assert services.is_admitted(application)
    assert application.ticket_number == f"202612CE2{application.pk:07d}"

    actions = list(
        AuditEvent.objects.filter(
            object_id=str(application.pk), object_type="registration.application"
        )
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "registration.application.create",
        "registration.document.upload",
        "registration.application.submitted",
        "registration.application.approved",
        "registration.application.admitted",
    ]


def test_a_partial_payment_admits_only_the_lines_it_covers(client, world):
    first = submitted(client, world)
    second = create(client, world["green"], name="李四", id_number=testing.id_number(sequence=2))
    upload(client, second)
    client.post(reverse("registration:application_submit", args=[second.pk]))
    for a in (first, second):
        services.approve(Application.objects.get(pk=a.pk), by=world["reviewer"])
    bill = Bill.objects.get()
    services.record_payment(bill, Decimal("1000"), date(2026, 11, 25), "P1", by=world["admin"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert services.is_admitted(first) and not services.is_admitted(second)
    services.record_payment(bill, Decimal("600"), date(2026, 11, 25), "P2", by=world["admin"])
    second.refresh_from_db()
    assert services.is_admitted(second)
    with pytest.raises(services.RegistrationError, match="已登记过"):
        services.record_payment(bill, Decimal("1"), date(2026, 11, 25), "P2", by=world["admin"])


def test_submitting_needs_the_photo(client, world):
    application = create(client, world["green"])
    page = client.post(
        reverse("registration:application_submit", args=[application.pk]), follow=True
    ).content.decode()
    assert "请先上传二寸蓝底证件照" in page
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_a_double_click_on_submit_changes_nothing_twice(client, world):
    application = submitted(client, world)
    page = client.post(
        reverse("registration:application_submit", args=[application.pk]), follow=True
    ).content.decode()
    assert "不能改为" in page
    application.refresh_from_db()
    assert application.submission_count == 1


def test_after_the_deadline_nothing_is_submitted(client, world):
    application = create(client, world["green"])
    upload(client, application)
    world["time"].move_to(datetime(2026, 12, 13, 0, 0, 1, tzinfo=BEIJING), tick=False)
    client.force_login(world["green"])  # the session of 11-25 has expired by now
    page = client.post(
        reverse("registration:application_submit", args=[application.pk]), follow=True
    ).content.decode()
    assert "报名已于 2026-12-12 23:59 截止" in page
    response = client.post(
        reverse("registration:application_new", args=[DAY]),
        form_data(name="李四", id_number=testing.id_number(sequence=7)),
    )
    assert "报名已于 2026-12-12 23:59 截止" in response.content.decode()
    assert Application.objects.count() == 1


def test_a_rejected_application_is_corrected_and_resubmitted(client, world):
    application = submitted(client, world)
    client.force_login(world["reviewer"])
    client.post(
        reverse("registration:review_decide", args=[application.pk]),
        {"decision": "reject", "reason": "proof_insufficient", "note": "请补充工作证明"},
    )
    client.force_login(world["green"])
    page = client.get(reverse("registration:sitting_dashboard", args=[DAY])).content.decode()
    assert "审核未通过" in page and "请补充工作证明" in page
    client.post(
        reverse("registration:application_edit", args=[application.pk]),
        form_data(work_years="4"),
    )
    client.post(reverse("registration:application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submission_count == 2
    assert application.work_years == Decimal("4.0")


def test_a_rejection_needs_a_reason(client, world):
    application = submitted(client, world)
    client.force_login(world["reviewer"])
    page = client.post(
        reverse("registration:review_decide", args=[application.pk]),
        {"decision": "reject", "reason": "other", "note": ""},
        follow=True,
    ).content.decode()
    assert "请填写审核意见" in page
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_the_queue_is_ordered_by_deadline_and_flags_overdue(client, world):
    early = submitted(client, world)
    world["time"].move_to(datetime(2026, 11, 26, 9, 0, tzinfo=BEIJING), tick=False)
    late = create(client, world["green"], name="李四", id_number=testing.id_number(sequence=9))
    upload(client, late)
    client.post(reverse("registration:application_submit", args=[late.pk]))
    world["time"].move_to(datetime(2026, 11, 26, 11, 0, tzinfo=BEIJING), tick=False)
    client.force_login(world["reviewer"])
    page = client.get(reverse("registration:review_queue")).content.decode()
    assert page.index("张三") < page.index("李四")
    assert "其中 1 份已超过审核期限" in page
    assert early.pk != late.pk


def test_bulk_approval_takes_only_clean_cases(client, world):
    incomplete = submitted(client, world)  # only the photo: documents missing
    clean = create(client, world["green"], name="李四", id_number=testing.id_number(sequence=3))
    for kind in ("photo", "id_card_front", "id_card_back", "diploma"):
        upload(client, clean, kind=kind, data=photo())
    client.post(reverse("registration:application_submit", args=[clean.pk]))
    client.force_login(world["reviewer"])
    page = client.post(
        reverse("registration:review_bulk_approve"),
        {"application": [incomplete.pk, clean.pk]},
        follow=True,
    ).content.decode()
    assert "已批量通过 1 份报名" in page
    assert Application.objects.get(pk=clean.pk).status == Application.Status.APPROVED
    assert Application.objects.get(pk=incomplete.pk).status == Application.Status.SUBMITTED


def test_a_png_renamed_pdf_is_refused_and_a_gps_photo_is_stored_without_it(client, world):
    application = create(client, world["green"])
    png = io.BytesIO()
    Image.new("RGB", (600, 800), (255, 255, 255)).save(png, "PNG")
    page = upload(client, application, kind="diploma", data=png.getvalue(), name="学历.pdf")
    assert "文件扩展名与内容不符" in page.content.decode()
    assert not application.documents.exists()

    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    tagged = photo(exif=exif.tobytes())
    assert Image.open(io.BytesIO(tagged)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    upload(client, application, data=tagged)
    stored = application.documents.get(kind="photo")
    with stored.file.open("rb") as f:
        image = Image.open(io.BytesIO(f.read()))
        assert not image.getexif()


# --- who sees what -------------------------------------------------------------------


def test_another_institution_gets_404_for_everything(client, world):
    application = submitted(client, world)
    document = application.documents.get()
    client.force_login(world["blue"])
    for method, url, data in [
        ("get", reverse("registration:application", args=[application.pk]), None),
        ("get", reverse("registration:application_edit", args=[application.pk]), None),
        ("post", reverse("registration:application_edit", args=[application.pk]), form_data()),
        ("post", reverse("registration:document_upload", args=[application.pk]), {"kind": "photo"}),
        ("post", reverse("registration:application_submit", args=[application.pk]), {}),
        (
            "post",
            reverse("registration:application_withdraw", args=[application.pk]),
            {"reason": "x"},
        ),
        ("get", reverse("registration:document_file", args=[document.token]), None),
        ("get", reverse("registration:review_form", args=[application.pk]), None),
        ("get", reverse("registration:ticket", args=[application.pk]), None),
        (
            "post",
            reverse("registration:review_decide", args=[application.pk]),
            {"decision": "approve"},
        ),
    ]:
        response = (
            getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        )
        assert response.status_code in (403, 404), url
    page = client.get(reverse("registration:sitting_dashboard", args=[DAY])).content.decode()
    assert "张三" not in page
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_institutions_and_candidates_cannot_review(client, world):
    application = submitted(client, world)
    for user in (world["green"], testing.candidate(testing.id_number(sequence=5), "王五")):
        client.force_login(user)
        for url in (
            reverse("registration:review_queue"),
            reverse("registration:review_decide", args=[application.pk]),
        ):
            assert client.post(url, {"decision": "approve"}).status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_candidate_sees_only_their_own(client, world):
    application = submitted(client, world)
    other = testing.candidate(testing.id_number(sequence=6), "王五")
    client.force_login(other)
    assert client.get(reverse("registration:application", args=[application.pk])).status_code == 404
    assert "张三" not in client.get(reverse("registration:mine")).content.decode()
    from carboncert.accounts.services import ensure_candidate_login

    client.force_login(ensure_candidate_login(application.person, testing.PASSWORD))
    assert "碳排放管理技术（中级）" in client.get(reverse("registration:mine")).content.decode()
    assert client.get(reverse("registration:application", args=[application.pk])).status_code == 200


def test_a_name_that_disagrees_with_the_registered_person_is_refused(client, world):
    submitted(client, world)
    other_sitting = Sitting.objects.get(date=date(2026, 12, 19))
    with pytest.raises(services.RegistrationError, match="已登记的姓名为“张三”"):
        services.create_application(
            world["blue"].institution,
            other_sitting,
            services.ApplicantFacts(
                id_number=testing.ZHANG_SAN_ID,
                name="张叁",
                phone="13800000009",
                subject_id=Subject.objects.get(code="CE-1").pk,
                education="本科",
            ),
            by=world["blue"],
        )
    assert Document.objects.count() == 1


def test_on_approval_the_candidate_can_log_in_and_must_set_a_password(client, world):
    application = submitted(client, world)
    client.force_login(world["reviewer"])
    client.post(
        reverse("registration:review_decide", args=[application.pk]), {"decision": "approve"}
    )
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": testing.ZHANG_SAN_ID.lower(), "password": "107X"}
    )
    assert response.status_code == 302
    response = client.get(reverse("registration:mine"))
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "107X", "new_password1": "Lv-tan-2026!", "new_password2": "Lv-tan-2026!"},
    )
    page = client.get(reverse("registration:mine")).content.decode()
    assert "审核通过" in page


def test_an_institution_exports_only_its_own_candidates(client, world):
    from openpyxl import load_workbook

    submitted(client, world)
    client.force_login(world["green"])
    response = client.get(reverse("registration:export_xlsx", args=[DAY]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("姓名", "身份证号码")
    assert rows[1][:2] == ("张三", testing.ZHANG_SAN_ID)
    assert rows[1][7] == "待审核"
    client.force_login(world["blue"])
    rows = list(
        load_workbook(
            io.BytesIO(client.get(reverse("registration:export_xlsx", args=[DAY])).content)
        ).active.values
    )
    assert len(rows) == 1  # the header only


def test_a_30_mb_photo_and_a_pdf_with_javascript_are_refused(client, world):
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    application = create(client, world["green"])
    page = upload(
        client, application, data=b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024)
    ).content.decode()
    assert "文件超过 10 MB" in page
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_open_action(JavaScript("app.alert('hi');"))
    pdf = io.BytesIO()
    writer.write(pdf)
    page = upload(
        client, application, kind="diploma", data=pdf.getvalue(), name="学历.pdf"
    ).content.decode()
    assert "PDF 文件包含脚本或附件" in page
    assert not application.documents.exists()
