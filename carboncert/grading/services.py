"""Scoring handed-in attempts: on hand-in, in the periodic sweep, and again after a key correction."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from carboncert.audit.services import record
from carboncert.bank.items import from_data
from carboncert.bank.models import Paper, QuestionVersion
from carboncert.exams.models import Answer, Attempt
from carboncert.sittings.models import Sitting

from . import scoring
from .models import AttemptScore

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
    except Exception:
        log.exception("scoring attempt %s failed; the next sweep retries", attempt_id)


def score_unscored() -> int:
    """Score every handed-in attempt that has no score yet (run by `carboncert tick`)."""
    ids = list(
        Attempt.objects.filter(status=Attempt.Status.HANDED_IN, score__isnull=True)
        .exclude(paper=None)
        .values_list("pk", flat=True)
    )
    return score_attempts(ids)


def score_attempts(attempt_ids: Iterable[int], *, by=None, reason: str = "") -> int:
    """(Re-)score these attempts' objective questions; a score that changes is audited."""
    ids = list(attempt_ids)
    done = 0
    known: dict[tuple, scoring.Key] = {}  # keys worked out so far, for every chunk
    for start in range(0, len(ids), CHUNK):
        done += _score_chunk(ids[start : start + CHUNK], by, reason, known)
    return done


@transaction.atomic
def _score_chunk(ids: list[int], by, reason: str, known: dict) -> int:
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
    keys = _keys(
        known,
        dict(Paper.objects.filter(pk__in={p for _, p, _ in attempts}).values_list("pk", "items")),
    )
    existing = {s.attempt_id: s for s in AttemptScore.objects.filter(attempt__in=ids)}
    now = timezone.now()
    rows = []
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
        before = existing.get(attempt_id)
        if before is not None and before.items != row.items:
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
    return len(rows)


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

    def key(entry: dict) -> scoring.Key:
        ident = (entry["version_id"], entry["points"], tuple(entry["option_order"]),
                 tuple(entry["parameters"].items()))  # fmt: skip
        found = known.get(ident)
        if found is None:
            found = known[ident] = scoring.key_for(entry, items[entry["version_id"]])
        return found

    return {pk: [key(entry) for entry in entries] for pk, entries in papers.items()}
