"""A mock paper (模拟卷) as a candidate takes it, in a real headless Chromium: the exam
client in practice mode, then the score and the explanations.

Time: 2026-12-15, four days before the sitting, with the server's clock *ticking*
(time_machine, tick=True, in the live server's thread too). The browser keeps its own
clock; exam.js takes the server's from every reply.
"""

import datetime
import re
import time

import pytest
from playwright.sync_api import expect

from carboncert import testing
from carboncert.learning import mock
from carboncert.learning.models import MockAttempt

from .conftest import BJ
from .test_mock import keys_of, practice_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPRINT = datetime.datetime(2026, 12, 15, 10, 0, tzinfo=BJ)


def eventually(page, check, timeout=15, message="condition"):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        page.wait_for_timeout(100)


def log_in(page, site, next_url):
    page.goto(f"{site}/accounts/login/?next={next_url}")
    page.fill("#id_username", testing.ZHANG_SAN_ID)
    page.fill("#id_password", testing.PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(site + next_url)


def option(page, n, key):
    return page.locator(f"#q-{n} label.option").filter(has=page.locator(f"input[value='{key}']"))


def test_a_candidate_takes_a_mock_and_reads_the_explanations(studying, new_page, live_server):
    practice_bank(studying["subject"])
    studying["time"].move_to(SPRINT, tick=True)
    site = live_server.url
    page = new_page()
    mocks_url = f"/learning/course/{studying['subject'].code}/mocks/"
    log_in(page, site, mocks_url)
    # Double-clicking the button starts one mock.
    page.get_by_role("button", name="开始一套新的模拟卷").dblclick()
    page.wait_for_url(re.compile(r"/mocks/\d+/$"))
    expect(page.locator("#screen-exam")).to_be_visible()
    assert MockAttempt.objects.count() == 1
    attempt = MockAttempt.objects.select_related("paper").get()
    # Practice mode: no privacy notice, no camera, no leave count, no full screen forced;
    # the timer runs from the server's end time and hand-in is open at once.
    expect(page.locator("#screen-privacy")).to_be_hidden()
    expect(page.locator("#bar-camera")).to_be_hidden()
    expect(page.locator("#leave-status")).to_be_hidden()
    assert page.evaluate("document.fullscreenElement") is None
    assert page.evaluate("document.getElementById('camera').srcObject") is None
    expect(page.locator(".bar-title")).to_contain_text("模拟卷")
    expect(page.locator("#remaining")).to_have_text(re.compile(r"^剩余 (2:00:00|1:59:\d\d)$"))
    expect(page.locator("#hand-in")).to_be_enabled()
    expect(page.locator("#hand-in")).to_have_text("交卷")
    # Full screen is a button, on and off; leaving it counts nothing.
    toggle = page.locator("#fullscreen-toggle")
    expect(toggle).to_have_text("全屏")
    toggle.click()
    expect(toggle).to_have_text("退出全屏")
    toggle.click()
    expect(toggle).to_have_text("全屏")
    expect(page.locator("#leave-overlay")).to_be_hidden()

    # Three questions: the first two right, the third wrong.
    keys = keys_of(attempt)
    singles = [n for n, key in enumerate(keys, start=1) if key.type == "single"][:3]
    given = {}
    for i, n in enumerate(singles):
        right = keys[n - 1].correct
        choice = right if i < 2 else {"A": "B", "B": "C", "C": "A"}[right]
        page.locator(f"#sheet-grid [data-n='{n}']").click()
        option(page, n, choice).click()
        expect(page.locator(f"#sheet-grid [data-n='{n}']")).to_have_class(re.compile("answered"))
        given[str(n)] = choice

    def saved():
        attempt.refresh_from_db()
        return attempt.answers == given

    eventually(page, saved, message="the answers saved")
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^已保存 \d{1,2}:\d\d:\d\d$"))

    page.locator("#hand-in").click()
    expect(page.locator("#confirm-body")).to_contain_text("交卷后立即评分")
    expect(page.locator("#confirm-body")).to_contain_text(f"还有 {len(keys) - 3} 题未作答")
    page.locator("#confirm-ok").click()
    page.wait_for_url(re.compile(r"/mocks/\d+/result/$"))
    attempt.refresh_from_db()
    assert attempt.handed_in_at is not None and attempt.objective_score == 10
    expect(page.locator("#mock-score")).to_have_text("10")
    expect(page.locator("#mock-objective")).to_have_text("10 / 90")
    expect(page.locator("#mock-estimate")).to_contain_text(mock.ESTIMATE_NOTE)
    first, third = singles[0], singles[2]
    expect(page.locator(f"#q-{first} .mock-outcome")).to_have_text("正确 · 得 5 分")
    expect(page.locator(f"#q-{third} .mock-outcome")).to_have_text("错误 · 得 0 分")
    expect(page.locator(f"#q-{third} .mock-explanation")).to_contain_text("解析：")
    expect(page.locator(f"#q-{third} .correct")).to_have_text(keys[third - 1].correct)
    # The exam client's local copy is gone; going back to the mock shows its result again.
    key = f"carboncert.mock.{attempt.pk}"
    assert page.evaluate(f"localStorage.getItem('{key}')") is None
    page.goto(site + f"{mocks_url}{attempt.pk}/")
    page.wait_for_url(re.compile(r"/result/$"))
    page.goto(site + mocks_url)
    expect(page.locator(".mock-history tbody tr")).to_have_count(1)
    expect(page.locator(".mock-history tbody tr")).to_contain_text("已交卷")


def test_time_up_hands_the_mock_in_and_shows_its_result(studying, new_page, live_server):
    practice_bank(studying["subject"])
    studying["time"].move_to(SPRINT, tick=True)
    started = mock.start_mock(studying["application"])
    # A mock with 12 seconds left (as if started almost two hours ago).
    MockAttempt.objects.filter(pk=started.pk).update(
        ends_at=datetime.datetime.now(tz=BJ) + datetime.timedelta(seconds=12)
    )
    site = live_server.url
    page = new_page()
    mocks_url = f"/learning/course/{studying['subject'].code}/mocks/"
    log_in(page, site, f"{mocks_url}{started.pk}/")
    expect(page.locator("#screen-exam")).to_be_visible()
    expect(page.locator("#remaining")).to_have_text(re.compile(r"^剩余 00:(0\d|1[0-2])$"))
    n = next(n for n, key in enumerate(keys_of(started), start=1) if key.type == "single")
    page.locator(f"#sheet-grid [data-n='{n}']").click()
    option(page, n, keys_of(started)[n - 1].correct).click()
    page.wait_for_url(re.compile(r"/result/$"), timeout=30_000)
    started.refresh_from_db()
    assert started.handed_in_at == started.ends_at
    assert started.answers == {str(n): keys_of(started)[n - 1].correct}
    expect(page.locator("#mock-objective")).to_have_text("5 / 90")
    expect(page.locator(f"#q-{n} .mock-outcome")).to_have_text("正确 · 得 5 分")
