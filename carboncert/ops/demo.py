"""Demo data: the catalogue, the next sittings, one institution, one person per role.

Idempotent: running it again leaves the same rows and resets the demo
passwords to the documented ones, so README's accounts always work.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from carboncert.accounts import roles
from carboncert.accounts.models import Institution, Person, User
from carboncert.accounts.services import create_staff_user, ensure_candidate_login
from carboncert.catalog.services import load_catalogue
from carboncert.sittings.services import generate_sittings

DEMO_PASSWORD = "carbon-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    note: str = ""


INSTITUTION = {
    "code": "bj-lvtan",
    "name": "北京绿碳职业技能培训学校",
    "contact_name": "刘洋",
    "contact_phone": "010-6688 0001",
    "address": "北京市东城区示例路1号",
}

STAFF = [
    DemoAccount("admin", "王敏", roles.ADMINISTRATOR, "管理员（可进入管理后台）"),
    DemoAccount("reviewer", "李静", roles.REVIEWER, "审核员"),
    DemoAccount("proctor", "赵强", roles.PROCTOR, "考场负责人"),
    DemoAccount("grader", "陈晨", roles.GRADER, "阅卷"),
    DemoAccount("teacher", "周文", roles.TEACHER, "师资"),
    DemoAccount("editor", "孙倩", roles.QUESTION_EDITOR, "命题"),
    DemoAccount("institution", "刘洋", roles.INSTITUTION, "合作机构：北京绿碳职业技能培训学校"),
]

CANDIDATES = [
    ("11010519850612107X", "张三", "13800000001"),
    ("310104199203181003", "李思雨", "13800000002"),
    ("440305199509231006", "王芳", "13800000003"),
]


@transaction.atomic
def build() -> list[DemoAccount]:
    load_catalogue()
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        generate_sittings(year)
    institution, _ = Institution.objects.update_or_create(
        code=INSTITUTION["code"], defaults=INSTITUTION
    )
    accounts = []
    for account in STAFF:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = create_staff_user(
                account.username,
                DEMO_PASSWORD,
                full_name=account.full_name,
                roles=[account.role],
                institution=institution if account.role == roles.INSTITUTION else None,
            )
        if account.role == roles.ADMINISTRATOR and not user.is_superuser:
            user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        accounts.append(account)
    for id_number, name, phone in CANDIDATES:
        person, _ = Person.objects.update_or_create(
            id_number=id_number, defaults={"name": name, "phone": phone}
        )
        user = ensure_candidate_login(person, DEMO_PASSWORD)
        user.set_password(DEMO_PASSWORD)
        user.save()
        accounts.append(DemoAccount(id_number, name, roles.CANDIDATE, "考生（用身份证号码登录）"))
    return accounts
