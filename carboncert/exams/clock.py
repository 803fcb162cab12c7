"""The server's clock rules for one attempt: when a candidate may enter, hand in, and must stop.

Pure, no Django. Every decision takes `now` from the server; a candidate's
laptop clock is never consulted, only shown the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

# Saves already on their way when the time runs out are still accepted for this long.
SAVE_GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class Window:
    """A sitting's times (from its stored timeline) plus this attempt's extra time."""

    check_in_at: datetime
    starts_at: datetime
    late_entry_closes_at: datetime
    earliest_hand_in_at: datetime
    ends_at: datetime
    extra: timedelta = timedelta(0)

    @property
    def attempt_ends_at(self) -> datetime:
        return self.ends_at + self.extra


class Refused(Exception):
    """The clock says no; `code` for programs, `message` (Chinese) for the candidate."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


def _hm(moment: datetime) -> str:
    # Candidates read Beijing time, whatever zone the stored moment carries.
    return moment.astimezone(BEIJING).strftime("%H:%M")


def check_login(window: Window, now: datetime, *, started: bool) -> None:
    """May the candidate log in now? `started`: they already have an attempt under way."""
    if now < window.check_in_at:
        raise Refused("not_open", f"考试尚未开放，{_hm(window.check_in_at)} 开始签到（北京时间）。")
    if now >= window.attempt_ends_at:
        raise Refused("ended", "考试已结束。")
    if not started and now >= window.late_entry_closes_at:
        raise Refused(
            "late",
            f"开考 {_hm(window.late_entry_closes_at)} 后不能再进入考场，本场考试按缺考处理。",
        )


def may_start(window: Window, now: datetime) -> bool:
    """Questions are shown from the start time on."""
    return window.starts_at <= now < window.attempt_ends_at


def check_save(window: Window, now: datetime) -> None:
    if now >= window.attempt_ends_at + SAVE_GRACE:
        raise Refused("ended", "考试时间已到，答案不能再修改。")


def check_hand_in(window: Window, now: datetime) -> None:
    if now < window.earliest_hand_in_at:
        minutes = int((window.earliest_hand_in_at - window.starts_at).total_seconds() // 60)
        raise Refused(
            "too_early",
            f"开考 {minutes} 分钟内不能交卷，{_hm(window.earliest_hand_in_at)} 后可以交卷。",
        )


def is_over(window: Window, now: datetime) -> bool:
    """Past the end (with extra time): the attempt is handed in whether or not its browser is there."""
    return now >= window.attempt_ends_at


def seconds_left(window: Window, now: datetime) -> int:
    return max(0, int((window.attempt_ends_at - now).total_seconds()))
