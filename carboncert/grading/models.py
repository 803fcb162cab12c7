import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValuesJSONField(models.JSONField):
    """A JSONField that PostgreSQL's bulk insert sends as plain VALUES, not through UNNEST:
    an UNNEST array of JSON text is escaped quote by quote (psycopg's array dumper), which
    made scoring a sitting 30% slower. Having a placeholder is what opts it out."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class AttemptScore(models.Model):
    """The automatic scoring of one handed-in attempt's objective questions.

    One row per attempt, the questions' scores as data: the statistics read
    whole sittings of them, and a re-scoring replaces them in one write.
    """

    attempt = models.OneToOneField("exams.Attempt", on_delete=models.CASCADE, related_name="score")
    objective_points = models.DecimalField(_("客观题得分"), max_digits=6, decimal_places=2)
    objective_max = models.DecimalField(_("客观题满分"), max_digits=6, decimal_places=2)
    to_mark = models.PositiveSmallIntegerField(_("待阅卷题数"), default=0)
    # [points, outcome] per question, in question order: scoring.Scored.as_data()
    items = ValuesJSONField(default=list)
    multiple_rule = models.CharField(_("多选题计分规则"), max_length=16)
    scored_at = models.DateTimeField(_("评分时间"))

    class Meta:
        verbose_name = _("自动评分")
        verbose_name_plural = _("自动评分")

    def __str__(self):
        return f"{self.attempt_id}: {self.objective_points}/{self.objective_max}"


def new_code() -> str:
    # What a grader sees instead of a candidate: random, so nothing about the candidate leaks.
    return secrets.token_hex(4).upper()


class Marking(models.Model):
    """One short answer of one handed-in attempt, marked blind by two graders (双评).

    When their marks differ by more than the sitting's threshold, a chief grader
    arbitrates; the final points follow the sitting's rule (marking.final_points)."""

    class State(models.TextChoices):
        MARKING = "marking", _("评阅中")
        ARBITRATION = "arbitration", _("待仲裁")
        DONE = "done", _("已定分")

    attempt = models.ForeignKey("exams.Attempt", on_delete=models.CASCADE, related_name="markings")
    n = models.PositiveSmallIntegerField()  # the question's number on the paper
    question = models.ForeignKey("bank.Question", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("bank.QuestionVersion", on_delete=models.PROTECT, related_name="+")
    max_points = models.DecimalField(_("满分"), max_digits=5, decimal_places=1)
    code = models.CharField(_("答卷编号"), max_length=8, default=new_code, unique=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.MARKING, db_index=True
    )
    final_points = models.DecimalField(
        _("最终得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    decided_at = models.DateTimeField(_("定分时间"), null=True, blank=True)
    # Shown to one grader at a time: another grader is not handed the same answer meanwhile.
    held_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("简答题阅卷")
        verbose_name_plural = _("简答题阅卷")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "n"], name="one_marking_per_item")
        ]
        indexes = [models.Index(fields=["question", "state"])]

    def __str__(self):
        return f"{self.code} #{self.n}"


class Mark(models.Model):
    """One grader's mark of one answer. First and second marks are blind to each other."""

    class Round(models.TextChoices):
        FIRST = "first", _("一评")
        SECOND = "second", _("二评")
        ARBITER = "arbiter", _("仲裁")
        CHECK = "check", _("回评抽查")
        REVIEW = "review", _("成绩复核")

    marking = models.ForeignKey(Marking, on_delete=models.CASCADE, related_name="marks")
    grader = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="marks")
    round = models.CharField(_("轮次"), max_length=8, choices=Round.choices)
    points = models.DecimalField(_("给分"), max_digits=5, decimal_places=1)
    criteria = models.JSONField(default=list, blank=True)  # points per rubric line, if given
    suggested = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    marked_at = models.DateTimeField(_("评分时间"))

    class Meta:
        verbose_name = _("评分记录")
        verbose_name_plural = _("评分记录")
        ordering = ["marking", "marked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["marking", "round"],
                condition=models.Q(round__in=["first", "second", "arbiter"]),
                name="one_mark_per_round",
            ),
            # Double marking means two people: nobody gives both marks of one answer.
            models.UniqueConstraint(
                fields=["marking", "grader"],
                condition=models.Q(round__in=["first", "second"]),
                name="two_graders_per_answer",
            ),
        ]

    def __str__(self):
        return f"{self.marking} {self.round} {self.points}"


class Assignment(models.Model):
    """Which grader marks which question of a sitting: one question across many candidates."""

    sitting = models.ForeignKey("sittings.Sitting", verbose_name=_("考试批次"),
                                on_delete=models.CASCADE, related_name="+")  # fmt: skip
    question = models.ForeignKey(
        "bank.Question", verbose_name=_("题目"), on_delete=models.CASCADE, related_name="+"
    )
    grader = models.ForeignKey(
        "accounts.User",
        verbose_name=_("阅卷员"),
        on_delete=models.CASCADE,
        related_name="assignments",
        limit_choices_to={"groups__name": "grader"},
    )

    class Meta:
        verbose_name = _("阅卷分工")
        verbose_name_plural = _("阅卷分工")
        constraints = [
            models.UniqueConstraint(fields=["sitting", "question", "grader"], name="one_assignment")
        ]

    def __str__(self):
        return f"{self.grader} · {self.question_id}"


class Result(models.Model):
    """One admission's result at one sitting: its total, pass or fail, 缺考 or 违纪.

    Computed as soon as marking completes; seen outside staff only from the sitting's
    results date on (access.released), read from the sitting so a moved date moves it,
    and so release needs nobody to press a button."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("合格")
        FAILED = "failed", _("不合格")
        CHEATING = "cheating", _("不合格（违纪）")
        ABSENT = "absent", _("缺考")

    application = models.ForeignKey(
        "registration.Application", verbose_name=_("报名"), on_delete=models.PROTECT,
        related_name="results",
    )  # fmt: skip
    sitting = models.ForeignKey("sittings.Sitting", verbose_name=_("考试批次"),
                                on_delete=models.PROTECT, related_name="+")  # fmt: skip
    attempt = models.OneToOneField("exams.Attempt", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="result")  # fmt: skip
    objective_points = models.DecimalField(_("客观题"), max_digits=5, decimal_places=1, default=0)
    subjective_points = models.DecimalField(_("简答题"), max_digits=5, decimal_places=1, default=0)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1, default=0)
    max_total = models.DecimalField(_("满分"), max_digits=5, decimal_places=1, default=100)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    # [{"module": name, "points": "12.5", "max": "20"}] in syllabus order
    modules = models.JSONField(_("模块得分"), default=list)
    computed_at = models.DateTimeField(_("计算时间"))
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核成绩")
        verbose_name_plural = _("考核成绩")
        ordering = ["sitting", "application"]
        constraints = [
            models.UniqueConstraint(fields=["application", "sitting"], name="one_result")
        ]

    def __str__(self):
        return f"{self.application} · {self.total} {self.get_outcome_display()}"

    @property
    def passed(self) -> bool:
        return self.outcome == self.Outcome.PASSED


class ReviewRequest(models.Model):
    """成绩复核: a candidate asks within the window after release; staff record the outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("维持原成绩")
        CHANGED = "changed", _("成绩已更正")

    result = models.ForeignKey(Result, verbose_name=_("成绩"), on_delete=models.PROTECT,
                               related_name="reviews")  # fmt: skip
    reason = models.TextField(_("申请理由"), max_length=1000)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices,
                              default=Status.PENDING, db_index=True)  # fmt: skip
    outcome = models.TextField(_("复核结论"), blank=True)
    total_before = models.DecimalField(max_digits=5, decimal_places=1)
    total_after = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")  # fmt: skip
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成绩复核申请")
        verbose_name_plural = _("成绩复核申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["result"], condition=models.Q(status="pending"), name="one_open_review"
            )
        ]

    def __str__(self):
        return f"{self.result} · {self.get_status_display()}"


class KeyCorrection(models.Model):
    """A wrong key found after the exam: the corrected correct options of one question version.

    Versions stay immutable (papers froze them); scoring applies the newest correction."""

    version = models.ForeignKey("bank.QuestionVersion", on_delete=models.PROTECT,
                                related_name="key_corrections")  # fmt: skip
    correct = models.JSONField(_("正确选项"))  # authored option indices, from 0
    reason = models.CharField(_("更正原因"), max_length=200)
    corrected_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答案更正")
        verbose_name_plural = _("答案更正")
        ordering = ["version", "-corrected_at"]

    def __str__(self):
        return f"{self.version} → {self.correct}"
