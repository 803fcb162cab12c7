"""Batch registration, review and outcomes as people see them, in a real headless Chromium."""

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from carboncert import testing
from carboncert.registration import batch
from carboncert.registration.models import Application
from carboncert.registration.tests.conftest import DAY, photo
from carboncert.registration.tests.test_batch import application, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JUNIOR = "碳排放管理技术（初级）"
NOTE = "照片背景不是蓝色，请按要求重新拍摄后再提交。"


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


# Row 2 onwards of the sheet, in this order; 韩梅梅's ID number has a typo in its check digit.
CANDIDATES = [
    application(1, {"姓名": "李雷", "报考科目": JUNIOR}),
    application(
        2, {"姓名": "韩梅梅", "报考科目": JUNIOR, "身份证号码": wrong_check_digit(person(2))}
    ),
    application(3, {"姓名": "王芳", "报考科目": JUNIOR}),
    application(4, {"姓名": "赵强", "报考科目": JUNIOR}),
]


@pytest.fixture
def site(live_server, world):
    return live_server.url


def log_in(page, site, username):
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", testing.PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(site + "/accounts/")


def filled_in(template: bytes) -> bytes:
    """The downloaded template with the candidates typed in below its header, column by column."""
    book = load_workbook(io.BytesIO(template))
    sheet = book[batch.SHEET]
    headers = [cell.value.rstrip("*") for cell in sheet[1]]
    for cells in CANDIDATES:
        sheet.append([cells[header] for header in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def documents_zip() -> bytes:
    """A photo for every row, the mistyped one too, as an institution sends them; one ID card."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for cells in CANDIDATES:
            archive.writestr(f"{cells['身份证号码']}_照片.jpg", photo())
        front = photo(800, 500, (240, 240, 240))
        archive.writestr(f"{CANDIDATES[0]['身份证号码']}_身份证正面.jpg", front)
    return out.getvalue()


def row_of(page, name):
    return page.locator("tbody tr").filter(has_text=name)


def test_it_takes_a_batch_from_the_spreadsheet_through_review_to_the_outcome(page, new_page, site):
    # The institution uploads its spreadsheet and the photos.
    log_in(page, site, "green-staff")
    page.get_by_role("link", name="考生报名").click()
    row_of(page, DAY).get_by_role("link", name="进入").click()
    expect(page.locator("h1")).to_contain_text(f"{DAY} 考试批次")
    page.get_by_role("link", name="批量报名（Excel）").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="报名表模板（Excel）").click()
    assert download.value.suggested_filename == "双碳考核报名表模板.xlsx"
    template = Path(download.value.path()).read_bytes()

    page.get_by_label("报名表").set_input_files(
        files={
            "name": "报名表.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": filled_in(template),
        }
    )
    page.get_by_label("材料压缩包").set_input_files(
        files={"name": "材料.zip", "mimeType": "application/zip", "buffer": documents_zip()}
    )
    page.get_by_role("button", name="上传并检查").click()

    # The report names the problem by row and column and offers to import the rest.
    status = page.locator("#batch-status")
    expect(status).to_contain_text("共 4 行，其中无误 3 行；发现 1 个问题。")
    problems = page.locator("table.problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.locator("td")).to_have_text(
        ["3", "C 身份证号码", "身份证号码校验位不正确，请核对"]
    )
    page.get_by_role("button", name="只导入无误的 3 行").click()
    expect(status).to_contain_text("已导入 3 名考生并提交审核。")
    page.get_by_role("link", name="查看报名名单").click()
    for name in ("李雷", "王芳", "赵强"):
        expect(row_of(page, name)).to_contain_text("待审核")
    expect(row_of(page, "韩梅梅")).to_have_count(0)

    # A reviewer approves one and sends another back with a reason and a note.
    reviewer = new_page()
    log_in(reviewer, site, "reviewer")
    reviewer.get_by_role("link", name="资格审核").click()
    expect(reviewer.locator("p.lead")).to_contain_text("待审核 3 份")
    reviewer.get_by_role("link", name="李雷").click()
    expect(reviewer.locator("h1")).to_contain_text("李雷 待审核")
    reviewer.get_by_role("button", name="审核通过").click()
    expect(reviewer.locator(".messages")).to_contain_text("已通过：李雷")
    expect(reviewer.locator("p.lead")).to_contain_text("待审核 2 份")

    reviewer.get_by_role("link", name="王芳").click()
    reviewer.get_by_label("未通过原因").select_option(label="证件照不符合要求（二寸蓝底免冠彩色）")
    rejection = reviewer.locator("form").filter(
        has=reviewer.get_by_role("button", name="退回（未通过）")
    )
    rejection.locator("textarea").fill(NOTE)
    rejection.get_by_role("button", name="退回（未通过）").click()
    expect(reviewer.locator(".messages")).to_contain_text("已退回：王芳")
    expect(reviewer.locator("p.lead")).to_contain_text("待审核 1 份")
    expect(reviewer.locator("tbody")).to_contain_text("赵强")

    # The institution sees both outcomes, the note with the refusal.
    page.reload()
    expect(row_of(page, "李雷")).to_contain_text("审核通过")
    expect(row_of(page, "王芳")).to_contain_text("审核未通过")
    expect(row_of(page, "王芳")).to_contain_text(NOTE)
    expect(row_of(page, "赵强")).to_contain_text("待审核")

    applications = Application.objects.filter(sitting__date=DAY)
    assert {a.person.name: a.status for a in applications} == {
        "李雷": Application.Status.APPROVED,
        "王芳": Application.Status.REJECTED,
        "赵强": Application.Status.SUBMITTED,
    }
    rejected = applications.get(person__name="王芳")
    assert (rejected.reject_reason, rejected.reject_note) == ("photo_invalid", NOTE)
    li_lei = applications.get(person__name="李雷")
    assert set(li_lei.documents.values_list("kind", flat=True)) == {"photo", "id_card_front"}
    assert li_lei.person.id_number == person(1)
