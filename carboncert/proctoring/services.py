"""Cheating cases: opened by the leave limit or by a proctor, decided by a proctor, audited."""

from django.db import transaction
from django.utils import timezone

from carboncert.audit.services import record
from carboncert.exams.models import Attempt

from . import signals
from .models import CheatingCase


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def on_hand_in(sender, attempt_id: int, **kwargs) -> None:
    attempt = Attempt.objects.get(pk=attempt_id)
    if attempt.hand_in_reason == Attempt.HandIn.LEAVES:
        open_case(attempt, CheatingCase.Source.LEAVES)


def open_case(attempt: Attempt, source: str, by=None) -> CheatingCase:
    """One open case per attempt: a second report joins the open one."""
    with transaction.atomic():
        Attempt.objects.select_for_update().get(pk=attempt.pk)
        case = attempt.cases.filter(status=CheatingCase.Status.OPEN).first()
        if case is None:
            case = CheatingCase.objects.create(attempt=attempt, source=source)
            record(by, "proctoring.case.opened", case, after={"source": source})
        if not attempt.needs_decision:
            Attempt.objects.filter(pk=attempt.pk).update(needs_decision=True)
    return case


def decide(case: CheatingCase, confirmed: bool, by, reason: str) -> CheatingCase:
    if not reason.strip():
        raise Refused("请填写判定理由。")
    with transaction.atomic():
        case = CheatingCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CheatingCase.Status.OPEN:
            raise Refused("该案件已判定，不能重复判定。")
        case.status = CheatingCase.Status.CONFIRMED if confirmed else CheatingCase.Status.DISMISSED
        case.decided_by, case.decided_at, case.reason = by, timezone.now(), reason.strip()
        case.save()
        still_open = case.attempt.cases.filter(status=CheatingCase.Status.OPEN).exists()
        Attempt.objects.filter(pk=case.attempt_id).update(needs_decision=still_open)
        record(by, "proctoring.case.decided", case, before={"status": "open"},
               after={"status": case.status}, reason=case.reason)  # fmt: skip
        attempt_id = case.attempt_id
        transaction.on_commit(
            lambda: signals.case_decided.send(CheatingCase, attempt_id=attempt_id)
        )
    return case


def confirmed_cheating(attempt_ids) -> set[int]:
    return set(
        CheatingCase.objects.filter(
            attempt__in=attempt_ids, status=CheatingCase.Status.CONFIRMED
        ).values_list("attempt_id", flat=True)
    )
