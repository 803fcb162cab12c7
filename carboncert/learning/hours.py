"""Class hours counted honestly: the rules, without Django.

A video lesson earns what was actually played: the page reports the stretches of the
video it played since its last report, broken at every seek. Each second of the video
counts once (watching again adds nothing), and a report can never earn more than the
wall-clock time since the learner's last credited moment allows at the playback speed
(capped by the sitting): two tabs, a background tab at 16×, or a forged report all stay
within real time. Reading and documents earn active time on the page the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Interval = tuple[float, float]

# A report covers at most this much wall time: a tab that was asleep for an hour and
# wakes up reporting "I played for an hour" gets one minute.
MAX_REPORT_SECONDS = 60.0

# A video played but for this many seconds (at most 1 % of it) is played in full. Two
# reports that reach the server together (a slow network, a busy server) share the real
# time between their arrivals, so the second may lose a fraction of a second of its
# stretch: without this, a video watched to the end could stay at 99.8 % and its class
# hours a minute short.
WATCHED_WITHIN = 1.0

# Positions in a video are kept to the hundredth of a second.
POSITION_DIGITS = 2


def merged(intervals: Iterable[Sequence[float]]) -> list[Interval]:
    """The union of the intervals, sorted, touching ones joined."""
    out: list[list[float]] = []
    for start, end in sorted((float(a), float(b)) for a, b in intervals if b > a):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def length(intervals: Iterable[Interval]) -> float:
    return sum(b - a for a, b in intervals)


def uncovered(segment: Interval, covered: Sequence[Interval]) -> list[Interval]:
    """The parts of the segment not yet in `covered` (which is merged)."""
    start, end = segment
    gaps = []
    for a, b in covered:
        if b <= start:
            continue
        if a >= end:
            break
        if a > start:
            gaps.append((start, a))
        start = max(start, b)
    if start < end:
        gaps.append((start, end))
    return gaps


def wall_budget(now: float, elapsed: float, claimed_until: float | None) -> float:
    """Seconds of real time this report may be credited for: its own elapsed time (as the
    page measured it, at most a minute), less what another report already claimed."""
    start = now - min(max(elapsed, 0.0), MAX_REPORT_SECONDS)
    if claimed_until is not None:
        start = max(start, claimed_until)
    return max(0.0, now - start)


@dataclass(frozen=True)
class VideoCredit:
    covered: list[Interval]  # the video's seconds played so far, merged
    gained: float  # seconds of the video newly credited by this report


def credit_video(
    covered: Sequence[Interval],
    segments: Iterable[Sequence[float]],
    *,
    duration: float,
    budget: float,
    rate: float,
    max_rate: float,
) -> VideoCredit:
    """Add the played segments to what was covered, within the report's real-time budget.

    `rate` is the speed the page says it played at, never above `max_rate`: at 1× one
    second of real time buys one second of video, so two tabs at once earn once.
    """
    allowance = budget * min(max(rate, 0.0), max_rate)
    covered = merged(covered)
    gained = 0.0
    new: list[Interval] = []
    for raw in segments:
        # To the hundredth, as covered is stored: a stretch split by a report (…9.8123 and
        # 9.8123…) stays one, not two with a gap the rounding made.
        start = round(max(0.0, float(raw[0])), POSITION_DIGITS)
        end = round(min(duration, float(raw[1])), POSITION_DIGITS)
        for a, b in uncovered((start, end), merged([*covered, *new])):
            take = min(b - a, allowance - gained)
            if take <= 0:
                break
            new.append((a, a + take))
            gained += take
    return VideoCredit(merged([*covered, *new]), gained)


def credit_active(reported: float, budget: float) -> float:
    """Active seconds on a reading page: what the page counted, within real time."""
    return max(0.0, min(float(reported), budget))


def lesson_fraction(
    kind: str, *, covered_seconds: float, active_seconds: float, duration: float, needed: float
) -> float:
    """How much of a lesson is done, 0..1: a video by the share of it played, a reading or
    document by active time against the time its class hours stand for."""
    if kind == "video":
        if duration <= 0:
            return 0.0
        if duration - covered_seconds <= min(WATCHED_WITHIN, duration / 100):
            return 1.0
        return min(1.0, covered_seconds / duration)
    return min(1.0, active_seconds / needed) if needed > 0 else 0.0


def earned_hours(lessons: Iterable[tuple[float, float]]) -> float:
    """Class hours earned over (fraction done, class hours) of each lesson, to 0.01: the
    one sum the course page, the exam's check and the institution's table all show."""
    return round(sum(fraction * float(class_hours) for fraction, class_hours in lessons), 2)


def minutes_missing(earned_hours: float, required_hours: float, minutes_per_hour: int) -> int:
    """Whole minutes still to study, rounded up: 35.5 of 36 hours of 45 minutes is 23."""
    short = max(0.0, required_hours - earned_hours) * minutes_per_hour
    return math.ceil(round(short, 6))
