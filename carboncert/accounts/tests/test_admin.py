import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles

pytestmark = pytest.mark.django_db


def test_lists_show_id_numbers_masked(admin_client):
    testing.candidate()
    for url in (
        reverse("admin:accounts_person_changelist"),
        reverse("admin:accounts_user_changelist"),
    ):
        page = admin_client.get(url).content.decode()
        assert "1101**********107X" in page, url
        assert testing.ZHANG_SAN_ID not in page, url


def test_staff_find_a_person_by_number_typed_with_a_lower_case_x(admin_client):
    testing.candidate()
    url = reverse("admin:accounts_person_changelist")
    page = admin_client.get(url, {"q": testing.ZHANG_SAN_ID.lower()}).content.decode()
    assert "张三" in page


def test_institution_staff_and_candidates_cannot_enter_the_back_office(client):
    for user in (
        testing.staff("inst", roles.INSTITUTION, testing.institution()),
        testing.candidate(),
    ):
        client.force_login(user)
        response = client.get(reverse("admin:accounts_person_changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response.url


def test_a_reviewer_may_view_people_but_not_change_the_calendar(client):
    client.force_login(testing.staff("reviewer", roles.REVIEWER))
    assert client.get(reverse("admin:accounts_person_changelist")).status_code == 200
    assert client.get(reverse("admin:sittings_calendaryear_add")).status_code == 403


def test_nobody_edits_the_audit_log(admin_client):
    testing.candidate()
    from carboncert.audit.models import AuditEvent

    event = AuditEvent.objects.first()
    assert admin_client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert (
        admin_client.post(
            reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
