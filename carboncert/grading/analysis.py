"""Statistics of a sitting: pure, no Django.

Item analysis follows classical test theory:
- difficulty: the mean share of the points earned (for a one-point question, the
  share who got it right; higher means easier);
- discrimination D: mean share earned by the top 27% of candidates minus that of
  the bottom 27% (Kelley's groups), ranked by the rest of their total (the
  question itself left out: a wrong key would otherwise lift its own D);
- point-biserial r: the correlation between the question's points and the rest of
  the total (the question itself left out, so it does not correlate with itself).
A question with D < 0 or r < 0 is flagged: the stronger candidates did worse on
it, which usually means a wrong key or an ambiguous stem.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

GROUP_SHARE = 0.27


@dataclass(frozen=True)
class Response:
    total: float  # the candidate's total
    points: float  # their points on this question
    chosen: frozenset[int] = frozenset()  # authored option indices chosen (choice questions)
    blank: bool = False


@dataclass(frozen=True)
class ItemStats:
    responses: int
    difficulty: float | None
    discrimination: float | None
    point_biserial: float | None
    option_counts: tuple[int, ...] = ()
    blank: int = 0
    flagged: bool = False
    reasons: tuple[str, ...] = field(default=())


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if not sxx or not syy:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def analyse_item(responses: Sequence[Response], max_points: float, options: int = 0) -> ItemStats:
    n = len(responses)
    if not n or max_points <= 0:
        return ItemStats(n, None, None, None, (0,) * options)
    shares = [r.points / max_points for r in responses]
    ranked = sorted(responses, key=lambda r: r.total - r.points)  # the rest of the total
    group = max(1, round(n * GROUP_SHARE))
    discrimination = None
    if n >= 4:
        low = mean([r.points / max_points for r in ranked[:group]])
        high = mean([r.points / max_points for r in ranked[-group:]])
        discrimination = high - low
    r_pb = pearson([r.points for r in responses], [r.total - r.points for r in responses])
    counts = [0] * options
    for r in responses:
        for i in r.chosen:
            if 0 <= i < options:
                counts[i] += 1
    reasons = []
    if discrimination is not None and discrimination < 0:
        reasons.append("区分度为负")
    if r_pb is not None and r_pb < 0:
        reasons.append("点二列相关为负")
    return ItemStats(
        responses=n,
        difficulty=mean(shares),
        discrimination=discrimination,
        point_biserial=r_pb,
        option_counts=tuple(counts),
        blank=sum(r.blank for r in responses),
        flagged=bool(reasons),
        reasons=tuple(reasons),
    )


def histogram(totals: Iterable[float], width: int = 10, top: int = 100) -> list[tuple[str, int]]:
    """Counts per band of `width` points: 0–9, 10–19, …, 90–100 (the top band closed)."""
    bands = top // width
    counts = [0] * bands
    for total in totals:
        counts[min(int(total // width), bands - 1)] += 1
    return [
        (f"{i * width}–{top if i == bands - 1 else (i + 1) * width - 1}", count)
        for i, count in enumerate(counts)
    ]


@dataclass(frozen=True)
class Agreement:
    pairs: int
    exact: float | None  # share of answers given the same mark twice
    within: float | None  # share within the arbitration threshold
    mean_difference: float | None
    correlation: float | None


def agreement(pairs: Sequence[tuple[float, float]], threshold: float) -> Agreement:
    """How far two independent graders agree on the same answers."""
    n = len(pairs)
    if not n:
        return Agreement(0, None, None, None, None)
    differences = [abs(a - b) for a, b in pairs]
    return Agreement(
        pairs=n,
        exact=sum(d == 0 for d in differences) / n,
        within=sum(d <= threshold for d in differences) / n,
        mean_difference=sum(differences) / n,
        correlation=pearson([a for a, _ in pairs], [b for _, b in pairs]),
    )


def rate(passed: int, total: int) -> float | None:
    return passed / total if total else None
