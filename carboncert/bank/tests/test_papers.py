"""Papers from the database's bank: exact weights, frozen versions, readiness reports."""

from collections import Counter

import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles
from carboncert.bank import assembly, demo_content, papers, services
from carboncert.bank.items import Item, Option, QuestionType
from carboncert.bank.models import Question, QuestionVersion
from carboncert.catalog.models import KnowledgePoint, Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def ce1_bank(catalogue):
    author = testing.staff("author", roles.QUESTION_EDITOR)
    reviewer = testing.staff("checker", roles.QUESTION_EDITOR)
    points = {p.name: p for p in KnowledgePoint.objects.all()}
    for name, item in demo_content.load():
        question = services.create_question(points[name], item, by=author)
        services.move(question, Question.Status.REVIEW, by=author)
        services.move(question, Question.Status.ACTIVE, by=reviewer)
    return Subject.objects.get(code="CE-1"), author


def module_points(paper):
    points = Counter()
    for item in paper.items:
        points[item["module"]] += item["points"]
    return [points[m] for m in sorted(points)]


def test_a_stored_paper_follows_the_weights_and_freezes_its_versions(ce1_bank):
    subject, _ = ce1_bank
    paper = papers.build_paper(subject, seed=2026)
    assert module_points(paper) == [10, 25, 45, 20]
    assert sum(i["points"] for i in paper.items) == 100
    versions = [i["version_id"] for i in paper.items]
    assert len(versions) == len(set(versions)) == 49
    assert QuestionVersion.objects.filter(pk__in=versions, used=True).count() == 49


def test_a_paper_rebuilt_from_its_seed_is_the_same_and_edits_leave_it_alone(ce1_bank):
    subject, author = ce1_bank
    paper = papers.build_paper(subject, seed=7)
    rebuilt = papers.assembler(subject).paper(7)
    assert [i.version_id for i in rebuilt.items] == [i["version_id"] for i in paper.items]
    assert [list(i.option_order) for i in rebuilt.items] == [i["option_order"] for i in paper.items]
    first = QuestionVersion.objects.get(pk=paper.items[0]["version_id"])
    before = first.content
    item = first.item
    services.edit_question(
        first.question,
        Item(item.type, item.stem + "（修订）", item.options, difficulty=item.difficulty),
        by=author,
    )
    first.refresh_from_db()
    assert first.content == before
    assert first.question.current.number == 2


def test_a_thin_bank_says_what_is_missing(catalogue):
    subject = Subject.objects.get(code="CE-1")
    author = testing.staff("author", roles.QUESTION_EDITOR)
    point = KnowledgePoint.objects.get(name="温室气体的影响")
    services.create_question(
        point, Item(QuestionType.SINGLE, "甲", (Option("一", True), Option("二"))), by=author
    )
    problems = papers.readiness(subject)
    assert problems and all("缺少" in p or "无法" in p for p in problems)
    with pytest.raises(assembly.AssemblyError):
        papers.build_paper(subject, seed=1)


def test_the_blueprint_page_reports_and_saves(client, ce1_bank):
    subject, author = ce1_bank
    client.force_login(author)
    page = client.get(reverse("bank:blueprint", args=["CE-1"])).content.decode()
    assert "题库可以按此方案组卷" in page and "试组 100 份试卷" in page
    response = client.post(
        reverse("bank:blueprint", args=["CE-1"]),
        {"sections_text": "单选题,30,1\n多选题,15,2\n简答题,4,9", "difficulty_target": "3"},
    )
    assert "合计" in response.content.decode()  # 96 points refused
    client.post(
        reverse("bank:blueprint", args=["CE-1"]),
        {"sections_text": "单选题,40,1\n多选题,10,2\n简答题,4,10", "difficulty_target": "2.5"},
    )
    assert papers.blueprint_of(subject).sections[0] == assembly.Section(QuestionType.SINGLE, 40, 1)
    listing = client.get(reverse("bank:blueprints")).content.decode()
    assert "可以组卷" in listing and "题量不足" in listing


def test_parallel_forms_and_the_report_over_stored_papers(client, ce1_bank):
    subject, author = ce1_bank
    forms = papers.build_forms(subject, 3, seed=5)
    assert [f.label for f in forms] == ["A", "B", "C"]
    for form in forms:
        assert module_points(form) == [10, 25, 45, 20]
    shared = set.intersection(*({i["version_id"] for i in f.items} for f in forms))
    assert len(shared) < 10  # the bank has room for forms that barely overlap
    for seed in range(5):
        papers.build_paper(subject, seed=seed)
    report = papers.stored_report(subject)
    assert report.papers == 5 and report.exact
    client.force_login(author)
    page = client.get(reverse("bank:blueprint", args=["CE-1"])).content.decode()
    assert "已生成的考试试卷（5 份）" in page and "A 卷" in page
    client.post(reverse("bank:blueprint", args=["CE-1"]), {"forms": "2"})
    assert subject.papers.filter(purpose="form").count() == 5


def test_editors_filter_by_module_and_usage(client, ce1_bank):
    from carboncert.catalog.models import SyllabusModule

    subject, author = ce1_bank
    paper = papers.build_paper(subject, seed=11)
    used = QuestionVersion.objects.get(pk=paper.items[0]["version_id"]).question
    client.force_login(author)
    listing = client.get(reverse("bank:questions"), {"usage": "used"})
    assert listing.context["page"].paginator.count == 49
    assert used in listing.context["page"].object_list or used.pk in [
        q.pk for q in listing.context["page"].paginator.object_list
    ]
    unused = (
        client.get(reverse("bank:questions"), {"usage": "unused"}).context["page"].paginator.count
    )
    assert unused == Question.objects.count() - 49
    module = SyllabusModule.objects.get(subject=subject, order=4)
    in_module = (
        client.get(reverse("bank:questions"), {"subject": "CE-1", "module": module.pk})
        .context["page"]
        .paginator
    )
    assert in_module.count == Question.objects.filter(knowledge_point__modules=module).count() > 0
