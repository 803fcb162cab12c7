"""How fast the statistics page of a sitting renders: charts, item analysis, agreement.

500 handed-in attempts (default) of a 100-point paper of every type, every short
answer double-marked, in a throwaway SQLite database (or DATABASE_URL if set):
    .venv/bin/python bench/statistics_page.py [attempts]
Set-up is not timed. The page is fetched through Django's test client as a chief
grader, five times; the figures are the median and the slowest.
"""

import os
import random
import statistics
import sys
import tempfile
import time

ATTEMPTS = int(sys.argv[1]) if len(sys.argv) > 1 else 500

os.environ.setdefault("CARBONCERT_VAR", tempfile.mkdtemp(prefix="carboncert-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carboncert.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from carboncert import testing  # noqa: E402
from carboncert.accounts import roles  # noqa: E402
from carboncert.catalog.models import Subject  # noqa: E402
from carboncert.catalog.services import load_catalogue  # noqa: E402
from carboncert.grading import services, simulate  # noqa: E402
from carboncert.grading.models import Mark, Marking, Result  # noqa: E402
from carboncert.sittings.models import Sitting  # noqa: E402
from carboncert.sittings.services import generate_sittings  # noqa: E402


def mark_all(sitting, graders, rng) -> None:
    """Two graders per answer, straight through the services (the marking is not timed)."""
    services.ensure_assignments(sitting)
    for marking in Marking.objects.filter(attempt__sitting=sitting).select_related("version"):
        task = services._task(marking, Mark.Round.FIRST)
        pair = rng.sample(graders, 2)
        for grader in pair:
            points = max(0, min(10, task.suggestion.points + rng.choice([0, 0, 0, 1, -1])))
            services.Assignment.objects.get_or_create(
                sitting=sitting, question_id=marking.question_id, grader=grader
            )
            services.enter_mark(grader, marking.pk, points)


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as in production
    load_catalogue()
    generate_sittings(2026)
    subject = Subject.objects.get(code="CE-1")
    sitting = Sitting.objects.get(date="2026-12-19")
    started = time.perf_counter()
    simulate.stock(subject, bad=True)
    attempts = simulate.sitting_of_attempts(subject, sitting, ATTEMPTS)
    services.score_attempts([a.pk for a in attempts])
    graders = [testing.staff(f"bench-grader{n}", roles.GRADER) for n in range(3)]
    mark_all(sitting, graders, random.Random(1))
    print(f"set-up: {ATTEMPTS} attempts, {Result.objects.count()} results, "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    client = Client()
    client.force_login(testing.staff("bench-chief", roles.CHIEF_GRADER))
    url = reverse("grading:statistics", args=[sitting.pk])
    times = []
    for _ in range(5):
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200 and b"<svg" in response.content
    flagged = response.content.decode().count('class="row-overdue flagged"')
    print(f"statistics page: {len(response.content) // 1024} KiB, {flagged} questions flagged; "
          f"times {', '.join(f'{t * 1000:.0f}' for t in times)} ms")  # fmt: skip
    print(f"database: {django.db.connection.vendor}")
    print(f"RESULT statistics_page_median_ms {statistics.median(times) * 1000:.0f} ms")
    print(f"RESULT statistics_page_max_ms {max(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
