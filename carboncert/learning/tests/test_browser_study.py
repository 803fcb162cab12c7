"""Class hours as a candidate earns them, in a real headless Chromium playing a real video.

The lesson page (study.js) reports what it really played or how long the page was in use;
the server (hours.py, services.record_report) credits each second once and never more
than real time. Here the two meet: a minute played counts a minute, a seek to the end
counts only what was played, two tabs at once count once, 16× is clamped to the
sitting's 2×, a background tab counts nothing, and a reading page stops counting when
nobody uses it.

Time: the server's clock moved to 2026-12-01 10:00 and *ticking* (time_machine,
tick=True, in the live server's thread too), so the browser's clock and the server's
run at the same speed. The figures are real seconds: these tests take about four minutes.

The video, data/lesson.webm (150 s of a numbered test pattern, VP8, 160×90 at 5 fps, no
sound, about 190 KB), was made with:

    ffmpeg -f lavfi -i "testsrc=size=160x90:rate=5:duration=150" \
        -c:v libvpx -b:v 12k -crf 40 -g 50 -an lesson.webm
"""

import datetime
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from carboncert import testing
from carboncert.learning.models import Progress
from carboncert.sittings.models import Sitting

from .conftest import BJ, lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEBM = Path(__file__).parent / "data" / "lesson.webm"
DURATION = 150  # seconds, as ffprobe says
PLAYER = "document.getElementById('player')"


@pytest.fixture
def study(studying, time_machine, live_server):
    """张三's CE-1 course with two lessons of the real video; the clock ticks."""
    point = studying["video"].knowledge_points.first()
    data = WEBM.read_bytes()
    first = lesson("碳达峰路径", "video", [point], duration=DURATION, data=data)
    second = lesson("碳中和路径", "video", [point], duration=DURATION, order=1, data=data)
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=BJ), tick=True)
    return {**studying, "first": first, "second": second, "site": live_server.url}


class Tab:
    """A lesson open in a browser tab, and the study reports it has sent."""

    def __init__(self, page):
        self.page = page
        self.sent = 0
        self.answered = []  # time.monotonic() of each reply
        page.on("request", self._request)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._finished)

    @staticmethod
    def _is_report(request):
        return request.method == "POST" and request.url.endswith("/report")

    def _request(self, request):
        if self._is_report(request):
            self.sent += 1

    def _finished(self, request):
        if self._is_report(request):
            self.answered.append(time.monotonic())

    def video(self, expression):
        return self.page.evaluate(f"(v => {expression})({PLAYER})")

    def settle(self, since=None, timeout=15):
        """Wait until every report sent has been answered (and one after `since`)."""
        deadline = time.monotonic() + timeout
        while len(self.answered) < self.sent or (
            since is not None and not any(t >= since for t in self.answered)
        ):
            assert time.monotonic() < deadline, "the lesson page's report was not answered"
            self.page.wait_for_timeout(50)

    def play(self):
        """Start the video as the candidate does (a click, then play) and wait until it
        really moves; the real time just before it started."""
        self.page.locator("h1").click()  # a user gesture, for the autoplay policy
        started = time.monotonic()
        self.video("v.play()")
        self.page.wait_for_function(f"!{PLAYER}.paused && {PLAYER}.currentTime > 0")
        return started

    def pause(self):
        """Pause, and wait for the report that pause sends to be answered; the real time."""
        stopped = time.monotonic()
        self.video("v.pause()")
        self.settle(since=stopped)
        return stopped

    def seek(self, seconds):
        """Move the playhead as a candidate dragging the bar does."""
        self.video(f"v.currentTime = {seconds}")
        self.page.wait_for_function(f"!{PLAYER}.seeking")

    def hide(self, hidden=True):
        """The candidate switches to another tab (or back): headless Chromium keeps every
        page visible, so the page is told so, as the browser would tell it."""
        state = "hidden" if hidden else "visible"
        self.page.evaluate(
            """state => {
              Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
              Object.defineProperty(document, 'hidden', {value: state === 'hidden', configurable: true});
              document.dispatchEvent(new Event('visibilitychange'));
            }""",
            state,
        )


def log_in(page, site):
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", testing.ZHANG_SAN_ID)
    page.fill("#id_password", testing.PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(site + "/accounts/")


@pytest.fixture
def open_lesson(browser, study):
    """Open a lesson in a new tab of 张三's browser (one context: one login, shared)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    tabs = []

    def open_tab(row):
        page = context.new_page()
        page.set_default_timeout(10_000)
        if not tabs:
            log_in(page, study["site"])
        page.goto(f"{study['site']}/learning/course/CE-1/lesson/{row.pk}/")
        tab = Tab(page)
        tabs.append(tab)
        if row.kind == "video":
            page.wait_for_function(f"{PLAYER}.readyState >= 1")  # the metadata is in
            assert tab.video("v.duration") == DURATION
        return tab

    yield open_tab
    # Leave quietly: a tab closed while it counts reports as it goes, and that report must
    # not reach the server after the test's database is emptied. Hidden, a tab stops
    # counting and reports what it has.
    for tab in tabs:
        tab.hide()
        tab.page.wait_for_timeout(200)
        tab.settle()
    context.close()


def progress(row) -> Progress:
    return Progress.objects.get(lesson=row)


# --- video ----------------------------------------------------------------------------


def test_a_minute_of_video_counts_a_minute(open_lesson, study):
    tab = open_lesson(study["first"])
    started = tab.play()
    tab.page.wait_for_timeout(60_000)
    real = tab.pause() - started
    played = tab.video("v.currentTime")
    mine = progress(study["first"])
    print(f"real {real:.1f} s, played {played:.1f} s, credited {mine.covered_seconds:.1f} s")
    assert mine.covered_seconds == pytest.approx(60, abs=5)
    assert mine.covered_seconds == pytest.approx(played, abs=1)
    assert mine.covered_seconds <= real + 0.5
    assert mine.position == pytest.approx(played, abs=0.5)
    # The page shows the share of the video studied.
    percent = round(mine.covered_seconds / DURATION * 100)
    expect(tab.page.locator(".progress")).to_have_attribute("aria-valuenow", str(percent))


def test_seeking_to_the_end_does_not_count_the_part_skipped(open_lesson, study):
    tab = open_lesson(study["first"])
    tab.play()
    tab.page.wait_for_timeout(10_000)
    before = tab.video("v.currentTime")
    tab.seek(DURATION - 5)
    tab.page.wait_for_function(f"{PLAYER}.ended", timeout=15_000)
    tab.settle(since=time.monotonic() - 0.5)
    mine = progress(study["first"])
    print(f"played {before:.1f} s + 5 s, credited {mine.covered_seconds:.1f} s: {mine.covered}")
    assert mine.covered_seconds == pytest.approx(before + 5, abs=1)
    assert mine.covered_seconds == pytest.approx(15, abs=2)
    (a, b), (c, d) = mine.covered
    assert a < 1 and b == pytest.approx(before, abs=0.5)
    assert c == pytest.approx(DURATION - 5, abs=0.5) and d == DURATION
    assert mine.position == DURATION


def test_two_tabs_playing_at_once_count_once(open_lesson, study):
    # The same lesson in two tabs, the second one further on: only real time counts.
    first, second = open_lesson(study["first"]), open_lesson(study["first"])
    second.seek(60)
    started = first.play()
    second.play()
    first.page.wait_for_timeout(30_000)
    first.pause()
    real = second.pause() - started
    # Both played their thirty seconds, at 0–30 and 60–90 of the video.
    assert first.video("v.currentTime") > 28 and second.video("v.currentTime") > 88
    mine = progress(study["first"])
    print(f"same lesson: credited {mine.covered_seconds:.1f} s in {real:.1f} s")
    assert mine.covered_seconds == pytest.approx(30, abs=5)
    assert mine.covered_seconds <= real + 1  # the pause lands a moment late; latency skews

    # Two lessons at once: one clock for the person, whichever lesson it is.
    other = open_lesson(study["second"])
    started = first.play()  # carries on from where it was
    other.play()
    other.page.wait_for_timeout(15_000)
    other.pause()
    real = first.pause() - started
    gained = progress(study["first"]).covered_seconds - mine.covered_seconds
    gained += progress(study["second"]).covered_seconds
    print(f"two lessons: credited {gained:.1f} s in {real:.1f} s")
    assert gained == pytest.approx(15, abs=5)
    assert gained <= real + 1


def test_sixteen_times_is_held_to_the_sittings_speed(open_lesson, study):
    tab = open_lesson(study["first"])
    started = tab.play()
    tab.video("v.playbackRate = 16")  # a console, or a browser extension
    expect(tab.page.locator("#study-state")).to_have_text("最高 2 倍速")
    assert tab.video("v.playbackRate") == 2
    tab.page.wait_for_timeout(20_000)
    real = tab.pause() - started
    mine = progress(study["first"])
    print(f"16×: real {real:.1f} s, credited {mine.covered_seconds:.1f} s")
    assert mine.covered_seconds <= 2 * real + 0.5
    assert mine.covered_seconds == pytest.approx(2 * 20, abs=5)


def test_a_background_tab_counts_nothing(open_lesson, study):
    tab = open_lesson(study["first"])
    tab.play()
    tab.page.wait_for_timeout(8_000)
    hidden = time.monotonic()
    tab.hide()
    # The video stops, and what was played before the switch counts.
    tab.page.wait_for_function(f"{PLAYER}.paused")
    expect(tab.page.locator("#study-state")).to_have_text("已暂停：切换回本页面后继续播放")
    tab.settle(since=hidden)
    before = progress(study["first"]).covered_seconds
    played = tab.video("v.currentTime")
    print(f"before the switch: played {played:.1f} s, credited {before:.1f} s")
    assert before == pytest.approx(played, abs=1)
    assert before == pytest.approx(8, abs=2)

    # Played in the background all the same (a media key): nothing counts.
    tab.video("v.play()")
    tab.page.wait_for_timeout(12_000)  # an interval report goes out meanwhile
    tab.pause()
    assert tab.video("v.currentTime") > played + 10
    assert progress(study["first"]).covered_seconds == pytest.approx(before)

    # Back on the page, playing counts again.
    tab.hide(False)
    tab.play()
    tab.page.wait_for_timeout(5_000)
    tab.pause()
    after = progress(study["first"]).covered_seconds
    print(f"background 12 s: nothing; back: {after - before:.1f} s more")
    assert after - before == pytest.approx(5, abs=1.5)


# --- reading --------------------------------------------------------------------------


def test_a_reading_counts_active_time_until_the_candidate_goes_idle(open_lesson, study):
    # The rule's form asks for 30 s at least; a short cut-off keeps the test short.
    Sitting.objects.filter(pk=study["sitting"].pk).update(idle_seconds=5)
    tab = open_lesson(study["reading"])
    page = tab.page
    idle = page.locator("#idle")
    started = time.monotonic()
    for n in range(40):  # twenty seconds of reading, the mouse moving now and then
        page.mouse.move(100 + 5 * (n % 20), 200 + 3 * (n % 7))
        page.wait_for_timeout(500)
    moved = time.monotonic() - started
    expect(idle).to_be_visible(timeout=8_000)  # 5 s after the last move
    shown = time.monotonic()
    page.mouse.move(300, 300)  # moving the mouse does not dismiss it, nor count
    tab.settle(since=shown)  # the next report (every 10 s) has it all
    counted = progress(study["reading"]).active_seconds
    print(f"reading: moved {moved:.1f} s, counted {counted:.1f} s")
    # What was used, and the few idle seconds before the cut-off.
    assert counted == pytest.approx(moved + 5, abs=2.5)

    # 继续学习: counting again (and nothing counted while the notice waited, or `again`
    # would hold it), until the candidate switches to another tab; what was counted until
    # then is reported at once, and nothing after.
    page.get_by_role("button", name="继续学习").click()
    expect(idle).to_be_hidden()
    started = time.monotonic()
    for n in range(12):
        page.mouse.move(100 + 7 * n, 200)
        page.wait_for_timeout(500)
    moved = time.monotonic() - started
    hidden = time.monotonic()
    tab.hide()
    tab.settle(since=hidden)
    again = progress(study["reading"]).active_seconds - counted
    print(f"reading again: moved {moved:.1f} s, counted {again:.1f} s")
    assert again == pytest.approx(moved, abs=1.5)
    page.wait_for_timeout(3_000)
    assert progress(study["reading"]).active_seconds == pytest.approx(counted + again)
