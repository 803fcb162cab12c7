"""Double marking (双评) of a whole sitting: three graders, one chief grader arbitrating."""

import random
from decimal import Decimal as D

import pytest

from carboncert.grading import services
from carboncert.grading.models import Assignment, Mark, Marking, Result
from carboncert.grading.tests.conftest import mark_everything

pytestmark = pytest.mark.django_db


def test_a_sitting_of_500_is_double_marked_arbitrated_and_given_results(ended, graders, chief):
    sitting = ended(500)
    questions = set(Marking.objects.values_list("question", flat=True))
    services.ensure_assignments(sitting)
    # Each short-answer question in use goes to two graders at least, and everyone has work.
    for question in questions:
        assert Assignment.objects.filter(sitting=sitting, question=question).count() >= 2
    assert {a.grader for a in Assignment.objects.all()} == set(graders)
    assert Marking.objects.count() == 500
    given, arbitrated = mark_everything(sitting, graders, chief, random.Random(3))

    markings = Marking.objects.all()
    assert not markings.exclude(state=Marking.State.DONE).exists()
    for marking in markings.prefetch_related("marks"):
        two = [m for m in marking.marks.all() if m.round in ("first", "second")]
        assert len(two) == 2 and two[0].grader_id != two[1].grader_id  # two different people
    # Differences over the threshold (2 points) went to the chief, and only those.
    for marking in Marking.objects.filter(marks__round="arbiter").distinct():
        first, second = (m.points for m in marking.marks.filter(round__in=["first", "second"]))
        assert abs(first - second) > sitting.double_mark_threshold
    assert arbitrated == Mark.objects.filter(round="arbiter").count() > 0
    # All three graders took part; drift checks came back at about 5% of each one's marks.
    counts = {g.username: Mark.objects.filter(grader=g, round__in=["first", "second"]).count()
              for g in graders}  # fmt: skip
    assert sum(counts.values()) == 1000 and min(counts.values()) > 100
    checks = Mark.objects.filter(round="check").count()
    assert 30 <= checks <= 55
    assert given == 1000 + checks
    # Marking complete: every candidate has a result, total = objective + short answer.
    assert Result.objects.filter(sitting=sitting).count() == 500
    result = Result.objects.select_related("attempt__score").first()
    marking = Marking.objects.get(attempt=result.attempt)
    assert result.total == result.attempt.score.objective_points + marking.final_points


def test_a_grader_never_sees_the_other_mark_nor_marks_one_answer_twice(ended, graders):
    sitting = ended(3)
    services.ensure_assignments(sitting)
    one, two = graders[:2]
    task = services.next_task(one, sitting)
    services.enter_mark(one, task.marking.pk, 6)
    # The second grader is handed the same answer (pairs complete first) with no marks on it.
    again = services.next_task(two, sitting)
    assert again.marking.pk == task.marking.pk and again.marks == []
    with pytest.raises(services.MarkRefused, match="您已评过"):
        services.enter_mark(one, task.marking.pk, 7)  # a double click
    assert Mark.objects.filter(marking=task.marking).count() == 1
    # The first grader is never handed it back (until a drift check, much later).
    assert services.next_task(one, sitting).marking.pk != task.marking.pk


def test_an_answer_held_by_one_grader_is_not_handed_to_another(ended, graders):
    sitting = ended(2)
    services.ensure_assignments(sitting)
    first = services.next_task(graders[0], sitting)
    second = services.next_task(graders[1], sitting)
    assert first.marking.pk != second.marking.pk
    with pytest.raises(services.MarkRefused, match="其他阅卷员"):
        services.enter_mark(graders[2], first.marking.pk, 5)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("11", "0 到 10"),
        ("-1", "0 到 10"),
        ("6.3", "半分"),
        ("六", "请输入分数"),
        ("nan", "请输入"),
    ],
)
def test_a_mark_out_of_range_is_refused_and_changes_nothing(ended, graders, points, message):
    sitting = ended(1)
    services.ensure_assignments(sitting)
    task = services.next_task(graders[0], sitting)
    with pytest.raises(services.MarkRefused, match=message):
        services.enter_mark(graders[0], task.marking.pk, points)
    assert not Mark.objects.exists()


def test_only_a_chief_grader_who_did_not_mark_it_arbitrates(ended, graders, chief):
    sitting = ended(1)
    services.ensure_assignments(sitting)
    task = services.next_task(graders[0], sitting)
    services.enter_mark(graders[0], task.marking.pk, 2)
    services.enter_mark(graders[1], task.marking.pk, 9)
    marking = Marking.objects.get()
    assert marking.state == Marking.State.ARBITRATION
    with pytest.raises(services.MarkRefused, match="阅卷组长"):
        services.arbitrate(graders[2], marking.pk, 8)
    services.arbitrate(chief, marking.pk, 8)
    marking.refresh_from_db()
    # The mean of the arbiter's mark and the nearer first-round mark (9): 8.5.
    assert (marking.state, marking.final_points) == (Marking.State.DONE, D("8.5"))
    with pytest.raises(services.MarkRefused, match="不需要仲裁"):
        services.arbitrate(chief, marking.pk, 8)
