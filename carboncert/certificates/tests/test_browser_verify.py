"""The public verification page on a phone, in a real headless Chromium: someone scans the
certificate's QR code and must see at a glance whether it is genuine.

Time: certificates issued on 2027-02-20, open for lookup from 2027-02-26, the server's
clock moved to 2027-03-01 and ticking (time_machine, tick=True, in the live server's
thread too).
"""

import datetime
import itertools
import os
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from carboncert import testing
from carboncert.certificates import services

from .conftest import passed_candidates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BJ = ZoneInfo("Asia/Shanghai")
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("VERIFY_SCREENSHOTS")  # a folder: look at the design on the phone


@pytest.fixture
def certificates(december, time_machine):
    """张三's valid certificate and 考生001's revoked one, open for lookup."""
    sitting, subject = december
    zhang, other = passed_candidates(2, sitting, subject, photos=False)
    valid = services.issue(zhang, on=datetime.date(2027, 2, 20))
    revoked = services.issue(other, on=datetime.date(2027, 2, 20))
    sitting.lookup_on = datetime.date(2027, 2, 26)
    sitting.save()
    time_machine.move_to(datetime.datetime(2027, 3, 1, 9, 30, tzinfo=BJ), tick=True)
    services.revoke(revoked, testing.administrator(), "考后查实替考")
    return valid, revoked


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True,
        locale="zh-CN", timezone_id="Asia/Shanghai",
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def scan_path(certificate) -> str:
    # The path the QR code holds (the live server stands in for the public origin).
    return urlsplit(services.qr_url(certificate.token)).path


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    small = page.evaluate(
        """() => [...document.querySelectorAll(
                'input:not([type=hidden]), select, button, .site-nav a, .brand, .verify a')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert small == []  # every tap target at least 44 px tall
    fonts = page.evaluate(
        "[...document.querySelectorAll('.verify input')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert fonts and min(fonts) >= 16  # iOS Safari zooms into smaller inputs
    levels = page.evaluate("[...document.querySelectorAll('h1, h2, h3')].map(h => +h.tagName[1])")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))  # in order


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/verify-{name}.png")
        page.screenshot(path=f"{SHOTS}/verify-{name}-full.png", full_page=True)


def test_a_phone_scan_shows_the_verdict_at_a_glance(certificates, phone, live_server):
    valid, revoked = certificates
    page = phone
    page.goto(live_server.url + scan_path(valid))
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text("证书有效")
    box = verdict.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    green = page.evaluate("getComputedStyle(document.querySelector('.verdict')).backgroundColor")
    assert green == "rgb(19, 97, 74)"  # the stylesheet is served: valid is green
    facts = page.locator(".verify .facts")
    expect(facts).to_contain_text("张三")
    expect(facts).to_contain_text(valid.masked_id_number)
    expect(facts).to_contain_text(valid.number)
    expect(facts).to_contain_text("2027年2月20日")
    assert "*" in valid.masked_id_number
    assert valid.application.person.id_number not in page.content()
    fits_the_phone(page)
    shoot(page, "valid")

    # Then, by hand: the right number typed loosely, a wrong name.
    typed = f" {valid.number[:7].lower()} {valid.number[7:]} "  # 2027ce1 000001
    page.get_by_role("textbox", name="证书编号", exact=True).fill(typed)
    page.get_by_role("textbox", name="持证人姓名", exact=True).fill("李四")
    page.get_by_role("button", name="查验").click()
    expect(page.get_by_role("status")).to_contain_text("未找到该证书")
    expect(page.locator(".verify")).not_to_contain_text("张三")
    expect(page.locator(".verify")).not_to_contain_text(valid.masked_id_number)
    fits_the_phone(page)
    shoot(page, "not-found")

    page.goto(live_server.url + scan_path(revoked))
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text("证书已撤销")
    expect(verdict).to_contain_text("2027年3月1日")
    box = verdict.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    assert "替考" not in page.content()  # the reason is not the public's business
    fits_the_phone(page)
    shoot(page, "revoked")
