"""The public pages as a person sees them, in a real headless Chromium."""

import pytest

from carboncert.sittings import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from carboncert.catalog.services import load_catalogue

    load_catalogue()
    services.generate_sittings(2026)
    return live_server.url


def test_a_visitor_walks_from_the_programme_to_a_syllabus_and_a_timeline(page, site):
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "双碳（碳达峰和碳中和）岗位能力人才培养"
    header = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    assert page.evaluate(header) == "rgb(11, 61, 46)"  # the stylesheet is served
    assert page.locator(".subject-links a").count() == 12
    page.get_by_role("link", name="碳排放管理技术").first.click()
    page.get_by_role("link", name="碳排放管理技术（初级）").click()
    assert page.url.endswith("/subjects/CE-1/")
    rows = page.locator("table.syllabus tbody tr")
    assert rows.count() == 4
    assert rows.nth(2).locator("td.num").inner_text() == "45%"

    page.goto(site + "/sittings/2026-12-19/")
    timeline = page.locator("table.timeline")
    assert "09:00" in timeline.inner_text()
    assert timeline.locator(".pending").count() == 3


def test_the_language_switch_changes_the_interface_and_sticks(page, site):
    page.goto(site + "/subjects/CE-1/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.url.endswith("/subjects/CE-1/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Carbon Emission Management Technology" in page.locator("h1").inner_text()
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_pages_fit_a_phone_screen(page, site):
    page.set_viewport_size({"width": 375, "height": 740})
    for path in ("/", "/subjects/CA-3/", "/sittings/2026-12-19/", "/eligibility/"):
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path


def test_keyboard_users_can_skip_to_the_content(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到正文"
