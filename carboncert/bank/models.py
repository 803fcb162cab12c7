from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .items import TYPE_LABELS, QuestionType, from_data

TYPE_CHOICES = [(t.value, label) for t, label in TYPE_LABELS.items()]


class Question(models.Model):
    """A question's identity and editorial state; its content lives in immutable versions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审核")
        ACTIVE = "active", _("已启用")
        RETIRED = "retired", _("已停用")

    # Allowed moves; services.move() refuses the rest and audits every move.
    MOVES = {
        Status.DRAFT: {Status.REVIEW, Status.RETIRED},
        Status.REVIEW: {Status.ACTIVE, Status.DRAFT},
        Status.ACTIVE: {Status.RETIRED, Status.DRAFT},
        Status.RETIRED: {Status.DRAFT},
    }

    knowledge_point = models.ForeignKey(
        "catalog.KnowledgePoint",
        verbose_name=_("考核知识点"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    type = models.CharField(_("题型"), max_length=12, choices=TYPE_CHOICES, db_index=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    difficulty = models.PositiveSmallIntegerField(_("难度"), default=3, db_index=True)
    # Practice questions are published to candidates (practice sets, mock papers), so exam
    # papers never draw on them: the exam pool stays unseen.
    practice = models.BooleanField(
        _("练习题"),
        default=False,
        db_index=True,
        help_text=_("练习题用于学习中心的知识点练习和模拟卷，不会出现在正式考试试卷中。"),
    )
    stem_key = models.CharField(max_length=255, db_index=True, editable=False)
    current = models.ForeignKey(
        "QuestionVersion", null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("命题人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        ordering = ["-updated_at"]

    def __str__(self):
        stem = self.current.content.get("stem", "") if self.current_id else ""
        return f"#{self.pk} {TYPE_LABELS[QuestionType(self.type)]} {stem[:30]}"


class QuestionVersion(models.Model):
    """One immutable state of a question. A paper that used it keeps it forever."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    content = models.JSONField(_("内容"))
    used = models.BooleanField(_("已用于试卷"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("试题版本")
        verbose_name_plural = _("试题版本")
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_number")
        ]

    def __str__(self):
        return f"#{self.question_id} v{self.number}"

    @property
    def item(self):
        return from_data(self.content)


def default_sections():
    # The programme's default mix: 30 single × 1, 15 multiple × 2, 4 short answer × 10 = 100.
    return [
        {"type": "single", "count": 30, "points": 1},
        {"type": "multiple", "count": 15, "points": 2},
        {"type": "short", "count": 4, "points": 10},
    ]


class Blueprint(models.Model):
    """How a subject's paper is made: the mix of types and points, and the difficulty aimed at.

    The module weights are the syllabus's (catalog), so they are not repeated here.
    """

    subject = models.OneToOneField(
        "catalog.Subject",
        verbose_name=_("科目"),
        on_delete=models.CASCADE,
        related_name="blueprint",
    )
    sections = models.JSONField(_("题型与分值"), default=default_sections)
    difficulty_target = models.DecimalField(
        _("目标难度"), max_digits=3, decimal_places=1, default=3
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("组卷方案")
        verbose_name_plural = _("组卷方案")

    def __str__(self):
        return f"{self.subject.code} 组卷方案"


class Paper(models.Model):
    """One assembled paper, frozen: the versions it uses never change, and its seed rebuilds it."""

    class Purpose(models.TextChoices):
        EXAM = "exam", _("考试")
        FORM = "form", _("固定试卷")
        PRACTICE = "practice", _("练习")
        MOCK = "mock", _("模拟卷")

    subject = models.ForeignKey("catalog.Subject", on_delete=models.PROTECT, related_name="papers")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.EXAM)
    label = models.CharField(_("名称"), max_length=50, blank=True)
    seed = models.BigIntegerField()
    blueprint = models.JSONField()  # as used: module points, sections, difficulty target
    items = models.JSONField()  # [{version, module, type, points, option_order, parameters}]
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("试卷")
        verbose_name_plural = _("试卷")
        ordering = ["-created_at"]
        # A prepared exam paper is found by its admission's ticket number at 9:00.
        indexes = [models.Index(fields=["label", "purpose"])]

    def __str__(self):
        return f"{self.subject.code} {self.get_purpose_display()} {self.label or self.seed}"
