"""How long the automatic scoring of a whole sitting takes after 11:00.

10,000 handed-in attempts (default), each with its own paper of 50 objective
questions (25 single, 20 multiple, 5 numeric: 100 points) and every question
answered, in a throwaway SQLite database (or DATABASE_URL if set):
    .venv/bin/python bench/scoring.py [attempts]
Setting up takes a while and is not timed; the scoring is what grading.services
does in the periodic sweep. Ends with RESULT lines: seconds and attempts per second.
"""

import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal

ATTEMPTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000

os.environ.setdefault("CARBONCERT_VAR", tempfile.mkdtemp(prefix="carboncert-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carboncert.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from carboncert import testing  # noqa: E402
from carboncert.accounts import roles  # noqa: E402
from carboncert.accounts.models import Person  # noqa: E402
from carboncert.bank import papers  # noqa: E402
from carboncert.bank import services as bank  # noqa: E402
from carboncert.bank.items import Item, Option, Parameter, QuestionType  # noqa: E402
from carboncert.bank.models import Blueprint, Paper, Question  # noqa: E402
from carboncert.catalog.models import KnowledgePoint, Subject  # noqa: E402
from carboncert.catalog.services import load_catalogue  # noqa: E402
from carboncert.exams.models import Answer, Attempt  # noqa: E402
from carboncert.grading import services  # noqa: E402
from carboncert.grading.models import AttemptScore  # noqa: E402
from carboncert.registration.models import Application  # noqa: E402
from carboncert.sittings.models import Sitting  # noqa: E402
from carboncert.sittings.services import generate_sittings  # noqa: E402

SECTIONS = [
    {"type": "single", "count": 25, "points": 1},
    {"type": "multiple", "count": 20, "points": 3},
    {"type": "numeric", "count": 5, "points": 3},
]


def stock(subject) -> None:
    author = testing.staff("bench-author", roles.QUESTION_EDITOR)
    checker = testing.staff("bench-checker", roles.QUESTION_EDITOR)
    Blueprint.objects.create(subject=subject, sections=SECTIONS)
    for module in subject.modules.order_by("order"):
        point = KnowledgePoint.objects.filter(modules=module).first()
        items = [
            Item(QuestionType.SINGLE, f"{module.name} 单选 {n}",
                 (Option("甲", True), Option("乙"), Option("丙"), Option("丁")))
            for n in range(30)
        ] + [
            Item(QuestionType.MULTIPLE, f"{module.name} 多选 {n}",
                 (Option("甲", True), Option("乙"), Option("丙", True), Option("丁")))
            for n in range(24)
        ] + [
            Item(QuestionType.NUMERIC, f"{module.name} 计算 {n}：{{v}} 万立方米天然气",
                 parameters=(Parameter("v", Decimal(10), Decimal(90), Decimal(10)),),
                 formula="v * 21.6", unit="tCO₂")
            for n in range(8)
        ]  # fmt: skip
        for item in items:
            question = bank.create_question(point, item, by=author)
            bank.move(question, Question.Status.REVIEW, by=author)
            bank.move(question, Question.Status.ACTIVE, by=checker)
    problems = papers.readiness(subject)
    assert not problems, problems


def answer_for(item: dict, rng: random.Random) -> str:
    """About three in four right, the rest a wrong or blank answer."""
    if rng.random() < 0.1:
        return ""
    if item["type"] == "numeric":
        right = float(item["parameters"]["v"]) * 21.6
        return f"{right if rng.random() < 0.75 else right * 1.2:g}"
    letters = "ABCD"
    correct = "".join(letters[i] for i, a in enumerate(item["option_order"]) if a in (0, 2))
    if item["type"] == "single":
        correct = letters[item["option_order"].index(0)]
    return correct if rng.random() < 0.75 else rng.choice(letters)


@transaction.atomic
def sitting_of_attempts(subject, sitting) -> None:
    rng = random.Random(11)
    institution = testing.institution()
    assembler, blueprint = papers.assembler(subject), papers.blueprint_of(subject)
    built = [
        papers.paper_row(subject, assembler.paper(seed), blueprint=blueprint)
        for seed in range(ATTEMPTS)
    ]
    paper_rows = Paper.objects.bulk_create(built, batch_size=500)
    people = []
    for n in range(ATTEMPTS):
        birth = date(1980, 1, 1) + timedelta(days=n // 1000)  # 1,000 people per birthday
        number = testing.id_number(birth=f"{birth:%Y%m%d}", sequence=n % 1000)
        person = Person(id_number=number, name=f"考生{n}")
        person.save()
        people.append(person)
    applications = Application.objects.bulk_create(
        [
            Application(person=p, institution=institution, sitting=sitting, subject=subject,
                        status=Application.Status.APPROVED, phone="13800000000",
                        education="本科", ticket_number=f"T{n:07d}")
            for n, p in enumerate(people)
        ],
        batch_size=500,
    )  # fmt: skip
    end = sitting.ends_at
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(application=a, sitting=sitting, paper=p, status=Attempt.Status.HANDED_IN,
                    started_at=end - timedelta(hours=2), handed_in_at=end,
                    hand_in_reason=Attempt.HandIn.TIME)
            for a, p in zip(applications, paper_rows, strict=True)
        ],
        batch_size=500,
    )  # fmt: skip
    answers = []
    for attempt, paper in zip(attempts, paper_rows, strict=True):
        for n, item in enumerate(paper.items, start=1):
            answers.append(
                Answer(attempt=attempt, n=n, value=answer_for(item, rng), seq=n, saved_at=end)
            )
        if len(answers) >= 20_000:
            Answer.objects.bulk_create(answers)
            answers = []
    Answer.objects.bulk_create(answers)


def main() -> None:
    call_command("migrate", verbosity=0)
    load_catalogue()
    generate_sittings(2026)
    subject = Subject.objects.get(code="CE-1")
    sitting = Sitting.objects.get(date="2026-12-19")
    started = time.perf_counter()
    stock(subject)
    sitting_of_attempts(subject, sitting)
    print(f"set-up: {ATTEMPTS} attempts, {Answer.objects.count()} answers, "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    started = time.perf_counter()
    scored = services.score_unscored()
    seconds = time.perf_counter() - started
    assert scored == ATTEMPTS == AttemptScore.objects.count()
    totals = sorted(AttemptScore.objects.values_list("objective_points", flat=True))
    print(f"scored {scored} attempts in {seconds:.2f} s; objective points min {totals[0]}, "
          f"median {totals[len(totals) // 2]}, max {totals[-1]} of 100")  # fmt: skip
    print(f"database: {django.db.connection.vendor}; started at {timezone.now():%H:%M:%S}")
    print(f"RESULT scoring_seconds {seconds:.2f} s")
    print(f"RESULT attempts_per_second {scored / seconds:.0f} attempts/s")


if __name__ == "__main__":
    main()
