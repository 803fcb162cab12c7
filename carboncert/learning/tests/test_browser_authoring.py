"""A teacher writes a reading lesson in the editor, in a real headless Chromium: text,
bold, a table from the toolbar and a picture uploaded from the computer; a candidate then
reads it as it was written, the picture served from the platform."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from carboncert import testing
from carboncert.accounts import roles
from carboncert.learning.models import Lesson, LessonImage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, site, username, password=testing.PASSWORD):
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(site + "/accounts/")


def test_a_teacher_writes_a_reading_lesson_with_a_table_and_a_picture(
    studying, new_page, live_server, tmp_path
):
    site = live_server.url
    teacher = testing.staff("teacher", roles.TEACHER)
    picture = tmp_path / "示意图.png"
    Image.new("RGB", (320, 180), (20, 120, 80)).save(picture, "PNG")
    page = new_page()
    outside = []  # the editor must not reach for anything beyond the platform
    page.on("request", lambda r: r.url.startswith(site) or outside.append(r.url))
    log_in(page, site, teacher.username)
    page.goto(site + "/learning/manage/lesson/new/")
    page.fill("#id_title", "排放因子法")
    page.select_option("#id_kind", "reading")
    page.locator("label.check", has_text="温室气体的影响").first.locator("input").check()
    page.fill("#id_class_hours", "0.5")

    editor = page.locator(".jodit-wysiwyg")
    editor.click()
    page.keyboard.type("排放量 = 活动数据 × ")
    page.get_by_role("button", name="粗体").click()
    page.keyboard.type("排放因子")
    page.get_by_role("button", name="粗体").click()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="表格").click()
    page.get_by_role("gridcell", name="2 by 3").hover()
    page.get_by_role("gridcell", name="2 by 3").click()
    page.keyboard.type("燃料")  # the first cell
    page.get_by_role("button", name="图片").click()
    page.locator(".jodit-popup input[type=file]").set_input_files(picture)
    expect(editor.locator("img")).to_have_count(1)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/learning/manage/"))

    lesson = Lesson.objects.get(title="排放因子法")
    image = LessonImage.objects.get()
    assert image.uploaded_by == teacher and (image.width, image.height) == (320, 180)
    assert "<strong>排放因子</strong>" in lesson.body
    assert lesson.body.count("<tr>") == 2 and lesson.body.count("<td") == 6
    assert "燃料" in lesson.body
    assert f'<img src="{image.address}"' in lesson.body
    assert "style=" not in lesson.body  # the editor's inline styles are not kept
    assert outside == []

    # Published, the candidate reads it: the table, and the picture really loads.
    lesson.published = True
    lesson.save()
    reader = new_page()
    log_in(reader, site, testing.ZHANG_SAN_ID)
    reader.goto(f"{site}/learning/course/CE-1/lesson/{lesson.pk}/")
    body = reader.locator(".reading")
    expect(body.locator("table td").first).to_have_text("燃料")
    expect(body.locator("strong")).to_have_text("排放因子")
    loaded = body.locator("img")
    expect(loaded).to_have_count(1)
    reader.wait_for_function(
        "img => img.complete && img.naturalWidth === 320", arg=loaded.element_handle()
    )
