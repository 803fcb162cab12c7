"""State changes for the question bank: content versions, the editorial workflow, imports."""

from __future__ import annotations

from django.db import transaction

from carboncert.audit.services import record
from carboncert.catalog.models import KnowledgePoint

from .items import Item, stem_key, to_data
from .models import Question, QuestionVersion

Status = Question.Status


class BankError(ValueError):
    """A refused change, with a message for the editor (Chinese)."""


def _check(item: Item) -> None:
    problems = item.problems()
    if problems:
        raise BankError("；".join(problems))


def duplicates_of(item: Item, exclude: Question | None = None):
    qs = Question.objects.filter(stem_key=stem_key(item.stem)[:255]).exclude(status=Status.RETIRED)
    return qs.exclude(pk=exclude.pk) if exclude else qs


@transaction.atomic
def create_question(
    knowledge_point: KnowledgePoint, item: Item, by, *, allow_duplicate=False, practice=False
) -> Question:
    _check(item)
    if not allow_duplicate and duplicates_of(item).exists():
        raise BankError(f"题库中已有相同题干的试题（#{duplicates_of(item).first().pk}）。")
    question = Question.objects.create(
        knowledge_point=knowledge_point,
        type=item.type.value,
        difficulty=item.difficulty,
        stem_key=stem_key(item.stem)[:255],
        author=by if getattr(by, "pk", None) else None,
        practice=practice,
    )
    version = QuestionVersion.objects.create(
        question=question, number=1, content=to_data(item), created_by=question.author
    )
    question.current = version
    question.save(update_fields=["current"])
    record(by, "bank.question.create", question, after={"version": 1, "practice": practice})
    return question


@transaction.atomic
def edit_question(
    question: Question, item: Item, by, knowledge_point: KnowledgePoint | None = None
) -> Question:
    """New content for a question: a used version is never touched, a new one is made instead."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("current")
        .get(pk=question.pk)
    )
    _check(item)
    if item.type.value != question.type:
        raise BankError("不能修改题型；请另建一道新题。")
    if duplicates_of(item, exclude=question).exists():
        raise BankError("题库中已有相同题干的试题。")
    current = question.current
    if current.used:
        current = QuestionVersion.objects.create(
            question=question,
            number=current.number + 1,
            content=to_data(item),
            created_by=by if getattr(by, "pk", None) else None,
        )
        question.current = current
    else:
        current.content = to_data(item)
        current.save(update_fields=["content"])
    if knowledge_point is not None:
        question.knowledge_point = knowledge_point
    question.difficulty = item.difficulty
    question.stem_key = stem_key(item.stem)[:255]
    question.save()
    record(by, "bank.question.edit", question, after={"version": current.number})
    return question


@transaction.atomic
def move(question: Question, to: str, by, reason: str = "") -> Question:
    question = Question.objects.select_for_update().get(pk=question.pk)
    if to not in Question.MOVES[question.status]:
        raise BankError(
            f"试题状态为“{question.get_status_display()}”，不能改为“{Status(to).label}”。"
        )
    if to == Status.ACTIVE and question.author_id and getattr(by, "pk", None) == question.author_id:
        raise BankError("命题人不能审核自己编写的试题，请由其他命题人审核。")
    before = question.status
    question.status = to
    if to == Status.ACTIVE:
        question.reviewer = by if getattr(by, "pk", None) else None
    question.save()
    record(
        by,
        f"bank.question.{to}",
        question,
        before={"status": before},
        after={"status": to},
        reason=reason,
    )
    return question


def mark_used(version_ids) -> None:
    """Freeze the versions a paper uses: from now on editing them makes new versions."""
    QuestionVersion.objects.filter(pk__in=list(version_ids), used=False).update(used=True)


@transaction.atomic
def import_rows(rows, by) -> list[Question]:
    """Create the parsed rows as draft questions, all or none."""
    points = {
        p.name: p for p in KnowledgePoint.objects.filter(name__in={r.knowledge_point for r in rows})
    }
    return [create_question(points[row.knowledge_point], row.item, by) for row in rows]


def bank_stems() -> set[str]:
    return set(Question.objects.exclude(status=Status.RETIRED).values_list("stem_key", flat=True))


@transaction.atomic
def set_pool(question: Question, practice: bool, by) -> Question:
    """Move a question between the exam pool and the practice pool. A practice question
    that candidates have seen on a paper never goes back into the exam pool."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.practice == practice:
        return question
    if not practice and question.versions.filter(used=True).exists():
        raise BankError("这道练习题已出现在模拟卷中，考生已见过，不能再用于正式考试。")
    question.practice = practice
    question.save(update_fields=["practice", "updated_at"])
    record(by, "bank.question.pool", question, before={"practice": not practice},
           after={"practice": practice})  # fmt: skip
    return question
