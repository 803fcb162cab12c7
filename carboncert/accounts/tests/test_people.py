import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from carboncert import testing
from carboncert.accounts import roles
from carboncert.accounts.models import Person
from carboncert.accounts.services import sync_roles

pytestmark = pytest.mark.django_db


def test_a_person_is_stored_with_an_upper_case_x_and_facts_from_the_number():
    person = Person.objects.create(id_number=testing.ZHANG_SAN_ID.lower(), name="张三")
    person.refresh_from_db()
    assert person.id_number == testing.ZHANG_SAN_ID
    assert person.gender == "M"
    assert str(person.birth_date) == "1985-06-12"
    assert str(person) == "张三（1101**********107X）"


def test_the_same_number_in_another_case_is_the_same_person():
    Person.objects.create(id_number=testing.ZHANG_SAN_ID, name="张三")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(id_number=testing.ZHANG_SAN_ID.lower(), name="张三")


def test_full_clean_refuses_a_bad_number_in_chinese():
    person = Person(id_number="110105198506121071", name="张三")
    with pytest.raises(ValidationError) as raised:
        person.full_clean()
    assert "校验位不正确" in str(raised.value.message_dict["id_number"])


def test_every_role_is_a_group_with_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ROLE_BY_CODE)
    admin_perms = Group.objects.get(name=roles.ADMINISTRATOR).permissions
    assert admin_perms.filter(codename="change_sitting").exists()
    assert admin_perms.filter(codename="add_calendaryear").exists()
    assert (
        not Group.objects.get(name=roles.GRADER)
        .permissions.filter(codename="change_sitting")
        .exists()
    )


def test_syncing_roles_is_idempotent():
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    sync_roles()
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_staff_roles_make_back_office_users_and_institution_staff_are_not():
    reviewer = testing.staff("reviewer", roles.REVIEWER)
    inst = testing.staff("inst", roles.INSTITUTION, institution=testing.institution())
    assert reviewer.is_staff and reviewer.has_role(roles.REVIEWER)
    assert not inst.is_staff and inst.institution.code == "green"
    with pytest.raises(ValueError):
        testing.staff("nobody", "wizard")
