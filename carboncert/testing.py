"""Named people for tests, built by the real services (STYLE.md)."""

from carboncert.accounts import roles
from carboncert.accounts.idcard import with_check_digit
from carboncert.accounts.models import Institution, Person
from carboncert.accounts.services import create_staff_user, ensure_candidate_login

PASSWORD = "test-pass-2026"
ZHANG_SAN_ID = "11010519850612107X"  # ends in X on purpose


def institution(code="green", name="绿碳培训学校"):
    return Institution.objects.get_or_create(code=code, defaults={"name": name})[0]


def staff(username, role, institution=None):
    return create_staff_user(
        username, PASSWORD, full_name=username, roles=[role], institution=institution
    )


def administrator():
    return staff("admin", roles.ADMINISTRATOR)


def candidate(id_number=ZHANG_SAN_ID, name="张三"):
    person = Person.objects.create(id_number=id_number, name=name)
    return ensure_candidate_login(person, PASSWORD)


def id_number(birth="19900307", sequence=123, region="110101"):
    return with_check_digit(f"{region}{birth}{sequence:03d}")
