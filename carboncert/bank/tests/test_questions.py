import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles
from carboncert.audit.models import AuditEvent
from carboncert.bank import services
from carboncert.bank.items import Item, Option, QuestionType, from_data
from carboncert.bank.models import Question
from carboncert.catalog.models import KnowledgePoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(catalogue):
    return testing.staff("editor-a", roles.QUESTION_EDITOR), testing.staff(
        "editor-b", roles.QUESTION_EDITOR
    )


def point():
    return KnowledgePoint.objects.get(name="国际国内应对气候变化的行动")


def single(stem="《巴黎协定》于哪一年通过？", right="2015年"):
    return Item(
        QuestionType.SINGLE, stem, (Option("2009年"), Option(right, True), Option("1997年"))
    )


def test_a_used_question_keeps_its_version_and_edits_make_a_new_one(editors):
    author, _ = editors
    question = services.create_question(point(), single(), by=author)
    first = question.current
    services.edit_question(question, single(stem="《巴黎协定》是在哪一年通过的？"), by=author)
    question.refresh_from_db()
    assert question.current_id == first.pk  # unused: edited in place
    services.mark_used([first.pk])
    services.edit_question(
        question, single(stem="《巴黎协定》在哪一年的缔约方大会上通过？"), by=author
    )
    question.refresh_from_db()
    first.refresh_from_db()
    assert question.current.number == 2
    assert from_data(first.content).stem == "《巴黎协定》是在哪一年通过的？"  # the paper's version
    assert question.current.item.stem == "《巴黎协定》在哪一年的缔约方大会上通过？"


def test_a_duplicate_stem_is_refused(editors):
    author, _ = editors
    services.create_question(point(), single(), by=author)
    with pytest.raises(services.BankError, match="相同题干"):
        services.create_question(point(), single(stem="《巴黎协定》 于哪一年通过?"), by=author)


def test_the_workflow_needs_a_second_editor_to_approve(editors):
    author, reviewer = editors
    question = services.create_question(point(), single(), by=author)
    with pytest.raises(services.BankError, match="不能改为"):
        services.move(question, Question.Status.ACTIVE, by=reviewer)
    services.move(question, Question.Status.REVIEW, by=author)
    with pytest.raises(services.BankError, match="不能审核自己"):
        services.move(question, Question.Status.ACTIVE, by=author)
    services.move(question, Question.Status.ACTIVE, by=reviewer)
    question.refresh_from_db()
    assert question.status == "active" and question.reviewer == reviewer
    assert AuditEvent.objects.filter(action="bank.question.active", actor=reviewer).exists()


def test_an_editor_writes_a_numeric_question_and_previews_it(client, editors):
    author, _ = editors
    client.force_login(author)
    response = client.post(
        reverse("bank:question_new"),
        {
            "knowledge_point": KnowledgePoint.objects.get(name="碳排放量化与报告流程").pk,
            "type": "numeric",
            "difficulty": "3",
            "stem": "某厂外购电力 {ad} MWh，电网排放因子取 0.6101 tCO₂/MWh，求外购电力排放量。",
            "parameters": "ad,1000,3000,100,MWh",
            "formula": "ad * 0.6101",
            "unit": "tCO₂",
            "tolerance_percent": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()
    page = client.get(response.url).content.decode()
    assert "某厂外购电力 2000 MWh" in page  # the midpoint of 1000..3000
    assert "1220.2000" in page
    assert "tCO₂" in page


def test_the_form_says_what_is_wrong_in_chinese(client, editors):
    author, _ = editors
    client.force_login(author)
    response = client.post(
        reverse("bank:question_new"),
        {
            "knowledge_point": point().pk,
            "type": "multiple",
            "difficulty": "3",
            "stem": "以下哪些是《京都议定书》管控的温室气体？",
            "option_A": "CO₂",
            "correct_A": "on",
            "option_B": "O₂",
        },
    )
    assert response.status_code == 200
    assert "多选题至少要有 2 个正确选项" in response.content.decode()
    assert not Question.objects.exists()


def test_only_editors_reach_the_bank(client, catalogue):
    client.force_login(testing.staff("grader", roles.GRADER))
    assert client.get(reverse("bank:questions")).status_code == 403
    assert client.post(reverse("bank:question_new"), {}).status_code == 403


def test_the_list_filters_and_searches(client, editors):
    author, _ = editors
    services.create_question(point(), single(), by=author)
    services.create_question(
        point(), single(stem="《京都议定书》于哪一年生效？", right="2005年"), by=author
    )
    client.force_login(author)
    page = client.get(
        reverse("bank:questions"), {"q": "京都议定书", "subject": "CE-1"}
    ).content.decode()
    assert "京都议定书" in page and "巴黎协定" not in page


def test_an_editor_imports_a_spreadsheet_and_sees_every_problem(client, editors):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carboncert.bank.tests.test_spreadsheet import good, workbook

    author, _ = editors
    client.force_login(author)
    data = workbook(
        [good(知识点="温室气体的影响"), good(题干="乙", 答案="E", 知识点="温室气体的影响")]
    )
    page = client.post(
        reverse("bank:import"), {"workbook": SimpleUploadedFile("q.xlsx", data)}
    ).content.decode()
    assert "没有导入任何试题" in page and "超出了已填写的选项" in page
    assert not Question.objects.exists()
    page = client.post(
        reverse("bank:import"), {"workbook": SimpleUploadedFile("q.xlsx", data), "only_valid": "on"}
    ).content.decode()
    assert "已导入 1 道试题" in page
    assert Question.objects.get().status == "draft"
    exported = client.get(reverse("bank:export_xlsx"))
    assert exported.status_code == 200 and len(exported.content) > 1000


def test_the_bank_goes_to_moodle_and_comes_back(client, editors):
    from django.core.files.uploadedfile import SimpleUploadedFile

    author, _ = editors
    original = services.create_question(point(), single(), by=author)
    client.force_login(author)
    exported = client.get(reverse("bank:export", args=["moodle"]))
    assert b"<quiz>" in exported.content
    gift = client.get(reverse("bank:export", args=["gift"])).content.decode()
    assert "巴黎协定" in gift
    assert client.get(reverse("bank:export", args=["qti"])).content[:2] == b"PK"
    services.move(original, Question.Status.RETIRED, by=author)  # so the import is no duplicate
    page = client.post(
        reverse("bank:import"), {"workbook": SimpleUploadedFile("bank.xml", exported.content)}
    ).content.decode()
    assert "已导入 1 道试题" in page
    question = Question.objects.exclude(pk=original.pk).get()
    assert question.current.item == single() and question.knowledge_point == point()
