"""The marking workbench by keyboard, in a real headless Chromium."""

import pytest
from playwright.sync_api import expect

from carboncert.exams.tests.conftest import at
from carboncert.grading.models import Mark
from carboncert.registration.tests.test_browser_registration import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grader_marks_by_keyboard_alone(ended, graders, live_server, page, time_machine):
    ended(3)
    time_machine.move_to(at(11, 30), tick=True)
    log_in(page, live_server.url, graders[0].username)
    page.goto(live_server.url + "/results/mark/")
    first = page.locator("#answer-code").inner_text()
    points = page.locator("#points")
    expect(points).to_be_focused()
    # Alt+1 ticks the first rubric line (4 points), Alt+2 the second (3): the sum appears.
    page.keyboard.press("Alt+1")
    expect(points).to_have_value("4")
    page.keyboard.press("Alt+2")
    expect(points).to_have_value("7")
    page.keyboard.press("Alt+1")
    expect(points).to_have_value("3")
    # "=" takes the keyword hint; typing replaces it; Enter submits and shows the next answer.
    page.keyboard.press("=")
    hint = page.locator("input[name=suggested]").get_attribute("value")
    expect(points).to_have_value(hint.removesuffix(".0"))
    points.fill("")
    page.keyboard.type("6.5")
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_contain_text("分数已保存")
    expect(page.locator("#answer-code")).not_to_have_text(first)
    mark = Mark.objects.get(grader=graders[0])
    assert (str(mark.points), mark.marking.code) == ("6.5", first)
    # A mark out of range is refused with a message, and nothing is saved.
    page.locator("#points").fill("12")
    page.keyboard.press("Enter")
    expect(page.locator(".message-error")).to_contain_text("0 到 10")
    assert Mark.objects.filter(grader=graders[0]).count() == 1
