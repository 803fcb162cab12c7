"""A candidate approved for CE-1 at the 2026-12-19 sitting, and a small course."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from carboncert import testing
from carboncert.accounts.models import Person
from carboncert.catalog.models import KnowledgePoint, Subject
from carboncert.learning.models import Lesson
from carboncert.registration.models import Application
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import generate_sittings

BJ = ZoneInfo("Asia/Shanghai")


def apply(user_or_person, subject, sitting, status=Application.Status.APPROVED):
    person = getattr(user_or_person, "person", user_or_person)
    return Application.objects.create(
        person=person, institution=testing.institution(), sitting=sitting, subject=subject,
        status=status, phone="13800000000", education="本科",
    )  # fmt: skip


def lesson(title, kind, points, hours="1.0", order=0, duration=None, data=b"", **extra):
    row = Lesson.objects.create(
        title=title, kind=kind, class_hours=Decimal(hours), order=order, published=True,
        duration_seconds=duration, **extra,
    )  # fmt: skip
    row.knowledge_points.set(points)
    if data:
        row.file.save(f"{title}.bin", ContentFile(data), save=False)
        row.content_type = {"video": "video/webm", "document": "application/pdf"}[kind]
        row.save()
    return row


@pytest.fixture
def studying(catalogue, media, time_machine):
    """张三 approved for CE-1 (sitting 2026-12-19), on 2026-12-01; three lessons, one of
    them shared with every subject."""
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=BJ), tick=False)
    generate_sittings(2026)
    sitting = Sitting.objects.get(date="2026-12-19")
    subject = Subject.objects.get(code="CE-1")
    user = testing.candidate()
    application = apply(user, subject, sitting)
    modules = list(subject.modules.order_by("order"))
    first_point = KnowledgePoint.objects.filter(modules=modules[0]).first()
    last_point = KnowledgePoint.objects.filter(modules=modules[-1]).last()
    video = lesson(
        "温室效应", "video", [first_point], "1.0", duration=600, data=b"\x1aE\xdf\xa3" + b"v" * 5000
    )
    reading = lesson("核算边界", "reading", [last_point], "0.5", body="<p>边界</p>")
    document = lesson("指南原文", "document", [last_point], "1.0", order=2, data=b"%PDF-1.4 demo")
    return {
        "user": user, "person": user.person, "application": application, "sitting": sitting,
        "subject": subject, "video": video, "reading": reading, "document": document,
        "time": time_machine,
    }  # fmt: skip


def other_person(sequence=321, name="李四"):
    return Person.objects.create(id_number=testing.id_number(sequence=sequence), name=name)


def active_question(point, item, *, practice=True):
    """An active bank question (practice pool by default), written and checked by two editors."""
    from carboncert.accounts import roles
    from carboncert.accounts.models import User
    from carboncert.bank import services as bank
    from carboncert.bank.models import Question

    def editor(name):
        return User.objects.filter(username=name).first() or testing.staff(
            name, roles.QUESTION_EDITOR
        )

    author, checker = editor("author"), editor("checker")
    question = bank.create_question(point, item, by=author, practice=practice)
    bank.move(question, Question.Status.REVIEW, by=author)
    bank.move(question, Question.Status.ACTIVE, by=checker)
    return question
