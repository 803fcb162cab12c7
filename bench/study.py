"""How fast the learning centre answers: study reports, the course page, the institution's table.

N candidates (default 2,000) approved for CE-1 at the 2026-12-19 sitting, a small CE-1
course (20 published lessons, one of them a 30-minute video), in a throwaway SQLite
database (or DATABASE_URL if set):
    .venv/bin/python bench/study.py [candidates] [reports per candidate]
Set-up (people, logins, applications, lessons, progress) is not timed. Every request goes
through Django's test client, the whole middleware stack, with each candidate's own login
session (a real session row, its cookie swapped in per request), on one thread. The clock
is set to 2026-12-01 10:00 Beijing time and then runs at real speed (time_machine,
tick=True), so the courses are open whenever the bench is run.

Timed:
1. Study reports: every candidate posts up to 5 reports (default) of the video
   (`learning:report`, 10 s of playing each, the next 10 s of the video), interleaved:
   round 1 for everyone, then round 2, … (no new round starts after 150 s, so that the
   whole bench stays within about five minutes on a slow machine). The server credits a
   report at most the real time since the person's last credited moment (StudyClock), so
   the seconds credited are printed per round, with why. Latency p50/p95/p99, reports per
   second on one process, queries per report (captured on 20 other candidates, outside the
   timed rounds), and the processes 5,000 candidates reporting every 10 s (500 reports/s)
   would need at that rate.
2. The course page of CE-1 for a candidate with progress on all 20 lessons: 20 fetches.
3. The institution's learning table and its xlsx export (`learning:institution`,
   `learning:institution_export`) for the institution of all N candidates: 3 each.
Ends with RESULT lines; it asserts nothing about the figures.
"""

import datetime
import json
import math
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
REPORTS = int(sys.argv[2]) if len(sys.argv) > 2 else 5  # per candidate, at most
ROUNDS_SECONDS = 150  # no new round of reports starts after this (at least two run)
STEP = 10  # seconds of video per report, and the page's elapsed time
SAMPLED = 20  # candidates whose reports are captured for the query count
LESSONS = 20  # lessons of the course (progress on each for the course-page candidate)
EXAM_DAY_LEARNERS = 5000
REPORT_INTERVAL = 10  # seconds between one learner's reports

os.environ.setdefault("CARBONCERT_VAR", tempfile.mkdtemp(prefix="carboncert-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carboncert.settings")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from carboncert import testing  # noqa: E402
from carboncert.accounts import roles  # noqa: E402
from carboncert.catalog.models import KnowledgePoint, Subject  # noqa: E402
from carboncert.catalog.services import load_catalogue  # noqa: E402
from carboncert.learning.models import Lesson, Progress, StudyClock  # noqa: E402
from carboncert.registration.models import Application  # noqa: E402
from carboncert.sittings.models import Sitting  # noqa: E402
from carboncert.sittings.services import generate_sittings  # noqa: E402

BJ = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=BJ)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # set-up only: no logins timed


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def ms(seconds):
    return seconds * 1000


# --- set-up (not timed) ------------------------------------------------------------------


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
@transaction.atomic
def candidates(count, first, sitting, subject, institution):
    """`count` candidates with a login and an approved CE-1 application at the sitting."""
    users = []
    for n in range(first, first + count):
        number = testing.id_number(birth=f"{1970 + n // 1000 % 30}0101", sequence=n % 1000)
        users.append(testing.candidate(number, f"考生{n:05d}"))
    Application.objects.bulk_create(
        [Application(person=u.person, institution=institution, sitting=sitting, subject=subject,
                     status=Application.Status.APPROVED, phone="13800000000", education="本科",
                     ticket_number=f"S{first + i:07d}")
         for i, u in enumerate(users)],
        batch_size=1000,
    )  # fmt: skip
    return users


def course_lessons(subject):
    """LESSONS published lessons over CE-1's modules; the first a 30-minute video on a
    knowledge point of the first module."""
    modules = list(subject.modules.order_by("order"))
    points = [KnowledgePoint.objects.filter(modules=m).order_by("pk") for m in modules]
    video = None
    made = []
    for n in range(LESSONS):
        module_points = points[n % len(modules)]
        point = module_points[(n // len(modules)) % module_points.count()]
        kind = ("video", "reading", "document", "video")[n % 4]
        lesson = Lesson.objects.create(
            title=f"第{n + 1}课", kind=kind, class_hours=Decimal("1.0"), order=n, published=True,
            duration_seconds=1800 if kind == "video" else None,
            body="<p>正文</p>" if kind == "reading" else "",
        )  # fmt: skip
        lesson.knowledge_points.set([point])
        made.append(lesson)
        video = video or lesson
    return video, made


def session_of(user):
    client = Client()
    client.force_login(user)  # a session row in the session engine, as a login makes
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def set_up():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as in production
    load_catalogue()
    generate_sittings(2026)
    sitting = Sitting.objects.get(date="2026-12-19")
    subject = Subject.objects.get(code="CE-1")
    institution = testing.institution()
    other = testing.institution("bench-other", "基准测试以外机构")
    began = time.perf_counter()
    users = candidates(COUNT, 0, sitting, subject, institution)
    # Outside the measured institution: the query sample, the course page, the warm-up.
    extra = candidates(SAMPLED + 2, COUNT, sitting, subject, other)
    sampled, reader, warm = extra[:SAMPLED], extra[SAMPLED], extra[SAMPLED + 1]
    video, lessons = course_lessons(subject)
    Progress.objects.bulk_create(
        [Progress(person=reader.person, lesson=lesson, fraction=0.5 if n % 3 else 1.0,
                  covered=[[0, 900]] if lesson.kind == "video" else [],
                  covered_seconds=900 if lesson.kind == "video" else 0,
                  active_seconds=0 if lesson.kind == "video" else 1350, position=900)
         for n, lesson in enumerate(lessons)]
    )  # fmt: skip
    sessions = [session_of(u) for u in users]
    print(f"set-up: {COUNT} candidates (+{len(extra)}), {len(lessons)} lessons, sessions, "
          f"{time.perf_counter() - began:.1f} s; database: {connection.vendor}")  # fmt: skip
    return {
        "video": video, "sessions": sessions, "sampled": [session_of(u) for u in sampled],
        "reader": session_of(reader), "warm": session_of(warm), "institution": institution,
    }  # fmt: skip


# --- requests ----------------------------------------------------------------------------


class Browser:
    """One test client for everyone: each request carries the given person's session."""

    def __init__(self):
        self.client = Client()

    def as_(self, session):
        self.client.cookies[settings.SESSION_COOKIE_NAME] = session
        return self.client


def report_body(k):
    t = k * STEP
    return json.dumps(
        {"elapsed": STEP, "segments": [[t, t + STEP]], "rate": 1, "position": t + STEP,
         "visible": True}
    )  # fmt: skip


def post_report(browser, session, url, k):
    response = browser.as_(session).post(url, report_body(k), content_type="application/json")
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return response.json()


# --- 1. study reports --------------------------------------------------------------------


def study_reports(browser, s):
    url = reverse("learning:report", args=[s["video"].pk])
    for k in range(3):  # warm-up: URL resolution, first queries, caches
        post_report(browser, s["warm"], url, k)

    latencies = []
    covered = [0.0] * len(s["sessions"])
    credited_rounds = []
    began, cpu_began = time.perf_counter(), time.process_time()
    for k in range(REPORTS):
        if k >= 2 and time.perf_counter() - began > ROUNDS_SECONDS:
            break
        round_began = time.perf_counter()
        credited = 0.0
        for i, session in enumerate(s["sessions"]):
            t0 = time.perf_counter()
            reply = post_report(browser, session, url, k)
            latencies.append(time.perf_counter() - t0)
            credited += reply["covered_seconds"] - covered[i]
            covered[i] = reply["covered_seconds"]
        credited_rounds.append((time.perf_counter() - round_began, credited))
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu_began

    total = len(latencies)
    rate = total / wall
    rounds = len(credited_rounds)
    cut = f" of {REPORTS}: time limit" if rounds < REPORTS else ""
    print(f"study reports: {total} ({len(s['sessions'])} candidates × {rounds}{cut}, interleaved) "
          f"in {wall:.1f} s = {rate:.0f} reports/s on one thread; this process's CPU "
          f"{cpu:.1f} s = {ms(cpu / total):.1f} ms a report ({total / cpu:.0f} reports per CPU "
          f"second{', SQLite included' if connection.vendor == 'sqlite' else ''})")  # fmt: skip
    print(f"  latency ms: p50 {ms(percentile(latencies, 50)):.2f}, "
          f"p95 {ms(percentile(latencies, 95)):.2f}, p99 {ms(percentile(latencies, 99)):.2f}, "
          f"max {ms(max(latencies)):.1f}, mean {ms(statistics.fmean(latencies)):.2f}")  # fmt: skip
    first = latencies[: len(s["sessions"])]
    later = latencies[len(s["sessions"]) :]
    print(f"  first report of each candidate (creates clock and progress) p50 "
          f"{ms(percentile(first, 50)):.2f} ms, p95 {ms(percentile(first, 95)):.2f} ms; later "
          f"reports p50 {ms(percentile(later, 50)):.2f} ms, p95 {ms(percentile(later, 95)):.2f} "
          f"ms ({len(later) / sum(later):.0f} reports/s)")  # fmt: skip
    asked = total * STEP
    got = sum(c for _, c in credited_rounds)
    print(f"  video seconds credited: {got:.0f} of the {asked} reported "
          f"({got / asked:.0%}); per round:")  # fmt: skip
    for k, (seconds, credited) in enumerate(credited_rounds, 1):
        print(f"    round {k}: {seconds:.1f} s of real time, {credited:.0f} s credited "
              f"({credited / len(s['sessions']):.2f} s per candidate)")  # fmt: skip
    short = [k for k, (seconds, _) in enumerate(credited_rounds[1:], 2) if seconds < STEP]
    print(
        f"  (why: a report is credited at most the real time since the candidate's last "
        f"credited moment (StudyClock), and at most its own elapsed {STEP} s. A first report "
        f"has no clock yet: its full {STEP} s. A later one comes one round after the "
        f"candidate's previous report, so it gets min({STEP} s, the round's duration)"
        + (
            f": rounds {short} took under {STEP} s, faster than anyone plays a video, so "
            f"their reports were cut to the real time that passed)"
            if short
            else f": every round took at least {STEP} s, so every report was credited in full)"
        )
    )
    clocks = StudyClock.objects.filter(claimed_until__isnull=False).count()
    print(f"  study clocks set: {clocks}")

    # Queries, on other candidates outside the timed rounds: a first report, then later ones.
    counts = {"first": [], "later": []}
    captured = None
    for k in range(3):
        for session in s["sampled"]:
            with CaptureQueriesContext(connection) as queries:
                post_report(browser, session, url, k)
            counts["first" if k == 0 else "later"].append(len(queries))
            captured = queries
    print(f"  queries per report: first {statistics.fmean(counts['first']):.1f}, "
          f"later {statistics.fmean(counts['later']):.1f} "
          f"(min {min(counts['later'])}, max {max(counts['later'])})")  # fmt: skip
    print("  the queries of one later report:")
    for query in captured.captured_queries:
        print(f"    {query['sql'][:150]}")

    wanted = EXAM_DAY_LEARNERS / REPORT_INTERVAL
    processes = math.ceil(wanted / rate)
    lock = ""
    if connection.vendor == "sqlite":
        lock = ": on SQLite every report holds the one write lock"
    print(f"  {EXAM_DAY_LEARNERS} learners reporting every {REPORT_INTERVAL} s = {wanted:.0f} "
          f"reports/s: {processes} single-threaded process(es) at {rate:.0f} reports/s each "
          f"({math.ceil(wanted / (total / cpu))} by CPU time alone; no headroom, no lock "
          f"contention counted{lock})")  # fmt: skip
    return {
        "p95": ms(percentile(latencies, 95)), "rate": rate, "processes": processes,
        "queries": statistics.fmean(counts["later"]),
    }  # fmt: skip


# --- 2. the course page ------------------------------------------------------------------


def course_page(browser, s):
    url = reverse("learning:course", args=["CE-1"])
    client = browser.as_(s["reader"])
    for _ in range(3):  # warm-up: templates
        assert client.get(url).status_code == 200
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    shown = response.content.decode().count('class="lesson-state"')
    print(f"course page: {len(response.content) // 1024} KiB, {shown} lessons listed; ms p50 "
          f"{ms(percentile(times, 50)):.1f}, p95 {ms(percentile(times, 95)):.1f}, max "
          f"{ms(max(times)):.1f}; {len(queries)} queries:")  # fmt: skip
    for query in queries.captured_queries:
        print(f"    {query['sql'][:150]}")
    return ms(percentile(times, 95))


# --- 3. the institution's table ----------------------------------------------------------


def institution_available():
    try:
        from carboncert.learning import institution
    except ImportError:
        return "carboncert/learning/institution.py does not exist"
    if not hasattr(institution, "progress_table"):
        return "carboncert.learning.institution has no progress_table()"
    try:
        reverse("learning:institution")
        reverse("learning:institution_export")
    except NoReverseMatch:
        return "the URLs learning:institution / learning:institution_export do not resolve"
    return ""


def institution_pages(browser, s):
    why_not = institution_available()
    if why_not:
        print(f"institution pages: skipped: {why_not}")
        return {}
    staff = testing.staff("bench-org", roles.INSTITUTION, institution=s["institution"])
    client = Client()
    client.force_login(staff)
    figures = {}
    for name, url in (("institution_page", reverse("learning:institution")),
                      ("institution_export", reverse("learning:institution_export"))):  # fmt: skip
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (name, response.status_code)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows = ""
        if "rows" in (response.context or {}):
            rows = f", {len(response.context['rows'])} rows"
        print(f"{name.replace('_', ' ')}: {len(response.content) // 1024} KiB{rows}; ms median "
              f"{ms(statistics.median(times)):.0f}, max {ms(max(times)):.0f}; "
              f"{len(queries)} queries")  # fmt: skip
        figures[name] = (ms(statistics.median(times)), ms(max(times)), len(queries))
    return figures


def main() -> None:
    with time_machine.travel(START, tick=True):
        s = set_up()
        browser = Browser()
        reports = study_reports(browser, s)
        course_p95 = course_page(browser, s)
        institution = institution_pages(browser, s)
    print(f"RESULT study_report_p95 {reports['p95']:.2f} ms")
    print(f"RESULT study_reports_per_second {reports['rate']:.0f} reports/s")
    print(f"RESULT study_report_queries {reports['queries']:.1f} queries")
    print(f"RESULT processes_for_5000_learners {reports['processes']} processes")
    print(f"RESULT course_page_p95 {course_p95:.1f} ms")
    for name, (median, slowest, queries) in institution.items():
        print(f"RESULT {name}_median {median:.0f} ms")
        print(f"RESULT {name}_max {slowest:.0f} ms")
        print(f"RESULT {name}_queries {queries} queries")


if __name__ == "__main__":
    main()
