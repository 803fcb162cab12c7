"""State changes of an exam attempt: login, start, saves, leaves, hand-in, extra time, the sweep.

The server owns time (clock.py decides with the server's `now`) and nothing
acknowledged is lost (a save is committed before its reply, journaled, and
applied once, in order).
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import secrets
import time
from datetime import date, datetime, timedelta

import psycopg
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from carboncert.accounts import idcard, throttle
from carboncert.audit.models import AuditEvent
from carboncert.audit.services import record
from carboncert.bank import papers
from carboncert.bank import services as bank_services
from carboncert.bank.models import Paper
from carboncert.learning import services as learning
from carboncert.registration.models import Application
from carboncert.sittings.models import Sitting

from . import clock, signals
from . import saves as saves_rule
from .models import Answer, Attempt, Event, JournalEntry, MakeupGrant

log = logging.getLogger(__name__)
Status = Attempt.Status
TOKEN_SALT = "carboncert.exam"
TOKEN_MAX_AGE = 12 * 3600
THROTTLE_SCOPE = "exam"
MAX_ANSWER_CHARS = 20_000


class Refused(Exception):
    """The exam says no: `code` for the client, `message` (Chinese) for the candidate."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


def window_of(attempt: Attempt) -> clock.Window:
    s = attempt.sitting
    return clock.Window(
        s.check_in_at, s.starts_at, s.late_entry_closes_at, s.earliest_hand_in_at, s.ends_at,
        timedelta(minutes=attempt.extra_minutes),
    )  # fmt: skip


# --- login ------------------------------------------------------------------------------


def _admission(id_number: str, today) -> tuple[Application, Sitting] | None:
    """The admission whose sitting, system test or make-up is today, and that sitting."""
    admitted = Application.objects.select_related("sitting", "subject", "person").filter(
        person__id_number=id_number,
        status=Application.Status.APPROVED,
        ticket_number__isnull=False,
        bill_line__paid_at__isnull=False,
    )
    for application in admitted:
        if application.sitting.date == today:
            return application, application.sitting
        # Every admission may take its system test; a make-up only with a grant.
        satellite = (
            application.sitting.satellites.filter(date=today)
            .filter(models.Q(kind="test") | models.Q(makeup_grants__application=application))
            .first()
        )
        if satellite is not None:
            return application, satellite
    return None


def exam_login(id_number: str, password: str, address: str, now: datetime | None = None) -> Attempt:
    """Check an admission's ID number and last four characters inside the sitting's window.

    The four characters are a weak secret, so: throttled per account and per
    address, every failure logged, and no hint whether the ID number exists.
    """
    now = now or timezone.now()
    try:
        number = idcard.validate(id_number)
    except idcard.IdNumberError:
        raise Refused("bad_id", "请输入正确的18位身份证号码（末位X大小写均可）。") from None
    if throttle.is_locked(THROTTLE_SCOPE, number, address):
        log.warning("exam login locked: %s from %s", idcard.mask(number), address)
        raise Refused("locked", "登录失败次数过多，账号已暂时锁定。请联系考场负责人解锁。")
    expected = idcard.last_four(number)
    if not hmac.compare_digest(expected.upper(), (password or "").strip().upper()):
        throttle.record_failure(THROTTLE_SCOPE, number, address)
        log.warning("exam login failed: %s from %s", idcard.mask(number), address)
        raise Refused("bad_password", "身份证号码或密码不正确。密码为身份证号码后四位。")
    found = _admission(number, timezone.localdate(now))
    if found is None:
        log.warning("exam login without admission today: %s from %s", idcard.mask(number), address)
        raise Refused(
            "not_admitted", "今天没有您的考试。请核对准考证上的考试日期，或联系报名机构。"
        )
    application, sitting = found
    attempt = Attempt.objects.filter(application=application, sitting=sitting).first()
    if attempt and attempt.status == Status.HANDED_IN:
        raise Refused("handed_in", "您已交卷，不能再次进入考试。")
    probe = attempt or Attempt(application=application, sitting=sitting)
    try:
        clock.check_login(window_of(probe), now, started=attempt is not None)
    except clock.Refused as refused:
        raise Refused(refused.code, refused.message) from None
    _refuse_short_hours(probe)
    if attempt is None:
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(application=application, sitting=sitting)
        except IntegrityError:  # a second login raced the first: use its attempt
            attempt = Attempt.objects.get(application=application, sitting=sitting)
        record(None, "exams.attempt.check_in", attempt, after={"address": address})
    throttle.clear(THROTTLE_SCOPE, number)
    return attempt


def _refuse_short_hours(attempt: Attempt) -> None:
    """The sitting's class-hours rule (SPEC §8): checked until the paper is open, never
    after — a candidate who lost the network mid-exam logs in again and carries on."""
    if attempt.status != Status.CHECKED_IN:
        return
    message = learning.hours_refusal(attempt.application, attempt.sitting)
    if message:
        raise Refused("class_hours", message)


def unlock_login(id_number: str, by) -> None:
    """A proctor lifts a lock-out after checking the candidate on camera."""
    number = idcard.normalize(id_number)
    throttle.clear(THROTTLE_SCOPE, number)
    log.info("exam login unlocked for %s by %s", idcard.mask(number), by)


def token_for(attempt: Attempt) -> str:
    return signing.dumps({"a": attempt.pk, "n": attempt.token_nonce}, salt=TOKEN_SALT)


def attempt_for_token(token: str) -> Attempt | None:
    """The attempt a bearer token names, or None: one query, no session read."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    # The hot path of every save and heartbeat: one short query for the attempt, written
    # out (the ORM spent more time compiling it than PostgreSQL answering it); its sitting
    # (40 columns, the same for thousands of candidates) from this process's memory.
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    with hot_cursor() as cursor:
        cursor.execute(_READ_ATTEMPT, [data["a"]])
        row = cursor.fetchone()
    if row is None:
        return None
    attempt = Attempt.from_db(connection.alias, _ATTEMPT_FIELDS, row)
    if not hmac.compare_digest(attempt.token_nonce, str(data.get("n"))):
        return None
    attempt.sitting = _recent_sitting(attempt.sitting_id)
    return attempt


_ATTEMPT_FIELDS = [f.attname for f in Attempt._meta.concrete_fields]
_READ_ATTEMPT = (
    f"SELECT {', '.join(Attempt._meta.get_field(f).column for f in _ATTEMPT_FIELDS)} "
    f"FROM {Attempt._meta.db_table} WHERE id = %s"
)


@contextlib.contextmanager
def hot_cursor():
    """A cursor for the exam's hot statements. On PostgreSQL it binds on the server, so
    psycopg prepares each statement once per connection and PostgreSQL parses and plans it
    once (Django's own cursors bind on the client and every query is parsed anew). Errors
    still mark the connection for Django to recycle."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


SITTING_MEMORY_SECONDS = 5  # a proctor's change to a sitting reaches every worker within this
_sittings: dict[int, tuple[float, Sitting]] = {}


def forget_sitting(sender=None, instance=None, **kwargs) -> None:
    _sittings.pop(instance.pk, None)


def forget_remembered() -> None:
    """Drop what this process remembers of sittings and question versions (tests: their
    databases reuse primary keys)."""
    _sittings.clear()
    papers.forget_versions()
    _seen_written.clear()


def _recent_sitting(pk: int) -> Sitting:
    found = _sittings.get(pk)
    now = time.monotonic()
    if found is None or now - found[0] > SITTING_MEMORY_SECONDS:
        found = _sittings[pk] = (now, Sitting.objects.get(pk=pk))
    return found[1]


# --- identity, presence ----------------------------------------------------------------------

# May start: the face matched, or a photo is waiting for (or passed) a proctor's look.
IDENTIFIED = {Attempt.Identity.MATCHED, Attempt.Identity.PENDING, Attempt.Identity.ACCEPTED}
SEEN_SECONDS = 12 * 3600


def retention_ends(sitting: Sitting) -> date | None:
    """Until when a sitting's pictures and face descriptors are kept (the privacy notice
    says so; proctoring deletes them after)."""
    main = sitting.main if sitting.main_id else sitting
    if main.results_on is None:
        return None
    return main.results_on + timedelta(days=settings.PROCTORING_RETENTION_DAYS)


def accept_privacy(attempt: Attempt, now: datetime | None = None) -> None:
    if attempt.privacy_accepted_at is None:
        Attempt.objects.filter(pk=attempt.pk, privacy_accepted_at__isnull=True).update(
            privacy_accepted_at=now or timezone.now()
        )
        record(None, "exams.attempt.privacy_accepted", attempt)


def _seen_key(attempt_id: int) -> str:
    return f"exam:seen:{attempt_id}"


# Written at most this often per attempt and process: a burst of saves costs one cache write.
SEEN_EVERY_SECONDS = 10
_seen_written: dict[int, float] = {}


def mark_seen(attempt_id: int) -> None:
    """The page is there (any call of the exam API): kept in the cache, no row written."""
    now = time.time()
    if 0 <= now - _seen_written.get(attempt_id, 0) < SEEN_EVERY_SECONDS:
        return
    _seen_written[attempt_id] = now
    cache.set(_seen_key(attempt_id), now, SEEN_SECONDS)


def last_seen(attempt_ids) -> dict[int, float]:
    """When each attempt's page last reached the server (seconds since the epoch)."""
    ids = list(attempt_ids)
    found = cache.get_many([_seen_key(pk) for pk in ids])
    return {pk: found[_seen_key(pk)] for pk in ids if _seen_key(pk) in found}


# --- the paper ---------------------------------------------------------------------------


@transaction.atomic
def start(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """From the start time on: give the attempt its own paper (once) and show it."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.status == Status.HANDED_IN:
        raise Refused("handed_in", "您已交卷。")
    if not clock.may_start(window_of(attempt), now):
        raise Refused("not_started", "考试尚未开始，请等待开考。")
    if attempt.sitting.face_check and attempt.identity not in IDENTIFIED:
        raise Refused("identity", "请先完成人脸核验（或拍照上传）后再开始考试。")
    _refuse_short_hours(attempt)
    if attempt.paper_id is None:
        application = attempt.application
        # A system test gets a practice paper from the same machinery; exam papers stay unseen.
        purpose = Paper.Purpose.PRACTICE if attempt.sitting.kind == "test" else Paper.Purpose.EXAM
        attempt.paper = _prepared_paper(attempt) or papers.build_paper(
            application.subject, purpose=purpose, label=application.ticket_number or ""
        )
        attempt.item_count = len(attempt.paper.items)
    if attempt.status == Status.CHECKED_IN:
        attempt.status = Status.ANSWERING
        attempt.started_at = now
    attempt.save()
    return attempt


def prepare_papers(sitting: Sitting) -> int:
    """Build the papers of a sitting's admissions ahead (the evening before), so that 9:00
    assembles nothing: each is labelled with its admission's ticket number."""
    done = 0
    applications = (
        Application.objects.filter(sitting=sitting, status=Application.Status.APPROVED)
        .exclude(ticket_number="")
        .exclude(ticket_number__isnull=True)
        .select_related("subject")
    )
    labelled = set(
        Paper.objects.filter(purpose=Paper.Purpose.EXAM, label__in=applications.values(
            "ticket_number")).values_list("label", flat=True)
    )  # fmt: skip
    by_subject: dict = {}
    for application in applications:
        if application.ticket_number in labelled:
            continue
        by_subject.setdefault(application.subject, []).append(application)
    for subject, group in by_subject.items():
        assembler, blueprint = papers.assembler(subject), papers.blueprint_of(subject)
        rows = [
            papers.paper_row(subject, assembler.paper(secrets.randbits(48)),
                             Paper.Purpose.EXAM, a.ticket_number, blueprint=blueprint)
            for a in group
        ]  # fmt: skip
        Paper.objects.bulk_create(rows, batch_size=500)
        bank_services.mark_used({e["version_id"] for r in rows for e in r.items})
        done += len(rows)
    return done


def _prepared_paper(attempt: Attempt) -> Paper | None:
    ticket = attempt.application.ticket_number
    if not ticket or attempt.sitting.kind != Sitting.Kind.REGULAR:
        return None
    return Paper.objects.filter(
        purpose=Paper.Purpose.EXAM, label=ticket, subject=attempt.application.subject_id
    ).first()


ShownItem = papers.ShownItem  # the paper as its candidate sees it (bank.papers)


def shown_items(attempt: Attempt) -> list[ShownItem]:
    """The paper as this candidate sees it: their parameters, their option order."""
    if attempt.paper_id is None:
        return []
    return papers.shown_items(attempt.paper)


# --- saves, leaves, hand-in ------------------------------------------------------------------


Save = saves_rule.Save


def _open_or_refuse(attempt: Attempt, now: datetime) -> None:
    if attempt.status == Status.HANDED_IN:
        raise Refused("handed_in", "您已交卷，答案不能再修改。")
    if attempt.status != Status.ANSWERING:
        raise Refused("not_started", "考试尚未开始。")
    try:
        clock.check_save(window_of(attempt), now)
    except clock.Refused as refused:
        raise Refused(refused.code, refused.message) from None


def save_answers(attempt: Attempt, saves: list[Save], now: datetime | None = None) -> int:
    """Apply saves once each, in sequence order; returns the highest sequence applied.

    A save at or below the last applied sequence is a retry and is ignored; a
    gap stops the batch (the client resends what follows). The reply is sent
    only after the write commits, so an acknowledged save is durable.

    The hot path of exam day. On PostgreSQL one statement does it all, planned from
    the attempt the token just read: it moves the attempt's sequence only if nobody
    moved it since (compare-and-set) and the attempt is still open, journals the saves
    and upserts the answers. If another save or the hand-in came first it writes
    nothing, and the saves are applied again under a row lock.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql" and attempt.status == Status.ANSWERING:
        _open_or_refuse(attempt, now)
        applied, last = _plan(attempt, saves)
        if not applied:
            return attempt.last_seq
        if _store_at_once(attempt, applied, last, now):
            attempt.last_seq = last
            return last
    return _save_locked(attempt, saves, now)


def _plan(attempt: Attempt, saves: list[Save]) -> tuple[list[Save], int]:
    total = attempt.item_count or len(attempt.paper.items)
    try:
        return saves_rule.in_sequence(saves, attempt.last_seq, total)
    except saves_rule.NoSuchItem as error:
        raise Refused("bad_item", str(error)) from None


_SAVE_AT_ONCE = """
WITH moved AS (
    UPDATE exams_attempt SET last_seq = %(last)s
    WHERE id = %(attempt)s AND last_seq = %(prev)s AND status = 'answering'
    RETURNING id
), journal AS (
    INSERT INTO exams_journalentry (attempt_id, seq, n, value, client_time_ms, server_time)
    SELECT moved.id, j.seq, j.n, j.value, j.client_time_ms, %(now)s
    FROM moved, UNNEST(%(seqs)s::bigint[], %(ns)s::smallint[], %(values)s::text[],
                        %(times)s::bigint[]) AS j(seq, n, value, client_time_ms)
)
INSERT INTO exams_answer (attempt_id, n, value, seq, saved_at)
SELECT moved.id, a.n, a.value, a.seq, %(now)s
FROM moved, UNNEST(%(answer_ns)s::smallint[], %(answer_values)s::text[],
                   %(answer_seqs)s::bigint[]) AS a(n, value, seq)
ON CONFLICT (attempt_id, n)
DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq, saved_at = EXCLUDED.saved_at
RETURNING 1
"""


def _store_at_once(attempt: Attempt, applied: list[Save], last: int, now: datetime) -> bool:
    current = {s.n: s for s in applied}  # the last save of each question wins
    params = {
        "attempt": attempt.pk, "prev": attempt.last_seq, "last": last, "now": now,
        "seqs": [s.seq for s in applied], "ns": [s.n for s in applied],
        "values": [(s.value or "")[:MAX_ANSWER_CHARS] for s in applied],
        "times": [s.client_time_ms for s in applied],
        "answer_ns": list(current), "answer_seqs": [s.seq for s in current.values()],
        "answer_values": [(s.value or "")[:MAX_ANSWER_CHARS] for s in current.values()],
    }  # fmt: skip
    # One statement, committed on its own (autocommit): no BEGIN and COMMIT round trips.
    with hot_cursor() as cursor:
        cursor.execute(_SAVE_AT_ONCE, params)
        return bool(cursor.fetchall())


@transaction.atomic
def _save_locked(attempt: Attempt, saves: list[Save], now: datetime) -> int:
    attempt = Attempt.objects.select_for_update().select_related("sitting").get(pk=attempt.pk)
    _open_or_refuse(attempt, now)
    applied, last = _plan(attempt, saves)
    if not applied:
        return attempt.last_seq
    JournalEntry.objects.bulk_create(
        [JournalEntry(attempt=attempt, seq=s.seq, n=s.n, value=(s.value or "")[:MAX_ANSWER_CHARS],
                      client_time_ms=s.client_time_ms, server_time=now) for s in applied]
    )  # fmt: skip
    current = {s.n: s for s in applied}
    Answer.objects.bulk_create(
        [Answer(attempt=attempt, n=n, value=(s.value or "")[:MAX_ANSWER_CHARS], seq=s.seq,
                saved_at=now) for n, s in current.items()],
        update_conflicts=True, unique_fields=["attempt", "n"],
        update_fields=["value", "seq", "saved_at"],
    )  # fmt: skip
    Attempt.objects.filter(pk=attempt.pk).update(last_seq=last)
    attempt.last_seq = last
    return last


@transaction.atomic
def record_leave(attempt: Attempt, detail: dict, now: datetime | None = None) -> Attempt:
    """One leave (离开考试) that outlasted the countdown; at the sitting's limit the paper is handed in."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("sitting").get(pk=attempt.pk)
    if attempt.status != Status.ANSWERING:
        return attempt
    attempt.leave_count += 1
    attempt.save(update_fields=["leave_count"])
    Event.objects.create(attempt=attempt, kind="leave", at=now, detail=detail)
    if attempt.leave_count >= attempt.sitting.leave_limit:
        attempt = _hand_in(attempt, Attempt.HandIn.LEAVES, now, None)
    return attempt


def record_event(
    attempt: Attempt,
    kind: str,
    client_time_ms: int | None,
    detail: dict | None = None,
    now: datetime | None = None,
) -> None:
    Event.objects.create(
        attempt=attempt,
        kind=kind[:20],
        at=now or timezone.now(),
        client_time_ms=client_time_ms,
        detail=detail or {},
    )


def _hand_in(attempt: Attempt, reason: str, now: datetime, by) -> Attempt:
    attempt.status = Status.HANDED_IN
    attempt.handed_in_at = now
    attempt.hand_in_reason = reason
    attempt.needs_decision = attempt.needs_decision or reason == Attempt.HandIn.LEAVES
    attempt.save()
    attempt_id = attempt.pk
    transaction.on_commit(lambda: signals.handed_in.send(Attempt, attempt_id=attempt_id))
    record(
        by,
        "exams.attempt.hand_in",
        attempt,
        after={"reason": reason, "answered": attempt.answers.count()},
    )
    return attempt


@transaction.atomic
def hand_in(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """The candidate hands in: only after the earliest hand-in time, and only once."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("sitting").get(pk=attempt.pk)
    if attempt.status == Status.HANDED_IN:
        return attempt
    try:
        clock.check_hand_in(window_of(attempt), now)
    except clock.Refused as refused:
        raise Refused(refused.code, refused.message) from None
    return _hand_in(attempt, Attempt.HandIn.CANDIDATE, now, None)


def hand_in_if_over(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Enforced on every request: an attempt past its end is handed in, browser or not."""
    now = now or timezone.now()
    if attempt.status != Status.HANDED_IN and clock.is_over(window_of(attempt), now):
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            if locked.status != Status.HANDED_IN:
                return _hand_in(locked, Attempt.HandIn.TIME, now, None)
            return locked
    return attempt


def sweep(now: datetime | None = None) -> int:
    """Hand in every attempt whose time is over (run by `carboncert tick`).

    At the end of a sitting that is thousands at once, so in bulk: one lock, one
    update, one audit insert, one announcement for grading to score them together."""
    now = now or timezone.now()
    candidates = Attempt.objects.exclude(status=Status.HANDED_IN).filter(sitting__ends_at__lte=now)
    over = [a.pk for a in candidates.select_related("sitting") if clock.is_over(window_of(a), now)]
    if not over:
        return 0
    with transaction.atomic():
        ids = list(
            Attempt.objects.select_for_update()
            .filter(pk__in=over)
            .exclude(status=Status.HANDED_IN)
            .values_list("pk", flat=True)
        )
        Attempt.objects.filter(pk__in=ids).update(
            status=Status.HANDED_IN, handed_in_at=now, hand_in_reason=Attempt.HandIn.TIME
        )
        answered = dict(
            Answer.objects.filter(attempt__in=ids)
            .values_list("attempt")
            .annotate(n=models.Count("pk"))
            .values_list("attempt", "n")
        )
        AuditEvent.objects.bulk_create(
            [AuditEvent(action="exams.attempt.hand_in", object_type="exams.attempt",
                        object_id=str(pk), object_repr=f"attempt {pk}",
                        after={"reason": Attempt.HandIn.TIME, "answered": answered.get(pk, 0)})
             for pk in ids],
            batch_size=1000,
        )  # fmt: skip
        transaction.on_commit(lambda: signals.handed_in_many.send(Attempt, attempt_ids=ids))
    return len(ids)


@transaction.atomic
def grant_extra_time(attempt: Attempt, minutes: int, by, reason: str) -> Attempt:
    """A proctor gives one attempt extra minutes (补时); its countdown follows at the next heartbeat."""
    if not 1 <= minutes <= 120:
        raise Refused("bad_minutes", "补时应为 1 到 120 分钟。")
    if not reason.strip():
        raise Refused("no_reason", "补时需要填写原因。")
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.status == Status.HANDED_IN:
        raise Refused("handed_in", "该考生已交卷，不能补时。")
    before = attempt.extra_minutes
    attempt.extra_minutes += minutes
    attempt.save(update_fields=["extra_minutes"])
    record(by, "exams.attempt.extra_time", attempt, before={"extra_minutes": before},
           after={"extra_minutes": attempt.extra_minutes}, reason=reason)  # fmt: skip
    return attempt


@transaction.atomic
def end_attempt(attempt: Attempt, by, reason: str, how: str = Attempt.HandIn.PROCTOR) -> Attempt:
    """A proctor collects the paper (收卷) before its time, with a reason (audited)."""
    if not reason.strip():
        raise Refused("no_reason", "收卷需要填写原因。")
    attempt = Attempt.objects.select_for_update().select_related("sitting").get(pk=attempt.pk)
    if attempt.status == Status.HANDED_IN:
        return attempt
    attempt = _hand_in(attempt, how, timezone.now(), by)
    record(by, "exams.attempt.ended", attempt, after={"how": how}, reason=reason)
    return attempt


@transaction.atomic
def grant_makeup(application: Application, sitting: Sitting, by, reason: str) -> MakeupGrant:
    """Let one admission sit a make-up sitting, e.g. after a technical failure (audited)."""
    if sitting.kind != Sitting.Kind.MAKEUP or sitting.main_id != application.sitting_id:
        raise Refused("bad_sitting", "请选择属于该考试批次的补考批次。")
    if not reason.strip():
        raise Refused("no_reason", "批准补考需要填写原因。")
    grant, created = MakeupGrant.objects.get_or_create(
        application=application, sitting=sitting, defaults={"reason": reason, "granted_by": by}
    )
    if created:
        record(by, "exams.makeup.grant", application, after={"sitting": sitting.pk}, reason=reason)
    return grant
