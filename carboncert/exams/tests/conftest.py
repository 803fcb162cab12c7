"""An admitted candidate on the morning of the 2026-12-19 sitting, with a small bank."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from carboncert import testing
from carboncert.accounts import roles
from carboncert.bank import papers
from carboncert.bank import services as bank
from carboncert.bank.items import Item, Option, Parameter, QuestionType
from carboncert.bank.models import Blueprint, Question
from carboncert.catalog.models import KnowledgePoint, Subject
from carboncert.registration.models import Application, Bill, BillLine
from carboncert.sittings.models import Sitting
from carboncert.sittings.services import generate_sittings

BJ = ZoneInfo("Asia/Shanghai")
ID = testing.ZHANG_SAN_ID  # ends in X


def at(hh, mm, ss=0):
    return datetime(2026, 12, 19, hh, mm, ss, tzinfo=BJ)


def admit(person_id, name, sitting, subject, institution):
    from carboncert.accounts.models import Person

    person = Person.objects.create(id_number=person_id, name=name)
    application = Application.objects.create(
        person=person, institution=institution, sitting=sitting, subject=subject,
        status=Application.Status.APPROVED, phone="13800000000", education="本科",
        ticket_number=f"T{person_id[-6:]}",
    )  # fmt: skip
    bill, _ = Bill.objects.get_or_create(
        institution=institution, sitting=sitting, defaults={"number": "B1"}
    )
    BillLine.objects.create(
        bill=bill, application=application, amount=Decimal(800), paid_at=timezone.now()
    )
    return application


def stock_bank(subject, *, short, every_type=False):
    """Enough active questions for a small paper: 20 single × 5, or 18 single × 5 + one short
    of 10, or every type: 16 single, a multiple, a numeric (5 each) and a short of 10."""
    if every_type:
        sections = [
            {"type": "single", "count": 16, "points": 5},
            {"type": "multiple", "count": 1, "points": 5},
            {"type": "numeric", "count": 1, "points": 5},
            {"type": "short", "count": 1, "points": 10},
        ]
    elif short:
        sections = [
            {"type": "single", "count": 18, "points": 5},
            {"type": "short", "count": 1, "points": 10},
        ]
    else:
        sections = [{"type": "single", "count": 20, "points": 5}]
    Blueprint.objects.create(subject=subject, sections=sections)
    author = testing.staff("author", roles.QUESTION_EDITOR)
    checker = testing.staff("checker", roles.QUESTION_EDITOR)
    for module in subject.modules.order_by("order"):
        point = KnowledgePoint.objects.filter(modules=module).first()
        items = [
            Item(
                QuestionType.SINGLE,
                f"{module.name} 第{n}题",
                (Option("甲", True), Option("乙"), Option("丙")),
            )
            for n in range(module.weight // 5 + 2)
        ]
        if short or every_type:  # one per module, so the short answer may fall in any module
            items.append(
                Item(QuestionType.SHORT, f"{module.name} 简答题", reference_answer="参考答案")
            )
        if every_type:
            items.append(
                Item(
                    QuestionType.MULTIPLE,
                    f"{module.name} 多选题",
                    (Option("甲", True), Option("乙"), Option("丙", True), Option("丁")),
                )
            )
            items.append(
                Item(
                    QuestionType.NUMERIC,
                    f"{module.name}：某企业消耗天然气 {{v}} 万立方米，排放因子为 21.6 吨/万立方米，"
                    "排放量是多少？",
                    parameters=(Parameter("v", Decimal(10), Decimal(90), Decimal(10)),),
                    formula="v * 21.6",
                    unit="tCO₂",
                )
            )
        for item in items:
            question = bank.create_question(point, item, by=author)
            bank.move(question, Question.Status.REVIEW, by=author)
            bank.move(question, Question.Status.ACTIVE, by=checker)
    assert papers.readiness(subject) == []


@pytest.fixture
def morning(catalogue, time_machine):
    time_machine.move_to(at(8, 40), tick=False)
    generate_sittings(2026)
    sitting = Sitting.objects.get(date="2026-12-19")
    subject = Subject.objects.get(code="CE-1")
    # A small paper: 20 single-choice questions of 5 points (module points 10/25/45/20).
    Blueprint.objects.create(
        subject=subject, sections=[{"type": "single", "count": 20, "points": 5}]
    )
    author, checker = (
        testing.staff("author", "question_editor"),
        testing.staff("checker", "question_editor"),
    )
    for module in subject.modules.order_by("order"):
        point = KnowledgePoint.objects.filter(modules=module).first()
        for n in range(module.weight // 5 + 2):
            item = Item(
                QuestionType.SINGLE,
                f"{module.name} 第{n}题",
                (Option("甲", True), Option("乙"), Option("丙")),
            )
            question = bank.create_question(point, item, by=author)
            bank.move(question, Question.Status.REVIEW, by=author)
            bank.move(question, Question.Status.ACTIVE, by=checker)
    institution = testing.institution()
    return {
        "sitting": sitting,
        "zhang": admit(ID, "张三", sitting, subject, institution),
        "li": admit(testing.id_number(sequence=321), "李四", sitting, subject, institution),
        "time": time_machine,
    }
