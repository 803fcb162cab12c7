"""A wrong key shows as negative discrimination; correcting it re-scores exactly the attempts
it touched, each change audited."""

import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles
from carboncert.audit.models import AuditEvent
from carboncert.bank.assembly import OPTION_KEYS
from carboncert.bank.models import QuestionVersion
from carboncert.exams.models import Answer, Attempt
from carboncert.grading import reports, services, simulate
from carboncert.grading.models import AttemptScore

pytestmark = pytest.mark.django_db


def bad_version():
    return next(v for v in QuestionVersion.objects.all() if simulate.BAD_STEM in v.content["stem"])


def test_the_planted_bad_question_is_flagged_and_its_correction_rescores_exactly_its_attempts(
    ended, client
):
    sitting = ended(300, bad=True)
    bad = bad_version()
    rows = {row.version.pk: row for row in reports.item_analysis(sitting)}
    row = rows[bad.pk]
    assert row.stats.responses >= 30
    assert row.stats.flagged and row.stats.discrimination < 0
    # It is the worst question of the paper, and the good ones discriminate.
    assert row.stats.discrimination == min(r.stats.discrimination for r in rows.values()
                                           if r.stats.discrimination is not None)  # fmt: skip
    good = [r for r in rows.values() if r.version.pk != bad.pk and r.stats.responses >= 30]
    assert sum(r.stats.discrimination > 0 for r in good) >= 0.9 * len(good)

    # Who should change: those who chose the keyed option (now wrong) or the known one (now right).
    expected = set()
    for attempt in Attempt.objects.select_related("paper"):
        for n, entry in enumerate(attempt.paper.items, start=1):
            if entry["version_id"] == bad.pk:
                value = Answer.objects.filter(attempt=attempt, n=n).first()
                chosen = value.value if value else ""
                if chosen and entry["option_order"][OPTION_KEYS.index(chosen)] in (0, 1):
                    expected.add(attempt.pk)
    before = dict(AttemptScore.objects.values_list("attempt_id", "objective_points"))
    editor = testing.staff("editor", roles.QUESTION_EDITOR)
    client.force_login(editor)
    response = client.post(reverse("grading:correct_key", args=[bad.pk]),
                           {"correct": ["1"], "reason": "原答案有误，应为乙"})  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert f"成绩有变化的考生（{len(expected)} 人）" in page
    after = dict(AttemptScore.objects.values_list("attempt_id", "objective_points"))
    assert {pk for pk in after if after[pk] != before[pk]} == expected
    audits = AuditEvent.objects.filter(action="grading.score.rescored")
    assert {int(a.object_id) for a in audits} == expected
    one = audits.first()
    assert one.reason.startswith("答案更正") and one.actor == editor
    assert one.before["objective_points"] != one.after["objective_points"]
    # A second click on the same correction changes nothing.
    again = client.post(reverse("grading:correct_key", args=[bad.pk]),
                        {"correct": ["1"], "reason": "原答案有误，应为乙"})  # fmt: skip
    assert "无需更正" in again.content.decode()
    assert AuditEvent.objects.filter(action="grading.key.corrected").count() == 1
    # Now the question discriminates like the others, and the page says it was corrected.
    row = next(r for r in reports.item_analysis(sitting) if r.version.pk == bad.pk)
    assert not row.stats.flagged and row.corrected


def test_a_correction_that_changes_nothing_or_is_malformed_is_refused(ended):
    ended(3, bad=True)
    bad = bad_version()
    editor = testing.staff("editor", roles.QUESTION_EDITOR)
    for correct, reason, message in [([0], "同原答案", "相同"), ([0, 1], "两个", "只能有一个"),
                                     ([7], "越界", "请选择"), ([1], " ", "原因")]:  # fmt: skip
        with pytest.raises(services.CorrectionRefused, match=message):
            services.correct_key(bad, correct, editor, reason)
    assert not AuditEvent.objects.filter(action="grading.key.corrected").exists()


def test_the_statistics_page_draws_its_charts_for_staff_only(ended, graders, chief, client):
    sitting = ended(20, bad=True)
    client.force_login(chief)
    page = client.get(reverse("grading:statistics", args=[sitting.pk])).content.decode()
    assert page.count("<svg") >= 3 and 'id="items"' in page and "区分度" in page
    client.force_login(graders[0])
    assert client.get(reverse("grading:statistics", args=[sitting.pk])).status_code == 403
