"""From hand-in to result: scoring, double marking, results, release, reviews, key corrections.

Scoring runs on hand-in (and in the periodic sweep for anything missed); the
short answers wait in Markings for two graders; a result is computed once an
attempt's last answer has its final points, and is seen outside staff from the
sitting's results date on (`released`), so release needs nobody to press a button.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Case, Count, Q, When
from django.utils import timezone

from carboncert.accounts import roles
from carboncert.accounts.models import User
from carboncert.audit.services import record
from carboncert.bank.items import Item, from_data
from carboncert.bank.models import Paper, QuestionVersion
from carboncert.exams.models import Answer, Attempt
from carboncert.notify import tell
from carboncert.proctoring.services import confirmed_cheating
from carboncert.registration.models import Application
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import working_calendar

from . import marking as marking_rules
from . import scoring
from .models import Assignment, AttemptScore, KeyCorrection, Mark, Marking, Result, ReviewRequest

log = logging.getLogger(__name__)
CHUNK = 500


def rule_of(sitting) -> scoring.MultipleRule:
    if sitting.multiple_partial_credit:
        return scoring.MultipleRule.PARTIAL
    return scoring.MultipleRule.ALL_OR_NOTHING


def on_hand_in(sender, attempt_id: int, **kwargs) -> None:
    # After the hand-in committed: a failure here must not undo or fail it; the sweep retries.
    try:
        score_attempts([attempt_id])
        settle([attempt_id])
    except Exception:
        log.exception("scoring attempt %s failed; the next sweep retries", attempt_id)


def on_hand_in_many(sender, attempt_ids: list[int], **kwargs) -> None:
    try:
        score_attempts(attempt_ids)
        settle(attempt_ids)
    except Exception:
        log.exception("scoring %s attempts failed; the next sweep retries", len(attempt_ids))


def score_unscored() -> int:
    """Score every handed-in attempt that has no score yet (run by `carboncert tick`)."""
    ids = list(
        Attempt.objects.filter(status=Attempt.Status.HANDED_IN, score__isnull=True)
        .exclude(paper=None)
        .values_list("pk", flat=True)
    )
    return score_attempts(ids)


def score_attempts(
    attempt_ids: Iterable[int], *, by=None, reason: str = "", changed: list | None = None
) -> int:
    """(Re-)score these attempts' objective questions; a score that changes is audited
    (and its attempt added to `changed`). Short answers get their Markings."""
    ids = list(attempt_ids)
    done = 0
    known: dict[tuple, scoring.Key] = {}  # keys worked out so far, for every chunk
    changed = [] if changed is None else changed
    for start in range(0, len(ids), CHUNK):
        done += _score_chunk(ids[start : start + CHUNK], by, reason, known, changed)
    return done


@transaction.atomic
def _score_chunk(ids: list[int], by, reason: str, known: dict, changed: list) -> int:
    # Plain values, not model instances: a sitting's 5,000 attempts come through here at 11:00.
    attempts = list(
        Attempt.objects.filter(pk__in=ids, status=Attempt.Status.HANDED_IN)
        .exclude(paper=None)
        .values_list("pk", "paper_id", "sitting_id")
    )
    ids = [pk for pk, _, _ in attempts]
    rules = {
        pk: rule_of(sitting)
        for pk, sitting in Sitting.objects.in_bulk({s for _, _, s in attempts}).items()
    }
    answers: dict[int, dict[int, str]] = defaultdict(dict)
    for attempt_id, n, value in Answer.objects.filter(attempt__in=ids).values_list(
        "attempt_id", "n", "value"
    ):
        answers[attempt_id][n] = value
    papers = dict(
        Paper.objects.filter(pk__in={p for _, p, _ in attempts}).values_list("pk", "items")
    )
    keys = _keys(known, papers)
    existing = {s.attempt_id: s for s in AttemptScore.objects.filter(attempt__in=ids)}
    now = timezone.now()
    rows, unmarked = [], []
    for attempt_id, paper_id, sitting_id in attempts:
        rule = rules[sitting_id]
        scored = scoring.score_paper(keys[paper_id], answers[attempt_id], rule)
        row = AttemptScore(
            attempt_id=attempt_id,
            objective_points=scoring.objective_total(scored),
            objective_max=sum((s.max_points for s in scored if s.points is not None), 0),
            to_mark=sum(s.points is None for s in scored),
            items=[s.as_data() for s in scored],
            multiple_rule=rule.value,
            scored_at=now,
        )
        rows.append(row)
        if row.to_mark and attempt_id not in existing:
            unmarked.append((attempt_id, papers[paper_id], scored))
        before = existing.get(attempt_id)
        if before is not None and before.items != row.items:
            changed.append(attempt_id)
            record(by, "grading.score.rescored", Attempt.objects.get(pk=attempt_id), reason=reason,
                   before={"objective_points": str(before.objective_points), "items": before.items},
                   after={"objective_points": str(row.objective_points), "items": row.items})  # fmt: skip
    AttemptScore.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["attempt"],
        update_fields=["objective_points", "objective_max", "to_mark", "items", "multiple_rule",
                       "scored_at"],
    )  # fmt: skip
    Marking.objects.bulk_create(_markings(unmarked), ignore_conflicts=True)
    return len(rows)


def _markings(unmarked: list[tuple[int, list[dict], list[scoring.Scored]]]) -> list[Marking]:
    """The short answers of a chunk's newly scored attempts, their questions read in one query."""
    question_of = dict(
        QuestionVersion.objects.filter(
            pk__in={e["version_id"] for _, entries, _ in unmarked for e in entries}
        ).values_list("pk", "question_id")
    ) if unmarked else {}  # fmt: skip
    return [
        Marking(attempt_id=attempt_id, n=n, version_id=entry["version_id"],
                question_id=question_of[entry["version_id"]], max_points=s.max_points)
        for attempt_id, entries, scored in unmarked
        for n, (entry, s) in enumerate(zip(entries, scored, strict=True), start=1)
        if s.points is None
    ]  # fmt: skip


def _keys(known: dict, papers: dict[int, list[dict]]) -> dict[int, list[scoring.Key]]:
    """Each paper's key (papers: id → its stored items), reading every question version once.

    Individualised papers share questions in a few option orders and parameter values:
    `known` keeps each key worked out, across calls."""
    version_ids = {e["version_id"] for items in papers.values() for e in items}
    items = {
        pk: from_data(content)
        for pk, content in QuestionVersion.objects.filter(pk__in=version_ids).values_list(
            "pk", "content"
        )
    }
    for correction in latest_corrections(version_ids).values():
        items[correction.version_id] = corrected(items[correction.version_id], correction.correct)

    def key(entry: dict) -> scoring.Key:
        ident = (entry["version_id"], entry["points"], tuple(entry["option_order"]),
                 tuple(entry["parameters"].items()))  # fmt: skip
        found = known.get(ident)
        if found is None:
            found = known[ident] = scoring.key_for(entry, items[entry["version_id"]])
        return found

    return {pk: [key(entry) for entry in entries] for pk, entries in papers.items()}


# --- key corrections --------------------------------------------------------------------------


def latest_corrections(version_ids) -> dict[int, KeyCorrection]:
    found: dict[int, KeyCorrection] = {}
    for correction in KeyCorrection.objects.filter(version__in=version_ids).order_by(
        "corrected_at"
    ):
        found[correction.version_id] = correction
    return found


def corrected(item, correct: list[int]):
    options = tuple(
        dataclasses.replace(option, correct=i in correct) for i, option in enumerate(item.options)
    )
    return dataclasses.replace(item, options=options)


class CorrectionRefused(ValueError):
    pass


def attempts_using(version_id: int) -> list[int]:
    """Handed-in attempts whose paper has this question version."""
    papers = {
        pk
        for pk, items in Paper.objects.filter(
            pk__in=Attempt.objects.filter(status=Attempt.Status.HANDED_IN).values("paper")
        ).values_list("pk", "items")
        if any(e["version_id"] == version_id for e in items)
    }
    return list(
        Attempt.objects.filter(paper__in=papers, status=Attempt.Status.HANDED_IN).values_list(
            "pk", flat=True
        )
    )


def correct_key(version: QuestionVersion, correct: list[int], by, reason: str) -> list[int]:
    """Fix a wrong key of a choice question and re-score every attempt that had it.

    Returns the attempts whose score changed; each change is audited (before, after,
    why), and their results are computed again (audited the same way)."""
    item = from_data(version.content)
    if not item.type.is_choice:
        raise CorrectionRefused("只有选择题和判断题可以更正答案。")
    correct = sorted({int(i) for i in correct})
    if not correct or any(not 0 <= i < len(item.options) for i in correct):
        raise CorrectionRefused("请选择正确的选项。")
    if item.type.value in ("single", "true_false") and len(correct) != 1:
        raise CorrectionRefused("单选题和判断题只能有一个正确选项。")
    if not reason.strip():
        raise CorrectionRefused("请填写更正原因。")
    latest = latest_corrections([version.pk]).get(version.pk)
    in_force = latest.correct if latest else [i for i, o in enumerate(item.options) if o.correct]
    if correct == sorted(in_force):  # also a second click on the same correction
        raise CorrectionRefused("所选答案与现行答案相同，无需更正。")
    with transaction.atomic():
        correction = KeyCorrection.objects.create(
            version=version, correct=correct, reason=reason.strip(), corrected_by=by
        )
        record(by, "grading.key.corrected", version, reason=correction.reason,
               before={"correct": in_force},
               after={"correct": correct})  # fmt: skip
    changed: list[int] = []
    score_attempts(attempts_using(version.pk), by=by, reason=f"答案更正：{reason.strip()}",
                   changed=changed)  # fmt: skip
    settle(changed, by=by, reason=f"答案更正：{reason.strip()}")
    return changed


# --- double marking ---------------------------------------------------------------------------

HOLD = datetime.timedelta(minutes=15)  # how long an answer shown to one grader is kept for them
RECENT = 10  # a drift check never re-shows one of the grader's last RECENT answers
FIRST_TWO = (Mark.Round.FIRST, Mark.Round.SECOND)


class MarkRefused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclasses.dataclass
class Task:
    """One answer as the workbench shows it: nothing about who wrote it."""

    marking: Marking
    round: str
    item: Item
    answer: str
    suggestion: marking_rules.Suggestion
    marks: list[Mark] = dataclasses.field(default_factory=list)  # arbitration only


def ensure_assignments(sitting: Sitting) -> int:
    """Share a sitting's short-answer questions out to the graders, when nobody did.

    Each question goes to at least two graders (double marking needs two) and every
    grader gets work; an administrator may change it in the admin (阅卷分工)."""
    if Assignment.objects.filter(sitting=sitting).exists():
        return 0
    questions = sorted(
        set(Marking.objects.filter(attempt__sitting=sitting).values_list("question_id", flat=True))
    )
    graders = list(
        User.objects.filter(groups__name=roles.GRADER, is_active=True).order_by("pk").distinct()
    )
    if not questions or len(graders) < 2:
        return 0
    per = min(len(graders), max(2, math.ceil(2 * len(graders) / len(questions))))
    rows = [
        Assignment(sitting=sitting, question_id=q, grader=graders[(i * per + j) % len(graders)])
        for i, q in enumerate(questions)
        for j in range(per)
    ]
    Assignment.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _task(marking: Marking, round_: str) -> Task:
    item = from_data(marking.version.content)
    answer = (
        Answer.objects.filter(attempt_id=marking.attempt_id, n=marking.n)
        .values_list("value", flat=True)
        .first()
        or ""
    )
    suggestion = marking_rules.suggest(
        answer,
        [(c.description, c.points) for c in item.rubric],
        list(item.keywords),
        marking.max_points,
    )
    return Task(marking, round_, item, answer, suggestion)


def next_task(grader, sitting: Sitting, now=None) -> Task | None:
    """The next answer for this grader: a due drift check, or an answer of an assigned
    question that still needs a mark this grader has not given. One question at a time,
    answers already marked once first, so pairs complete."""
    now = now or timezone.now()
    check = _due_check(grader, sitting)
    if check is not None:
        return _task(check, Mark.Round.CHECK)
    mine = Assignment.objects.filter(sitting=sitting, grader=grader).values("question")
    open_ = (
        Marking.objects.filter(
            attempt__sitting=sitting, question__in=mine, state=Marking.State.MARKING
        )
        .exclude(marks__grader=grader)
        .filter(Q(held_by=None) | Q(held_until__lt=now) | Q(held_by=grader))
        .annotate(marked=Count("marks", filter=Q(marks__round__in=FIRST_TWO)))
        .filter(marked__lt=2)
        .annotate(mine=Case(When(held_by=grader, then=0), default=1))
        .order_by("mine", "question_id", "-marked", "pk")
        .select_related("version")
    )
    for candidate in open_[:5]:
        # Take it only if nobody took it since the query: one compare-and-set UPDATE.
        taken = (
            Marking.objects.filter(pk=candidate.pk)
            .filter(Q(held_by=None) | Q(held_until__lt=now) | Q(held_by=grader))
            .update(held_by=grader, held_until=now + HOLD)
        )
        if taken:
            return _task(candidate, Mark.Round.FIRST)
    return None


def _due_check(grader, sitting: Sitting) -> Marking | None:
    """Every (100 / remark_percent)-th answer, one the grader marked earlier comes back,
    unmarked, to see if their scale drifted."""
    if not sitting.remark_percent:
        return None
    every = max(1, round(100 / sitting.remark_percent))
    own = Mark.objects.filter(grader=grader, marking__attempt__sitting=sitting)
    given = own.filter(round__in=FIRST_TWO)
    count = given.count()
    checked = set(own.filter(round=Mark.Round.CHECK).values_list("marking_id", flat=True))
    if count < every + RECENT or len(checked) >= count // every:
        return None
    recent = given.order_by("-marked_at", "-pk").values_list("marking_id", flat=True)[:RECENT]
    return (
        Marking.objects.filter(pk__in=given.values("marking"))
        .exclude(pk__in=list(recent))
        .exclude(pk__in=checked)
        .select_related("version")
        .order_by("code")  # random codes: a random earlier answer
        .first()
    )


def enter_mark(grader, marking_id: int, points, *, check: bool = False, criteria=(),
               suggested=None, now=None) -> Marking:  # fmt: skip
    """A grader's mark: the first or second of an answer, or a drift check of their own."""
    now = now or timezone.now()
    points = _points(points)
    with transaction.atomic():
        marking = _locked_marking(marking_id)
        problem = marking_rules.valid_points(points, marking.max_points)
        if problem:
            raise MarkRefused(problem)
        sitting = marking.attempt.sitting
        marks = list(marking.marks.all())
        if check:
            if not any(m.grader_id == grader.pk and m.round in FIRST_TWO for m in marks):
                raise MarkRefused("只能回评自己评过的答案。")
            if any(m.grader_id == grader.pk and m.round == Mark.Round.CHECK for m in marks):
                raise MarkRefused("这份答案已回评。")
            _mark(marking, grader, Mark.Round.CHECK, points, criteria, suggested, now)
            return marking
        if not Assignment.objects.filter(
            sitting=sitting, question_id=marking.question_id, grader=grader
        ).exists():
            raise MarkRefused("这道题没有分配给您。")
        if any(m.grader_id == grader.pk for m in marks):
            raise MarkRefused("您已评过这份答案，分数已保存。")
        if marking.state != Marking.State.MARKING:
            raise MarkRefused("这份答案已完成评分。")
        held = marking.held_by_id not in (None, grader.pk) and marking.held_until > now
        if held:
            raise MarkRefused("这份答案正由其他阅卷员评阅。")
        given = [m for m in marks if m.round in FIRST_TWO]
        round_ = Mark.Round.FIRST if not given else Mark.Round.SECOND
        _mark(marking, grader, round_, points, criteria, suggested, now)
        marking.held_by, marking.held_until = None, None
        if given:
            first = given[0].points
            if marking_rules.needs_arbitration(first, points, sitting.double_mark_threshold):
                marking.state = Marking.State.ARBITRATION
            else:
                _decide(marking, marking_rules.final_points(first, points), now)
        marking.save()
    if marking.state == Marking.State.DONE:
        settle([marking.attempt_id])
    return marking


def next_arbitration(chief, sitting: Sitting) -> Task | None:
    marking = (
        Marking.objects.filter(attempt__sitting=sitting, state=Marking.State.ARBITRATION)
        .exclude(marks__grader=chief)
        .select_related("version")
        .order_by("question_id", "pk")
        .first()
    )
    if marking is None:
        return None
    task = _task(marking, Mark.Round.ARBITER)
    task.marks = list(marking.marks.filter(round__in=FIRST_TWO).order_by("round"))
    return task


def arbitrate(chief, marking_id: int, points, *, criteria=(), now=None) -> Marking:
    now = now or timezone.now()
    points = _points(points)
    if not chief.has_role(roles.CHIEF_GRADER):
        raise MarkRefused("只有阅卷组长可以仲裁。")
    with transaction.atomic():
        marking = _locked_marking(marking_id)
        problem = marking_rules.valid_points(points, marking.max_points)
        if problem:
            raise MarkRefused(problem)
        if marking.state != Marking.State.ARBITRATION:
            raise MarkRefused("这份答案不需要仲裁，或已仲裁。")
        given = {m.round: m for m in marking.marks.filter(round__in=FIRST_TWO)}
        if any(m.grader_id == chief.pk for m in given.values()):
            raise MarkRefused("您评过这份答案，不能仲裁。")
        _mark(marking, chief, Mark.Round.ARBITER, points, criteria, None, now)
        final = marking_rules.final_points(
            given[Mark.Round.FIRST].points, given[Mark.Round.SECOND].points, points,
            marking.attempt.sitting.final_mark_rule,
        )  # fmt: skip
        _decide(marking, final, now)
        marking.save()
    settle([marking.attempt_id])
    return marking


def _points(value) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise MarkRefused("请输入分数，例如 6 或 6.5。") from None
    if not points.is_finite():
        raise MarkRefused("请输入分数，例如 6 或 6.5。")
    return points


def _locked_marking(marking_id) -> Marking:
    try:
        return (
            Marking.objects.select_for_update()
            .select_related("attempt__sitting")
            .get(pk=marking_id)
        )
    except (Marking.DoesNotExist, ValueError, TypeError):
        raise MarkRefused("没有这份答案。") from None


def _mark(marking, grader, round_, points, criteria, suggested, now) -> Mark:
    return Mark.objects.create(
        marking=marking, grader=grader, round=round_, points=points,
        criteria=[str(c) for c in criteria][:20],
        suggested=None if suggested in (None, "") else _points(suggested), marked_at=now,
    )  # fmt: skip


def _decide(marking: Marking, final: Decimal, now) -> None:
    marking.state, marking.final_points, marking.decided_at = Marking.State.DONE, final, now


# --- results ---------------------------------------------------------------------------------


def on_case_decided(sender, attempt_id: int, **kwargs) -> None:
    settle([attempt_id], reason="违纪判定")


def settle(attempt_ids: Iterable[int], *, by=None, reason: str = "") -> int:
    """Compute (again) the result of each of these attempts whose marking is complete.

    A result that changes is audited with before and after."""
    attempts = list(
        Attempt.objects.filter(pk__in=list(attempt_ids), status=Attempt.Status.HANDED_IN,
                               score__isnull=False)
        .exclude(sitting__kind=Sitting.Kind.TEST)
        .exclude(markings__state__in=[Marking.State.MARKING, Marking.State.ARBITRATION])
        .select_related("score", "sitting", "paper", "application__subject")
    )  # fmt: skip
    if not attempts:
        return 0
    ids = [a.pk for a in attempts]
    short: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for attempt_id, n, points in Marking.objects.filter(attempt__in=ids).values_list(
        "attempt_id", "n", "final_points"
    ):
        short[attempt_id][n] = points
    cheating = confirmed_cheating(ids)
    existing = {r.attempt_id: r for r in Result.objects.filter(attempt__in=ids)}
    modules_of: dict[int, list[str]] = {}
    now = timezone.now()
    with transaction.atomic():
        for attempt in attempts:
            subject = attempt.application.subject
            if subject.pk not in modules_of:
                modules_of[subject.pk] = list(
                    subject.modules.order_by("order").values_list("name", flat=True)
                )
            values = _result_values(attempt, short[attempt.pk], modules_of[subject.pk],
                                    attempt.pk in cheating)  # fmt: skip
            _store_result(existing.get(attempt.pk), attempt.application, attempt.sitting,
                          attempt, values, now, by, reason)  # fmt: skip
    return len(attempts)


def _result_values(attempt, short: dict[int, Decimal], module_names, cheating) -> dict:
    entries = attempt.paper.items
    scored = attempt.score.items
    points = [
        Decimal(str(p)) if p is not None else short.get(n, Decimal(0))
        for n, (p, _) in enumerate(scored, start=1)
    ]
    per_module = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for entry, got in zip(entries, points, strict=True):
        per_module[entry["module"]][0] += got
        per_module[entry["module"]][1] += Decimal(entry["points"])
    objective = attempt.score.objective_points
    subjective = sum(short.values(), Decimal(0))
    total = objective + subjective
    maximum = sum((Decimal(e["points"]) for e in entries), Decimal(0))
    return {
        "objective_points": objective,
        "subjective_points": subjective,
        "total": total,
        "max_total": maximum,
        "outcome": outcome_of(total, maximum, attempt.sitting.pass_mark, cheating=cheating),
        "modules": [
            {
                "module": module_names[m] if m < len(module_names) else str(m + 1),
                "points": str(got),
                "max": str(top),
            }
            for m, (got, top) in sorted(per_module.items())
        ],
    }


def outcome_of(total: Decimal, maximum: Decimal, pass_mark: int, *, cheating: bool) -> str:
    """违纪 whatever the score; else pass at pass_mark out of 100 (scaled to the paper's
    total, which is 100 for every real blueprint)."""
    if cheating:
        return Result.Outcome.CHEATING
    if maximum and total * 100 >= pass_mark * maximum:
        return Result.Outcome.PASSED
    return Result.Outcome.FAILED


def _store_result(before, application, sitting, attempt, values, now, by, reason) -> Result:
    fields = ("objective_points", "subjective_points", "total", "max_total", "outcome", "modules")
    if before is None:
        return Result.objects.create(
            application=application, sitting=sitting, attempt=attempt, computed_at=now, **values
        )
    old = {f: getattr(before, f) for f in fields}
    if all(_same(old[f], values[f]) for f in fields):
        return before
    for field, value in values.items():
        setattr(before, field, value)
    before.computed_at = now
    before.save()
    record(by, "grading.result.changed", before, reason=reason,
           before={"total": str(old["total"]), "outcome": old["outcome"]},
           after={"total": str(values["total"]), "outcome": values["outcome"]})  # fmt: skip
    return before


def _same(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


def record_absentees(sitting: Sitting, now=None) -> int:
    """缺考 for every admission of an ended sitting that did not sit it (a handed-in
    attempt with a paper). A make-up grant moves the decision to the make-up sitting."""
    now = now or timezone.now()
    if sitting.kind == Sitting.Kind.TEST or not sitting.ends_at or sitting.ends_at > now:
        return 0
    sat = Attempt.objects.filter(
        sitting=sitting, status=Attempt.Status.HANDED_IN, paper__isnull=False
    ).values("application")
    if sitting.kind == Sitting.Kind.MAKEUP:
        admitted = Application.objects.filter(makeups__sitting=sitting)
    else:
        admitted = (
            Application.objects.filter(
                sitting=sitting,
                status=Application.Status.APPROVED,
                bill_line__paid_at__isnull=False,
            )
            .exclude(ticket_number="")
            .exclude(makeups__isnull=False)
        )
    missing = admitted.exclude(pk__in=sat).exclude(results__sitting=sitting).distinct()
    rows = [
        Result(application=a, sitting=sitting, outcome=Result.Outcome.ABSENT, computed_at=now)
        for a in missing
    ]
    Result.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def settle_all(now=None) -> int:
    """The sweep: results for complete attempts without one, 缺考 for ended sittings."""
    now = now or timezone.now()
    ids = (
        Attempt.objects.filter(status=Attempt.Status.HANDED_IN, score__isnull=False,
                               result__isnull=True)
        .exclude(sitting__kind=Sitting.Kind.TEST)
        .values_list("pk", flat=True)
    )  # fmt: skip
    done = settle(list(ids))
    for sitting in Sitting.objects.filter(ends_at__lte=now, ends_at__gte=now - RECENT_SITTINGS):
        done += record_absentees(sitting, now)
    return done


RECENT_SITTINGS = datetime.timedelta(days=180)


# --- release ---------------------------------------------------------------------------------


def notify_released(today: datetime.date | None = None) -> int:
    """Tell candidates and institutions once their results are visible (the sweep runs it).

    Release itself is the date: the results are visible from it whether or not this ran."""
    today = today or timezone.localdate()
    due = list(
        Result.objects.filter(sitting__results_on__lte=today, notified_at__isnull=True)
        .select_related("application__person", "application__institution",
                        "application__subject", "sitting")
        .order_by("pk")[:2000]
    )  # fmt: skip
    institutions: dict[int, tuple] = {}
    for result in due:
        application = result.application
        text = (
            f"{application.person.name}，您参加的{result.sitting}（{application.subject}）"
            "成绩已公布，请登录双碳岗位能力考核平台查询。"
        )
        tell(email=application.email or application.person.email, phone=application.phone,
             subject="考核成绩已公布", text=text, kind="results_released",
             params={"name": application.person.name, "subject": str(application.subject)})  # fmt: skip
        key = (application.institution_id, result.sitting_id)
        count = institutions.get(key, (application.institution, result.sitting, 0))[2]
        institutions[key] = (application.institution, result.sitting, count + 1)
    for institution, sitting, count in institutions.values():
        text = f"{institution.name}：{sitting}的考核成绩已公布（本次通知 {count} 名考生），请登录平台查看和导出。"
        emails = list(
            User.objects.filter(institution=institution, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        for email in emails:
            tell(email=email, subject="考生成绩已公布", text=text, kind="results_released_org",
                 params={"institution": institution.name})  # fmt: skip
        if institution.contact_phone:
            tell(phone=institution.contact_phone, subject="", text=text,
                 kind="results_released_org", params={"institution": institution.name})  # fmt: skip
    Result.objects.filter(pk__in=[r.pk for r in due]).update(notified_at=timezone.now())
    return len(due)


# --- reviews (成绩复核) ------------------------------------------------------------------------


def review_deadline(sitting: Sitting) -> datetime.date | None:
    if sitting.results_on is None:
        return None
    return working_calendar().add_workdays(sitting.results_on, sitting.review_workdays)


def request_review(result: Result, reason: str, by, today=None) -> ReviewRequest:
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    sitting = result.sitting
    if sitting.results_on is None or today < sitting.results_on:
        raise MarkRefused("成绩尚未公布，不能申请复核。")
    deadline = review_deadline(sitting)
    if deadline is not None and today > deadline:
        raise MarkRefused(f"成绩复核申请已于 {deadline:%Y年%m月%d日} 截止。")
    if result.outcome == Result.Outcome.ABSENT:
        raise MarkRefused("缺考没有可复核的成绩。")
    if not reason:
        raise MarkRefused("请填写申请复核的理由。")
    if len(reason) > 1000:
        raise MarkRefused("理由请控制在 1000 字以内。")
    with transaction.atomic():
        Result.objects.select_for_update().get(pk=result.pk)
        if result.reviews.filter(status=ReviewRequest.Status.PENDING).exists():
            raise MarkRefused("您已提交复核申请，请等待处理结果。")
        if result.reviews.exists():
            raise MarkRefused("每次考试的成绩只能申请一次复核。")
        review = ReviewRequest.objects.create(result=result, reason=reason,
                                              total_before=result.total)  # fmt: skip
        record(by, "grading.review.requested", review, reason=reason)
    return review


def decide_review(
    review: ReviewRequest, by, outcome: str, corrected: dict[int, object]
) -> ReviewRequest:
    """Record a review's outcome; `corrected` maps a short answer's Marking id to its
    re-marked points (objective scores are re-scored from the key, not by hand)."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise MarkRefused("请填写复核结论。")
    with transaction.atomic():
        review = (
            ReviewRequest.objects.select_for_update().select_related("result").get(pk=review.pk)
        )
        if review.status != ReviewRequest.Status.PENDING:
            raise MarkRefused("该复核申请已处理。")
        result = review.result
        now = timezone.now()
        for marking_id, value in corrected.items():
            marking = Marking.objects.select_for_update().get(
                pk=marking_id, attempt=result.attempt_id
            )
            points = _points(value)
            problem = marking_rules.valid_points(points, marking.max_points)
            if problem:
                raise MarkRefused(f"第 {marking.n} 题：{problem}")
            if points == marking.final_points:
                continue
            record(by, "grading.marking.reviewed", marking, reason=outcome,
                   before={"points": str(marking.final_points)}, after={"points": str(points)})  # fmt: skip
            _mark(marking, by, Mark.Round.REVIEW, points, (), None, now)
            _decide(marking, points, now)
            marking.save()
        if result.attempt_id:
            settle([result.attempt_id], by=by, reason=f"成绩复核：{outcome}")
        result.refresh_from_db()
        review.total_after = result.total
        review.status = (
            ReviewRequest.Status.CHANGED if result.total != review.total_before
            else ReviewRequest.Status.UPHELD
        )  # fmt: skip
        review.outcome, review.decided_by, review.decided_at = outcome, by, now
        review.save()
        record(by, "grading.review.decided", review, reason=outcome,
               before={"total": str(review.total_before)}, after={"total": str(review.total_after),
               "status": review.status})  # fmt: skip
    tell(email=result.application.email, phone=result.application.phone, subject="成绩复核结果",
         text=f"您的成绩复核已处理：{review.get_status_display()}，总分 {review.total_after}。{outcome}",
         kind="review_decided", params={"status": review.get_status_display()})  # fmt: skip
    return review
