"""A PDF lesson as a candidate reads it, in a real headless Chromium: pdf.js draws its
pages in the lesson page (Chinese text included), and scrolling through them is using the
page, so the idle cut-off does not stop the count while the candidate reads.

Time: the server's clock at 2026-12-01 10:00 and ticking, as the browser's."""

import datetime
import time

import pytest

from carboncert import testing
from carboncert.learning.models import Progress
from carboncert.pdf import has_chinese_font, render_pdf
from carboncert.sittings.models import Sitting

from .conftest import BJ, lesson

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not has_chinese_font(), reason="no Chinese font: apt-get install fonts-noto-cjk"
    ),
]

PAGES = """<h1>核算指南</h1><p>第一页：活动数据 × 排放因子。</p><div class="page-break"></div>
<h2>第二页</h2><p>购入电力排放。</p><div class="page-break"></div><h2>第三页</h2><p>自测。</p>"""


def test_a_pdf_is_drawn_in_the_page_and_reading_it_by_scrolling_counts(
    studying, new_page, live_server, time_machine
):
    site = live_server.url
    pdf = render_pdf("learning/pdf/demo_document.html", {"title": "核算指南", "body": PAGES})
    point = studying["video"].knowledge_points.first()
    row = lesson("核算指南", "document", [point], "0.5", data=pdf)
    Sitting.objects.filter(pk=studying["sitting"].pk).update(idle_seconds=5)
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=BJ), tick=True)

    page = new_page()
    page.set_viewport_size({"width": 390, "height": 800})  # a phone: no PDF viewer of its own
    outside = []
    page.on("request", lambda r: r.url.startswith(site) or outside.append(r.url))
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", testing.ZHANG_SAN_ID)
    page.fill("#id_password", testing.PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(site + "/accounts/")
    page.goto(f"{site}/learning/course/CE-1/lesson/{row.pk}/")
    page.wait_for_selector(".pdf-page[data-drawn] canvas")
    assert page.locator(".pdf-view").get_attribute("data-pages") == "3"
    assert page.locator(".pdf-page").count() == 3
    # The first page really has ink on it: not a blank canvas.
    inked = page.evaluate(
        """() => { const c = document.querySelector('.pdf-page canvas');
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let dark = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
                  return dark; }"""
    )
    assert inked > 500

    # Twelve seconds of reading by scrolling alone, more than twice the 5 s cut-off.
    started = time.monotonic()
    while time.monotonic() - started < 12:
        page.mouse.wheel(0, 120)
        page.wait_for_timeout(700)
    read = time.monotonic() - started
    assert page.locator("#idle").is_hidden()  # never asked whether anyone is there
    assert page.locator(".pdf-page[data-drawn]").count() == 3  # drawn as they came into view
    # Switching away reports what was counted.
    page.evaluate(
        """() => { Object.defineProperty(document, 'visibilityState', {value: 'hidden'});
                  document.dispatchEvent(new Event('visibilitychange')); }"""
    )
    deadline = time.monotonic() + 10
    counted = 0.0
    while time.monotonic() < deadline:
        found = Progress.objects.filter(person=studying["person"], lesson=row).first()
        counted = found.active_seconds if found else 0.0
        if counted >= read - 1:
            break
        page.wait_for_timeout(200)
    # From the page's opening, through the reading, and never past real time.
    assert read - 1 <= counted <= time.monotonic() - started + 8
    assert outside == []
