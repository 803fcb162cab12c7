"""Who may see which result, and from when: the only way views fetch results.

Outside staff, a result exists only from its sitting's results date (成绩查询日,
15 working days after the exam) on. The date is read from the sitting at each
request, so release needs nobody to press a button, and a moved date moves it.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from carboncert.accounts import roles

from .models import Result

STAFF = (roles.ADMINISTRATOR, roles.CHIEF_GRADER)


def released(qs: QuerySet, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return qs.filter(sitting__results_on__isnull=False, sitting__results_on__lte=today)


def _results():
    return Result.objects.select_related(
        "application__person", "application__institution", "application__subject__level",
        "application__subject__specialty", "sitting",
    )  # fmt: skip


def is_results_staff(user) -> bool:
    return user.is_authenticated and any(user.has_role(r) for r in STAFF)


def results_for(user, today: datetime.date | None = None) -> QuerySet:
    """Staff: every result, released or not. A candidate: their own, released. Institution
    staff: their institution's candidates', released. Anyone else: none."""
    qs = _results()
    if not user.is_authenticated:
        return qs.none()
    if is_results_staff(user):
        return qs
    scope = Q()
    if user.has_role(roles.INSTITUTION) and user.institution_id:
        scope |= Q(application__institution_id=user.institution_id)
    if user.has_role(roles.CANDIDATE) and user.person_id:
        scope |= Q(application__person_id=user.person_id)
    if not scope:
        return qs.none()
    return released(qs.filter(scope), today)


def public_lookup(id_number: str, name: str, today: datetime.date | None = None) -> QuerySet:
    """The public score look-up: released results of the person with this ID number and name."""
    return released(
        _results().filter(
            application__person__id_number=id_number, application__person__name=name.strip()
        ),
        today,
    ).order_by("-sitting__date")
