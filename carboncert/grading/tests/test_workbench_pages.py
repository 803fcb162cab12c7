"""The marking workbench over HTTP: blind, keyboard-sized, and closed to everyone else."""

import re

import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles
from carboncert.accounts.models import Person
from carboncert.grading import services
from carboncert.grading.models import Mark, Marking
from carboncert.registration.models import Application

pytestmark = pytest.mark.django_db


def identities():
    """Every string that would tell a grader whose answer it is."""
    found = set()
    for person in Person.objects.all():
        found |= {person.name, person.id_number, person.masked_id_number, person.id_number[-6:]}
    for application in Application.objects.select_related("institution"):
        found |= {application.ticket_number, application.institution.name, application.phone}
    return found


def assert_blind(html: str, secrets: set[str]):
    leaked = [s for s in secrets if s and s in html]
    assert not leaked, leaked


def test_graders_mark_a_whole_sitting_through_the_pages_without_seeing_who(
    ended, graders, chief, client
):
    sitting = ended(4)
    secrets = identities()
    marked = 0
    for grader in graders * 6:
        client.force_login(grader)
        page = client.get(reverse("grading:workbench")).content.decode()
        assert_blind(page, secrets)
        match = re.search(r'action="/results/mark/(\d+)/"', page)
        if not match:
            continue
        assert 'id="answer"' in page and "参考答案" in page and "关键词提示分" in page
        response = client.post(reverse("grading:mark", args=[match.group(1)]),
                               {"points": "4", "sitting": sitting.pk, "round": "first"})  # fmt: skip
        assert response.status_code == 302
        assert_blind(client.get(response.url).content.decode(), secrets)
        marked += 1
    assert marked == 8 and not Marking.objects.exclude(state="done").exists()
    client.force_login(chief)
    for name in ("grading:arbitration", "grading:progress"):
        assert_blind(client.get(reverse(name)).content.decode(), secrets)


def test_the_second_grader_s_page_does_not_show_the_first_mark(ended, graders, client):
    sitting = ended(1)
    services.ensure_assignments(sitting)
    task = services.next_task(graders[0], sitting)
    services.enter_mark(graders[0], task.marking.pk, "7.5")
    second = next(g for g in graders[1:] if services.Assignment.objects.filter(grader=g).exists())
    client.force_login(second)
    page = client.get(reverse("grading:workbench")).content.decode()
    assert task.marking.code in page
    assert "7.5" not in page and "一评" not in page and 'id="first-marks"' not in page


def test_the_arbiter_sees_both_marks_but_not_the_candidate(ended, graders, chief, client):
    sitting = ended(1)
    services.ensure_assignments(sitting)
    task = services.next_task(graders[0], sitting)
    services.enter_mark(graders[0], task.marking.pk, 1)
    services.enter_mark(graders[1], task.marking.pk, 9)
    client.force_login(chief)
    page = client.get(reverse("grading:arbitration")).content.decode()
    assert "一评 1.0 分" in page and "二评 9.0 分" in page
    assert_blind(page, identities())
    client.post(reverse("grading:arbitrate", args=[task.marking.pk]),
                {"points": "8", "sitting": sitting.pk})  # fmt: skip
    assert Marking.objects.get().final_points == 8.5


def test_a_bad_mark_through_the_page_is_a_message_and_changes_nothing(ended, graders, client):
    ended(1)
    client.force_login(graders[0])
    page = client.get(reverse("grading:workbench")).content.decode()
    pk = re.search(r'action="/results/mark/(\d+)/"', page).group(1)
    response = client.post(reverse("grading:mark", args=[pk]), {"points": "abc"}, follow=True)
    assert "请输入分数" in response.content.decode()
    response = client.post(reverse("grading:mark", args=[999999]), {"points": "3"}, follow=True)
    assert "没有这份答案" in response.content.decode()
    assert not Mark.objects.exists()


@pytest.mark.parametrize("name", ["grading:workbench", "grading:arbitration", "grading:progress"])
def test_nobody_else_opens_the_workbench(ended, client, name):
    ended(1)
    assert client.get(reverse(name)).status_code == 302  # to the login page
    for role in (roles.CANDIDATE, roles.INSTITUTION, roles.PROCTOR, roles.QUESTION_EDITOR):
        client.force_login(testing.staff(f"u-{role}", role))
        if name == "grading:progress" and role == roles.ADMINISTRATOR:
            continue
        assert client.get(reverse(name)).status_code == 403
