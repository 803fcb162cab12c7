"""The exam's server side through its API: login, start, saves, leaves, hand-in, extra time, sweep."""

import json
from datetime import timedelta

import pytest

from carboncert import testing
from carboncert.exams import services
from carboncert.exams.models import Attempt, JournalEntry
from carboncert.exams.tests.conftest import ID, at

pytestmark = pytest.mark.django_db
API = "/api/exam"


def login(id_number=ID, password="107x", address="10.1.1.1"):
    return services.exam_login(id_number, password, address)


def call(client, token, path, payload=None, method="post"):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "get":
        return client.get(API + path, **kwargs)
    return client.post(
        API + path, json.dumps(payload or {}), content_type="application/json", **kwargs
    )


def started(client, morning):
    attempt = login()
    token = services.token_for(attempt)
    morning["time"].move_to(at(9, 1), tick=False)
    response = call(client, token, "/start")
    assert response.status_code == 200, response.content
    return attempt, token, response.json()


def test_a_full_attempt_through_the_api(client, morning):
    attempt, token, state = started(client, morning)
    assert len(state["items"]) == 20
    assert state["attempt"]["status"] == "answering"
    assert [i["points"] for i in state["items"]] == [5] * 20
    saves = [{"seq": n, "n": n, "value": "A"} for n in range(1, 21)]
    assert call(client, token, "/answers", {"saves": saves}).json()["acked_seq"] == 20
    morning["time"].move_to(at(9, 31), tick=False)
    receipt = call(client, token, "/hand-in").json()
    assert receipt["status"] == "handed_in" and receipt["answered"] == 20 and receipt["total"] == 20
    attempt.refresh_from_db()
    assert attempt.hand_in_reason == "candidate"
    assert dict(attempt.answers.values_list("n", "value")) == {n: "A" for n in range(1, 21)}


@pytest.mark.parametrize("password", ["107X", "107x", " 107x "])
def test_the_last_four_in_either_case_log_in(morning, password):
    assert login(ID.lower(), password).application == morning["zhang"]


@pytest.mark.parametrize(
    ("when", "code", "text"),
    [
        (at(8, 29), "not_open", "08:30 开始签到"),
        (at(9, 30), "late", "09:30 后不能再进入"),
    ],
)
def test_login_refuses_outside_the_window(morning, when, code, text):
    morning["time"].move_to(when, tick=False)
    with pytest.raises(services.Refused) as refused:
        login()
    assert refused.value.code == code and text in refused.value.message


def test_login_refuses_the_not_admitted_and_the_handed_in(morning):
    with pytest.raises(services.Refused, match="今天没有您的考试"):
        login(testing.id_number(sequence=999), "9999"[:0] + testing.id_number(sequence=999)[-4:])
    attempt = login()
    Attempt.objects.filter(pk=attempt.pk).update(status="handed_in")
    with pytest.raises(services.Refused, match="您已交卷"):
        login()


def test_a_started_candidate_may_come_back_after_the_late_entry_close(client, morning):
    started(client, morning)
    morning["time"].move_to(at(10, 15), tick=False)
    assert login().status == "answering"


def test_saves_are_idempotent_in_order_and_gaps_wait(client, morning):
    attempt, token, _ = started(client, morning)
    assert (
        call(client, token, "/answers", {"saves": [{"seq": 1, "n": 1, "value": "A"}]}).json()[
            "acked_seq"
        ]
        == 1
    )
    # A retry of seq 1 with other content is ignored; seq 3 waits for seq 2.
    reply = call(
        client,
        token,
        "/answers",
        {"saves": [{"seq": 1, "n": 1, "value": "C"}, {"seq": 3, "n": 1, "value": "B"}]},
    )
    assert reply.json()["acked_seq"] == 1
    assert attempt.answers.get(n=1).value == "A"
    reply = call(
        client,
        token,
        "/answers",
        {"saves": [{"seq": 3, "n": 1, "value": "B"}, {"seq": 2, "n": 2, "value": "C"}]},
    )
    assert reply.json()["acked_seq"] == 3
    assert attempt.answers.get(n=1).value == "B"
    assert list(JournalEntry.objects.filter(attempt=attempt).values_list("seq", "n", "value")) == [
        (1, 1, "A"), (2, 2, "C"), (3, 1, "B"),
    ]  # fmt: skip


def test_the_server_refuses_what_it_must(client, morning):
    attempt, token, _ = started(client, morning)
    # Another candidate's token works only on their own attempt.
    other = services.exam_login(
        testing.id_number(sequence=321), testing.id_number(sequence=321)[-4:], "10.1.1.2"
    )
    other_token = services.token_for(other)
    call(client, other_token, "/start")
    call(client, other_token, "/answers", {"saves": [{"seq": 1, "n": 1, "value": "B"}]})
    assert not attempt.answers.exists()
    assert call(client, token + "x", "/state", method="get").status_code == 401
    assert call(client, "", "/state", method="get").status_code == 401
    # Hand-in before the earliest time.
    early = call(client, token, "/hand-in")
    assert early.status_code == 409 and "09:30 后可以交卷" in early.json()["message"]
    # A wrong item number.
    assert (
        call(client, token, "/answers", {"saves": [{"seq": 1, "n": 99, "value": "A"}]}).status_code
        == 409
    )
    morning["time"].move_to(at(9, 40), tick=False)
    call(client, token, "/hand-in")
    after = call(client, token, "/answers", {"saves": [{"seq": 1, "n": 1, "value": "A"}]})
    assert after.status_code == 409 and after.json()["code"] == "handed_in"
    assert not attempt.answers.exists()


def test_a_wrong_laptop_clock_changes_no_window(client, morning):
    _, token, _ = started(client, morning)
    two_hours_ahead = int(at(11, 1).timestamp() * 1000)
    reply = call(
        client,
        token,
        "/answers",
        {"saves": [{"seq": 1, "n": 1, "value": "A", "client_time_ms": two_hours_ahead}]},
    )
    assert reply.status_code == 200
    beat = call(client, token, "/heartbeat", {"client_time_ms": two_hours_ahead}).json()
    assert beat["status"] == "answering" and beat["ends_at_ms"] == int(at(11, 0).timestamp() * 1000)
    assert call(client, token, "/hand-in").status_code == 409  # still before 09:30 by the server


def test_the_tenth_leave_hands_in_and_marks_for_a_decision(client, morning):
    attempt, token, _ = started(client, morning)
    for n in range(1, 10):
        reply = call(client, token, "/leaves", {"reason": "fullscreen"}).json()
        assert reply == {"leave_count": n, "handed_in": False}
    assert call(client, token, "/leaves", {"reason": "blur"}).json() == {
        "leave_count": 10,
        "handed_in": True,
    }
    attempt.refresh_from_db()
    assert attempt.hand_in_reason == "leaves" and attempt.needs_decision


def test_extra_time_moves_one_attempt_only(client, morning):
    attempt, token, _ = started(client, morning)
    other = services.exam_login(
        testing.id_number(sequence=321), testing.id_number(sequence=321)[-4:], "10.1.1.2"
    )
    proctor = testing.staff("proctor", "proctor")
    services.grant_extra_time(attempt, 10, by=proctor, reason="网络中断 10 分钟")
    assert call(client, token, "/heartbeat").json()["ends_at_ms"] == int(
        at(11, 10).timestamp() * 1000
    )
    assert call(client, services.token_for(other), "/heartbeat").json()["ends_at_ms"] == int(
        at(11, 0).timestamp() * 1000
    )
    morning["time"].move_to(at(11, 5), tick=False)
    assert (
        call(client, token, "/answers", {"saves": [{"seq": 1, "n": 1, "value": "A"}]}).status_code
        == 200
    )
    assert services.sweep() == 1  # the other attempt, not this one
    other.refresh_from_db()
    assert other.status == "handed_in" and other.hand_in_reason == "time"


def test_an_attempt_whose_browser_vanished_is_handed_in_by_the_sweep(client, morning):
    attempt, token, _ = started(client, morning)
    call(client, token, "/answers", {"saves": [{"seq": 1, "n": 4, "value": "B"}]})
    morning["time"].move_to(at(11, 1), tick=False)
    assert services.sweep() == 1
    attempt.refresh_from_db()
    assert attempt.status == "handed_in" and attempt.hand_in_reason == "time"
    assert dict(attempt.answers.values_list("n", "value")) == {4: "B"}


@pytest.mark.parametrize("many_addresses", [False, True])
def test_guessing_the_four_characters_is_stopped(morning, settings, many_addresses):
    settings.LOGIN_FAILURE_LIMIT = 5
    tried = 0  # guesses that were checked against the password at all
    for guess in range(10_000):
        address = f"10.2.{guess // 250}.{guess % 250}" if many_addresses else "10.2.0.1"
        try:
            login(password=f"{guess:04d}", address=address)
        except services.Refused as error:
            assert error.code in {"bad_password", "locked"}
            tried += error.code == "bad_password"
    # Of 10,000 guesses (the right one, 107X, is not among them: all digits) five were tried;
    # the account lock refused the other 9,995 unchecked, from one address or from many.
    assert tried == 5
    with pytest.raises(services.Refused, match="暂时锁定"):
        login()  # even the right password, until a proctor lifts it
    services.unlock_login(ID, by="proctor")
    assert login().application == morning["zhang"]


def test_the_exam_room_manager_grants_extra_time_and_lifts_a_lock(client, morning, settings):
    from django.urls import reverse

    from carboncert.proctoring.models import Assignment

    attempt = login()
    manager = testing.staff("room", "proctor")
    Assignment.objects.create(sitting=attempt.sitting, proctor=manager)
    client.force_login(manager)
    page = client.get(reverse("exams:proctor"), follow=True).content.decode()  # an old bookmark
    assert "张三" in page and "签到核验中" in page
    extra = reverse("proctoring:extra_time", args=[attempt.pk])
    client.post(extra, {"minutes": "10", "reason": "断网"})
    attempt.refresh_from_db()
    assert attempt.extra_minutes == 10
    refused = client.post(
        extra,
        {"minutes": "500", "reason": ""},
        follow=True,
    )
    assert "请填写补时分钟数" in refused.content.decode()
    settings.LOGIN_FAILURE_LIMIT = 1
    with pytest.raises(services.Refused):
        login(password="0000")
    with pytest.raises(services.Refused, match="暂时锁定"):
        login()
    client.post(reverse("proctoring:unlock", args=[attempt.sitting_id]), {"id_number": ID.lower()})
    assert login() == attempt
    client.force_login(testing.staff("marker", "grader"))
    assert client.get(reverse("proctoring:console", args=[attempt.sitting_id])).status_code == 403


def test_the_system_test_days_before_uses_a_practice_paper(client, morning):
    from carboncert.sittings.services import add_satellite

    morning["time"].move_to(at(8, 40) - timedelta(days=3), tick=False)
    test_day = add_satellite(morning["sitting"], "test", (at(0, 0) - timedelta(days=3)).date())
    attempt = login()
    assert attempt.sitting == test_day and attempt.application == morning["zhang"]
    morning["time"].move_to(at(9, 1) - timedelta(days=3), tick=False)
    call(client, services.token_for(attempt), "/start")
    attempt.refresh_from_db()
    assert attempt.paper.purpose == "practice"
    # The real sitting still has its own attempt to come.
    morning["time"].move_to(at(8, 45), tick=False)
    real = login()
    assert real.sitting == morning["sitting"] and real.pk != attempt.pk


def test_a_make_up_sitting_admits_only_the_candidates_granted_it(client, morning):
    from carboncert.sittings.services import add_satellite

    makeup_day = (at(0, 0) + timedelta(days=7)).date()
    makeup = add_satellite(morning["sitting"], "makeup", makeup_day)
    admin = testing.administrator()
    morning["time"].move_to(at(8, 40) + timedelta(days=7), tick=False)
    with pytest.raises(services.Refused, match="今天没有您的考试"):
        login()
    with pytest.raises(services.Refused, match="需要填写原因"):
        services.grant_makeup(morning["zhang"], makeup, admin, " ")
    services.grant_makeup(morning["zhang"], makeup, admin, "考试中断网超过 30 分钟")
    attempt = login()
    assert attempt.sitting == makeup
    with pytest.raises(services.Refused):
        services.exam_login(
            testing.id_number(sequence=321), testing.id_number(sequence=321)[-4:], "10.9.9.9"
        )


def test_the_device_check_is_kept_for_the_proctors_and_bounded(client, morning):
    attempt = login()
    token = services.token_for(attempt)
    assert (
        call(client, token, "/state", method="get").json()["attempt"]["microphone_required"]
        is False
    )
    report = {"camera": "ok: 画面正常（640×480）", "clock": "warn: 比北京时间快 2 小时"}
    assert (
        call(client, token, "/events", {"kind": "device_check", "detail": report}).status_code
        == 204
    )
    flood = {"camera": "x" * 5000}
    assert (
        call(client, token, "/events", {"kind": "device_check", "detail": flood}).status_code == 204
    )
    assert call(client, token, "/events", {"kind": "made_up", "detail": report}).status_code == 204
    kept = list(attempt.events.values_list("kind", "detail"))
    assert kept == [("device_check", report), ("device_check", {"error": "too_long"})]
    nested = {"kind": "device_check", "detail": {"camera": {"deep": "object"}}}
    assert call(client, token, "/events", nested).status_code == 422
    assert attempt.events.count() == 2


def test_the_exam_room_shows_what_each_device_check_found(client, morning):
    from django.urls import reverse

    zhang = login()
    login(testing.id_number(sequence=321), testing.id_number(sequence=321)[-4:])  # not checked
    found = {
        "camera": "fail: 没有画面",
        "clock": "warn: 比北京时间快 2 小时",
        "network": "ok: 延迟 30 毫秒",
    }
    services.record_event(zhang, "device_check", None, found)
    client.force_login(testing.administrator())
    page = client.get(reverse("proctoring:console", args=[zhang.sitting_id])).content.decode()
    assert "摄像头：没有画面" in page and "本机时钟：比北京时间快 2 小时" in page
    assert "网络：" not in page  # what was fine is not listed
    assert page.count("设备未检测") == 1  # 李四 has not started yet


def test_a_save_planned_on_a_stale_read_is_applied_again_under_the_lock(client, morning):
    """Two saves of one attempt racing: the second was planned before the first committed."""
    attempt, token, _ = started(client, morning)
    stale = services.attempt_for_token(token)  # read before the first save
    assert services.save_answers(services.attempt_for_token(token), [services.Save(1, 1, "A")]) == 1
    # Its plan says seq 1 is new: on PostgreSQL the one-statement write finds the sequence
    # moved and writes nothing; the locked path then skips the retry and applies seq 2.
    acked = services.save_answers(stale, [services.Save(1, 1, "B"), services.Save(2, 2, "C")])
    assert acked == 2
    assert dict(attempt.answers.values_list("n", "value")) == {1: "A", 2: "C"}
    assert list(JournalEntry.objects.filter(attempt=attempt).values_list("seq", "value")) == [
        (1, "A"), (2, "C")
    ]  # fmt: skip


def test_a_save_after_the_hand_in_writes_nothing(client, morning):
    attempt, token, _ = started(client, morning)
    stale = services.attempt_for_token(token)
    morning["time"].move_to(at(9, 40), tick=False)
    services.hand_in(attempt)
    with pytest.raises(services.Refused, match="已交卷"):
        services.save_answers(stale, [services.Save(1, 1, "A")])
    assert not attempt.answers.exists()
