import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from carboncert.accounts.models import Institution, Person, User
from carboncert.bank.demo_content import load as load_ce1
from carboncert.bank.models import Question
from carboncert.catalog.models import Subject
from carboncert.grading import access
from carboncert.grading.models import Marking, Result
from carboncert.ops import demo
from carboncert.pdf import has_chinese_font
from carboncert.registration.models import Application
from carboncert.sittings.models import Sitting

pytestmark = pytest.mark.django_db


def demo_people():
    return Person.objects.filter(id_number__in=[c[0] for c in demo.CANDIDATES])


def counts():
    return (
        User.objects.count(),
        Person.objects.count(),
        Institution.objects.count(),
        Subject.objects.count(),
        Sitting.objects.count(),
    )


def test_demo_is_idempotent_and_its_accounts_log_in(client, time_machine, media):
    time_machine.move_to("2026-11-25 10:00 +0800")
    out = StringIO()
    call_command("demo", "--no-migrate", stdout=out)
    first = counts()
    call_command("demo", "--no-migrate", stdout=StringIO())
    assert counts() == first
    # 9 staff + 3 candidates; 3 demo candidates + 48 simulated ones; 2026 and 2027 sittings + a test
    assert first == (12, 51, 1, 12, 13)
    assert "carbon-demo" in out.getvalue()
    for account in demo.STAFF:
        assert client.login(username=account.username, password=demo.DEMO_PASSWORD), account
    assert client.login(username="11010519850612107X", password=demo.DEMO_PASSWORD)
    upcoming = Application.objects.filter(sitting__date="2026-12-19")
    states = dict(upcoming.filter(person__in=demo_people()).values_list("person__name", "status"))
    assert states == {"张三": "submitted", "李思雨": "approved", "王芳": "draft"}
    assert upcoming.get(person__name="李思雨").ticket_number
    # August's sitting is marked and out: 张三 sees his result; October's waits for the graders.
    zhang = User.objects.get(username="11010519850612107X")
    mine = access.results_for(zhang).get()
    assert (mine.sitting.date.isoformat(), mine.outcome) == ("2026-08-15", "passed")
    assert Result.objects.filter(sitting__date="2026-08-15").count() == 30
    october = Marking.objects.filter(attempt__sitting__date="2026-10-17")
    assert october.exists() and not october.exclude(state="marking").exists()
    assert Question.objects.filter(status="active").count() == len(load_ce1())
    # Today's system test lets the admitted candidate sit a CE-1 practice paper now.
    from carboncert.exams import services as exams

    attempt = exams.exam_login("310104199203181003", "1003", "127.0.0.1")
    assert attempt.sitting.kind == "test"
    assert len(exams.shown_items(exams.start(attempt))) == 49
    # The learning centre: 李思雨's CE-1 course has lessons and some study; a third of the
    # questions are the practice pool, enough for a full mock paper, and exams never use them.
    from carboncert.bank import papers
    from carboncert.learning import services as learning

    li = Person.objects.get(id_number="310104199203181003")
    course = learning.course(Subject.objects.get(code="CE-1"), li)
    assert len(course.lessons) >= 7 and 0 < course.earned_hours < course.required_hours
    kinds = {entry.lesson.kind for entry in course.lessons}
    if has_chinese_font():  # the demo's PDF lesson is made with it
        assert kinds == {"video", "reading", "document"}
    assert Question.objects.filter(practice=True).count() == len(load_ce1()) // 3
    assert papers.readiness(Subject.objects.get(code="CE-1"), practice=True) == []


def test_tick_creates_missing_sittings_and_is_quiet_the_second_time(time_machine):
    time_machine.move_to("2026-11-25 10:00 +0800")
    call_command("demo", "--no-migrate", stdout=StringIO())
    Sitting.objects.filter(slot_year=2027, slot_month=12).delete()
    out = StringIO()
    call_command("tick", stdout=out)
    assert "1 sittings created" in out.getvalue()
    out = StringIO()
    call_command("tick", stdout=out)
    assert "0 sittings created, 0 timelines updated, 0 attempts handed in" in out.getvalue()


def test_generate_sittings_prints_the_warnings(catalogue):
    out = StringIO()
    call_command("generate_sittings", "2026", stdout=out)
    assert "2026-02-21 created" in out.getvalue()
    assert "春节" in out.getvalue()


@pytest.mark.parametrize("command", ["serve", "demo", "tick", "generate_sittings", "migrate"])
def test_every_command_has_help(command):
    result = subprocess.run(
        [sys.executable, "-m", "carboncert.cli", command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: carboncert " + command in result.stdout


def test_serve_runs_the_production_server_with_the_exam_hot_path(tmp_path):
    """`carboncert serve` as the README runs it: granian answers pages through Django and the
    exam's saves and heartbeats on the hot path in front of it."""
    import json
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "CARBONCERT_VAR": str(tmp_path), "DEBUG": "0",
           "DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3"}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (tmp_path / "serve.log").open("w+b")  # a file, not a pipe nobody drains
    server = subprocess.Popen(
        [sys.executable, "-m", "carboncert.cli", "serve", "--port", str(port), "--workers", "1",
         "--threads", "2"], env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    site = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                page = urllib.request.urlopen(site + "/exam/login/", timeout=2).read().decode()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not come up")
        assert "身份证" in page
        forged = urllib.request.Request(
            site + "/api/exam/heartbeat", data=b"{}", method="POST",
            headers={"Authorization": "Bearer forged", "Content-Type": "application/json"},
        )  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=5)
        assert refused.value.code == 401
        assert json.loads(refused.value.read())["message"] == "登录已失效，请重新登录。"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
