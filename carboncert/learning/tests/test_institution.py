"""What an institution sees of its candidates' learning, its export, and its reminders."""

import datetime
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from carboncert import notify, testing
from carboncert.accounts import roles
from carboncert.audit.models import AuditEvent
from carboncert.bank.models import Paper
from carboncert.catalog.models import KnowledgePoint, Subject
from carboncert.learning import institution, institution_views, services
from carboncert.learning.models import MockAttempt, Progress, Reminder
from carboncert.registration.models import Application

from .conftest import apply, lesson, other_person

PAGE = reverse("learning:institution")
EXPORT = reverse("learning:institution_export")
REMIND = reverse("learning:institution_remind")


@pytest.fixture
def staff(studying):
    return testing.staff("green-staff", roles.INSTITUTION, institution=testing.institution())


@pytest.fixture
def sent():
    notify.LogGateway.sent.clear()
    yield notify.LogGateway.sent
    notify.LogGateway.sent.clear()


def study(person, lesson_row, fraction):
    Progress.objects.update_or_create(
        person=person, lesson=lesson_row, defaults={"fraction": fraction}
    )


def mock(application, score, when, handed_in=True):
    paper = Paper.objects.get_or_create(
        subject=application.subject, purpose=Paper.Purpose.MOCK, seed=1,
        defaults={"blueprint": {}, "items": []},
    )[0]  # fmt: skip
    attempt = MockAttempt.objects.create(
        application=application, paper=paper, ends_at=when + datetime.timedelta(hours=2),
        handed_in_at=when if handed_in else None,
        score=Decimal(score) if score is not None else None,
    )  # fmt: skip
    return attempt


def elsewhere(studying, sequence=321, name="李四", code="blue", institution_name="蓝天职业学校"):
    """A candidate of another institution at the same sitting."""
    person = other_person(sequence, name)
    application = apply(person, studying["subject"], studying["sitting"])
    application.institution = testing.institution(code, institution_name)
    application.save()
    return application


def rows_of(response):
    return {r.person.name: r for r, _ in response.context["rows"]}


# --- who sees whom ------------------------------------------------------------------------


def test_the_page_lists_only_the_institutions_own_candidates(client, studying, staff):
    stranger = elsewhere(studying)
    client.force_login(staff)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["filter"].sitting == studying["sitting"]  # the next one, by default
    assert set(rows_of(response)) == {"张三"}
    page = response.content.decode()
    assert "张三" in page and "李四" not in page
    person = studying["person"]
    assert person.masked_id_number in page and person.id_number not in page
    # Naming the other institution in the query changes nothing for institution staff.
    response = client.get(PAGE, {"institution": stranger.institution.pk})
    assert set(rows_of(response)) == {"张三"}


def test_an_administrator_sees_every_institution_and_filters_by_one(client, studying):
    stranger = elsewhere(studying)
    client.force_login(testing.administrator())
    assert set(rows_of(client.get(PAGE))) == {"张三", "李四"}
    response = client.get(PAGE, {"institution": stranger.institution.pk})
    assert set(rows_of(response)) == {"李四"}
    assert "蓝天职业学校" in response.content.decode()


def test_candidates_and_strangers_are_turned_away(client, studying):
    assert client.get(PAGE).status_code == 302
    client.force_login(studying["user"])
    for url in (PAGE, EXPORT):
        assert client.get(url).status_code == 403
    assert client.post(REMIND, {"target": "all"}).status_code == 403
    client.force_login(testing.staff("loose", roles.INSTITUTION))  # no institution
    assert client.get(PAGE).status_code == 403


def test_the_navigation_and_panel_link_the_page(client, studying, staff):
    client.force_login(staff)
    page = client.get(reverse("accounts:home")).content.decode()
    assert f'href="{PAGE}"' in page and "学习进度" in page


def test_filters_by_subject_and_orders_the_most_behind_first(client, studying, staff):
    s = studying
    big = lesson("综合课", "reading", [s["video"].knowledge_points.first()], "36.0")
    done = other_person(400, "赵六")
    apply(done, s["subject"], s["sitting"])
    study(done, big, 1.0)
    study(s["person"], big, 0.5)
    other_subject = Subject.objects.get(code="CT-3")
    apply(other_person(401, "孙七"), other_subject, s["sitting"])
    client.force_login(staff)
    response = client.get(PAGE)
    names = [r.person.name for r, _ in response.context["rows"]]
    assert names[-1] == "赵六"  # reached: last
    assert names.index("孙七") < names.index("张三")  # 0 hours before 18
    assert response.context["totals"].reached == 1 and response.context["totals"].behind == 2
    response = client.get(PAGE, {"subject": "CT-3"})
    assert set(rows_of(response)) == {"孙七"}
    response = client.get(PAGE, {"sort": "name"})
    assert [r.person.name for r, _ in response.context["rows"]] == sorted(names)
    assert "达标" in response.content.decode() and "未达标" in response.content.decode()


def test_a_hundred_rows_a_page_in_order_with_totals_over_all(client, studying, staff, monkeypatch):
    s = studying
    for n in range(4):
        apply(other_person(600 + n, f"钱{n}"), s["subject"], s["sitting"])
    monkeypatch.setattr(institution_views, "PER_PAGE", 2)
    client.force_login(staff)
    first = client.get(PAGE, {"sort": "name"})
    assert len(first.context["rows"]) == 2 and first.context["totals"].candidates == 5
    assert first.context["remindable"] == 5  # "remind all" means all five, not this page
    html = first.content.decode()
    assert "第 1 / 3 页（第 1–2 名，共 5 名）" in html and "sort=name&amp;page=2" in html
    names = []
    for number in (1, 2, 3):
        page = client.get(PAGE, {"sort": "name", "page": number})
        names += [r.person.name for r, _ in page.context["rows"]]
    assert len(names) == 5 and names == sorted(names)
    assert [r.person.name for r, _ in first.context["rows"]] == names[:2]
    assert client.get(PAGE, {"page": "99"}).context["page"].number == 3  # the last
    assert client.get(PAGE, {"page": "x"}).context["page"].number == 1


def test_an_unknown_sitting_is_not_found(client, studying, staff):
    client.force_login(staff)
    assert client.get(PAGE, {"sitting": "999999"}).status_code == 404
    assert client.get(PAGE, {"sitting": "x"}).status_code == 404


# --- the figures --------------------------------------------------------------------------


def test_bulk_figures_equal_the_course_page(studying):
    s = studying
    points = list(KnowledgePoint.objects.all()[:40])
    extra = [
        lesson(f"课{i}", "reading", [points[(i * 7) % len(points)]], f"{1 + i % 3}.5")
        for i in range(8)
    ]
    hidden = lesson("未发布", "reading", [points[0]], "5.0")
    hidden.published = False
    hidden.save()
    every = [s["video"], s["reading"], s["document"], hidden, *extra]
    subjects = [s["subject"], Subject.objects.get(code="CT-3"), Subject.objects.get(code="CE-2")]
    applications = [s["application"]]
    for n in range(6):
        person = other_person(500 + n, f"考生{n}")
        applications.append(apply(person, subjects[n % 3], s["sitting"]))
    for i, application in enumerate(applications):
        for j, row in enumerate(every):
            if (i + j) % 3:
                study(application.person, row, ((i * 5 + j * 3) % 11) / 10)
    rows = institution.progress_table(
        Application.objects.filter(pk__in=[a.pk for a in applications]).select_related(
            "person", "subject__level", "sitting", "institution"
        )
    )
    assert len(rows) == len(applications)
    assert any(r.earned_hours > 0 for r in rows)
    for row in rows:
        course = services.course(row.application.subject, row.application.person)
        assert row.earned_hours == course.earned_hours
        assert row.required_hours == course.required_hours
        assert row.minutes_missing == course.minutes_missing
        assert row.fraction == pytest.approx(course.fraction)


def test_the_export_lists_hours_and_mock_scores_for_each_candidate(client, studying, staff):
    s = studying
    study(s["person"], s["video"], 0.5)  # 0.5 h
    study(s["person"], s["reading"], 1.0)  # 0.5 h
    start = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
    mock(s["application"], "72.5", start)
    mock(s["application"], "60", start + datetime.timedelta(days=3))  # the latest
    mock(s["application"], None, start + datetime.timedelta(days=5), handed_in=False)
    wang = other_person(402, "王五")
    apply(wang, s["subject"], s["sitting"])
    elsewhere(studying)  # not theirs: not in their export
    Reminder.objects.create(
        application=s["application"], queued_at=start, sent_at=start, channel="sms",
        earned_hours=1, minutes_missing=1575, status="failed", failed="网关忙",
    )  # fmt: skip
    client.force_login(staff)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"]).endswith("学习进度_2026-12-19.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    header = lines[0]
    assert header[:6] == ("姓名", "身份证号码", "报考科目", "科目代码", "报名状态", "已学课时")
    by_name = {line[0]: dict(zip(header, line, strict=True)) for line in lines[1:]}
    assert set(by_name) == {"张三", "王五"}
    zhang = by_name["张三"]
    assert zhang["身份证号码"] == s["person"].masked_id_number != s["person"].id_number
    assert zhang["已学课时"] == 1.0 and zhang["最低课时"] == 36
    assert zhang["还差（分钟）"] == 35 * 45 and zhang["是否达标"] == "未达标"
    assert zhang["模拟考试次数"] == 2
    assert zhang["模拟最高分"] == 72.5 and zhang["模拟最近得分"] == 60
    assert zhang["最近学习"] == "2026-12-01 10:00"
    wang_line = by_name["王五"]
    assert wang_line["已学课时"] == 0 and wang_line["模拟考试次数"] == 0
    assert wang_line["模拟最高分"] is None and wang_line["模拟最近得分"] is None
    assert (zhang["最近提醒"], zhang["提醒状态"]) == ("2026-11-20 17:00", "发送失败")
    assert (wang_line["最近提醒"], wang_line["提醒状态"]) == (None, None)
    page = client.get(PAGE).content.decode()
    assert "72.5" in page and "1.0 / 36" in page


def test_hours_are_shown_rounded_down(studying):
    s = studying
    big = lesson("综合课", "reading", [s["video"].knowledge_points.first()], "36.0")
    study(s["person"], big, 0.999)  # 35.964 h: 2 minutes short
    row = institution.progress_table([s["application"]])[0]
    assert row.hours_shown == 35.9 and row.percent == 99
    assert not row.reached and row.minutes_missing == 2


# --- reminders ----------------------------------------------------------------------------


@pytest.fixture
def jobs_run(django_capture_on_commit_callbacks):
    """Runs the jobs a request queues (inline here) when its transaction commits."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


@pytest.fixture
def remind(client, studying, jobs_run):
    def post(**extra):
        data = {"sitting": studying["sitting"].pk, "channel": ["sms", "email"], **extra}
        return jobs_run(lambda: client.post(REMIND, data, follow=True))

    return post


def flash(response):
    return [str(m) for m in response.context["messages"]]


QUEUED_ONE = "已提交学习提醒 1 人，跳过 0 人。正在后台发送，结果见表中“最近提醒”一列。"


def test_a_reminder_goes_out_once_and_a_second_click_skips_it(
    client, studying, staff, sent, remind
):
    s = studying
    Application.objects.filter(pk=s["application"].pk).update(email="zhang@example.com")
    study(s["person"], s["video"], 0.5)
    study(s["person"], s["reading"], 1.0)
    client.force_login(staff)
    response = remind(target="all")
    assert response.redirect_chain[-1][0].startswith(PAGE)
    assert flash(response) == [QUEUED_ONE]
    assert [m.kind for m in sent] == ["study_reminder"] and sent[0].phone == "13800000000"
    assert "已学 1/36 课时，还差 1575 分钟" in sent[0].text
    assert sent[0].params["minutes"] == "1575" and sent[0].params["required"] == "36"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhang@example.com"]
    assert "请于考前" in mail.outbox[0].body
    reminder = Reminder.objects.get()
    assert reminder.by == staff and reminder.channel == "email,sms"
    assert reminder.status == Reminder.Status.SENT and reminder.sent_at is not None
    for action in ("learning.reminder.queued", "learning.reminder.sent"):
        assert AuditEvent.objects.filter(action=action, object_id=str(reminder.pk)).exists()
    # A double click, or the same candidate ticked again: nothing more goes out.
    response = remind(target="selected", application=[s["application"].pk])
    assert flash(response) == ["已提交学习提醒 0 人，跳过 1 人。"]
    assert len(sent) == 1 and len(mail.outbox) == 1 and Reminder.objects.count() == 1
    page = client.get(PAGE)
    last = page.context["rows"][0][0].last_reminder
    assert (last.at, last.label) == (reminder.sent_at, "已发送")
    assert "已发送" in page.content.decode()
    # Half a day later it may go again.
    s["time"].shift(datetime.timedelta(hours=13))
    remind(target="all", channel=["sms"])
    assert len(sent) == 2 and len(mail.outbox) == 1 and Reminder.objects.count() == 2


def test_the_click_only_queues_and_a_queued_reminder_keeps_a_second_back(
    client, studying, staff, sent
):
    """The job runs after the click's commit; until it has, a second click finds the
    queued reminder and queues no other."""
    client.force_login(staff)
    data = {"sitting": studying["sitting"].pk, "channel": ["sms"], "target": "all"}
    client.post(REMIND, data)  # on_commit never fires inside the test's transaction
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.QUEUED and sent == []
    assert rows_of(client.get(PAGE))["张三"].last_reminder.label == "待发送"
    response = client.post(REMIND, data, follow=True)
    assert flash(response) == ["已提交学习提醒 0 人，跳过 1 人。"]
    assert Reminder.objects.count() == 1 and sent == []


def test_one_click_reminds_any_number_of_candidates_in_jobs_of_a_hundred(
    client, studying, staff, sent, remind, monkeypatch
):
    s = studying
    for n in range(4):
        apply(other_person(500 + n, f"王{n}"), s["subject"], s["sitting"])
    jobs = []
    real = institution.jobs.enqueue
    monkeypatch.setattr(institution, "PER_JOB", 2)
    monkeypatch.setattr(
        institution.jobs, "enqueue", lambda task, ids: (jobs.append(ids), real(task, ids))
    )
    client.force_login(staff)
    response = remind(target="all", channel=["sms"])
    assert flash(response)[0].startswith("已提交学习提醒 5 人，跳过 0 人。")
    assert [len(ids) for ids in jobs] == [2, 2, 1]
    assert len(sent) == 5 and set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


def test_only_those_behind_with_an_exam_ahead_are_reminded(client, studying, staff, sent, remind):
    s = studying
    big = lesson("综合课", "reading", [s["video"].knowledge_points.first()], "36.0")
    done = other_person(400, "赵六")
    apply(done, s["subject"], s["sitting"])
    study(done, big, 1.0)
    apply(
        other_person(401, "孙七"), s["subject"], s["sitting"], status=Application.Status.SUBMITTED
    )
    client.force_login(staff)
    response = remind(target="all")
    assert flash(response) == [QUEUED_ONE.replace("跳过 0 人", "跳过 2 人")]
    assert [m.params["name"] for m in sent] == ["张三"]


def test_a_candidate_without_the_chosen_address_is_counted_not_queued(
    client, studying, staff, sent, remind
):
    client.force_login(staff)
    response = remind(target="all", channel=["email"])  # 张三 has a phone, no email
    assert flash(response) == ["已提交学习提醒 0 人，跳过 0 人，1 人没有所选方式的联系方式。"]
    assert not Reminder.objects.exists() and mail.outbox == []


def test_a_forged_selection_sends_nothing_and_says_so(client, studying, staff, sent, remind):
    s = studying
    stranger = elsewhere(studying)
    client.force_login(staff)
    response = remind(target="selected", application=[s["application"].pk, stranger.pk])
    assert flash(response) == ["所选考生中有 1 人不是本机构的考生，未发送任何提醒。"]
    response = remind(target="selected", application=["999999"])
    assert "不是本机构的考生" in flash(response)[0]
    response = remind(target="selected", application=["x"])
    assert flash(response) == ["提交的考生编号无效，未发送任何提醒。"]
    response = remind(target="selected")
    assert flash(response) == ["请先勾选要提醒的考生。"]
    assert sent == [] and mail.outbox == [] and not Reminder.objects.exists()
    assert client.get(REMIND).status_code == 405


def test_no_channel_chosen_sends_nothing(client, studying, staff, sent, remind):
    client.force_login(staff)
    response = remind(target="all", channel=[])
    assert flash(response) == ["请至少选择一种提醒方式（邮件或短信）。"]
    assert sent == [] and not Reminder.objects.exists()


def test_a_failed_gateway_shows_on_the_page_and_may_be_retried(
    client, studying, staff, monkeypatch, remind
):
    class Down:
        def send(self, message):
            raise notify.SmsError("isv.BUSINESS_LIMIT_CONTROL")

    monkeypatch.setattr(notify, "gateway", lambda: Down())
    client.force_login(staff)
    response = remind(target="all", channel=["sms"])
    assert flash(response) == [QUEUED_ONE]
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.FAILED
    assert "BUSINESS_LIMIT_CONTROL" in reminder.failed
    page = client.get(PAGE).content.decode()
    assert "发送失败" in page and "BUSINESS_LIMIT_CONTROL" in page
    monkeypatch.undo()
    notify.LogGateway.sent.clear()
    response = remind(target="all", channel=["sms"])
    assert flash(response) == [QUEUED_ONE]
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 1
    notify.LogGateway.sent.clear()


def test_an_administrator_may_remind_any_institutions_candidates(client, studying, sent, remind):
    stranger = elsewhere(studying)
    client.force_login(testing.administrator())
    response = remind(target="selected", application=[stranger.pk])
    assert flash(response) == [QUEUED_ONE]
    assert "蓝天职业学校" in sent[0].text


def test_the_tick_sends_what_a_stopped_worker_left_and_each_goes_once(studying, sent):
    s = studying
    row = institution.progress_table([s["application"]])[0]
    start = timezone.now()
    reminder = institution._claim(None, row, "", "13800000000", start)
    assert institution.send_overdue(start + datetime.timedelta(minutes=1)) == 0  # job's turn
    assert institution.send_overdue(start + datetime.timedelta(minutes=3)) == 1
    assert institution.send([reminder.pk]) == 0  # the job, late: already sent
    assert len(sent) == 1
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    call_command("tick", stdout=io.StringIO())  # the tick runs it, with nothing left to do
    assert len(sent) == 1


def test_a_send_stalled_mid_way_is_given_up_and_may_be_asked_again(studying, sent):
    s = studying
    row = institution.progress_table([s["application"]])[0]
    start = timezone.now()
    reminder = institution._claim(None, row, "", "13800000000", start)
    Reminder.objects.filter(pk=reminder.pk).update(status="sending", sending_at=start)
    later = start + datetime.timedelta(minutes=16)
    assert institution.send_overdue(later) == 1
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED and "未能确认" in reminder.failed
    assert sent == []
    assert institution._claim(None, row, "", "13800000000", later) is not None


# --- cost ---------------------------------------------------------------------------------


def test_the_page_costs_a_fixed_number_of_queries(
    client, studying, staff, django_assert_max_num_queries
):
    s = studying
    start = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
    subjects = [s["subject"], Subject.objects.get(code="CT-3")]
    for n in range(30):
        person = other_person(600 + n, f"考生{n:02d}")
        application = apply(person, subjects[n % 2], s["sitting"])
        study(person, s["video"], (n % 10) / 10)
        study(person, s["reading"], 1.0)
        mock(application, str(50 + n), start)
        mock(application, str(40 + n), start + datetime.timedelta(days=1))
    client.force_login(staff)
    client.get(PAGE)  # the session and anything cached once
    with django_assert_max_num_queries(16):
        response = client.get(PAGE)
    assert len(response.context["rows"]) == 31
    with django_assert_max_num_queries(16):
        assert client.get(EXPORT).status_code == 200
