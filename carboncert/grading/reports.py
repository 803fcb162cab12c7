"""What staff read about a sitting's grading: progress, drift, statistics (reads only)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from carboncert.bank.assembly import OPTION_KEYS
from carboncert.bank.items import from_data
from carboncert.bank.models import Paper, QuestionVersion
from carboncert.exams.models import Answer, Attempt
from carboncert.registration.models import Application

from . import analysis
from .models import Assignment, AttemptScore, Mark, Marking, Result
from .services import FIRST_TWO, latest_corrections


@dataclass
class Bar:
    label: str
    value: float
    text: str
    x: int
    y: int
    height: int


@dataclass
class Chart:
    """A bar chart drawn as inline SVG by the template: no script, prints, fast."""

    bars: list[Bar]
    width: int
    bar_width: int
    baseline: int = 150


PLOT_HEIGHT, STEP = 130, 60


def bars(pairs, fmt="{:g}") -> Chart:
    pairs = list(pairs)
    top = max((v for _, v in pairs), default=0) or 1
    drawn = []
    for i, (label, value) in enumerate(pairs):
        height = round(PLOT_HEIGHT * value / top)
        drawn.append(Bar(str(label), value, fmt.format(value), i * STEP + 6, 150 - height, height))
    return Chart(drawn, max(STEP * len(pairs) + 12, 120), STEP - 12)


def progress(sitting) -> dict:
    """Per question and per grader: how far marking is, and how far each grader drifts."""
    questions = (
        Marking.objects.filter(attempt__sitting=sitting)
        .values("question_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(state=Marking.State.DONE)),
            arbitration=Count("pk", filter=Q(state=Marking.State.ARBITRATION)),
        )
        .order_by("question_id")
    )
    marks = Mark.objects.filter(marking__attempt__sitting=sitting)
    graders = []
    by_grader = defaultdict(dict)
    for grader_id, marking_id, round_, points in marks.values_list(
        "grader_id", "marking_id", "round", "points"
    ):
        by_grader[grader_id].setdefault(marking_id, {})[round_] = points
    names = dict(marks.values_list("grader_id", "grader__username").distinct())
    for grader_id, markings in sorted(by_grader.items()):
        given = sum(1 for m in markings.values() for r in m if r in FIRST_TWO)
        drifts = [
            float(abs(m["check"] - (m.get("first") or m.get("second"))))
            for m in markings.values()
            if "check" in m and ("first" in m or "second" in m)
        ]
        graders.append(
            {
                "name": names[grader_id],
                "given": given,
                "arbitrated": sum(1 for m in markings.values() if "arbiter" in m),
                "checks": len(drifts),
                "drift": analysis.mean(drifts),
            }
        )
    return {"questions": list(questions), "graders": graders}


def statistics(sitting) -> dict:
    results = list(
        Result.objects.filter(sitting=sitting).select_related(
            "application__subject__level", "application__institution"
        )
    )
    sat = [r for r in results if r.outcome != Result.Outcome.ABSENT]
    by_subject = defaultdict(list)
    for r in sat:
        by_subject[r.application.subject].append(r)
    subjects = [
        {
            "subject": subject,
            "count": len(rs),
            "mean": analysis.mean([float(r.total) for r in rs]),
            "pass_rate": analysis.rate(sum(r.passed for r in rs), len(rs)),
            "histogram": bars(analysis.histogram(float(r.total) for r in rs)),
        }
        for subject, rs in sorted(by_subject.items(), key=lambda kv: kv[0].code)
    ]

    def rates(key) -> list[Bar]:
        groups = defaultdict(list)
        for r in sat:
            groups[key(r)].append(r.passed)
        return bars(
            [(str(k), 100 * analysis.rate(sum(v), len(v))) for k, v in sorted(groups.items(),
             key=lambda kv: str(kv[0]))],
            "{:.1f}%",
        )  # fmt: skip

    return {
        "results": len(results),
        "absent": len(results) - len(sat),
        "cheating": sum(r.outcome == Result.Outcome.CHEATING for r in results),
        "subjects": subjects,
        "by_level": rates(lambda r: r.application.subject.level),
        "by_subject": rates(lambda r: r.application.subject.code),
        "by_institution": rates(lambda r: r.application.institution),
        "by_sitting": by_sitting(),
        "items": item_analysis(sitting),
        "agreement": agreement(sitting),
    }


def by_sitting(last: int = 12) -> Chart:
    """Pass rate of each of the last sittings with results (absentees left out)."""
    rows = (
        Result.objects.exclude(outcome=Result.Outcome.ABSENT)
        .values("sitting__date")
        .annotate(n=Count("pk"), passed=Count("pk", filter=Q(outcome=Result.Outcome.PASSED)))
        .order_by("-sitting__date")[:last]
    )
    return bars(
        [(f"{r['sitting__date']:%Y-%m}", 100 * r["passed"] / r["n"]) for r in reversed(rows)],
        "{:.1f}%",
    )


@dataclass
class ItemRow:
    version: QuestionVersion
    stem: str
    type: str
    points: Decimal
    options: list[tuple[str, int, bool]]  # (authored letter, times chosen, keyed correct)
    stats: analysis.ItemStats
    corrected: bool


def item_analysis(sitting) -> list[ItemRow]:
    """Per question version: difficulty, discrimination, option choices; flagged ones first."""
    attempts = list(
        Attempt.objects.filter(sitting=sitting, status=Attempt.Status.HANDED_IN,
                               score__isnull=False)
        .values_list("pk", "paper_id")
    )  # fmt: skip
    ids = [pk for pk, _ in attempts]
    scores = dict(AttemptScore.objects.filter(attempt__in=ids).values_list("attempt_id", "items"))
    totals = {a: float(t) for a, t in Result.objects.filter(attempt__in=ids).values_list(
        "attempt_id", "total")}  # fmt: skip
    objective = dict(
        AttemptScore.objects.filter(attempt__in=ids).values_list("attempt_id", "objective_points")
    )
    short = defaultdict(dict)
    for attempt_id, n, points in Marking.objects.filter(
        attempt__in=ids, final_points__isnull=False
    ).values_list("attempt_id", "n", "final_points"):
        short[attempt_id][n] = float(points)
    papers = dict(Paper.objects.filter(pk__in={p for _, p in attempts}).values_list("pk", "items"))
    answers = defaultdict(dict)
    for attempt_id, n, value in Answer.objects.filter(attempt__in=ids).values_list(
        "attempt_id", "n", "value"
    ):
        answers[attempt_id][n] = value
    responses = defaultdict(list)
    meta = {}
    for attempt_id, paper_id in attempts:
        total = totals.get(attempt_id, float(objective[attempt_id]))
        for n, (entry, (points, _outcome)) in enumerate(
            zip(papers[paper_id], scores[attempt_id], strict=True), start=1
        ):
            if points is None:
                points = short[attempt_id].get(n)
                if points is None:
                    continue
            value = answers[attempt_id].get(n, "").strip().upper()
            order = entry["option_order"]
            chosen = frozenset(
                order[OPTION_KEYS.index(c)] for c in value
                if c in OPTION_KEYS and OPTION_KEYS.index(c) < len(order)
            ) if order else frozenset()  # fmt: skip
            responses[entry["version_id"]].append(
                analysis.Response(total, float(points), chosen, blank=not value)
            )
            meta[entry["version_id"]] = Decimal(entry["points"])
    versions = QuestionVersion.objects.in_bulk(list(responses))
    corrections = latest_corrections(list(responses))
    rows = []
    for version_id, found in responses.items():
        version = versions[version_id]
        item = from_data(version.content)
        keyed = (
            set(corrections[version_id].correct)
            if version_id in corrections
            else {i for i, o in enumerate(item.options) if o.correct}
        )
        stats = analysis.analyse_item(found, float(meta[version_id]), len(item.options))
        rows.append(
            ItemRow(
                version=version,
                stem=item.stem,
                type=item.type.value,
                points=meta[version_id],
                options=[
                    (OPTION_KEYS[i], stats.option_counts[i], i in keyed)
                    for i in range(len(item.options))
                ],
                stats=stats,
                corrected=version_id in corrections,
            )
        )
    rows.sort(key=lambda r: (not r.stats.flagged, r.stats.discrimination or 0))
    return rows


def agreement(sitting) -> list[dict]:
    """Inter-grader agreement per short-answer question, over its first and second marks."""
    pairs = defaultdict(dict)
    for marking_id, question_id, round_, points in Mark.objects.filter(
        marking__attempt__sitting=sitting, round__in=FIRST_TWO
    ).values_list("marking_id", "marking__question_id", "round", "points"):
        pairs[question_id].setdefault(marking_id, {})[round_] = float(points)
    threshold = float(sitting.double_mark_threshold)
    return [
        {
            "question_id": question_id,
            "stats": analysis.agreement(
                [(m["first"], m["second"]) for m in markings.values() if len(m) == 2], threshold
            ),
        }
        for question_id, markings in sorted(pairs.items())
    ]


def grader_counts(grader, sitting) -> dict:
    """What one grader has done in a sitting and what is left on their questions."""
    mine = Assignment.objects.filter(sitting=sitting, grader=grader).values("question")
    open_ = Marking.objects.filter(attempt__sitting=sitting, question__in=mine)
    return {
        "given": Mark.objects.filter(
            grader=grader, marking__attempt__sitting=sitting, round__in=FIRST_TWO
        ).count(),
        "checks": Mark.objects.filter(
            grader=grader, marking__attempt__sitting=sitting, round=Mark.Round.CHECK
        ).count(),
        "open": open_.filter(state=Marking.State.MARKING).exclude(marks__grader=grader).count(),
        "questions": mine.count(),
    }


def affected_rows(attempt_ids) -> list[dict]:
    """The candidates a key correction changed, for the editor who made it (staff only)."""
    rows = []
    for attempt in (
        Attempt.objects.filter(pk__in=attempt_ids)
        .select_related("application__person", "application__subject", "score")
        .order_by("application__person__name")
    ):
        result = Result.objects.filter(attempt=attempt).first()
        rows.append({
            "name": attempt.application.person.name,
            "id_number": attempt.application.person.masked_id_number,
            "subject": attempt.application.subject,
            "objective": attempt.score.objective_points,
            "total": result.total if result else None,
            "outcome": result.get_outcome_display() if result else "",
        })  # fmt: skip
    return rows


def waiting_applications(person_id) -> list:
    """A candidate's admissions whose result is not out yet, with the date it will be."""
    today = timezone.localdate()
    return [
        a
        for a in Application.objects.filter(person_id=person_id, status=Application.Status.APPROVED)
        .select_related("sitting", "subject")
        .order_by("-sitting__date")
        if a.sitting.results_on is None or a.sitting.results_on > today
    ]
