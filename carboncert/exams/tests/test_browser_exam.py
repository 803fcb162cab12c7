"""The exam as a candidate lives it, in a real headless Chromium with a fake camera (issue 5).

Login, the wait screen, answering, hand-in, a network cut, a killed browser, leaving
full screen, a Chinese IME and extra time: each test checks what the candidate sees
and what the database holds afterwards.

Time: the sitting of 2026-12-19 with the server's clock moved to a few seconds
before 09:01 and *ticking* (time_machine, tick=True, in the live server's thread
too). The browser keeps its own clock; exam.js takes the server's from every reply.
"""

import functools
import re
import threading
import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carboncert import testing
from carboncert.accounts import roles
from carboncert.catalog.models import Subject
from carboncert.exams import api, services
from carboncert.exams.models import Attempt, Event, JournalEntry
from carboncert.exams.tests.conftest import ID, admit, stock_bank
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import generate_sittings, save_rules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BJ = ZoneInfo("Asia/Shanghai")
# 50 s after the start: the exam is open at once, hand-in opens 10 s later (09:01).
OPENED = datetime(2026, 12, 19, 9, 0, 50, tzinfo=BJ)
SAVED = re.compile(r"^已保存 \d{1,2}:\d\d:\d\d$")
OFFLINE = "离线，答案已保存在本机，恢复后自动上传"


# --- state -----------------------------------------------------------------------------


@pytest.fixture
def exam_day(catalogue, time_machine, media):
    """张三 and 李四 admitted to CE-1 on 2026-12-19; the server's clock ticks from OPENED.
    Snapshots from the fake camera are stored in the test's own folder (media)."""

    def make(
        *,
        short=True,
        every_type=False,
        leave_limit=10,
        countdown_seconds=5,
        microphone=False,
        snapshot_seconds=60,
        at=OPENED,
    ):
        generate_sittings(2026)
        sitting = Sitting.objects.get(date="2026-12-19")
        sitting.earliest_hand_in_minutes = 1
        sitting.leave_limit = leave_limit
        sitting.leave_countdown_seconds = countdown_seconds
        sitting.microphone_required = microphone
        sitting.snapshot_interval_seconds = snapshot_seconds
        save_rules(sitting, reason="浏览器测试")
        subject = Subject.objects.get(code="CE-1")
        stock_bank(subject, short=short, every_type=every_type)
        institution = testing.institution()
        zhang = admit(ID, "张三", sitting, subject, institution)
        li = admit(testing.id_number(sequence=321), "李四", sitting, subject, institution)
        time_machine.move_to(at, tick=True)
        return {"sitting": sitting, "zhang": zhang, "li": li}

    return make


# --- the browser -----------------------------------------------------------------------


@pytest.fixture
def new_page(new_page, live_server):
    """A candidate's own computer, the camera (and microphone) allowed."""
    return functools.partial(new_page, permissions=("camera", "microphone"), origin=live_server.url)


def log_in(page, site, id_number=ID[:-1] + "X", password="107x"):
    page.goto(site + "/exam/login/")
    page.fill("#id_id_number", id_number)
    page.fill("#id_password", password)
    page.locator("main form").get_by_role("button", name="进入考试").click()
    page.wait_for_url(site + "/exam/")


def accept_privacy(page):
    """The notice of what the camera records, before it opens (once per attempt)."""
    expect(page.locator("#screen-privacy")).to_be_visible()
    assert page.evaluate("document.getElementById('camera').srcObject") is None
    page.get_by_role("button", name="我已阅读并同意，开启摄像头").click()


def start(page):
    """The wait screen: the camera delivers a picture, the start button enters full screen."""
    accept_privacy(page)
    expect(page.locator("#screen-wait")).to_be_visible()
    page.wait_for_function("document.getElementById('camera').videoWidth > 0")
    expect(page.locator("#screen-wait .camera-status")).to_be_hidden()
    expect(page.locator("#wait-countdown")).to_have_text("已开考")
    button = page.locator("#start")
    expect(button).to_have_text("请先勾选确认考场须知")
    expect(button).to_be_disabled()
    page.locator("#rules-ok").check()
    expect(button).to_have_text("进入全屏并开始考试")
    button.click()
    expect(page.locator("#screen-exam")).to_be_visible()
    assert page.evaluate("document.fullscreenElement !== null")


def attempt_of(application) -> Attempt:
    return Attempt.objects.select_related("sitting", "paper").get(application=application)


def item_types(attempt) -> dict[int, str]:
    return {n: item["type"] for n, item in enumerate(attempt.paper.items, start=1)}


def eventually(page, check, timeout=15, message="condition"):
    """Poll the database (or anything) while the browser and the server work."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        page.wait_for_timeout(100)


def saved_answers(attempt) -> dict[int, str]:
    return dict(attempt.answers.values_list("n", "value"))


def option(page, n, key):
    return page.locator(f"#q-{n} label.option").filter(has=page.locator(f"input[value='{key}']"))


def answer_choices(page, numbers, keys):
    """Answer questions in the one-question view: every other one with the mouse (the answer
    sheet, then the option), the others with the keyboard (→ to the next question, then a
    letter or a digit for the option)."""
    previous = None
    for i, (n, key) in enumerate(zip(numbers, keys, strict=True)):
        by_keyboard = i % 2 == 1
        if by_keyboard and previous == n - 1:
            page.keyboard.press("ArrowRight")
        else:
            page.locator(f"#sheet-grid [data-n='{n}']").click()
        expect(page.locator(f"#q-{n}")).to_be_visible()
        if by_keyboard:
            page.keyboard.press(key if i % 4 == 1 else str("ABCDEFGH".index(key) + 1))
        else:
            option(page, n, key).click()
        expect(page.locator(f"#q-{n} input[value='{key}']")).to_be_checked()
        expect(page.locator(f"#sheet-grid [data-n='{n}']")).to_have_class(re.compile("answered"))
        previous = n


# --- 1. login to hand-in ----------------------------------------------------------------


@pytest.fixture
def busy_writers():
    """Take every snapshot writer of this process (the live server's) until released."""
    writers = api.SNAPSHOT_WRITERS
    held = []

    class Busy:
        def release(self):
            while held:
                held.pop()
                writers.release()

    def take():
        held.extend(writers.acquire(blocking=False) for _ in range(writers._initial_value))
        assert all(held)
        return Busy()

    yield take
    Busy().release()


def test_it_takes_a_candidate_from_login_to_hand_in(exam_day, new_page, live_server, busy_writers):
    day = exam_day(every_type=True, snapshot_seconds=10)
    page = new_page()
    snapshot_replies = []
    page.on("response", lambda r: "/snapshots" in r.url and snapshot_replies.append(r.status))
    busy = busy_writers()  # the live server (this process) is storing others' snapshots
    log_in(page, live_server.url)  # the ID's final x typed as X, the password's as x
    start(page)
    attempt = attempt_of(day["zhang"])
    assert attempt.status == Attempt.Status.ANSWERING and attempt.started_at is not None
    types = item_types(attempt)
    assert list(types.values()) == ["single"] * 16 + ["multiple", "numeric", "short"]
    hand_in = page.locator("#hand-in")
    expect(hand_in).to_be_disabled()
    expect(hand_in).to_have_text("09:01 后可交卷")

    singles = [n for n, t in types.items() if t == "single"]
    keys = ["ABC"[n % 3] for n in singles]
    answer_choices(page, singles, keys)

    # Multiple choice: the two right options, wherever the shuffle put them.
    page.locator("#sheet-grid [data-n='17']").click()
    chosen = []
    for text in ("丙", "甲"):
        label = page.locator("#q-17 label.option").filter(has_text=text)
        label.click()
        chosen.append(label.locator("input").get_attribute("value"))
    expect(page.locator("#sheet-grid [data-n='17']")).to_have_class(re.compile("answered"))

    # Numeric: the candidate's own parameter in the stem, typed on a Chinese keyboard.
    volume = Decimal(attempt.paper.items[17]["parameters"]["v"])
    page.locator("#sheet-grid [data-n='18']").click()
    expect(page.locator("#q-18")).to_contain_text(f"消耗天然气 {volume:f} 万立方米")
    expect(page.locator("#q-18 .unit")).to_have_text("tCO₂")
    result = f"{volume * Decimal('21.6'):f}"
    full_width = result.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    page.locator("#a-18").press_sequentially(full_width)

    page.locator("#sheet-grid [data-n='19']").click()
    text = "建立碳排放台账，按核算指南计算排放量。"
    page.locator("#a-19").press_sequentially(text)
    expected = {
        **dict(zip(singles, keys, strict=True)),
        17: "".join(sorted(chosen)),
        18: result,
        19: text,
    }
    eventually(page, lambda: saved_answers(attempt) == expected, message="all answers saved")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    expect(page.locator("#sheet-count")).to_have_text("已答 19/19")

    # The fake camera's frame, sent as a JPEG body to the hot path (every 7.5–12.5 s): refused
    # while the server is busy, sent once more 3–5 s later and stored.
    eventually(page, lambda: 503 in snapshot_replies, timeout=20, message="a busy refusal")
    busy.release()
    # The row is committed before the browser sees the 204: wait for both.
    eventually(page, lambda: snapshot_replies[:2] == [503, 204], timeout=10,
               message="the snapshot sent again")  # fmt: skip
    snapshot = attempt.snapshots.first()
    assert snapshot.reason == "interval" and snapshot.image.read(3) == b"\xff\xd8\xff"

    expect(hand_in).to_be_enabled(timeout=20_000)  # from 09:01 on
    expect(hand_in).to_have_text("交卷")
    hand_in.click()
    expect(page.locator("#confirm-body")).to_contain_text("全部 19 题均已作答。")
    page.locator("#confirm-ok").click()
    expect(page.locator("#screen-done")).to_be_visible()
    expect(page.locator("#done-reason")).to_have_text("交卷成功")
    expect(page.locator("#done-count")).to_have_text("已答 19/19 题")

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.HANDED_IN
    assert attempt.hand_in_reason == Attempt.HandIn.CANDIDATE
    assert attempt.handed_in_at >= attempt.sitting.earliest_hand_in_at
    assert saved_answers(attempt) == expected
    assert attempt.leave_count == 0 and not attempt.needs_decision
    assert page.evaluate("document.fullscreenElement") is None


def check(page, key):
    return page.locator(f"#device-checks li[data-check='{key}']")


def test_it_checks_the_device_before_the_start_whatever_the_laptop_clock_says(
    exam_day, new_page, live_server
):
    # Check-in at 08:59:40: twenty seconds before the start, on a laptop two hours fast.
    day = exam_day(microphone=True, at=OPENED - timedelta(seconds=70))
    # The browser runs on the real date, the server on the sitting's: set the laptop's clock
    # to the server's time plus two hours.
    fast_ms = timezone.now().timestamp() * 1000 + 2 * 3600 * 1000
    page = new_page(
        init_script="const real = Date.now.bind(Date), since = real();"
        f" Date.now = () => {fast_ms:.0f} + real() - since;"
    )
    log_in(page, live_server.url)
    accept_privacy(page)
    expect(page.locator("#screen-wait")).to_be_visible()
    expect(page.locator("#wait-starts")).to_have_text("09:00")
    for key, text in [
        ("browser", re.compile(r"^浏览器Chrome \d+$")),
        ("camera", re.compile(r"^摄像头画面正常（\d+×\d+）$")),
        ("microphone", "麦克风可用"),
        ("fullscreen", "全屏支持"),
        ("network", re.compile(r"^网络延迟 \d+ 毫秒$")),
        (
            "clock",
            re.compile(
                r"^本机时钟比北京时间快 (2 小时( \d 秒)?|1 小时 59 分 5\d 秒)（考试以服务器时间为准，不受影响）$"
            ),
        ),
    ]:
        expect(check(page, key)).to_have_text(text)
        expect(check(page, key)).to_have_attribute("data-state", "warn" if key == "clock" else "ok")
    # The laptop's clock says 11:00, the server's 08:59: the countdown is the server's.
    expect(page.locator("#wait-countdown")).to_have_text(re.compile(r"^00:[0-2]\d$"))
    button = page.locator("#start")
    expect(button).to_have_text("请等待开考")
    page.locator("#rules-ok").check()
    expect(button).to_be_disabled()
    expect(button).to_have_text("进入全屏并开始考试", timeout=40_000)  # at 09:00 by the server
    page.locator("#rules-ok").uncheck()
    expect(button).to_be_disabled()
    page.locator("#rules-ok").check()
    button.click()
    expect(page.locator("#screen-exam")).to_be_visible()
    attempt = attempt_of(day["zhang"])
    report = eventually(
        page,
        lambda: Event.objects.filter(attempt=attempt, kind="device_check").first(),
        message="the device check to reach the server",
    )
    assert report.detail["camera"].startswith("ok: 画面正常")
    assert re.match(r"warn: 比北京时间快 (2 小时|1 小时 59 分)", report.detail["clock"])
    assert "HeadlessChrome" in report.detail["user_agent"]
    attempt.refresh_from_db()
    assert attempt.started_at >= attempt.sitting.starts_at


# --- 2. a network cut --------------------------------------------------------------------


def test_it_keeps_answers_through_a_network_cut_and_uploads_them_all(
    exam_day, new_page, live_server
):
    day = exam_day(short=False)
    page = new_page()
    log_in(page, live_server.url)
    start(page)
    attempt = attempt_of(day["zhang"])
    keys = {n: "CAB"[n % 3] for n in range(1, 21)}
    answer_choices(page, range(1, 6), [keys[n] for n in range(1, 6)])
    eventually(page, lambda: len(saved_answers(attempt)) == 5)
    expect(page.locator("#save-status")).to_have_text(SAVED)

    failed = []
    page.on("requestfailed", lambda r: r.url.endswith("/answers") and failed.append(r))
    page.context.set_offline(True)
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^已保存 .*（网络已断开）$"))
    answer_choices(page, range(6, 21), [keys[n] for n in range(6, 21)])
    expect(page.locator("#save-status")).to_have_text(OFFLINE)
    expect(page.locator("#sheet-count")).to_have_text("已答 20/20")
    # The cut lasts until the client has failed three uploads (its backoff makes that about
    # 10 s): the acceptance list's 3 minutes, shortened to keep CI fast.
    eventually(page, lambda: len(failed) >= 3, timeout=30, message="three failed uploads")
    expect(page.locator("#save-status")).to_have_text(OFFLINE)
    assert len(saved_answers(attempt)) == 5

    page.context.set_offline(False)
    eventually(page, lambda: saved_answers(attempt) == keys, message="all 20 answers uploaded")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    journal = list(JournalEntry.objects.filter(attempt=attempt).values_list("seq", "n", "value"))
    assert journal == [(n, n, keys[n]) for n in range(1, 21)]  # each once, in order


# --- 3. a killed browser -------------------------------------------------------------------


def test_it_resumes_after_the_browser_is_killed_with_every_saved_answer(
    exam_day, new_page, live_server
):
    day = exam_day()
    page = new_page()
    log_in(page, live_server.url)
    start(page)
    attempt = attempt_of(day["zhang"])
    numbers = list(range(1, 11))
    keys = ["BCA"[n % 3] for n in numbers]
    answer_choices(page, numbers, keys)
    page.locator("#sheet-grid [data-n='19']").click()
    page.locator("#a-19").press_sequentially("先核查，后报告。")
    expected = {**dict(zip(numbers, keys, strict=True)), 19: "先核查，后报告。"}
    eventually(page, lambda: saved_answers(attempt) == expected)
    expect(page.locator("#save-status")).to_have_text(SAVED)
    page.context.close()  # the browser dies: its local storage goes with it

    page = new_page()
    log_in(page, live_server.url)
    # Straight back to the questions (the notice was accepted before); the page is not in
    # full screen after a restart.
    expect(page.locator("#screen-exam")).to_be_visible()
    expect(page.locator("#leave-overlay")).to_be_visible()
    page.locator("#leave-back").click()
    expect(page.locator("#leave-overlay")).to_be_hidden()
    expect(page.locator("#sheet-count")).to_have_text("已答 11/19")
    page.locator("#view-toggle").click()
    for n in range(1, 19):
        for key in "ABC":
            choice = page.locator(f"#q-{n} input[value='{key}']")
            if expected.get(n) == key:
                expect(choice).to_be_checked()
            else:
                expect(choice).not_to_be_checked()
    expect(page.locator("#a-19")).to_have_value("先核查，后报告。")

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.ANSWERING
    assert saved_answers(attempt) == expected
    assert attempt.leave_count == 0  # back in full screen within the countdown
    assert Attempt.objects.filter(application=day["zhang"]).count() == 1


# --- 4. leaving full screen ------------------------------------------------------------------


def test_it_counts_a_leave_only_when_it_outlasts_the_countdown_and_hands_in_at_the_limit(
    exam_day, new_page, live_server
):
    # exam.js listens to fullscreenchange, visibilitychange and window blur/focus. Headless
    # Chromium has a real Fullscreen API, so leaving is document.exitFullscreen() (what Esc
    # does) and returning is the overlay's own button, a real click.
    day = exam_day(leave_limit=2, countdown_seconds=2)
    page = new_page()
    log_in(page, live_server.url)
    start(page)
    attempt = attempt_of(day["zhang"])
    overlay, status = page.locator("#leave-overlay"), page.locator("#leave-status")
    expect(status).to_have_text("已离开 0/2 次")

    page.evaluate("document.exitFullscreen()")  # a quick return: not counted
    expect(overlay).to_be_visible()
    expect(page.locator("#leave-text")).to_have_text(
        re.compile(r"^请在 [12] 秒内返回全屏，否则记为离开考试一次$")
    )
    page.locator("#leave-back").click()
    expect(overlay).to_be_hidden()
    expect(status).to_have_text("已离开 0/2 次")

    page.evaluate("document.exitFullscreen()")  # away longer than the countdown: counted
    expect(page.locator("#leave-text")).to_have_text(
        "已记为离开考试一次。请点击“返回全屏”继续答题。"
    )
    expect(page.locator("#leave-count")).to_have_text("已离开 1/2 次，达到上限将被强制交卷")
    eventually(page, lambda: Event.objects.filter(attempt=attempt, kind="leave").exists())
    page.locator("#leave-back").click()
    expect(overlay).to_be_hidden()
    expect(status).to_have_text("已离开 1/2 次")
    attempt.refresh_from_db()
    assert attempt.leave_count == 1  # once, and the quick return not at all
    assert Event.objects.filter(attempt=attempt, kind="leave").count() == 1
    assert attempt.status == Attempt.Status.ANSWERING

    page.evaluate("document.exitFullscreen()")  # the limit-th leave hands the paper in
    expect(page.locator("#screen-done")).to_be_visible()
    expect(page.locator("#done-reason")).to_have_text("离开考试次数已达上限，系统已强制交卷")
    attempt.refresh_from_db()
    assert attempt.leave_count == 2
    assert attempt.status == Attempt.Status.HANDED_IN
    assert attempt.hand_in_reason == Attempt.HandIn.LEAVES
    assert attempt.needs_decision


# --- 5. a Chinese IME ---------------------------------------------------------------------


def test_it_saves_only_the_committed_text_of_a_chinese_ime(exam_day, new_page, live_server):
    day = exam_day()
    page = new_page()
    log_in(page, live_server.url)
    start(page)
    attempt = attempt_of(day["zhang"])
    page.locator("#sheet-grid [data-n='19']").click()
    area = page.locator("#a-19")
    area.click()
    cdp = page.context.new_cdp_session(page)
    words = [("tan da feng", "碳达峰"), ("yu", "与"), ("tan zhong he", "碳中和")]
    for pinyin, hanzi in words:
        for end in range(1, len(pinyin) + 1):
            partial = pinyin[:end]
            cdp.send(
                "Input.imeSetComposition",
                {"text": partial, "selectionStart": end, "selectionEnd": end},
            )
            if partial == "tan d":
                # A candidate looks for the right character longer than the 700 ms typing
                # pause after which exam.js saves: nothing half-composed may go out meanwhile.
                page.wait_for_timeout(1200)
        cdp.send("Input.insertText", {"text": hanzi})
    committed = "碳达峰与碳中和"
    expect(area).to_have_value(committed)
    eventually(page, lambda: saved_answers(attempt).get(19) == committed)
    expect(page.locator("#save-status")).to_have_text(SAVED)
    expect(page.locator("#q-19 .answer .muted")).to_have_text("7 字")

    journal = list(
        JournalEntry.objects.filter(attempt=attempt, n=19).values_list("value", flat=True)
    )
    assert journal and journal[-1] == committed
    for value in journal:
        assert not re.search(r"[a-z ]", value), f"half-composed text saved: {value!r}"
        assert committed.startswith(value), f"text lost or doubled: {value!r}"


# --- 6. extra time -------------------------------------------------------------------------


def remaining_seconds(page) -> int:
    text = page.locator("#remaining").inner_text()
    h, m, s = re.fullmatch(r"剩余 (\d+):(\d\d):(\d\d)", text).groups()
    return int(h) * 3600 + int(m) * 60 + int(s)


def test_it_moves_the_countdown_of_the_attempt_given_extra_time_only(
    exam_day, new_page, live_server
):
    day = exam_day(short=False)
    zhang, li = new_page(), new_page()
    log_in(zhang, live_server.url)
    start(zhang)
    log_in(
        li, live_server.url, testing.id_number(sequence=321), testing.id_number(sequence=321)[-4:]
    )
    start(li)
    ends_at = day["sitting"].ends_at
    for page in (zhang, li):
        assert abs(remaining_seconds(page) - (ends_at - OPENED).total_seconds()) < 60

    proctor = testing.staff("proctor", roles.PROCTOR)
    services.grant_extra_time(attempt_of(day["zhang"]), 10, proctor, "摄像头故障，重新连接耗时")

    # The next heartbeat (every ~15 s) brings the new end; no reload.
    def heartbeat(r):
        return r.url.endswith("/heartbeat")

    with (
        zhang.expect_response(heartbeat, timeout=25_000) as zhang_beat,
        li.expect_response(heartbeat, timeout=25_000) as li_beat,
    ):
        pass
    assert zhang_beat.value.json()["ends_at_ms"] == int(
        (ends_at + timedelta(minutes=10)).timestamp() * 1000
    )
    assert li_beat.value.json()["ends_at_ms"] == int(ends_at.timestamp() * 1000)
    now = timezone.now()
    zhang_end, li_end = ends_at + timedelta(minutes=10), ends_at
    zhang.wait_for_function(
        "s => { const m = document.getElementById('remaining').textContent.match(/(\\d+):(\\d\\d):(\\d\\d)/);"
        " return m && (+m[1]) * 3600 + (+m[2]) * 60 + (+m[3]) > s; }",
        arg=(ends_at - now).total_seconds() + 300,
    )
    assert abs(remaining_seconds(zhang) - (zhang_end - timezone.now()).total_seconds()) <= 3
    assert abs(remaining_seconds(li) - (li_end - timezone.now()).total_seconds()) <= 3
    assert attempt_of(day["zhang"]).extra_minutes == 10
    assert attempt_of(day["li"]).extra_minutes == 0


def test_it_reports_a_leave_that_ends_while_a_save_is_still_on_its_way(
    exam_day, new_page, live_server, monkeypatch
):
    day = exam_day(short=False, leave_limit=3, countdown_seconds=2)
    page = new_page()
    log_in(page, live_server.url)
    start(page)
    attempt = attempt_of(day["zhang"])
    # A slow connection: the server holds this save until the leave has been counted on the page.
    release = threading.Event()
    save_answers = services.save_answers

    def slow_save(*args, **kwargs):
        release.wait(timeout=20)
        return save_answers(*args, **kwargs)

    monkeypatch.setattr(services, "save_answers", slow_save)
    try:
        with page.expect_request(lambda r: r.url.endswith("/answers")):
            option(page, 1, "A").click()
        page.evaluate("document.exitFullscreen()")
        expect(page.locator("#leave-text")).to_have_text(
            "已记为离开考试一次。请点击“返回全屏”继续答题。"
        )
        expect(page.locator("#leave-status")).to_have_text("已离开 1/3 次")
    finally:
        release.set()
    eventually(page, lambda: saved_answers(attempt) == {1: "A"})
    eventually(
        page,
        lambda: Attempt.objects.get(pk=attempt.pk).leave_count == 1,
        timeout=10,
        message="the leave to reach the server",
    )
