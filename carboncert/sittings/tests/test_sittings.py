"""Generating sittings by rule, moving them, and entering a year's holiday calendar."""

from datetime import date

import pytest
from django.urls import reverse

from carboncert.audit.models import AuditEvent
from carboncert.sittings import services
from carboncert.sittings.models import CalendarYear, Sitting, SittingDefaults
from carboncert.sittings.workdays import DayRule

pytestmark = pytest.mark.django_db

PENDING_2027 = "待2027年节假日安排公布后确定"


def test_it_generates_a_year_on_the_third_saturdays(catalogue):
    results = services.generate_sittings(2026)
    assert [r.sitting.date for r in results] == [
        date(2026, 2, 21),
        date(2026, 4, 18),
        date(2026, 6, 20),
        date(2026, 8, 15),
        date(2026, 10, 17),
        date(2026, 12, 19),
    ]
    assert all(r.created for r in results)
    assert results[0].sitting.subjects.count() == 12


def test_it_warns_that_february_2026_falls_in_the_spring_festival(catalogue):
    feb = services.generate_sittings(2026)[0]
    assert feb.sitting.date == date(2026, 2, 21)
    assert any("春节" in w for w in feb.warnings)


def test_generating_again_creates_nothing_and_keeps_moved_sittings(catalogue):
    feb = services.generate_sittings(2026)[0].sitting
    services.move_sitting(feb, date(2026, 3, 7), reason="春节假期")
    again = services.generate_sittings(2026)
    assert not any(r.created for r in again)
    assert Sitting.objects.count() == 6
    assert again[0].sitting.date == date(2026, 3, 7)


def test_the_months_are_a_setting(catalogue):
    defaults = SittingDefaults.load()
    defaults.months = [1, 3, 5, 7, 9, 11]
    defaults.save()
    dates = [r.sitting.date for r in services.generate_sittings(2026)]
    assert dates[0] == date(2026, 1, 17)
    assert len(dates) == 6


def test_a_move_takes_the_whole_timeline_along(catalogue, admin_user):
    feb = services.generate_sittings(2026)[0].sitting
    warnings = services.move_sitting(feb, date(2026, 3, 7), by=admin_user, reason="避开春节")
    feb.refresh_from_db()
    assert warnings == []
    assert feb.date == date(2026, 3, 7)
    assert feb.registration_closes_at.date() == date(2026, 2, 28)
    assert feb.starts_at.date() == date(2026, 3, 7)
    # 03-09..13, 03-16..20, 03-23..27: the 15th working day.
    assert feb.results_on == date(2026, 3, 27)
    event = AuditEvent.objects.get(action="sittings.sitting.move")
    assert event.before == {"date": "2026-02-21"}
    assert event.after == {"date": "2026-03-07"}
    assert event.reason == "避开春节"
    assert event.actor == admin_user


def test_a_move_needs_a_reason_and_a_free_day(catalogue):
    feb, apr = [r.sitting for r in services.generate_sittings(2026)[:2]]
    with pytest.raises(services.SittingMoveError, match="原因"):
        services.move_sitting(feb, date(2026, 3, 7), reason=" ")
    with pytest.raises(services.SittingMoveError, match="已有考试批次"):
        services.move_sitting(feb, apr.date, reason="冲突")
    feb.refresh_from_db()
    assert feb.date == date(2026, 2, 21)


def test_the_december_sitting_waits_for_the_2027_calendar_then_shows_it(catalogue, client):
    services.generate_sittings(2026)
    url = reverse("sittings:detail", args=["2026-12-19"])
    page = client.get(url).content.decode()
    assert page.count(PENDING_2027) == 3
    assert "09:00" in page and "11:00" in page and "2026-12-12 23:59" in page

    services.enter_calendar_year(
        2027,
        "国务院办公厅关于2027年部分节假日安排的通知",
        [
            DayRule(date(2027, 1, 1), False, "元旦"),
            *[DayRule(date(2027, 2, d), False, "春节") for d in range(6, 15)],
            DayRule(date(2027, 2, 20), True, "春节"),
        ],
    )
    sitting = Sitting.objects.get(date=date(2026, 12, 19))
    assert (sitting.results_on, sitting.certificates_on, sitting.lookup_on) == (
        date(2027, 1, 11),
        date(2027, 2, 20),
        date(2027, 2, 26),
    )
    assert sitting.pending_calendar_years == []
    page = client.get(url).content.decode()
    assert PENDING_2027 not in page
    assert "2027-01-11" in page and "2027-02-20" in page and "2027-02-26" in page


def test_the_public_list_shows_coming_sittings(catalogue, client, time_machine):
    time_machine.move_to("2026-11-25 10:00 +0800")
    services.generate_sittings(2026)
    services.generate_sittings(2027)
    page = client.get(reverse("sittings:list")).content.decode()
    assert "2026-12-19" in page
    assert "2026-10-17" not in page  # past


@pytest.mark.parametrize("day", ["2026-02-30", "not-a-date", "2030-01-01"])
def test_an_unknown_or_impossible_day_is_a_404(client, day):
    assert client.get(f"/sittings/{day}/").status_code == 404


# --- the administrator's screens ------------------------------------------------


def test_the_admin_generates_and_is_warned(catalogue, admin_client):
    response = admin_client.post(
        reverse("admin:sittings_sitting_generate"), {"year": 2026}, follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "新建6个考试批次" in text
    assert "春节法定假期内" in text
    assert "端午节法定假期内" in text  # 2026-06-20 too
    assert Sitting.objects.count() == 6


def test_only_administrators_generate(catalogue, client, db):
    from carboncert import testing
    from carboncert.accounts import roles

    client.force_login(testing.staff("grader", roles.GRADER))
    response = client.post(reverse("admin:sittings_sitting_generate"), {"year": 2026})
    assert response.status_code in (302, 403)
    assert Sitting.objects.count() == 0


def admin_form(sitting, **changes):
    data = {f: getattr(sitting, f) for f in Sitting.RULE_FIELDS}
    data.update(
        date=sitting.date, subjects=[s.pk for s in sitting.subjects.all()], change_reason=""
    )
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_the_admin_moves_a_sitting_with_a_reason(catalogue, admin_client):
    feb = services.generate_sittings(2026)[0].sitting
    url = reverse("admin:sittings_sitting_change", args=[feb.pk])
    refused = admin_client.post(url, admin_form(feb, date="2026-03-07"))
    assert refused.status_code == 200
    assert "必须填写原因" in refused.content.decode()
    feb.refresh_from_db()
    assert feb.date == date(2026, 2, 21)

    done = admin_client.post(
        url, admin_form(feb, date="2026-03-07", change_reason="春节"), follow=True
    )
    assert done.status_code == 200
    feb.refresh_from_db()
    assert feb.date == date(2026, 3, 7)
    assert feb.results_on == date(2026, 3, 27)


def test_the_admin_changes_a_rule_and_the_timeline_follows(catalogue, admin_client):
    oct_ = services.generate_sittings(2026)[4].sitting
    url = reverse("admin:sittings_sitting_change", args=[oct_.pk])
    admin_client.post(url, admin_form(oct_, results_workdays=1, change_reason="试点"))
    oct_.refresh_from_db()
    assert oct_.results_workdays == 1
    assert oct_.results_on == date(2026, 10, 19)
    assert AuditEvent.objects.filter(action="sittings.sitting.rules").exists()


def test_the_admin_enters_2027_and_every_timeline_follows(catalogue, admin_client):
    services.generate_sittings(2026)
    days = [("2027-01-01", "", "元旦")] + [(f"2027-02-{d:02d}", "", "春节") for d in range(6, 15)]
    days.append(("2027-02-20", "on", "春节"))
    data = {
        "year": 2027,
        "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "days-TOTAL_FORMS": len(days),
        "days-INITIAL_FORMS": 0,
        "days-MIN_NUM_FORMS": 0,
        "days-MAX_NUM_FORMS": 1000,
    }
    for i, (day, working, name) in enumerate(days):
        data[f"days-{i}-day"] = day
        data[f"days-{i}-name"] = name
        if working:
            data[f"days-{i}-is_workday"] = working
    response = admin_client.post(reverse("admin:sittings_calendaryear_add"), data, follow=True)
    assert response.status_code == 200
    assert CalendarYear.objects.get(year=2027).days.count() == 11
    dec = Sitting.objects.get(date=date(2026, 12, 19))
    assert dec.results_on == date(2027, 1, 11)
    assert dec.certificates_on == date(2027, 2, 20)
    assert AuditEvent.objects.filter(action="sittings.calendar.save").exists()


def test_a_calendar_day_outside_its_year_is_refused(catalogue, admin_client):
    data = {
        "year": 2027,
        "source": "通知",
        "days-TOTAL_FORMS": 1,
        "days-INITIAL_FORMS": 0,
        "days-MIN_NUM_FORMS": 0,
        "days-MAX_NUM_FORMS": 1000,
        "days-0-day": "2028-01-01",
        "days-0-name": "元旦",
    }
    response = admin_client.post(reverse("admin:sittings_calendaryear_add"), data)
    assert response.status_code == 200
    assert "不在 2027 年内" in response.content.decode()
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize("months", [[], [0, 2], [2, 2], [13], "2,4"])
def test_the_sitting_months_must_be_real_months(months):
    from django.core.exceptions import ValidationError

    defaults = SittingDefaults.load()
    defaults.months = months
    with pytest.raises(ValidationError):
        defaults.full_clean()


def test_rules_that_contradict_each_other_are_refused():
    from django.core.exceptions import ValidationError

    defaults = SittingDefaults.load()
    defaults.results_workdays = 50
    with pytest.raises(ValidationError, match="应先公布成绩"):
        defaults.full_clean()
