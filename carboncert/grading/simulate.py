"""A whole sitting of simulated candidates, for the grading tests, benches and the demo.

Each candidate has an ability; each question a difficulty; the chance of a right
answer follows the one-parameter logistic model, so strong candidates do better
on every good question and item analysis has something true to find. A planted
bad question (`bad=True` in `stock`) has a wrong key: the candidates who know
the subject pick another option than the key says.
"""

from __future__ import annotations

import math
import random
import zlib
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from carboncert import testing
from carboncert.accounts import roles
from carboncert.accounts.models import Person
from carboncert.bank import papers
from carboncert.bank import services as bank
from carboncert.bank.assembly import OPTION_KEYS
from carboncert.bank.items import Criterion, Item, Option, Parameter, QuestionType, evaluate
from carboncert.bank.models import Blueprint, Paper, Question, QuestionVersion
from carboncert.catalog.models import KnowledgePoint
from carboncert.exams.models import Answer, Attempt
from carboncert.registration.models import Application, Bill, BillLine

from . import services
from .models import Mark

SECTIONS = [
    {"type": "single", "count": 16, "points": 5},
    {"type": "multiple", "count": 1, "points": 5},
    {"type": "numeric", "count": 1, "points": 5},
    {"type": "short", "count": 1, "points": 10},
]
# What the short answer is about; a good answer names these.
RUBRIC = (
    ("化石燃料燃烧排放", Decimal(4)),
    ("外购电力产生的间接排放", Decimal(3)),
    ("工业生产过程排放", Decimal(3)),
)
KEYWORDS = ("化石燃料燃烧", "外购电力", "工业生产过程")
BAD_STEM = "（有误的题）"
KNOWN = 1  # the option the candidates who know pick, in a question whose key is wrong


def stock(subject, *, bad: bool = False) -> None:
    """A bank for a 100-point paper of every type; `bad` plants a question with a wrong key."""
    Blueprint.objects.update_or_create(subject=subject, defaults={"sections": SECTIONS})
    author = testing.staff("sim-author", roles.QUESTION_EDITOR)
    checker = testing.staff("sim-checker", roles.QUESTION_EDITOR)
    for index, module in enumerate(subject.modules.order_by("order")):
        point = KnowledgePoint.objects.filter(modules=module).first()
        items = [
            Item(QuestionType.SINGLE, f"{module.name} 单选 {n}",
                 (Option("甲", True), Option("乙"), Option("丙"), Option("丁")))
            for n in range(module.weight // 5 + 2)
        ]  # fmt: skip
        if bad and index == 0:
            items.append(
                Item(QuestionType.SINGLE, f"{module.name} {BAD_STEM}",
                     (Option("甲", True), Option("乙"), Option("丙"), Option("丁")))
            )  # fmt: skip
        items += [
            Item(QuestionType.MULTIPLE, f"{module.name} 多选",
                 (Option("甲", True), Option("乙"), Option("丙", True), Option("丁"))),
            Item(QuestionType.NUMERIC, f"{module.name} 计算：{{v}} 万立方米天然气的排放量",
                 parameters=(Parameter("v", Decimal(10), Decimal(90), Decimal(10)),),
                 formula="v * 21.6", unit="tCO₂"),
            Item(QuestionType.SHORT, f"{module.name} 简答：企业温室气体排放核算包括哪些排放源？",
                 reference_answer="化石燃料燃烧排放、外购电力产生的间接排放、工业生产过程排放。",
                 rubric=tuple(Criterion(d, p) for d, p in RUBRIC), keywords=KEYWORDS),
        ]  # fmt: skip
        for item in items:
            question = bank.create_question(point, item, by=author)
            bank.move(question, Question.Status.REVIEW, by=author)
            bank.move(question, Question.Status.ACTIVE, by=checker)
    problems = papers.readiness(subject)
    assert not problems, problems


def _chance(ability: float, difficulty: float) -> float:
    return 1 / (1 + math.exp(-1.7 * (ability - difficulty)))


def answer_for(entry: dict, content: dict, ability: float, rng: random.Random) -> str:
    """A simulated candidate's answer to one question of their paper (`content`: its version)."""
    if rng.random() < 0.04:
        return ""
    stem = content.get("stem", "")
    # A question's difficulty from its text: the same in every database.
    knows = rng.random() < _chance(ability, (zlib.crc32(stem.encode()) % 7 - 3) / 3)
    order = entry["option_order"]
    correct = [i for i, o in enumerate(content.get("options", ())) if o.get("correct")]
    kind = entry["type"]
    if kind in ("single", "true_false") and BAD_STEM in stem:
        # The key says 甲, those who know the subject say 乙; 甲 is the popular misconception.
        if rng.random() < _chance(ability, 0):
            return OPTION_KEYS[order.index(KNOWN)]
        return OPTION_KEYS[order.index(0) if rng.random() < 0.6 else rng.randrange(len(order))]
    if kind in ("single", "true_false"):
        if knows:
            return OPTION_KEYS[order.index(correct[0])]
        return OPTION_KEYS[rng.randrange(len(order))]
    if kind == "multiple":
        right = "".join(sorted(OPTION_KEYS[order.index(i)] for i in correct))
        return right if knows else rng.choice(["A", "AB", right[:1], "ABCD"[: len(order)]])
    if kind == "numeric":
        values = {name: float(v) for name, v in entry["parameters"].items()}
        value = evaluate(content["formula"], values)
        return f"{value if knows else value * 1.2:.6g}"
    lines = [c["description"] for c in content.get("rubric", ())] or list(
        content.get("keywords", ())
    )
    named = [line for line in lines if rng.random() < _chance(ability, -0.5)]
    return "；".join(named) or "不清楚，可能是二氧化碳。"


@transaction.atomic
def sitting_of_attempts(
    subject, sitting, count: int, *, seed: int = 11, first: int = 0, institution=None
) -> list:
    """`count` admitted candidates who sat `sitting` and handed in, with their answers."""
    rng = random.Random(seed)
    institution = institution or testing.institution()
    assembler, blueprint = papers.assembler(subject), papers.blueprint_of(subject)
    paper_rows = Paper.objects.bulk_create(
        [papers.paper_row(subject, assembler.paper(seed * 100_000 + n), blueprint=blueprint)
         for n in range(count)],
        batch_size=500,
    )  # fmt: skip
    {pk: c.get("stem", "") for pk, c in QuestionVersion.objects.values_list("pk", "content")}
    contents = dict(QuestionVersion.objects.values_list("pk", "content"))
    people = []
    for n in range(first, first + count):
        birth = date(1980, 1, 1) + timedelta(days=n // 1000)
        person = Person(id_number=testing.id_number(birth=f"{birth:%Y%m%d}", sequence=n % 1000),
                        name=f"考生{n:05d}")  # fmt: skip
        person.save()
        people.append(person)
    applications = Application.objects.bulk_create(
        [Application(person=p, institution=institution, sitting=sitting, subject=subject,
                     status=Application.Status.APPROVED, phone="13800000000", education="本科",
                     ticket_number=f"S{sitting.pk}{first + n:06d}")
         for n, p in enumerate(people)],
        batch_size=500,
    )  # fmt: skip
    bill, _ = Bill.objects.get_or_create(
        institution=institution, sitting=sitting, defaults={"number": f"SIM-{sitting.pk}"}
    )
    now = timezone.now()
    BillLine.objects.bulk_create(
        [
            BillLine(bill=bill, application=a, amount=Decimal(800), paid_at=now)
            for a in applications
        ],
        batch_size=500,
    )
    end = sitting.ends_at
    attempts = Attempt.objects.bulk_create(
        [Attempt(application=a, sitting=sitting, paper=p, status=Attempt.Status.HANDED_IN,
                 started_at=end - timedelta(hours=2), handed_in_at=end,
                 hand_in_reason=Attempt.HandIn.TIME)
         for a, p in zip(applications, paper_rows, strict=True)],
        batch_size=500,
    )  # fmt: skip
    answers = []
    for attempt, paper in zip(attempts, paper_rows, strict=True):
        ability = rng.gauss(0.3, 1)
        for n, entry in enumerate(paper.items, start=1):
            value = answer_for(entry, contents[entry["version_id"]], ability, rng)
            answers.append(Answer(attempt=attempt, n=n, value=value, seq=n, saved_at=end))
    Answer.objects.bulk_create(answers, batch_size=2000)
    return attempts


def simulated_mark(task, rng: random.Random) -> Decimal:
    """A grader who mostly follows the rubric, sometimes a point off, rarely far off."""
    base = task.suggestion.points
    off = rng.choice([Decimal(0)] * 6 + [Decimal(1), Decimal(-1), Decimal("0.5"), Decimal(5)])
    return max(Decimal(0), min(task.marking.max_points, base + off))


def mark_everything(sitting, graders, chief, rng: random.Random) -> tuple[int, int]:
    """Graders take turns asking for their next answer until nobody has one; the chief
    grader then arbitrates. Returns (marks given, answers arbitrated)."""
    given, busy = 0, True
    while busy:
        busy = False
        for grader in graders:
            task = services.next_task(grader, sitting)
            if task is None:
                continue
            busy = True
            services.enter_mark(grader, task.marking.pk, simulated_mark(task, rng),
                                check=task.round == Mark.Round.CHECK,
                                suggested=task.suggestion.points)  # fmt: skip
            given += 1
    arbitrated = 0
    while (task := services.next_arbitration(chief, sitting)) is not None:
        services.arbitrate(chief, task.marking.pk, task.suggestion.points)
        arbitrated += 1
    return given, arbitrated
