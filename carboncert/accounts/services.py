"""State changes for accounts: roles, staff and candidate logins."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from carboncert.audit.services import record

from . import idcard
from .models import Institution, Person, User
from .roles import CANDIDATE, ROLE_BY_CODE, ROLES, STAFF_ROLES


def sync_roles(using: str = "default") -> None:
    """Make each role's group hold exactly the permissions accounts.roles gives it."""
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    with transaction.atomic(using=using):
        for role in ROLES:
            group, _ = Group.objects.using(using).get_or_create(name=role.code)
            group.permissions.set([perms[code] for code in role.permissions if code in perms])


def role_groups(codes: list[str]) -> list[Group]:
    """The groups of these roles, created (with their permissions) if migrate has not yet."""
    if Group.objects.filter(name__in=codes).count() < len(set(codes)):
        sync_roles()
    return list(Group.objects.filter(name__in=codes))


@transaction.atomic
def create_staff_user(
    username: str,
    password: str,
    *,
    full_name: str,
    roles: list[str],
    institution: Institution | None = None,
    by: User | None = None,
) -> User:
    unknown = set(roles) - set(ROLE_BY_CODE)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    user = User(username=username, full_name=full_name, institution=institution)
    user.is_staff = bool(STAFF_ROLES & set(roles))
    user.set_password(password)
    user.save()
    user.groups.set(role_groups(roles))
    record(by, "accounts.user.create", user, after={"roles": sorted(roles)})
    return user


@transaction.atomic
def ensure_candidate_login(
    person: Person, password: str | None = None, by: User | None = None
) -> User:
    """The candidate's portal login: username is the ID number.

    Without a password, the first one is the last four characters of the ID
    number, as the programme tells candidates, and must be changed at the
    first login.
    """
    user = User.objects.filter(person=person).first()
    if user is None:
        user = User(username=person.id_number, full_name=person.name, person=person)
        user.set_password(password or idcard.last_four(person.id_number))
        user.must_change_password = password is None
        user.save()
        user.groups.add(*role_groups([CANDIDATE]))
        record(by, "accounts.user.create", user, after={"roles": ["candidate"]})
    return user


def login_name(value: str) -> str:
    """Usernames are typed freely; an ID number is matched whatever the case of its X."""
    value = (value or "").strip()
    try:
        return idcard.validate(value)
    except idcard.IdNumberError:
        return value
