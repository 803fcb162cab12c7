"""Papers from the bank: a subject's blueprint, its active questions, and assembled papers.

The pure rules are in assembly.py; this is where they meet the database.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction

from carboncert.catalog.models import ModulePoint, Subject

from . import assembly, services
from .items import OPTION_KEYS, Item, QuestionType, from_data, render_stem
from .models import Blueprint, Paper, Question, QuestionVersion


def blueprint_row(subject: Subject) -> Blueprint:
    return Blueprint.objects.get_or_create(subject=subject)[0]


def blueprint_of(subject: Subject) -> assembly.Blueprint:
    row = blueprint_row(subject)
    sections = tuple(
        assembly.Section(QuestionType(s["type"]), int(s["count"]), int(s["points"]))
        for s in row.sections
    )
    weights = list(subject.modules.order_by("order").values_list("weight", flat=True))
    return assembly.blueprint_for(weights, sections, float(row.difficulty_target))


def module_names(subject: Subject) -> list[str]:
    return list(subject.modules.order_by("order").values_list("name", flat=True))


def bank_of(subject: Subject, *, practice: bool = False) -> list[assembly.BankEntry]:
    """The subject's active questions of one pool (exam or practice): each counts for every
    module whose syllabus lists its point."""
    modules = list(subject.modules.order_by("order").values_list("pk", flat=True))
    index = {pk: i for i, pk in enumerate(modules)}
    point_modules: dict[int, set[int]] = {}
    for point_id, module_id in ModulePoint.objects.filter(module__in=modules).values_list(
        "point_id", "module_id"
    ):
        point_modules.setdefault(point_id, set()).add(index[module_id])
    questions = Question.objects.filter(
        status=Question.Status.ACTIVE, practice=practice, knowledge_point_id__in=point_modules
    ).select_related("current")
    entries = []
    for question in questions:
        item = question.current.item
        entries.append(
            assembly.BankEntry(
                version_id=question.current_id,
                modules=frozenset(point_modules[question.knowledge_point_id]),
                type=item.type,
                difficulty=item.difficulty,
                option_count=len(item.options),
                parameters=item.parameters,
            )
        )
    return entries


def assembler(subject: Subject, *, practice: bool = False) -> assembly.Assembler:
    return assembly.Assembler(blueprint_of(subject), bank_of(subject, practice=practice))


def readiness(subject: Subject, *, practice: bool = False) -> list[str]:
    """Why this subject cannot have papers yet (Chinese), or nothing."""
    try:
        blueprint = blueprint_of(subject)
    except ValueError as error:
        return [str(error)]
    problems = blueprint.problems()
    if problems:
        return problems
    bank = bank_of(subject, practice=practice)
    return assembly.Assembler(blueprint, bank).shortfalls(module_names(subject))


def paper_row(
    subject: Subject, built: assembly.Paper, purpose=None, label="", blueprint=None
) -> Paper:
    """The row that stores an assembled paper, not saved yet (a sitting's papers go in bulk)."""
    blueprint = blueprint or blueprint_of(subject)
    return Paper(
        subject=subject,
        purpose=purpose or Paper.Purpose.EXAM,
        label=label,
        seed=built.seed,
        blueprint={
            "module_points": list(blueprint.module_points),
            "sections": [
                {"type": s.type.value, "count": s.count, "points": s.points}
                for s in blueprint.sections
            ],
            "difficulty_target": blueprint.difficulty_target,
        },
        items=[
            {
                **{k: v for k, v in asdict(item).items() if k not in ("type", "parameters")},
                "type": item.type.value,
                "option_order": list(item.option_order),
                "parameters": {name: str(value) for name, value in item.parameters},
            }
            for item in built.items
        ],
    )


def _stored(subject: Subject, built: assembly.Paper, purpose, label) -> Paper:
    paper = paper_row(subject, built, purpose, label)
    paper.save()
    services.mark_used(item.version_id for item in built.items)
    return paper


@transaction.atomic
def build_paper(
    subject: Subject, *, seed: int | None = None, purpose=Paper.Purpose.EXAM, label=""
) -> Paper:
    """An individualised paper, stored; the versions it uses are frozen from now on. A mock
    paper (模拟卷) draws on the practice pool, every other paper on the exam pool."""
    seed = secrets.randbits(48) if seed is None else seed
    practice = purpose == Paper.Purpose.MOCK
    return _stored(subject, assembler(subject, practice=practice).paper(seed), purpose, label)


@transaction.atomic
def build_forms(subject: Subject, count: int, *, seed: int | None = None) -> list[Paper]:
    """Parallel fixed forms A, B, C… for a programme that prefers them to individual papers."""
    if not 1 <= count <= 26:
        raise ValueError("固定试卷的份数应为 1 到 26")
    seed = secrets.randbits(48) if seed is None else seed
    built = assembler(subject).forms(count, seed)
    return [
        _stored(subject, form, Paper.Purpose.FORM, chr(ord("A") + n))
        for n, form in enumerate(built)
    ]


def stored_report(subject: Subject, purpose=Paper.Purpose.EXAM) -> assembly.Report | None:
    """Module points, difficulty and exposure over the papers actually made for the subject."""
    rows = list(Paper.objects.filter(subject=subject, purpose=purpose))
    if not rows:
        return None
    built = [
        assembly.Paper(
            row.seed,
            tuple(
                assembly.PaperItem(
                    i["version_id"],
                    i["module"],
                    QuestionType(i["type"]),
                    i["points"],
                    i["difficulty"],
                    tuple(i["option_order"]),
                    tuple((k, Decimal(v)) for k, v in i["parameters"].items()),
                )
                for i in row.items
            ),
        )
        for row in rows
    ]
    return assembly.exposure_report(built, blueprint_of(subject))


# --- the paper as a candidate sees it ---------------------------------------------------

_versions: dict[int, Item] = {}  # question versions never change: read each once per process


def version_items(version_ids) -> dict[int, Item]:
    """The content of these question versions, from this process's memory where it can."""
    version_ids = list(version_ids)
    missing = [pk for pk in version_ids if pk not in _versions]
    if missing:
        for pk, content in QuestionVersion.objects.filter(pk__in=missing).values_list(
            "pk", "content"
        ):
            if len(_versions) > 20_000:  # a bound, far above any bank in use on one day
                _versions.clear()
            _versions[pk] = from_data(content)
    return {pk: _versions[pk] for pk in version_ids}


def forget_versions() -> None:
    """Drop the remembered versions (tests: their databases reuse primary keys)."""
    _versions.clear()


@dataclass(frozen=True)
class ShownItem:
    n: int
    type: str
    points: int
    stem: str
    options: list[dict]
    unit: str


def shown_items(paper: Paper) -> list[ShownItem]:
    """The paper as its candidate sees it: its parameters, its option order."""
    entries = paper.items
    items = version_items(e["version_id"] for e in entries)
    shown = []
    for n, entry in enumerate(entries, start=1):
        item = items[entry["version_id"]]
        values = {k: Decimal(v) for k, v in entry["parameters"].items()}  # stored as text
        options = [
            {"key": OPTION_KEYS[i], "text": item.options[authored].text}
            for i, authored in enumerate(entry["option_order"])
        ]
        if item.type is QuestionType.TRUE_FALSE and not options:
            options = [{"key": "A", "text": "正确"}, {"key": "B", "text": "错误"}]
        shown.append(
            ShownItem(
                n, item.type.value, entry["points"], render_stem(item, values), options, item.unit
            )
        )
    return shown
