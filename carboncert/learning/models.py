import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Lesson(models.Model):
    """One lesson of the learning centre. It serves every subject whose syllabus lists one
    of its knowledge points: a lesson on 温室气体的影响 is in all twelve courses."""

    class Kind(models.TextChoices):
        VIDEO = "video", _("视频")
        READING = "reading", _("图文")
        DOCUMENT = "document", _("文档（PDF）")

    title = models.CharField(_("课程名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    knowledge_points = models.ManyToManyField(
        "catalog.KnowledgePoint", verbose_name=_("考核知识点"), related_name="lessons"
    )
    class_hours = models.DecimalField(
        _("标准课时"), max_digits=4, decimal_places=1, help_text=_("学完本课计入的标准课时")
    )
    order = models.PositiveIntegerField(_("排序"), default=0, help_text=_("同一板块内由小到大排列"))
    summary = models.TextField(_("简介"), blank=True)
    body = models.TextField(
        _("正文"), blank=True, help_text=_("图文课的正文（HTML，可含图片和表格）")
    )
    file = models.FileField(_("文件"), upload_to="lessons/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=60, blank=True, editable=False)
    duration_seconds = models.PositiveIntegerField(
        _("视频时长（秒）"), null=True, blank=True, help_text=_("视频课必填")
    )
    published = models.BooleanField(_("已发布"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The lesson page shows the body as it is (|safe): whoever writes a lesson (the
        # authoring pages, the admin, demo data), only sanitised HTML is stored.
        from .authoring import clean_body

        self.body = clean_body(self.body)
        super().save(*args, **kwargs)


class Progress(models.Model):
    """What one person has studied of one lesson: the video's seconds played (each once)
    and the active seconds on a reading page."""

    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    covered = models.JSONField(default=list)  # [[start, end], …] of the video, merged
    covered_seconds = models.FloatField(default=0)
    active_seconds = models.FloatField(default=0)
    position = models.FloatField(default=0)  # where the video was left, to resume there
    fraction = models.FloatField(default=0)  # 0..1 of the lesson done
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("学习进度")
        verbose_name_plural = _("学习进度")
        constraints = [models.UniqueConstraint(fields=["person", "lesson"], name="progress_once")]

    def __str__(self):
        return f"{self.person_id} · {self.lesson_id} · {self.fraction:.0%}"


class StudyClock(models.Model):
    """The latest real-time moment already credited to a person: every report locks this
    row, so tabs and devices studying at once share one clock."""

    person = models.OneToOneField(
        "accounts.Person", on_delete=models.CASCADE, related_name="study_clock"
    )
    claimed_until = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.person_id} · {self.claimed_until}"


class PracticeAnswer(models.Model):
    """One answer given in practice (a knowledge point's set or the mistakes notebook)."""

    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="practice_answers"
    )
    question = models.ForeignKey("bank.Question", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("bank.QuestionVersion", on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(blank=True)
    correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("练习作答")
        verbose_name_plural = _("练习作答")
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["person", "question"])]

    def __str__(self):
        return f"{self.person_id} · #{self.question_id} · {'✓' if self.correct else '✗'}"


class Mistake(models.Model):
    """错题本: a question the person got wrong, until they answer it right twice in a row."""

    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="mistakes")
    question = models.ForeignKey("bank.Question", on_delete=models.CASCADE, related_name="+")
    wrong_count = models.PositiveSmallIntegerField(default=1)
    right_streak = models.PositiveSmallIntegerField(default=0)
    last_answer = models.TextField(blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("错题")
        verbose_name_plural = _("错题本")
        ordering = ["-added_at"]
        constraints = [models.UniqueConstraint(fields=["person", "question"], name="mistake_once")]

    def __str__(self):
        return f"{self.person_id} · #{self.question_id}"


class MockAttempt(models.Model):
    """One go at a mock paper (模拟卷) in the exam client's practice mode: as many as the
    candidate likes, scored the moment it is handed in."""

    application = models.ForeignKey(
        "registration.Application", on_delete=models.CASCADE, related_name="mock_attempts"
    )
    paper = models.ForeignKey("bank.Paper", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    ends_at = models.DateTimeField()
    handed_in_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict)  # {"n": value}
    last_seq = models.BigIntegerField(default=0)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    objective_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    objective_max = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    scored = models.JSONField(default=list, blank=True)  # per item: points, awarded, correct

    class Meta:
        verbose_name = _("模拟考试")
        verbose_name_plural = _("模拟考试")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.application} · {self.started_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """A study reminder an institution (or an administrator) asked for, for a candidate
    behind on class hours. The click only queues it; a job sends it (the periodic tick
    picks up any a stopped worker left). The latest one keeps a double click or a second
    member of staff from texting the same candidate again within hours."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    application = models.ForeignKey(
        "registration.Application", on_delete=models.CASCADE, related_name="study_reminders"
    )
    queued_at = models.DateTimeField(_("提交时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("方式"), max_length=20)  # "email", "sms" or "email,sms"
    # The figures when it was asked for: what the message says, however late it goes out.
    earned_hours = models.DecimalField(_("已学课时"), max_digits=6, decimal_places=2)
    minutes_missing = models.PositiveIntegerField(_("还差（分钟）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # When sending began (status sending) and then ended (sent or failed).
    sending_at = models.DateTimeField(_("开始发送"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    failed = models.TextField(_("发送失败"), blank=True)

    class Meta:
        verbose_name = _("学习提醒")
        verbose_name_plural = _("学习提醒")
        ordering = ["-queued_at"]
        indexes = [
            models.Index(fields=["application", "queued_at"]),
            models.Index(fields=["status", "queued_at"]),
        ]

    def __str__(self):
        return f"{self.application_id} · {self.queued_at:%Y-%m-%d %H:%M} · {self.channel}"


def _image_path(image, filename):
    return f"lessons/images/{image.uploaded_at:%Y/%m}/{image.token}.{image.extension}"


class LessonImage(models.Model):
    """A picture in a reading lesson's body, uploaded from the editor and stored re-encoded
    (no metadata, nothing but pixels). The body refers to it by its token's address,
    `/learning/images/<token>.<ext>`, the only relative image address a body may hold."""

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    file = models.FileField(_("文件"), upload_to=_image_path)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("课程图片")
        verbose_name_plural = _("课程图片")

    EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}

    def __str__(self):
        return self.address

    @property
    def extension(self) -> str:
        return self.EXTENSIONS[self.content_type]

    @property
    def address(self) -> str:
        return reverse("learning:image", args=[self.token, self.extension])
