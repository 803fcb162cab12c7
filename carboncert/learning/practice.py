"""Practice per knowledge point, the mistakes notebook (错题本) and mastery per module.

Practice draws on the bank's practice pool (questions flagged `practice`, active): they
are published to candidates, so exam papers never use them. Objective questions are
scored at once with the same rules as the exam; a wrong answer goes into the notebook,
and leaves it after two right answers in a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from carboncert.bank.items import OPTION_KEYS, QuestionType, midpoint_values, render_stem
from carboncert.bank.models import Question
from carboncert.catalog.models import ModulePoint, Subject
from carboncert.grading import marking, scoring

from .models import Mistake, PracticeAnswer
from .services import Refused

CLEARS_AFTER = 2  # right answers in a row that take a question out of the notebook
SET_SIZE = 20


def pool(subject: Subject):
    """The subject's practice questions: active, flagged, on a point of its syllabus."""
    return (
        Question.objects.filter(
            status=Question.Status.ACTIVE,
            practice=True,
            knowledge_point__modules__subject=subject,
        )
        .distinct()
        .select_related("current", "knowledge_point")
    )


@dataclass
class Shown:
    """A practice question as the page shows it: authored option order, middle values."""

    question: Question
    stem: str
    type: str
    type_label: str
    options: list[tuple[str, str]]  # (letter, text)
    unit: str
    in_notebook: bool = False
    right_streak: int = 0


def shown(question: Question, mistakes: dict[int, Mistake] | None = None) -> Shown:
    item = question.current.item
    options = [(OPTION_KEYS[i], o.text) for i, o in enumerate(item.options)]
    if item.type is QuestionType.TRUE_FALSE and not options:
        options = [("A", "正确"), ("B", "错误")]
    mistake = (mistakes or {}).get(question.pk)
    return Shown(
        question, render_stem(item, midpoint_values(item)), item.type.value,
        str(item.type.label), options, item.unit,
        in_notebook=bool(mistake and mistake.cleared_at is None),
        right_streak=mistake.right_streak if mistake else 0,
    )  # fmt: skip


def open_mistakes(person, subject: Subject | None = None) -> dict[int, Mistake]:
    rows = Mistake.objects.filter(person=person, cleared_at__isnull=True)
    if subject is not None:
        rows = rows.filter(question__knowledge_point__modules__subject=subject).distinct()
    return {m.question_id: m for m in rows}


def point_set(person, subject: Subject, point_id: int) -> list[Shown]:
    """A point's practice set: questions in the notebook first, then the unanswered, then
    the rest."""
    questions = list(pool(subject).filter(knowledge_point_id=point_id))
    mistakes = open_mistakes(person, subject)
    answered = set(
        PracticeAnswer.objects.filter(person=person, question__in=questions).values_list(
            "question_id", flat=True
        )
    )
    questions.sort(key=lambda q: (q.pk not in mistakes, q.pk in answered, q.pk))
    return [shown(q, mistakes) for q in questions[:SET_SIZE]]


def notebook(person, subject: Subject) -> list[Shown]:
    mistakes = open_mistakes(person, subject)
    questions = pool(subject).filter(pk__in=mistakes)
    return [shown(q, mistakes) for q in sorted(questions, key=lambda q: -mistakes[q.pk].pk)]


@dataclass
class Feedback:
    shown: Shown
    answer: str
    outcome: str  # right | wrong | blank | wrong_unit | unreadable | reference (short answer)
    correct_answer: str
    explanation: str
    reference_answer: str = ""
    keywords_found: list[str] = field(default_factory=list)
    keywords_missing: list[str] = field(default_factory=list)
    in_notebook: bool = False
    right_streak: int = 0
    cleared: bool = False  # this answer took the question out of the notebook

    @property
    def right(self) -> bool:
        return self.outcome == "right"


def _correct_answer(item, values) -> str:
    if item.type.is_choice:
        letters = "".join(OPTION_KEYS[i] for i, o in enumerate(item.options) if o.correct)
        if item.type is QuestionType.TRUE_FALSE and not item.options:
            return "A"
        return letters
    if item.type is QuestionType.NUMERIC:
        key = scoring.key_for(_entry(item, values), item)
        return f"{key.expected:g} {item.unit}".strip() if key.expected is not None else ""
    return ""


def _entry(item, values) -> dict:
    return {
        "points": 1,
        "option_order": list(range(len(item.options))),
        "parameters": {k: str(v) for k, v in values.items()},
    }


@transaction.atomic
def answer(person, subject: Subject, question_id: int, given: str) -> Feedback:
    """Score one practice answer, keep it, and move the question in or out of the notebook."""
    question = pool(subject).filter(pk=question_id).first()
    if question is None:
        raise Refused("no_question", "该练习题不存在或已停用。")
    item = question.current.item
    values = midpoint_values(item)
    given = (given or "").strip()[:2000]
    if item.type.is_choice:
        given = "".join(sorted(set(given.upper()) & set(OPTION_KEYS)))
    show = shown(question)
    correct = _correct_answer(item, values)
    if item.type is QuestionType.SHORT:
        # The graders' keyword hint, so practice and the mock papers judge alike.
        found = list(marking.suggest(given, [], list(item.keywords), Decimal(1)).found)
        return Feedback(
            show, given, "reference", "", item.explanation, item.reference_answer,
            found, [k for k in item.keywords if k not in found],
        )  # fmt: skip
    if not given:
        raise Refused("blank", "请先作答再提交。")
    scored = scoring.score(scoring.key_for(_entry(item, values), item), given)
    right = scored.outcome == "right"
    PracticeAnswer.objects.create(
        person=person, question=question, version=question.current, answer=given, correct=right
    )
    mistake = Mistake.objects.select_for_update().filter(person=person, question=question).first()
    cleared = False
    if not right:
        if mistake is None:
            mistake = Mistake.objects.create(person=person, question=question, last_answer=given)
        else:
            if mistake.cleared_at is None:
                mistake.wrong_count += 1
            else:  # wrong again after it had left: back in, counting from the start
                mistake.wrong_count = 1
            mistake.right_streak = 0
            mistake.cleared_at = None
            mistake.last_answer = given
            mistake.save()
    elif mistake is not None and mistake.cleared_at is None:
        mistake.right_streak += 1
        if mistake.right_streak >= CLEARS_AFTER:
            mistake.cleared_at = timezone.now()
            cleared = True
        mistake.save()
    in_notebook = bool(mistake and mistake.cleared_at is None)
    return Feedback(
        show, given, scored.outcome, correct, item.explanation,
        in_notebook=in_notebook, right_streak=mistake.right_streak if mistake else 0,
        cleared=cleared,
    )  # fmt: skip


# --- mastery ----------------------------------------------------------------------------


@dataclass
class PointMastery:
    point_id: int
    name: str
    questions: int
    answered: int
    right: int  # questions whose latest answer was right

    @property
    def fraction(self) -> float:
        return self.right / self.questions if self.questions else 0.0


@dataclass
class ModuleMastery:
    order: int
    name: str
    weight: int
    points: list[PointMastery]
    mistakes: int = 0

    @property
    def questions(self) -> int:
        return sum(p.questions for p in self.points)

    @property
    def answered(self) -> int:
        return sum(p.answered for p in self.points)

    @property
    def right(self) -> int:
        return sum(p.right for p in self.points)

    @property
    def fraction(self) -> float:
        return self.right / self.questions if self.questions else 0.0


def mastery(person, subject: Subject) -> list[ModuleMastery]:
    """Per module: of its practice questions, how many the person last answered right."""
    by_point: dict[int, list[int]] = {}
    for pk, point_id in pool(subject).values_list("pk", "knowledge_point_id"):
        by_point.setdefault(point_id, []).append(pk)
    latest: dict[int, bool] = {}
    answers = PracticeAnswer.objects.filter(person=person, question__in=[
        pk for pks in by_point.values() for pk in pks
    ]).order_by("answered_at", "pk").values_list("question_id", "correct")  # fmt: skip
    for question_id, correct in answers:
        latest[question_id] = correct
    mistakes = open_mistakes(person, subject)
    modules: dict[int, ModuleMastery] = {}
    links = ModulePoint.objects.filter(module__subject=subject).select_related("module", "point")
    for link in links.order_by("module__order", "order"):
        module = modules.setdefault(
            link.module_id,
            ModuleMastery(link.module.order, link.module.name, link.module.weight, []),
        )
        pks = by_point.get(link.point_id, [])
        module.points.append(
            PointMastery(
                link.point_id,
                link.point.name,
                len(pks),
                sum(1 for pk in pks if pk in latest),
                sum(1 for pk in pks if latest.get(pk)),
            )
        )
        module.mistakes += sum(1 for pk in pks if pk in mistakes)
    return sorted(modules.values(), key=lambda m: m.order)
