"""What the proctor console shows: one row per admission of a sitting, read in a fixed
handful of queries whatever the number of candidates (the page polls it every few seconds).
Read-only; the actions are in services.py and exams.services."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max

from carboncert.exams import services as exams
from carboncert.exams.models import Attempt, Event, Snapshot
from carboncert.registration.models import Application

from .models import Flag, IdentityCheck, SnapshotLook

# The states a proctor tells candidates by, in the order of the handbook's day.
STATES = {
    "absent": "未到场",
    "checking_in": "签到核验中",
    "answering": "答题中",
    "offline": "离线",
    "handed_in": "已交卷",
}
CAMERA = {"ok": "正常", "lost": "无画面", "dark": "过暗", "frozen": "画面静止", "unknown": "—"}
FILTERS = {
    "all": "全部",
    "flagged": "有提示",
    "offline": "离线",
    "identity": "待人工核验",
    "absent": "未到场",
}
MAX_ROWS = 2000
CHECK_NAMES = {"browser": "浏览器", "camera": "摄像头", "microphone": "麦克风",
               "fullscreen": "全屏", "network": "网络", "clock": "本机时钟"}  # fmt: skip


def device_problems(detail: dict) -> list[str]:
    """Pure: what the candidate's device check warned about or failed."""
    return [
        f"{CHECK_NAMES[key]}：{value.split(': ', 1)[-1]}"
        for key, value in detail.items()
        if key in CHECK_NAMES and isinstance(value, str) and not value.startswith("ok:")
    ]


def state_of(status: str | None, seen_at: float | None, now: float, offline_after: int) -> str:
    """Pure: where a candidate is, from the attempt's status and when the page last called."""
    if status is None:
        return "absent"
    if status == Attempt.Status.HANDED_IN:
        return "handed_in"
    if status == Attempt.Status.ANSWERING and (seen_at is None or now - seen_at > offline_after):
        return "offline"
    return "answering" if status == Attempt.Status.ANSWERING else "checking_in"


@dataclass
class Row:
    application: Application
    attempt: Attempt | None
    state: str
    offline_since: datetime.datetime | None = None
    seconds_left: int | None = None
    camera: str = "unknown"
    snapshot_id: int | None = None
    device: list[str] | None = None  # None: not checked yet
    flags: list[Flag] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def camera_label(self) -> str:
        return CAMERA[self.camera]

    @property
    def time_left(self) -> str:
        if self.seconds_left is None:
            return ""
        h, rest = divmod(self.seconds_left, 3600)
        return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"

    @property
    def severity(self) -> int:
        return max((f.severity for f in self.flags), default=0)

    @property
    def flagged(self) -> bool:
        return bool(self.flags) or bool(self.attempt and self.attempt.needs_decision)


def admissions(sitting):
    """Who may sit this sitting: its admissions; a system test's are its main sitting's; a
    make-up's those with a grant."""
    main = sitting.main if sitting.main_id else sitting
    found = Application.objects.filter(
        sitting=main,
        status=Application.Status.APPROVED,
        ticket_number__isnull=False,
        bill_line__paid_at__isnull=False,
    )
    if sitting.kind == "makeup":
        found = found.filter(makeup_grants__sitting=sitting)
    return found.select_related("person", "subject")


def rows(sitting, now: datetime.datetime, wanted: str = "all") -> list[Row]:
    applications = list(admissions(sitting).order_by("subject__code", "ticket_number")[:MAX_ROWS])
    attempts = {
        a.application_id: a
        for a in Attempt.objects.filter(sitting=sitting, application__in=applications)
    }
    ids = [a.pk for a in attempts.values()]
    seen = exams.last_seen(ids)
    latest = dict(
        Snapshot.objects.filter(attempt__in=ids)
        .values("attempt")
        .annotate(last=Max("pk"))
        .values_list("attempt", "last")
    )
    findings = dict(
        SnapshotLook.objects.filter(snapshot__in=latest.values()).values_list("attempt", "finding")
    )
    camera_events = dict(
        Event.objects.filter(attempt__in=ids, kind__in=("camera_lost", "camera_back"))
        .values("attempt")
        .annotate(last=Max("pk"))
        .values_list("attempt", "last")
    )
    lost = set(
        Event.objects.filter(pk__in=camera_events.values(), kind="camera_lost").values_list(
            "attempt", flat=True
        )
    )
    checks = dict(
        Event.objects.filter(attempt__in=ids, kind="device_check")
        .order_by("pk")
        .values_list("attempt", "detail")
    )  # the latest of each attempt wins
    flags = defaultdict(list)
    for flag in Flag.objects.filter(attempt__in=ids, cleared_at__isnull=True).order_by("at"):
        flags[flag.attempt_id].append(flag)

    clock = now.timestamp()
    result = []
    for application in applications:
        attempt = attempts.get(application.pk)
        if attempt is not None:
            attempt.sitting = sitting  # one sitting for all: no query per row
        state = state_of(
            attempt and attempt.status, attempt and seen.get(attempt.pk), clock,
            settings.OFFLINE_AFTER_SECONDS,
        )  # fmt: skip
        row = Row(application, attempt, state)
        if attempt is not None:
            if state == "offline" and attempt.pk in seen:
                row.offline_since = datetime.datetime.fromtimestamp(seen[attempt.pk], datetime.UTC)
            if state != "handed_in":
                ends = exams.window_of(attempt).attempt_ends_at
                row.seconds_left = max(0, int((ends - now).total_seconds()))
            row.snapshot_id = latest.get(attempt.pk)
            finding = findings.get(attempt.pk)
            if attempt.pk in lost:
                row.camera = "lost"
            elif finding in ("dark", "frozen"):
                row.camera = finding
            elif row.snapshot_id:
                row.camera = "ok"
            row.flags = flags.get(attempt.pk, [])
            if attempt.pk in checks and isinstance(checks[attempt.pk], dict):
                row.device = device_problems(checks[attempt.pk])
        if keep(row, wanted):
            result.append(row)
    return result


def keep(row: Row, wanted: str) -> bool:
    if wanted == "flagged":
        return row.flagged
    if wanted == "offline":
        return row.state == "offline"
    if wanted == "identity":
        return bool(row.attempt and row.attempt.identity == Attempt.Identity.PENDING)
    if wanted == "absent":
        return row.state == "absent"
    return True


def tabs(all_rows: list[Row]) -> list[tuple[str, str, int]]:
    """Each filter with how many candidates it shows."""
    return [(key, label, sum(keep(r, key) for r in all_rows)) for key, label in FILTERS.items()]


# --- one candidate's day ---------------------------------------------------------------------


@dataclass
class Moment:
    at: datetime.datetime
    kind: str  # css class: login, identity, saves, leave, snapshot, flag, event, message, hand_in
    text: str
    snapshot_id: int | None = None
    identity_check_id: int | None = None


EVENT_TEXT = {
    "camera_lost": "摄像头无画面",
    "camera_back": "摄像头恢复",
    "copy": "尝试复制",
    "paste": "尝试粘贴",
    "contextmenu": "尝试右键菜单",
    "offline": "网络断开",
    "online": "网络恢复",
    "device_check": "设备检测",
}


def timeline(attempt: Attempt) -> list[Moment]:
    """Login, check-in, saves per minute, leaves, snapshots, flags, messages: in time order."""
    moments = [Moment(attempt.checked_in_at, "login", "登录签到")]
    if attempt.privacy_accepted_at:
        moments.append(Moment(attempt.privacy_accepted_at, "login", "同意监考告知，开启摄像头"))
    for check in attempt.identity_checks.all():
        text = f"人脸核验：{check.get_outcome_display()}"
        if check.distance is not None:
            text += f"（距离 {check.distance:.2f}）"
        if check.decision:
            text += f" → {check.get_decision_display()}（{check.decided_by}）"
        moments.append(Moment(check.at, "identity", text, identity_check_id=check.pk))
    if attempt.started_at:
        moments.append(Moment(attempt.started_at, "login", "开始答题"))
    per_minute = defaultdict(int)
    for moment in attempt.journal.values_list("server_time", flat=True):
        per_minute[moment.replace(second=0, microsecond=0)] += 1
    for minute, n in sorted(per_minute.items()):
        moments.append(Moment(minute, "saves", f"保存答案 {n} 次"))
    for event in attempt.events.all():
        if event.kind == "leave":
            seconds = event.detail.get("seconds") if isinstance(event.detail, dict) else None
            text = "离开考试" + (f" {seconds} 秒" if seconds else "")
            moments.append(Moment(event.at, "leave", text))
        else:
            moments.append(Moment(event.at, "event", EVENT_TEXT.get(event.kind, event.kind)))
    looks = dict(SnapshotLook.objects.filter(attempt=attempt).values_list("snapshot", "finding"))
    for snapshot in attempt.snapshots.all():
        finding = looks.get(snapshot.pk)
        text = "抓拍" + (f"：{Flag.Kind(finding).label}" if finding and finding != "ok" else "")
        moments.append(Moment(snapshot.taken_at, "snapshot", text, snapshot_id=snapshot.pk))
    for flag in attempt.flags.all():
        text = f"{flag.get_severity_display()}：{flag.get_kind_display()}"
        if flag.note:
            text += f"（{flag.note}）"
        if flag.cleared_at:
            text += " · 已处理"
        moments.append(Moment(flag.at, "flag", text, snapshot_id=flag.snapshot_id))
    for message in attempt.messages.select_related("sent_by"):
        text = f"消息（{message.sent_by}）：{message.text}" + (" · 已读" if message.read_at else "")
        moments.append(Moment(message.sent_at, "message", text))
    if attempt.handed_in_at:
        moments.append(
            Moment(attempt.handed_in_at, "hand_in", attempt.get_hand_in_reason_display())
        )
    return sorted(moments, key=lambda m: m.at)


def pending_photos(sitting):
    return (
        IdentityCheck.objects.filter(attempt__sitting=sitting, outcome="photo", decision="")
        .select_related("attempt__application__person", "attempt__application__subject")
        .order_by("at")
    )
