"""模拟卷: when they open, the blueprint they follow, their scoring and the practice API."""

import datetime
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.core import signing
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles
from carboncert.bank import papers
from carboncert.bank import services as bank
from carboncert.bank.items import Criterion, Item, Option, Parameter, QuestionType
from carboncert.bank.models import Blueprint, Paper, Question, QuestionVersion
from carboncert.catalog.models import KnowledgePoint
from carboncert.grading import scoring
from carboncert.learning import mock
from carboncert.learning.models import MockAttempt
from carboncert.registration.models import Application
from carboncert.sittings.models import Sitting

from .conftest import BJ, apply

pytestmark = pytest.mark.django_db

# 100 points of every type; CE-1's weights 10/25/45/20 make module points 10/25/45/20.
SECTIONS = [
    {"type": "single", "count": 12, "points": 5},
    {"type": "multiple", "count": 2, "points": 5},
    {"type": "true_false", "count": 2, "points": 5},
    {"type": "numeric", "count": 1, "points": 10},
    {"type": "short", "count": 1, "points": 10},
]
KEYWORDS = ("排放源", "活动数据", "排放因子", "核算边界")
SPRINT = datetime.datetime(2026, 12, 15, 10, 0, tzinfo=BJ)  # the sitting is on 12-19


def practice_bank(subject, *, exam_pool_too=True):
    """A practice pool that fills SECTIONS for every module (each question explained), and
    an exam pool beside it that a mock paper must never draw on."""
    Blueprint.objects.update_or_create(subject=subject, defaults={"sections": SECTIONS})
    author = testing.staff("author", roles.QUESTION_EDITOR)
    checker = testing.staff("checker", roles.QUESTION_EDITOR)

    def add(point, item, practice=True):
        question = bank.create_question(point, item, by=author, practice=practice)
        bank.move(question, Question.Status.REVIEW, by=author)
        bank.move(question, Question.Status.ACTIVE, by=checker)

    for module in subject.modules.order_by("order"):
        point = KnowledgePoint.objects.filter(modules=module).first()
        name = module.name
        why = f"解析：{name}的要点"
        for n in range(module.weight // 5 + 2):
            add(point, Item(QuestionType.SINGLE, f"{name} 单选第{n}题",
                            (Option("甲", True), Option("乙"), Option("丙")), explanation=why))  # fmt: skip
        for n in range(2):
            add(point, Item(QuestionType.MULTIPLE, f"{name} 多选第{n}题",
                            (Option("甲", True), Option("乙"), Option("丙", True), Option("丁")),
                            explanation=why))  # fmt: skip
            add(point, Item(QuestionType.TRUE_FALSE, f"{name} 判断第{n}题",
                            (Option("正确", True), Option("错误")), explanation=why))  # fmt: skip
        add(point, Item(QuestionType.NUMERIC,
                        f"{name}：某企业消耗天然气 {{v}} 万立方米，排放因子为 21.6 吨/万立方米，排放量是多少？",
                        parameters=(Parameter("v", Decimal(10), Decimal(90), Decimal(10)),),
                        formula="v * 21.6", unit="tCO₂", explanation=why))  # fmt: skip
        add(point, Item(QuestionType.SHORT, f"{name} 简答题：如何核算企业的碳排放？",
                        reference_answer="确定核算边界，识别排放源，收集活动数据，选择排放因子并计算。",
                        rubric=(Criterion("答出核算边界和排放源", Decimal(5)),
                                Criterion("答出活动数据和排放因子", Decimal(5))),
                        keywords=KEYWORDS, explanation=why))  # fmt: skip
        if exam_pool_too:
            for n in range(module.weight // 5 + 2):
                add(point, Item(QuestionType.SINGLE, f"{name} 考试题第{n}题",
                                (Option("甲", True), Option("乙"))), practice=False)  # fmt: skip
    assert papers.readiness(subject, practice=True) == []


@pytest.fixture
def sprint(studying):
    """张三's CE-1 course on 2026-12-15, four days before the sitting; a practice pool."""
    studying["time"].move_to(SPRINT, tick=False)
    practice_bank(studying["subject"])
    return studying


def urls(s, attempt=None):
    code = s["subject"].code
    found = {"list": reverse("learning:mocks", args=[code])}
    if attempt is not None:
        found["page"] = reverse("learning:mock", args=[code, attempt.pk])
        found["result"] = reverse("learning:mock_result", args=[code, attempt.pk])
    return found


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, path, data=None, token=""):
    return client.post(
        "/api/mock" + path, json.dumps(data or {}), content_type="application/json",
        **bearer(token),
    )  # fmt: skip


def keys_of(attempt):
    versions = papers.version_items(e["version_id"] for e in attempt.paper.items)
    return [scoring.key_for(e, versions[e["version_id"]]) for e in attempt.paper.items]


# --- 1. when and to whom ----------------------------------------------------------------


def test_mocks_open_seven_days_before_the_sitting_until_its_day(client, studying):
    practice_bank(studying["subject"])
    client.force_login(studying["user"])
    list_url = urls(studying)["list"]
    # 2026-12-01: the course is open, the mocks are not.
    page = client.get(list_url).content.decode()
    assert "模拟卷将于 2026年12月12日 开放" in page
    assert "开始一套新的模拟卷" not in page
    reply = client.post(list_url, follow=True)
    assert "模拟卷将于 2026年12月12日 开放（考前 7 天）" in reply.content.decode()
    assert not MockAttempt.objects.exists()
    # The course page says when.
    course = client.get(reverse("learning:course", args=["CE-1"])).content.decode()
    assert "冲刺班与模拟卷" in course and "2026年12月12日 开放" in course

    time = studying["time"]
    time.move_to(datetime.datetime(2026, 12, 11, 23, 59, tzinfo=BJ))
    with pytest.raises(mock.Refused) as refused:
        mock.start_mock(studying["application"])
    assert refused.value.code == "not_open"
    time.move_to(datetime.datetime(2026, 12, 12, 0, 0, tzinfo=BJ))
    assert "开始一套新的模拟卷" in client.get(list_url).content.decode()
    started = mock.start_mock(studying["application"])
    mock.hand_in(started)
    time.move_to(datetime.datetime(2026, 12, 19, 23, 0, tzinfo=BJ))  # the sitting's own day
    assert mock.start_mock(studying["application"]).pk != started.pk
    time.move_to(datetime.datetime(2026, 12, 20, 0, 1, tzinfo=BJ))
    with pytest.raises(mock.Refused) as refused:
        mock.start_mock(studying["application"])
    assert refused.value.code == "over"
    client.force_login(studying["user"])  # the session of 12-01 has expired
    assert "模拟卷已关闭" in client.get(list_url).content.decode()


def test_the_sitting_setting_moves_the_opening(client, studying):
    practice_bank(studying["subject"])
    Sitting.objects.filter(pk=studying["sitting"].pk).update(sprint_days_before=3)
    studying["time"].move_to(SPRINT)  # 12-15: four days before
    with pytest.raises(mock.Refused):
        mock.start_mock(Application.objects.get(pk=studying["application"].pk))
    studying["time"].move_to(datetime.datetime(2026, 12, 16, 8, 0, tzinfo=BJ))
    assert mock.start_mock(Application.objects.get(pk=studying["application"].pk))


@pytest.mark.parametrize(
    "status",
    [Application.Status.DRAFT, Application.Status.SUBMITTED, Application.Status.REJECTED,
     Application.Status.WITHDRAWN],
)  # fmt: skip
def test_no_mock_before_approval(client, sprint, status):
    started = mock.start_mock(sprint["application"])
    Application.objects.filter(pk=sprint["application"].pk).update(status=status)
    client.force_login(sprint["user"])
    for url in urls(sprint, started).values():
        assert client.get(url).status_code == 404, url
    assert client.post(urls(sprint)["list"]).status_code == 404
    assert MockAttempt.objects.count() == 1
    # The client's token stops working too.
    reply = client.get("/api/mock/state", **bearer(mock.token_for(started)))
    assert reply.status_code == 401


def test_another_candidate_sees_nothing_of_a_mock(client, sprint):
    started = mock.start_mock(sprint["application"])
    other = testing.candidate(testing.id_number(sequence=55), "王五")
    apply(other, sprint["subject"], sprint["sitting"])  # CE-1 too, same sitting
    client.force_login(other)
    mine = urls(sprint, started)
    assert client.get(mine["page"]).status_code == 404
    assert client.get(mine["result"]).status_code == 404
    # Their own list shows none of 张三's mocks.
    assert (
        reverse("learning:mock", args=["CE-1", started.pk])
        not in client.get(mine["list"]).content.decode()
    )
    # Nor can a token name 张三's mock for them, nor another salt's token, nor none.
    forged = signing.dumps({"m": started.pk, "p": other.person.pk}, salt=mock.TOKEN_SALT)
    exam_salt = signing.dumps({"m": started.pk, "p": started.application.person_id},
                              salt="carboncert.exam")  # fmt: skip
    for token in (forged, exam_salt, "", "nonsense"):
        assert client.get("/api/mock/state", **bearer(token)).status_code == 401
        assert post(client, "/answers", {"saves": [{"seq": 1, "n": 1, "value": "A"}]},
                    token).status_code == 401  # fmt: skip
    # A session is not a token: the API answers the token only.
    assert client.get("/api/mock/state").status_code == 401
    started.refresh_from_db()
    assert started.answers == {} and started.last_seq == 0


def test_a_stranger_is_sent_to_log_in(client, sprint):
    started = mock.start_mock(sprint["application"])
    for url in urls(sprint, started).values():
        reply = client.get(url)
        assert reply.status_code == 302 and "/accounts/login/" in reply["Location"]


# --- 2. the paper -----------------------------------------------------------------------


def test_a_ce1_mock_follows_the_blueprint_from_the_practice_pool(client, sprint):
    client.force_login(sprint["user"])
    reply = client.post(urls(sprint)["list"])
    started = MockAttempt.objects.get()
    assert reply.status_code == 302 and reply["Location"] == urls(sprint, started)["page"]
    paper = started.paper
    assert paper.purpose == Paper.Purpose.MOCK and paper.subject == sprint["subject"]
    blueprint = papers.blueprint_of(sprint["subject"])
    assert blueprint.module_points == (10, 25, 45, 20)
    sections = Counter((s.type.value, s.points) for s in blueprint.sections for _ in range(s.count))
    assert Counter((i["type"], i["points"]) for i in paper.items) == sections
    per_module = Counter()
    for item in paper.items:
        per_module[item["module"]] += item["points"]
    assert tuple(per_module[m] for m in range(4)) == blueprint.module_points
    ids = [i["version_id"] for i in paper.items]
    assert len(set(ids)) == len(ids)
    assert QuestionVersion.objects.filter(pk__in=ids, question__practice=True).count() == len(ids)
    assert started.ends_at == SPRINT + datetime.timedelta(minutes=120)
    # The exam client's page, in practice mode, with the mock's own token.
    page = client.get(urls(sprint, started)["page"]).content.decode()
    assert 'data-mode="practice"' in page and 'data-api="/api/mock"' in page
    assert f'data-result-url="{urls(sprint, started)["result"]}"' in page
    assert mock.token_for(started) in page


def test_a_double_click_starts_one_mock(client, sprint):
    client.force_login(sprint["user"])
    first = client.post(urls(sprint)["list"])
    second = client.post(urls(sprint)["list"])
    assert MockAttempt.objects.count() == 1
    assert first["Location"] == second["Location"]
    # Once handed in, a new one; one past its time is scored and a new one starts too.
    mock.hand_in(MockAttempt.objects.get())
    client.post(urls(sprint)["list"])
    assert MockAttempt.objects.count() == 2
    sprint["time"].move_to(SPRINT + datetime.timedelta(hours=3))
    client.post(urls(sprint)["list"])
    assert MockAttempt.objects.count() == 3
    assert MockAttempt.objects.filter(handed_in_at__isnull=True).count() == 1
    assert MockAttempt.objects.exclude(score=None).count() == 2


def test_without_enough_practice_questions_the_candidate_is_told(client, studying):
    studying["time"].move_to(SPRINT, tick=False)
    client.force_login(studying["user"])
    list_url = urls(studying)["list"]
    assert papers.readiness(studying["subject"], practice=True)  # no practice pool at all
    assert mock.NOT_READY in client.get(list_url).content.decode()
    reply = client.post(list_url, follow=True)
    assert reply.status_code == 200 and mock.NOT_READY in reply.content.decode()
    assert not MockAttempt.objects.exists() and not Paper.objects.exists()


# --- 3. scoring -------------------------------------------------------------------------


def answers_for(attempt):
    """Right, wrong and blank answers of every type; what each is worth."""
    keys = keys_of(attempt)
    by_type: dict[str, list[int]] = {}
    for n, key in enumerate(keys, start=1):
        by_type.setdefault(key.type, []).append(n)
    singles, multiples = by_type["single"], by_type["multiple"]
    tfs, numeric, short = by_type["true_false"], by_type["numeric"][0], by_type["short"][0]
    wrong = {"A": "B", "B": "C", "C": "A"}
    answers = {}
    answers |= {n: keys[n - 1].correct for n in singles[:8]}  # 8 right: 40
    answers |= {n: wrong[keys[n - 1].correct] for n in singles[8:10]}  # 2 wrong, 2 blank
    answers[multiples[0]] = keys[multiples[0] - 1].correct  # right: 5
    answers[multiples[1]] = keys[multiples[1] - 1].correct[0]  # one of two: 0 or 2.5
    answers[tfs[0]] = keys[tfs[0] - 1].correct  # right: 5
    answers[tfs[1]] = "B" if keys[tfs[1] - 1].correct == "A" else "A"  # wrong
    answers[numeric] = f"{keys[numeric - 1].expected:.2f}"  # right: 10
    # Two of the four keywords: 10 × 2/4 = 5.
    answers[short] = "先确定核算边界，再收集活动数据。"
    return answers, {"multiple_half": multiples[1], "short": short, "singles": singles}


def save_all(client, attempt, answers):
    token = mock.token_for(attempt)
    saves = [{"seq": i, "n": n, "value": v} for i, (n, v) in enumerate(answers.items(), start=1)]
    reply = post(client, "/answers", {"saves": saves}, token)
    assert reply.status_code == 200 and reply.json()["acked_seq"] == len(saves)
    return token


@pytest.mark.parametrize("partial", [False, True])
def test_a_mock_is_scored_at_once_with_an_estimate_for_the_short_answer(client, sprint, partial):
    Sitting.objects.filter(pk=sprint["sitting"].pk).update(multiple_partial_credit=partial)
    started = mock.start_mock(Application.objects.get(pk=sprint["application"].pk))
    answers, where = answers_for(started)
    token = save_all(client, started, answers)
    reply = post(client, "/hand-in", token=token)
    assert reply.status_code == 200 and reply.json()["status"] == "handed_in"
    started.refresh_from_db()
    rows = {row["n"]: row for row in started.scored}
    outcomes = Counter(row["outcome"] for row in started.scored)
    half = where["multiple_half"]
    assert rows[half]["outcome"] == ("partial" if partial else "wrong")
    assert rows[half]["awarded"] == (2.5 if partial else 0)
    assert outcomes["blank"] == 2 and outcomes["right"] == 8 + 1 + 1 + 1
    assert rows[where["short"]]["awarded"] is None
    assert rows[where["short"]]["estimate"] == 5.0
    assert set(rows[where["short"]]["found"]) == {"核算边界", "活动数据"}
    objective = Decimal(40 + 5 + 5 + 10) + (Decimal("2.5") if partial else 0)
    assert started.objective_score == objective and started.objective_max == 90
    assert started.score == objective + 5
    # Handing in again changes nothing.
    assert post(client, "/hand-in", token=token).json()["score"] == float(started.score)

    client.force_login(sprint["user"])
    page = client.get(urls(sprint, started)["result"]).content.decode()
    assert f'<strong id="mock-score">{started.score.normalize():f}</strong> / 100' in page
    assert f"{objective.normalize():f} / 90" in page
    assert mock.ESTIMATE_NOTE in page
    assert page.count("解析：") == len(started.paper.items)  # every question explained
    assert "确定核算边界，识别排放源" in page and "答出活动数据和排放因子" in page
    assert "✓ 核算边界" in page and "✗ 排放源" in page
    assert "未作答" in page and "各模块得分" in page
    first = where["singles"][0]
    assert f"第 {first} 题" in page
    # The list shows the score.
    listing = client.get(urls(sprint)["list"]).content.decode()
    assert (
        urls(sprint, started)["result"] in listing and f"{started.score.normalize():f}" in listing
    )


def test_the_module_table_adds_up_to_the_score(sprint):
    started = mock.start_mock(sprint["application"])
    answers, _ = answers_for(started)
    mock.save(started, [mock.Save(i, n, v) for i, (n, v) in enumerate(answers.items(), start=1)])
    done = mock.hand_in(started)
    result = mock.result(done)
    assert [m.points for m in result.modules] == [10, 25, 45, 20]
    assert sum(m.total for m in result.modules) == done.score
    assert sum(m.objective for m in result.modules) == done.objective_score
    assert result.totals.max == 100


def test_an_empty_mock_scores_nothing(sprint):
    done = mock.hand_in(mock.start_mock(sprint["application"]))
    assert done.score == 0 and done.objective_score == 0
    assert {row["outcome"] for row in done.scored} == {"blank"}


# --- 4. saves -----------------------------------------------------------------------------


def test_saves_are_applied_once_in_order_and_refused_after_hand_in(client, sprint):
    started = mock.start_mock(sprint["application"])
    token = mock.token_for(started)
    one = {"seq": 1, "n": 1, "value": "A"}
    two = {"seq": 2, "n": 2, "value": "B"}
    assert post(client, "/answers", {"saves": [one, two]}, token).json()["acked_seq"] == 2
    # A retry changes nothing; a gap stops the batch.
    again = {"seq": 2, "n": 2, "value": "C"}
    assert post(client, "/answers", {"saves": [one, again]}, token).json()["acked_seq"] == 2
    gap = {"seq": 4, "n": 3, "value": "A"}
    assert post(client, "/answers", {"saves": [gap]}, token).json()["acked_seq"] == 2
    three = {"seq": 3, "n": 1, "value": ""}
    assert post(client, "/answers", {"saves": [gap, three]}, token).json()["acked_seq"] == 4
    started.refresh_from_db()
    assert started.answers == {"1": "", "2": "B", "3": "A"} and started.last_seq == 4
    bad = post(client, "/answers", {"saves": [{"seq": 5, "n": 99, "value": "A"}]}, token)
    assert bad.status_code == 409 and bad.json()["code"] == "bad_item"
    # The state the client loads.
    state = client.get("/api/mock/state", **bearer(token)).json()
    assert state["attempt"]["status"] == "answering" and state["last_seq"] == 4
    assert state["attempt"]["privacy_accepted"] and not state["attempt"]["face_check"]
    assert state["attempt"]["snapshot_interval_seconds"] == 0
    assert len(state["items"]) == len(started.paper.items) == 18
    assert "explanation" not in json.dumps(state) and "解析" not in json.dumps(
        state, ensure_ascii=False
    )
    assert post(client, "/events", {"kind": "copy"}, token).status_code == 204
    beat = post(client, "/heartbeat", {"client_time_ms": 1}, token).json()
    assert beat["status"] == "answering" and beat["ends_at_ms"] == state["attempt"]["ends_at_ms"]
    assert post(client, "/start", token=token).status_code == 200

    assert post(client, "/hand-in", token=token).status_code == 200
    late = post(client, "/answers", {"saves": [{"seq": 5, "n": 1, "value": "B"}]}, token)
    assert late.status_code == 409 and late.json()["code"] == "handed_in"
    assert "已交卷" in late.json()["message"]
    started.refresh_from_db()
    assert started.answers["1"] == "" and started.last_seq == 4
    assert client.get("/api/mock/state", **bearer(token)).json()["attempt"]["status"] == "handed_in"


def test_time_runs_out_on_the_server(client, sprint):
    started = mock.start_mock(sprint["application"])
    token = mock.token_for(started)
    # Within the grace after the end, a save on its way is still taken.
    sprint["time"].move_to(started.ends_at + datetime.timedelta(seconds=10))
    save = {"seq": 1, "n": 1, "value": "A"}
    assert post(client, "/answers", {"saves": [save]}, token).json()["acked_seq"] == 1
    with pytest.raises(mock.Refused) as refused:
        mock.save(started, [mock.Save(2, 1, "B")], now=started.ends_at + mock.SAVE_GRACE)
    assert refused.value.code == "ended"
    # After it, the next request hands the mock in and scores it.
    sprint["time"].move_to(started.ends_at + datetime.timedelta(minutes=1))
    late = post(client, "/answers", {"saves": [{"seq": 2, "n": 1, "value": "B"}]}, token)
    assert late.status_code == 409 and late.json()["code"] == "handed_in"
    started.refresh_from_db()
    assert started.handed_in_at == started.ends_at and started.score is not None


def test_a_mock_left_unfinished_is_scored_when_its_result_is_asked_for(client, sprint):
    started = mock.start_mock(sprint["application"])
    client.force_login(sprint["user"])
    mine = urls(sprint, started)
    assert client.get(mine["result"])["Location"] == mine["page"]  # not over yet
    sprint["time"].move_to(started.ends_at)
    assert client.get(mine["result"]).status_code == 200
    started.refresh_from_db()
    assert started.handed_in_at is not None
    assert client.get(mine["page"])["Location"] == mine["result"]
