"""A sitting that ended at 11:00 on 2026-12-19, with simulated candidates who handed in."""

from datetime import date

import pytest

from carboncert import testing
from carboncert.accounts import roles
from carboncert.catalog.models import Subject
from carboncert.exams.tests.conftest import at
from carboncert.grading import services, simulate
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import enter_calendar_year, generate_sittings
from carboncert.sittings.workdays import DayRule


@pytest.fixture
def ended(catalogue, time_machine):
    """A function: ended(count, bad=False) → the sitting, its attempts scored."""
    time_machine.move_to(at(11, 5), tick=False)
    generate_sittings(2026)
    # The results date is in January 2027, a year the holiday library does not know yet.
    enter_calendar_year(2027, "测试用：元旦放假", [DayRule(date(2027, 1, 1), False, "元旦")])
    sitting = Sitting.objects.get(date="2026-12-19")
    subject = Subject.objects.get(code="CE-1")

    def make(count, *, bad=False, seed=11):
        simulate.stock(subject, bad=bad)
        attempts = simulate.sitting_of_attempts(subject, sitting, count, seed=seed)
        services.score_attempts([a.pk for a in attempts])
        return sitting

    return make


@pytest.fixture
def graders(db):
    return [testing.staff(f"grader{n}", roles.GRADER) for n in (1, 2, 3)]


@pytest.fixture
def chief(db):
    return testing.staff("chief", roles.CHIEF_GRADER)


mark_everything = simulate.mark_everything
