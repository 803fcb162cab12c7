"""Practice per knowledge point, the mistakes notebook and mastery."""

import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.bank.items import Item, Option, QuestionType
from carboncert.catalog.models import KnowledgePoint
from carboncert.learning import practice
from carboncert.learning.models import Mistake, PracticeAnswer

from .conftest import active_question


def question(point, stem, *, practice_pool=True, kind=QuestionType.SINGLE, **extra):
    options = extra.pop("options", (Option("甲", True), Option("乙"), Option("丙")))
    item = Item(kind, stem, options if kind.is_choice else (), explanation=f"{stem}的解析", **extra)
    return active_question(point, item, practice=practice_pool)


@pytest.fixture
def pool(studying):
    point = KnowledgePoint.objects.filter(modules__subject=studying["subject"]).first()
    return {
        "point": point,
        "one": question(point, "练习一"),
        "two": question(point, "练习二"),
        "exam": question(point, "考试题", practice_pool=False),
        **studying,
    }


def post_answer(client, s, q, answer):
    url = reverse("learning:practice_answer", args=[s["subject"].code, q.pk])
    return client.post(url, {"answer": answer}, HTTP_HX_REQUEST="true")


def test_a_wrong_answer_enters_the_notebook_and_leaves_after_two_right_in_a_row(client, pool):
    client.force_login(pool["user"])
    page = post_answer(client, pool, pool["one"], "B")
    assert "回答错误" in page.content.decode() and "正确答案：A" in page.content.decode()
    assert "练习一的解析" in page.content.decode()
    notebook = reverse("learning:mistakes", args=[pool["subject"].code])
    assert "练习一" in client.get(notebook).content.decode()
    post_answer(client, pool, pool["one"], "A")
    assert "练习一" in client.get(notebook).content.decode()  # once is not enough
    post_answer(client, pool, pool["one"], "A")
    assert "练习一" not in client.get(notebook).content.decode()
    mistake = Mistake.objects.get(question=pool["one"])
    assert mistake.cleared_at is not None and mistake.wrong_count == 1
    assert PracticeAnswer.objects.filter(question=pool["one"]).count() == 3


def test_a_wrong_answer_between_two_right_ones_starts_the_count_again(pool):
    person, subject, q = pool["person"], pool["subject"], pool["one"]
    practice.answer(person, subject, q.pk, "C")
    practice.answer(person, subject, q.pk, "A")
    practice.answer(person, subject, q.pk, "B")
    assert practice.answer(person, subject, q.pk, "A").in_notebook
    assert not practice.answer(person, subject, q.pk, "A").in_notebook
    assert Mistake.objects.get(question=q).wrong_count == 2


def test_exam_pool_questions_never_appear_in_practice(client, pool):
    client.force_login(pool["user"])
    url = reverse("learning:practice_point", args=[pool["subject"].code, pool["point"].pk])
    page = client.get(url).content.decode()
    assert "练习一" in page and "练习二" in page and "考试题" not in page
    assert post_answer(client, pool, pool["exam"], "A").status_code == 404


def test_a_blank_answer_is_refused_and_kept_nowhere(client, pool):
    client.force_login(pool["user"])
    response = post_answer(client, pool, pool["one"], "")
    assert response.status_code == 400 and "请先作答" in response.content.decode()
    assert not PracticeAnswer.objects.exists() and not Mistake.objects.exists()


def test_practice_is_closed_to_candidates_without_an_open_course(client, pool):
    other = testing.candidate(testing.id_number(sequence=77), "王五")
    client.force_login(other)
    assert post_answer(client, pool, pool["one"], "A").status_code == 404
    assert client.get(reverse("learning:practice", args=[pool["subject"].code])).status_code == 404


def test_mastery_counts_latest_right_answers_per_module(client, pool):
    person, subject = pool["person"], pool["subject"]
    practice.answer(person, subject, pool["one"].pk, "B")
    practice.answer(person, subject, pool["one"].pk, "A")
    practice.answer(person, subject, pool["two"].pk, "B")
    first = practice.mastery(person, subject)[0]
    assert (first.questions, first.answered, first.right, first.mistakes) == (2, 2, 1, 2)
    client.force_login(pool["user"])
    page = client.get(reverse("learning:practice", args=[subject.code])).content.decode()
    assert "掌握 1 / 2 题" in page


def test_short_answers_show_the_reference_and_the_points_hit(pool):
    q = question(pool["point"], "简述温室效应", kind=QuestionType.SHORT,
                 reference_answer="参考答案", keywords=("辐射", "吸收"))  # fmt: skip
    feedback = practice.answer(pool["person"], pool["subject"], q.pk, "地表长波辐射被大气截留")
    assert feedback.outcome == "reference" and feedback.keywords_found == ["辐射"]
    assert not Mistake.objects.exists()


def test_key_points_are_found_as_graders_find_them(pool):
    q = question(pool["point"], "简述全球变暖潜势", kind=QuestionType.SHORT,
                 reference_answer="参考答案", keywords=("GWP", "二氧化碳"))  # fmt: skip
    # Full-width letters typed with a Chinese input method are the same word.
    feedback = practice.answer(pool["person"], pool["subject"], q.pk, "ＧＷＰ以二氧化碳为基准")
    assert feedback.keywords_found == ["GWP", "二氧化碳"] and feedback.keywords_missing == []
