"""模拟卷: full mock papers built by the bank's blueprint, taken in the exam client's
practice mode and scored the moment they are handed in.

Open from the sprint date (the sitting's date − its `sprint_days_before`) through the
sitting's date, while the course is open (an approved application). As many as the
candidate likes, one at a time: starting again while one is unfinished gives that one back,
so a double click never makes two.

Scoring: objective questions by the exam's own rules (grading.scoring, the sitting's
multiple-choice rule); short answers are marked by graders in the exam, so a mock gives an
indication only: the points times the share of the question's keywords found in the answer,
rounded down to half points (grading.marking's keyword hint).

The server owns time: saves are taken until the mock's end (plus a short grace for saves on
their way), and an unfinished mock past its end is handed in by the next request.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.db import transaction
from django.utils import timezone

from carboncert.bank import papers
from carboncert.bank.assembly import AssemblyError
from carboncert.bank.items import Item, QuestionType
from carboncert.bank.models import Paper
from carboncert.exams.saves import NoSuchItem, Save, in_sequence
from carboncert.grading import marking, scoring
from carboncert.registration.models import Application

from .journey import sprint_opens_on
from .models import MockAttempt
from .services import Refused

TOKEN_SALT = "carboncert.learning.mock"
TOKEN_MAX_AGE = 12 * 3600
SAVE_GRACE = datetime.timedelta(seconds=30)  # saves already on their way at the end
MAX_ANSWER_CHARS = 20_000
NOT_READY = "模拟卷暂未开放：题库练习题不足"
ESTIMATE_NOTE = "简答题按关键词估分，仅供参考"


def day(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- when -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    opens_on: datetime.date
    closes_on: datetime.date  # the sitting's date, inclusive

    def state(self, today: datetime.date) -> str:
        """later | open | over"""
        if today < self.opens_on:
            return "later"
        return "open" if today <= self.closes_on else "over"


def regular_sitting(application: Application):
    return application.sitting.main or application.sitting


def window_of(application: Application) -> Window:
    sitting = regular_sitting(application)
    return Window(sprint_opens_on(sitting), sitting.date)


def check_open(application: Application, today: datetime.date | None = None) -> None:
    """Refused unless mock papers are open to this application today."""
    today = today or timezone.localdate()
    if application.status != Application.Status.APPROVED:
        raise Refused("closed", "报名审核通过后才能使用模拟卷。")
    window = window_of(application)
    state = window.state(today)
    if state == "later":
        days = regular_sitting(application).sprint_days_before
        raise Refused(
            "not_open", f"模拟卷将于 {day(window.opens_on)} 开放（考前 {days} 天），请先学习课程。"
        )
    if state == "over":
        raise Refused("over", "本批次考试已结束，模拟卷已关闭。")


def problems(application: Application) -> list[str]:
    """Why the practice pool cannot give this subject a mock paper (Chinese), or nothing."""
    return papers.readiness(application.subject, practice=True)


# --- starting ---------------------------------------------------------------------------


def unfinished(application: Application, now=None) -> MockAttempt | None:
    now = now or timezone.now()
    return (
        application.mock_attempts.filter(handed_in_at__isnull=True, ends_at__gt=now)
        .order_by("-started_at")
        .first()
    )


@transaction.atomic
def start_mock(application: Application) -> MockAttempt:
    """A new mock paper for this application, or the unfinished one it already has."""
    now = timezone.now()
    # The application's row is the lock: two clicks at once start one mock.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("sitting__main", "subject")
        .get(pk=application.pk)
    )
    check_open(application, timezone.localdate(now))
    hand_in_overdue(application, now, grace=False)  # asking for a new one: the old is over
    current = unfinished(application, now)
    if current is not None:
        return current
    if problems(application):
        raise Refused("not_ready", NOT_READY)
    try:
        paper = papers.build_paper(application.subject, purpose=Paper.Purpose.MOCK)
    except (AssemblyError, ValueError):
        raise Refused("not_ready", NOT_READY) from None
    minutes = regular_sitting(application).duration_minutes
    return MockAttempt.objects.create(
        application=application, paper=paper, ends_at=now + datetime.timedelta(minutes=minutes)
    )


# --- the client's token -----------------------------------------------------------------


def token_for(mock: MockAttempt) -> str:
    """The practice client's bearer token: this one mock of this one person, nothing else."""
    return signing.dumps({"m": mock.pk, "p": mock.application.person_id}, salt=TOKEN_SALT)


def mock_for_token(token: str) -> MockAttempt | None:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "mp"):
        return None
    mock = (
        MockAttempt.objects.select_related("paper", "application__sitting__main")
        .filter(pk=data["m"], application__status=Application.Status.APPROVED)
        .first()
    )
    if mock is None or not hmac.compare_digest(str(mock.application.person_id), str(data["p"])):
        return None
    return mock


# --- saves and hand-in ------------------------------------------------------------------


def _open_or_refuse(mock: MockAttempt, now) -> None:
    if mock.handed_in_at is not None:
        raise Refused("handed_in", "该模拟卷已交卷，答案不能再修改。")
    if now >= mock.ends_at + SAVE_GRACE:
        raise Refused("ended", "模拟考试时间已到，答案不能再修改。")


@transaction.atomic
def save(mock: MockAttempt, saves: list[Save], now=None) -> int:
    """Apply saves once each, in sequence order; returns the highest sequence applied. A
    save at or below the last applied one is a retry and is ignored; a gap stops the batch
    (the client sends what follows again)."""
    now = now or timezone.now()
    mock = (
        MockAttempt.objects.select_for_update(of=("self",)).select_related("paper").get(pk=mock.pk)
    )
    _open_or_refuse(mock, now)
    try:
        applied, last = in_sequence(saves, mock.last_seq, len(mock.paper.items))
    except NoSuchItem as error:
        raise Refused("bad_item", str(error)) from None
    answers = dict(mock.answers)
    for one in applied:
        answers[str(one.n)] = (one.value or "")[:MAX_ANSWER_CHARS]
    if last != mock.last_seq:
        mock.answers, mock.last_seq = answers, last
        mock.save(update_fields=["answers", "last_seq"])
    return last


@transaction.atomic
def hand_in(mock: MockAttempt, now=None) -> MockAttempt:
    """Hand in and score at once; handing in twice changes nothing."""
    now = now or timezone.now()
    mock = (
        MockAttempt.objects.select_for_update(of=("self",))  # not the sitting's row
        .select_related("paper", "application__sitting__main")
        .get(pk=mock.pk)
    )
    if mock.handed_in_at is None:
        _close(mock, min(now, mock.ends_at))
    return mock


def hand_in_if_over(mock: MockAttempt, now=None) -> MockAttempt:
    """A mock past its end (and the grace for saves on their way) is handed in."""
    now = now or timezone.now()
    if mock.handed_in_at is None and now >= mock.ends_at + SAVE_GRACE:
        return hand_in(mock, now)
    return mock


def hand_in_overdue(application: Application, now=None, *, grace=True) -> None:
    """Score the application's mocks whose time ran out while nobody was there."""
    now = now or timezone.now()
    for mock in application.mock_attempts.filter(
        handed_in_at__isnull=True,
        ends_at__lte=now - (SAVE_GRACE if grace else datetime.timedelta(0)),
    ):
        hand_in(mock, now)


def _close(mock: MockAttempt, at) -> None:
    sitting = regular_sitting(mock.application)
    rule = (
        scoring.MultipleRule.PARTIAL
        if sitting.multiple_partial_credit
        else scoring.MultipleRule.ALL_OR_NOTHING
    )
    rows = score_items(mock.paper.items, mock.answers, rule)
    totals = totals_of(rows)
    mock.handed_in_at = at
    mock.scored = rows
    mock.objective_score = totals.objective
    mock.objective_max = totals.objective_max
    mock.score = totals.objective + totals.estimate
    mock.save(update_fields=["handed_in_at", "scored", "objective_score", "objective_max", "score"])


# --- scoring (rules over stored data; the database only for the versions' content) -----


def estimate(item: Item, answer: str, points: Decimal) -> marking.Suggestion:
    """A short answer's indicative points: the points times the share of the question's
    keywords found in the answer, rounded down to half points."""
    return marking.suggest(answer or "", [], list(item.keywords), points)


def score_items(entries: list[dict], answers: dict, rule: scoring.MultipleRule) -> list[dict]:
    """Per question, in paper order: its points, the points awarded (None for a short
    answer), the outcome, and for a short answer the estimate and the keywords found."""
    items = papers.version_items(e["version_id"] for e in entries)
    rows = []
    for n, entry in enumerate(entries, start=1):
        item = items[entry["version_id"]]
        answer = answers.get(str(n), "")
        result = scoring.score(scoring.key_for(entry, item), answer, rule)
        row = {
            "n": n,
            "module": entry["module"],
            "type": entry["type"],
            "points": float(result.max_points),
            "awarded": None if result.points is None else float(result.points),
            "outcome": result.outcome,
        }
        if result.points is None:
            hint = estimate(item, answer, result.max_points)
            row["estimate"] = float(hint.points)
            row["found"] = list(hint.found)
            row["outcome"] = "estimated" if (answer or "").strip() else "blank"
        rows.append(row)
    return rows


@dataclass
class Totals:
    objective: Decimal = Decimal(0)
    objective_max: Decimal = Decimal(0)
    estimate: Decimal = Decimal(0)
    estimate_max: Decimal = Decimal(0)

    @property
    def score(self) -> Decimal:
        return self.objective + self.estimate

    @property
    def max(self) -> Decimal:
        return self.objective_max + self.estimate_max


def totals_of(rows: list[dict]) -> Totals:
    totals = Totals()
    for row in rows:
        points = Decimal(str(row["points"]))
        if row["awarded"] is None:
            totals.estimate += Decimal(str(row.get("estimate") or 0))
            totals.estimate_max += points
        else:
            totals.objective += Decimal(str(row["awarded"]))
            totals.objective_max += points
    return totals


# --- the result page --------------------------------------------------------------------

OUTCOMES = {
    "right": "正确",
    "partial": "部分正确",
    "wrong": "错误",
    "wrong_unit": "单位错误",
    "unreadable": "无法识别",
    "blank": "未作答",
    "estimated": "估分",
}


@dataclass
class ModuleRow:
    order: int
    name: str
    points: int  # the blueprint's points of this module
    objective: Decimal = Decimal(0)
    estimate: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.objective + self.estimate


@dataclass
class QuestionRow:
    n: int
    type: str
    type_label: str
    module: str
    points: Decimal
    stem: str
    options: list[dict]  # key, text, correct, chosen
    answer: str  # as the candidate gave it ("" for none)
    correct_answer: str  # the right letters, the expected number, or "" for a short answer
    outcome: str
    outcome_label: str
    awarded: Decimal | None
    estimate: Decimal | None
    explanation: str
    reference_answer: str = ""
    rubric: list = field(default_factory=list)  # [(description, points)]
    keywords: list = field(default_factory=list)  # [(keyword, found)]
    unit: str = ""


@dataclass
class Result:
    mock: MockAttempt
    totals: Totals
    modules: list[ModuleRow]
    questions: list[QuestionRow]
    pass_mark: int
    minutes_used: int


def _number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def result(mock: MockAttempt) -> Result:
    """Everything the result page shows: totals, modules, every question with its key."""
    paper = mock.paper
    names = papers.module_names(paper.subject)
    module_points = paper.blueprint.get("module_points") or [0] * len(names)
    modules = [
        ModuleRow(i + 1, name, int(module_points[i]) if i < len(module_points) else 0)
        for i, name in enumerate(names)
    ]
    rows = {row["n"]: row for row in mock.scored}
    items = papers.version_items(e["version_id"] for e in paper.items)
    shown = papers.shown_items(paper)
    questions = []
    for entry, view in zip(paper.items, shown, strict=True):
        item = items[entry["version_id"]]
        row = rows.get(view.n) or {"outcome": "blank", "awarded": 0, "points": entry["points"]}
        key = scoring.key_for(entry, item)
        answer = (mock.answers.get(str(view.n)) or "").strip()
        awarded = None if row.get("awarded") is None else Decimal(str(row["awarded"]))
        hint = None if row.get("estimate") is None else Decimal(str(row["estimate"]))
        module = modules[entry["module"]] if entry["module"] < len(modules) else None
        if module is not None:
            module.objective += awarded or 0
            module.estimate += hint or 0
        correct = set(key.correct)
        chosen = set(answer.upper()) if item.type.is_choice else set()
        options = [
            {**o, "correct": o["key"] in correct, "chosen": o["key"] in chosen}
            for o in view.options
        ]
        if item.type.is_choice:
            correct_answer = key.correct
        elif item.type is QuestionType.NUMERIC:
            correct_answer = (
                "" if key.expected is None else f"{_number(key.expected)} {item.unit}".strip()
            )
        else:
            correct_answer = ""
        found = set(row.get("found") or ())
        questions.append(
            QuestionRow(
                n=view.n,
                type=view.type,
                type_label=item.type.label,
                module=module.name if module else "",
                points=Decimal(str(entry["points"])),
                stem=view.stem,
                options=options,
                answer=answer,
                correct_answer=correct_answer,
                outcome=row["outcome"],
                outcome_label=OUTCOMES.get(row["outcome"], row["outcome"]),
                awarded=awarded,
                estimate=hint,
                explanation=item.explanation,
                reference_answer=item.reference_answer,
                rubric=[(c.description, c.points) for c in item.rubric],
                keywords=[(k, k in found) for k in item.keywords if k.strip()],
                unit=item.unit,
            )
        )
    ended = mock.handed_in_at or timezone.now()
    return Result(
        mock=mock,
        totals=totals_of(mock.scored),
        modules=modules,
        questions=questions,
        pass_mark=regular_sitting(mock.application).pass_mark,
        minutes_used=max(0, int((ended - mock.started_at).total_seconds() // 60)),
    )
