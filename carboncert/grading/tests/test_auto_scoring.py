"""Handed-in attempts are scored at once, by the sweep when that failed, and again when the rule changes."""

from decimal import Decimal as D

import pytest

from carboncert import testing
from carboncert.audit.models import AuditEvent
from carboncert.catalog.models import Subject
from carboncert.exams import services as exams
from carboncert.exams.models import Attempt
from carboncert.exams.tests.conftest import ID, admit, at, stock_bank
from carboncert.grading import services
from carboncert.grading.models import AttemptScore
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import generate_sittings, save_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting(catalogue, time_machine):
    time_machine.move_to(at(8, 40), tick=False)
    generate_sittings(2026)
    subject = Subject.objects.get(code="CE-1")
    stock_bank(subject, short=False, every_type=True)
    sitting = Sitting.objects.get(date="2026-12-19")
    institution = testing.institution()
    admit(ID, "张三", sitting, subject, institution)
    admit(testing.id_number(sequence=321), "李四", sitting, subject, institution)
    time_machine.move_to(at(9, 1), tick=False)
    return sitting


def answered(id_number, last_four, answer_for) -> Attempt:
    """Log in, start and answer every question with answer_for(question's key, type)."""
    attempt = exams.start(exams.exam_login(id_number, last_four, "10.0.0.1"))
    keys = services._keys({}, {attempt.paper_id: attempt.paper.items})[attempt.paper_id]
    saves = [exams.Save(n, n, answer_for(k)) for n, k in enumerate(keys, start=1)]
    exams.save_answers(attempt, saves)
    return attempt


def right(key):
    if key.type == "numeric":
        return f"{key.expected:g}"
    return key.correct if key.type != "short" else "建立台账"


def half_right(key):
    return key.correct[:1] if key.type == "multiple" else right(key)


def test_an_attempt_is_scored_when_it_is_handed_in(sitting, django_capture_on_commit_callbacks):
    attempt = answered(ID, "107x", right)
    with django_capture_on_commit_callbacks(execute=True):
        exams.hand_in(attempt, now=at(9, 31))
    score = AttemptScore.objects.get(attempt=attempt)
    # 16 single, a multiple and a numeric of 5 points right; the short answer of 10 waits.
    assert (score.objective_points, score.objective_max, score.to_mark) == (D(90), D(90), 1)
    assert score.items == [[5.0, "right"]] * 18 + [[None, "to_mark"]]
    assert score.multiple_rule == "all_or_nothing"


def test_the_sweep_scores_what_the_hand_in_could_not(
    sitting, django_capture_on_commit_callbacks, monkeypatch
):
    zhang = answered(ID, "107x", half_right)
    li = answered(testing.id_number(sequence=321), testing.id_number(sequence=321)[-4:], right)

    def broken(ids, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "score_attempts", broken)
    with django_capture_on_commit_callbacks(execute=True):
        exams.hand_in(zhang, now=at(9, 31))  # the hand-in stands although scoring failed
    zhang.refresh_from_db()
    assert zhang.status == Attempt.Status.HANDED_IN
    assert not AttemptScore.objects.exists()
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        assert exams.sweep(now=at(11, 0, 30)) == 1  # 李四's browser is gone: handed in at the end
    assert AttemptScore.objects.filter(attempt=li).exists()  # scored on its hand-in
    assert services.score_unscored() == 1  # and 张三's by the sweep
    assert services.score_unscored() == 0
    # 张三 chose one of the multiple choice's correct options: nothing, all or nothing.
    assert AttemptScore.objects.get(attempt=zhang).objective_points == D(85)


def test_a_change_of_rule_rescores_and_audits_only_the_changed(sitting):
    zhang = answered(ID, "107x", half_right)
    li = answered(testing.id_number(sequence=321), testing.id_number(sequence=321)[-4:], right)
    for attempt in (zhang, li):
        exams.hand_in(attempt, now=at(9, 31))
    assert services.score_attempts([zhang.pk, li.pk]) == 2
    sitting.multiple_partial_credit = True
    save_rules(sitting, reason="多选题少选得分")
    admin = testing.administrator()
    assert services.score_attempts([zhang.pk, li.pk], by=admin, reason="规则调整") == 2

    # One of two correct options: 2.5 of 5 under partial credit. 李四's score is unchanged.
    assert AttemptScore.objects.get(attempt=zhang).objective_points == D("87.5")
    assert AttemptScore.objects.get(attempt=li).objective_points == D(90)
    audit = AuditEvent.objects.filter(action="grading.score.rescored")
    assert [(e.object_id, e.actor, e.reason) for e in audit] == [(str(zhang.pk), admin, "规则调整")]
    event = audit.get()
    assert (event.before["objective_points"], event.after["objective_points"]) == ("85.00", "87.5")


def test_an_attempt_not_handed_in_is_not_scored(sitting):
    attempt = answered(ID, "107x", right)
    assert services.score_attempts([attempt.pk]) == 0
    assert not AttemptScore.objects.exists()
