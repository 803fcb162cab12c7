"""Demo data: the catalogue, the next sittings, one institution, one person per role.

Idempotent: running it again leaves the same rows and resets the demo
passwords to the documented ones, so README's accounts always work.
"""

import datetime
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from carboncert.accounts import roles
from carboncert.accounts.models import Institution, Person, User
from carboncert.accounts.services import create_staff_user, ensure_candidate_login
from carboncert.bank import demo_content
from carboncert.bank import services as bank
from carboncert.bank.models import Question
from carboncert.catalog.models import KnowledgePoint, Subject
from carboncert.catalog.services import load_catalogue
from carboncert.certificates.services import issue_due
from carboncert.exams.models import Attempt
from carboncert.grading import services as grading
from carboncert.grading import simulate
from carboncert.grading.models import Result
from carboncert.learning import demo as learning_demo
from carboncert.proctoring.models import Assignment
from carboncert.registration import services as registration
from carboncert.registration.models import Application, SubjectFee
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import add_satellite, generate_sittings

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
    DemoAccount("grader2", "吴磊", roles.GRADER, "阅卷"),
    DemoAccount("chief", "郑华", roles.CHIEF_GRADER, "阅卷组长（仲裁、进度、统计、复核）"),
    DemoAccount("teacher", "周文", roles.TEACHER, "师资"),
    DemoAccount("editor", "孙倩", roles.QUESTION_EDITOR, "命题"),
    DemoAccount("institution", "刘洋", roles.INSTITUTION, "合作机构：北京绿碳职业技能培训学校"),
]

CANDIDATES = [
    ("11010519850612107X", "张三", "13800000001"),
    ("310104199203181003", "李思雨", "13800000002"),
    ("440305199509231006", "王芳", "13800000003"),
]


# Demo fees only: the handbook leaves fees to the programme (set them in 管理后台 → 报名费标准).
DEMO_FEES = {1: Decimal("800.00"), 2: Decimal("1000.00"), 3: Decimal("1200.00")}


def demo_image(width=413, height=579, background=(67, 142, 219), label="") -> bytes:
    """A plain picture standing in for a scanned document or a blue-background photo."""
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    if background == (67, 142, 219):  # a head-and-shoulders silhouette on the photo
        draw.ellipse((width * 0.3, height * 0.18, width * 0.7, height * 0.55), fill=(235, 205, 180))
        draw.rectangle((width * 0.15, height * 0.6, width * 0.85, height), fill=(40, 40, 60))
    else:
        draw.rectangle((20, 20, width - 20, height - 20), outline=(120, 120, 120), width=4)
        draw.text((40, 40), label, fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _demo_applications(institution, staff_user, reviewer, admin) -> None:
    """Three applications in three states at the next sitting still open for registration."""
    now = timezone.now()
    sitting = (
        Sitting.objects.filter(registration_closes_at__gte=now, kind=Sitting.Kind.REGULAR)
        .order_by("date")
        .first()
    )
    if sitting is None:
        return
    plans = [
        ("11010519850612107X", "CE-2", "本科", "submitted"),
        ("310104199203181003", "CE-1", "大专", "admitted"),
        ("440305199509231006", "CA-1", "中专", "draft"),
    ]
    for id_number, code, education, state in plans:
        person = Person.objects.get(id_number=id_number)
        if Application.objects.filter(person=person, sitting=sitting).exists():
            continue
        application = registration.create_application(
            institution,
            sitting,
            registration.ApplicantFacts(
                id_number=id_number,
                name=person.name,
                phone=person.phone,
                subject_id=Subject.objects.get(code=code).pk,
                education=education,
                major="环境工程" if education == "本科" else "工商管理",
                major_related=education == "本科",
                graduated_on=datetime.date(2015, 7, 1),
                employer="示例能源有限公司",
                work_years=Decimal("4"),
            ),
            by=staff_user,
        )
        if state == "draft":
            continue
        registration.attach_document(application, "photo", demo_image(), "photo.jpg", by=staff_user)
        for kind, label in (
            ("id_card_front", "ID card front"),
            ("id_card_back", "ID card back"),
            ("diploma", "Diploma"),
        ):
            registration.attach_document(
                application,
                kind,
                demo_image(1000, 700, (250, 250, 245), label),
                f"{kind}.jpg",
                by=staff_user,
            )
        registration.submit(application, by=staff_user)
        if state == "admitted":
            registration.approve(application, by=reviewer)
            bill = application.bill_line.bill
            due = registration.bill_balance(bill)["due"]
            registration.record_payment(
                bill, due, timezone.localdate(), f"DEMO-{application.pk}", by=admin
            )


def _demo_bank(author, reviewer) -> None:
    """The original CE-1 question set, active, so the demo sitting can assemble real papers."""
    if Question.objects.exists():
        return
    points = {p.name: p for p in KnowledgePoint.objects.all()}
    for n, (name, item) in enumerate(demo_content.load()):
        # Every third question is published for practice and mock papers; the rest stay
        # the exam pool, which candidates never see before the exam.
        question = bank.create_question(points[name], item, by=author, practice=n % 3 == 2)
        bank.move(question, Question.Status.REVIEW, by=author)
        bank.move(question, Question.Status.ACTIVE, by=reviewer)


def _demo_learning(teacher) -> None:
    """The CE-1 course, and 李思雨 (approved for CE-1) part-way through it."""
    lessons = learning_demo.load_lessons(teacher)
    learner = Person.objects.get(id_number="310104199203181003")
    if Application.objects.filter(person=learner, status=Application.Status.APPROVED).exists():
        learning_demo.some_study(learner, lessons)


def _demo_system_test(main) -> None:
    """A system test (考前测试) open all of today, so the admitted demo candidate can sit a paper now."""
    today = timezone.localdate()
    if main is None or Sitting.objects.filter(date=today).exists():
        return
    add_satellite(
        main,
        Sitting.Kind.TEST,
        today,
        start_time=datetime.time(0, 5),
        duration_minutes=1430,
        check_in_minutes=5,
        late_entry_minutes=1420,
        earliest_hand_in_minutes=1,
    )


def _demo_grading(institution, users) -> None:
    """The two regular sittings before today, with simulated CE-1 candidates: the older one
    marked, its results out (张三 among them); the newer one waiting for the graders
    (李思雨 among them), its results out the moment marking completes, its date being past."""
    now = timezone.now()
    past = list(
        Sitting.objects.filter(kind=Sitting.Kind.REGULAR, ends_at__lt=now).order_by("-date")[:2]
    )
    if len(past) < 2 or Attempt.objects.filter(sitting__in=past).exists():
        return
    waiting, released = past
    subject = Subject.objects.get(code="CE-1")
    for sitting, count, first in ((released, 30, 0), (waiting, 20, 100)):
        attempts = simulate.sitting_of_attempts(subject, sitting, count, first=first,
                                                institution=institution)  # fmt: skip
        grading.score_attempts([a.pk for a in attempts])
    graders = [users["grader"], users["grader2"]]
    grading.ensure_assignments(released)
    simulate.mark_everything(released, graders, users["chief"], random.Random(7))
    grading.ensure_assignments(waiting)
    # Told long ago, in the story: the demo's first tick should not mail 30 people.
    Result.objects.filter(sitting=released).update(notified_at=now)
    # A demo candidate sat each: 张三 passed in August (the best result), 李思雨 waits for October.
    best = Result.objects.filter(sitting=released).order_by("-total", "pk").first()
    _stand_in(best.application, "11010519850612107X")
    _stand_in(Attempt.objects.filter(sitting=waiting).order_by("pk").first().application,
              "310104199203181003")  # fmt: skip


def _stand_in(application, id_number: str) -> None:
    simulated = application.person
    application.person = Person.objects.get(id_number=id_number)
    application.save(update_fields=["person"])
    simulated.delete()


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
    for subject in Subject.objects.select_related("level"):
        SubjectFee.objects.get_or_create(
            subject=subject, defaults={"amount": DEMO_FEES[subject.level.code]}
        )
    for id_number, name, phone in CANDIDATES:
        person, _ = Person.objects.update_or_create(
            id_number=id_number, defaults={"name": name, "phone": phone}
        )
        user = ensure_candidate_login(person, DEMO_PASSWORD)
        user.set_password(DEMO_PASSWORD)
        user.save()
        accounts.append(DemoAccount(id_number, name, roles.CANDIDATE, "考生（用身份证号码登录）"))
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "institution",
                "reviewer",
                "admin",
                "editor",
                "grader",
                "grader2",
                "chief",
            ]
        )
    }
    _demo_applications(institution, users["institution"], users["reviewer"], users["admin"])
    _demo_bank(users["editor"], users["admin"])
    _demo_learning(User.objects.get(username="teacher"))
    admitted = (
        Application.objects.filter(
            ticket_number__isnull=False, sitting__date__gte=timezone.localdate()
        )
        .exclude(ticket_number="")
        .select_related("sitting")
        .order_by("sitting__date")
        .first()
    )
    _demo_system_test(admitted.sitting if admitted else None)
    if admitted is not None:  # the demo proctor is on duty there (and at its system test)
        Assignment.objects.get_or_create(
            sitting=admitted.sitting, proctor=User.objects.get(username="proctor")
        )
    _demo_grading(institution, users)
    issue_due()  # 张三's August certificate: its day has come
    return accounts
