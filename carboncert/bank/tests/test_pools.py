"""The exam pool and the practice pool: what candidates practise on never reaches an exam."""

import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles
from carboncert.audit.models import AuditEvent
from carboncert.bank import demo_content, papers, services
from carboncert.bank.models import Paper, Question
from carboncert.catalog.models import KnowledgePoint, Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_pools(catalogue):
    """The CE-1 demo set, every third question in the practice pool (as the demo does)."""
    author = testing.staff("author", roles.QUESTION_EDITOR)
    reviewer = testing.staff("checker", roles.QUESTION_EDITOR)
    points = {p.name: p for p in KnowledgePoint.objects.all()}
    for n, (name, item) in enumerate(demo_content.load()):
        question = services.create_question(points[name], item, by=author, practice=n % 3 == 2)
        services.move(question, Question.Status.REVIEW, by=author)
        services.move(question, Question.Status.ACTIVE, by=reviewer)
    return Subject.objects.get(code="CE-1"), author


def pools_of(paper):
    versions = [item["version_id"] for item in paper.items]
    return set(Question.objects.filter(current__in=versions).values_list("practice", flat=True))


def test_exam_papers_draw_only_on_the_exam_pool_and_mocks_only_on_the_practice_pool(two_pools):
    subject, _ = two_pools
    for seed in range(5):
        assert pools_of(papers.build_paper(subject, seed=seed)) == {False}
        mock = papers.build_paper(subject, seed=seed, purpose=Paper.Purpose.MOCK)
        assert pools_of(mock) == {True}
    assert papers.readiness(subject) == [] and papers.readiness(subject, practice=True) == []


def test_a_practice_question_seen_on_a_paper_never_returns_to_the_exam_pool(two_pools):
    subject, author = two_pools
    mock = papers.build_paper(subject, seed=1, purpose=Paper.Purpose.MOCK)
    seen = Question.objects.get(current=mock.items[0]["version_id"])
    with pytest.raises(services.BankError, match="考生已见过"):
        services.set_pool(seen, False, by=author)
    unseen = Question.objects.filter(practice=False).exclude(versions__used=True).first()
    services.set_pool(unseen, True, by=author)
    assert Question.objects.get(pk=unseen.pk).practice
    event = AuditEvent.objects.filter(action="bank.question.pool").get()
    assert (event.before, event.after) == ({"practice": False}, {"practice": True})


def test_editors_choose_the_pool_on_the_form_and_filter_by_it(client, two_pools):
    subject, author = two_pools
    client.force_login(author)
    point = KnowledgePoint.objects.filter(modules__subject=subject).first()
    form = {
        "knowledge_point": point.pk, "type": "single", "difficulty": 2, "stem": "新的练习题",
        "option_A": "对", "correct_A": "on", "option_B": "错", "practice": "on",
    }  # fmt: skip
    assert client.post(reverse("bank:question_new"), form).status_code == 302
    question = Question.objects.get(stem_key__contains="新的练习题")
    assert question.practice
    link = f'href="{reverse("bank:question", args=[question.pk])}"'
    listed = client.get(reverse("bank:questions"), {"pool": "practice", "q": "新的练习题"})
    assert link in listed.content.decode()
    listed = client.get(reverse("bank:questions"), {"pool": "exam", "q": "新的练习题"})
    assert link not in listed.content.decode()
    client.post(reverse("bank:question_pool", args=[question.pk]), {"practice": "0"})
    assert not Question.objects.get(pk=question.pk).practice
