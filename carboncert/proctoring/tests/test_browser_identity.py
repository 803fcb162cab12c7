"""Check-in with the face check in a real headless Chromium whose camera shows a real face
(issue 8): the privacy notice before the camera opens, the face check against the
application photo, the photo fallback after three failures, and a proctor's message.

Each camera is a Chromium of its own, fed a Y4M file of one face (fakecam.py); the
application photo is always the astronaut's. The sitting and the clock are the exam
browser tests' (09:00:50 on 2026-12-19, ticking).
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from carboncert import testing
from carboncert.accounts import roles
from carboncert.conftest import BROWSER_ARGS, chromium_path
from carboncert.exams import services as exams
from carboncert.exams.models import Attempt
from carboncert.exams.tests.test_browser_exam import (
    accept_privacy,
    attempt_of,
    eventually,
    log_in,
)
from carboncert.exams.tests.test_browser_exam import exam_day as exam_day  # the fixture
from carboncert.proctoring import services
from carboncert.proctoring.models import IdentityCheck, Message
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import save_rules

from .conftest import astronaut_image, give_photo, hopper_image, jpeg
from .fakecam import first_frame, write_y4m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MISMATCH = "人脸与报名照片不一致"


@pytest.fixture
def checking_in(exam_day):
    """张三 (photo: the astronaut) and 李四 admitted to a sitting with the face check."""
    day = exam_day()
    sitting = day["sitting"]
    sitting.face_check = True
    save_rules(sitting, reason="浏览器测试：人脸核验")
    give_photo(day["zhang"], jpeg(astronaut_image()))
    return day


@pytest.fixture
def camera_showing(browser, live_server, tmp_path):
    """A candidate's computer whose camera films the given face, the camera allowed."""
    launched = []

    def open_page(image):
        video = write_y4m(tmp_path / f"camera-{len(launched)}.y4m", image)
        # Chromium plays the file and loops it; the session's own browser has no such camera.
        chromium = browser.browser_type.launch(
            executable_path=chromium_path(),
            args=[*BROWSER_ARGS, f"--use-file-for-fake-video-capture={video}"],
        )
        launched.append(chromium)
        context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for chromium in launched:
        chromium.close()


def test_the_fake_camera_shows_a_face_the_server_can_compare(tmp_path):
    """The premise of the tests below: a frame of each video has one face, and only the
    astronaut's is the photo's."""
    from carboncert.proctoring import faces

    photo = faces.look(jpeg(astronaut_image()))
    seen = {}
    for name, image in [("astronaut", astronaut_image()), ("hopper", hopper_image())]:
        frame = first_frame(write_y4m(tmp_path / f"{name}.y4m", image, frames=2))
        seen[name] = faces.look(jpeg(frame))
        assert seen[name].faces == 1, name
    assert faces.distance(seen["astronaut"].descriptor, photo.descriptor) < 0.3
    assert faces.distance(seen["hopper"].descriptor, photo.descriptor) > 0.6


def identity_panel(page):
    return page.locator("#identity")


def enter_exam(page):
    button = page.locator("#start")
    expect(button).to_have_text("进入全屏并开始考试")
    button.click()
    expect(page.locator("#screen-exam")).to_be_visible()


def test_the_candidate_passes_the_face_check_and_starts(checking_in, camera_showing, live_server):
    page = camera_showing(astronaut_image())
    log_in(page, live_server.url)
    notice = page.locator("#screen-privacy")
    expect(notice).to_be_visible()
    expect(page.locator("#privacy-title")).to_be_focused()
    expect(notice).to_contain_text("考试期间每 1 分钟自动抓拍一张摄像头画面")
    expect(notice).to_contain_text("根据您的报名照片计算出的人脸特征数据")
    expect(notice).to_contain_text("仅本场考试的监考人员和系统管理员可以查看")
    assert exams.retention_ends(checking_in["sitting"]) is None  # no results date yet
    expect(page.locator("#privacy-kept")).to_have_text(
        "摄像头画面、核验照片和人脸特征数据在成绩公布后按规定期限删除。"
    )
    attempt = attempt_of(checking_in["zhang"])
    assert attempt.privacy_accepted_at is None
    accept_privacy(page)  # also: the camera was not open before
    expect(page.locator("#screen-wait")).to_be_visible()
    assert attempt_of(checking_in["zhang"]).privacy_accepted_at is not None

    panel = identity_panel(page)
    expect(panel).to_be_visible()
    page.wait_for_function("document.getElementById('camera').videoWidth > 0")
    expect(panel.locator("#camera")).to_be_visible()  # the live picture, in the panel
    page.locator("#rules-ok").check()
    start = page.locator("#start")
    expect(start).to_have_text("请先完成人脸核验")
    expect(start).to_be_disabled()

    check_button = page.get_by_role("button", name="开始人脸核验")
    page.context.set_offline(True)  # no network: the candidate is told, and may try again
    check_button.click()
    expect(page.locator("#identity-error")).to_have_text(
        "网络连接失败，照片未能提交。请检查网络后重试。"
    )
    expect(check_button).to_be_enabled()
    page.context.set_offline(False)
    check_button.click()
    expect(page.locator("#identity-message")).to_have_text("人脸核验通过，可以开始考试。")
    expect(page.locator("#identity-error")).to_be_empty()
    expect(page.locator("#identity-photo")).to_be_hidden()
    enter_exam(page)

    attempt = attempt_of(checking_in["zhang"])
    assert attempt.identity == Attempt.Identity.MATCHED
    assert attempt.status == Attempt.Status.ANSWERING
    check = IdentityCheck.objects.get(attempt=attempt)
    assert check.outcome == IdentityCheck.Outcome.MATCH and check.distance < 0.4
    assert check.image.read(3) == b"\xff\xd8\xff"


def test_three_failures_open_the_photo_upload_and_the_candidate_goes_on(
    checking_in, camera_showing, live_server
):
    page = camera_showing(hopper_image())  # not the person of the application photo
    posts = []
    page.on("request", lambda r: r.method == "POST" and "/identity" in r.url and posts.append(r))
    log_in(page, live_server.url)
    accept_privacy(page)
    page.wait_for_function("document.getElementById('camera').videoWidth > 0")
    check_button, photo_button = page.locator("#identity-check"), page.locator("#identity-photo")
    tries = page.locator("#identity-tries")

    check_button.dblclick()  # one request, however quick the second click
    expect(tries).to_have_text("已尝试 1 次")
    expect(page.locator("#identity-message")).to_have_text(MISMATCH + "。")
    expect(page.locator("#identity-advice")).to_contain_text("请本人正对摄像头")
    assert len(posts) == 1
    check_button.click()
    expect(tries).to_have_text("已尝试 2 次")
    expect(page.locator("#identity-message")).to_have_text(MISMATCH + "。")
    expect(photo_button).to_be_hidden()

    # A reload: the notice is not shown again, and the tries are remembered.
    page.reload()
    expect(page.locator("#screen-wait")).to_be_visible()
    expect(tries).to_have_text("已尝试 2 次")
    expect(photo_button).to_be_hidden()
    expect(page.locator("#start")).to_have_text("请先完成人脸核验")
    page.wait_for_function("document.getElementById('camera').videoWidth > 0")

    check_button.click()
    expect(tries).to_have_text("已尝试 3 次")
    expect(page.locator("#identity-message")).to_have_text(MISMATCH + "。")
    expect(page.locator("#identity-photo-note")).to_have_text(
        "多次人脸识别未通过，请拍照上传照片。"
    )
    expect(photo_button).to_be_visible()
    assert len(posts) == 3

    photo_button.click()
    expect(page.locator("#identity-message")).to_have_text(
        "照片已上传，考场负责人将进行人工核验；您可以开始考试。"
    )
    expect(photo_button).to_be_hidden()
    page.locator("#rules-ok").check()
    enter_exam(page)

    attempt = attempt_of(checking_in["zhang"])
    assert attempt.identity == Attempt.Identity.PENDING
    outcomes = list(
        IdentityCheck.objects.filter(attempt=attempt)
        .order_by("pk")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["mismatch"] * 3 + ["photo"]


def test_a_proctor_message_shows_while_waiting_and_while_answering(exam_day, new_page, live_server):
    day = exam_day()  # no face check: nothing of it shows
    Sitting.objects.filter(pk=day["sitting"].pk).update(results_on=date(2027, 1, 20))
    proctor = testing.staff("proctor", roles.PROCTOR)
    attempt = exams.exam_login(testing.ZHANG_SAN_ID, "107x", "10.0.0.1")
    services.send_message(attempt, "请调整摄像头角度", proctor)
    page = new_page(permissions=("camera",), origin=live_server.url)
    log_in(page, live_server.url)
    expect(page.locator("#privacy-recorded")).not_to_contain_text("人脸")
    until = exams.retention_ends(Sitting.objects.get(pk=day["sitting"].pk))
    expect(page.locator("#privacy-kept")).to_have_text(
        f"摄像头画面保存至 {until.year}年{until.month}月{until.day}日，到期后自动删除。"
    )
    accept_privacy(page)
    expect(page.locator("#screen-wait")).to_be_visible()
    notes = page.locator("#notes")
    expect(notes).to_be_visible()
    expect(notes).to_contain_text(re.compile(r"考场消息（\d\d:\d\d）：请调整摄像头角度"))
    expect(identity_panel(page)).to_be_hidden()
    page.get_by_role("button", name="知道了").click()
    expect(notes).to_be_hidden()
    eventually(page, lambda: not Message.objects.filter(read_at=None).exists(), message="read")

    page.locator("#rules-ok").check()
    enter_exam(page)
    page.locator("#sheet-grid [data-n='19']").click()
    area = page.locator("#a-19")
    area.press_sequentially("先核查")
    services.send_message(attempt_of(day["zhang"]), "请保持面部在画面中", proctor)
    # The next heartbeat (every 11–19 s) says there is a new message.
    expect(notes).to_be_visible(timeout=25_000)
    expect(notes).to_contain_text("请保持面部在画面中")
    expect(notes).not_to_contain_text("请调整摄像头角度")  # read before: not shown again
    expect(area).to_be_focused()  # typing goes on where it was
    area.press_sequentially("，后报告。")
    expect(area).to_have_value("先核查，后报告。")
    page.get_by_role("button", name="知道了").click()
    expect(notes).to_be_hidden()
    expect(area).to_be_focused()
    eventually(page, lambda: not Message.objects.filter(read_at=None).exists(), message="read")
