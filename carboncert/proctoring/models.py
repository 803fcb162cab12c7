from django.db import models
from django.utils.translation import gettext_lazy as _


class CheatingCase(models.Model):
    """A suspicion of cheating about one attempt, and the proctor's decision on it.

    Only a confirmed case fails the candidate (不合格（违纪）): the leave limit or a
    flag opens a case, a person decides it."""

    class Source(models.TextChoices):
        LEAVES = "leaves", _("离开考试次数超过上限")
        MANUAL = "manual", _("考场负责人发起")
        FLAGS = "flags", _("监考抓拍提示")
        IDENTITY = "identity", _("人工核验判定非本人")

    class Status(models.TextChoices):
        OPEN = "open", _("待判定")
        CONFIRMED = "confirmed", _("认定违纪")
        DISMISSED = "dismissed", _("不予认定")

    attempt = models.ForeignKey(
        "exams.Attempt", verbose_name=_("考试作答"), on_delete=models.PROTECT, related_name="cases"
    )
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("判定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("判定时间"), null=True, blank=True)
    reason = models.TextField(_("判定理由"), blank=True)
    # With CASE_CONFIRMATIONS = 2 the first confirmation waits here for a second proctor.
    first_confirmed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("初判人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    first_reason = models.TextField(_("初判理由"), blank=True)
    evidence = models.JSONField(_("证据"), default=list, blank=True)  # snapshot ids cited
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("违纪案件")
        verbose_name_plural = _("违纪案件")
        ordering = ["-opened_at"]

    def __str__(self):
        return f"{self.attempt} · {self.get_status_display()}"


class Assignment(models.Model):
    """A proctor on duty at a sitting (and its system test and make-up): only they and the
    administrators see its candidates' pictures."""

    sitting = models.ForeignKey(
        "sittings.Sitting", verbose_name=_("考试批次"), on_delete=models.CASCADE,
        related_name="proctor_assignments", limit_choices_to={"kind": "regular"},
    )  # fmt: skip
    proctor = models.ForeignKey(
        "accounts.User", verbose_name=_("监考人员"), on_delete=models.CASCADE,
        related_name="proctor_assignments", limit_choices_to={"groups__name": "proctor"},
    )  # fmt: skip

    class Meta:
        verbose_name = _("监考安排")
        verbose_name_plural = _("监考安排")
        constraints = [
            models.UniqueConstraint(fields=["sitting", "proctor"], name="one_proctor_assignment")
        ]

    def __str__(self):
        return f"{self.sitting} · {self.proctor}"


class Enrolment(models.Model):
    """The application photo's face descriptor, computed once when the photo is accepted."""

    application = models.OneToOneField(
        "registration.Application", on_delete=models.CASCADE, related_name="face"
    )
    photo_sha256 = models.CharField(max_length=64)
    descriptor = models.BinaryField(null=True)  # 128 float32; None: no usable face
    problem = models.CharField(max_length=16, blank=True)  # why not: no_face, several_faces…
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("人脸底库")
        verbose_name_plural = _("人脸底库")

    def __str__(self):
        return f"{self.application_id} {self.problem or 'ok'}"


class IdentityCheck(models.Model):
    """One check-in picture and what it showed; the photo fallback waits for a proctor."""

    class Outcome(models.TextChoices):
        MATCH = "match", _("比对通过")
        MISMATCH = "mismatch", _("与报名照片不一致")
        NO_FACE = "no_face", _("未检测到人脸")
        SEVERAL_FACES = "several_faces", _("多张人脸")
        DARK = "dark", _("光线太暗")
        UNREADABLE = "unreadable", _("图片无法读取")
        PHOTO = "photo", _("拍照上传，待人工核验")

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("确认本人")
        REJECTED = "rejected", _("判定非本人")

    attempt = models.ForeignKey(
        "exams.Attempt", on_delete=models.CASCADE, related_name="identity_checks"
    )
    at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    distance = models.FloatField(null=True)
    image = models.FileField(upload_to="identity/%Y/%m/%d/", blank=True)
    decision = models.CharField(_("人工核验"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("身份核验")
        verbose_name_plural = _("身份核验")
        ordering = ["attempt", "at"]

    def __str__(self):
        return f"{self.attempt_id} {self.outcome}"


class SnapshotLook(models.Model):
    """What one camera snapshot showed, analysed off the request path."""

    snapshot = models.OneToOneField("exams.Snapshot", on_delete=models.CASCADE, related_name="look")
    attempt = models.ForeignKey("exams.Attempt", on_delete=models.CASCADE, related_name="+")
    faces = models.PositiveSmallIntegerField()
    distance = models.FloatField(null=True)  # to the application photo
    brightness = models.FloatField()
    frozen = models.BooleanField(default=False)  # the same frame as the one before
    thumbnail = models.BinaryField()  # grey levels, to compare with the next
    finding = models.CharField(max_length=16)  # ok or the Flag kind it raised
    cpu_ms = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["attempt", "-snapshot"], name="look_latest")]

    def __str__(self):
        return f"{self.snapshot_id} {self.finding}"


class Flag(models.Model):
    """Something a proctor should look at, found in a snapshot or in the attempt's record."""

    class Kind(models.TextChoices):
        NO_FACE = "no_face", _("画面中无人")
        SEVERAL_FACES = "several_faces", _("画面中多人")
        OTHER_PERSON = "other_person", _("疑似非本人")
        DARK = "dark", _("摄像头画面过暗")
        FROZEN = "frozen", _("摄像头画面静止")
        LEAVE_LIMIT = "leave_limit", _("离开次数达到上限")
        IDENTITY = "identity", _("身份待人工核验")

    class Severity(models.IntegerChoices):
        NOTICE = 1, _("提示")
        WARNING = 2, _("警告")
        ALERT = 3, _("警报")

    attempt = models.ForeignKey("exams.Attempt", on_delete=models.CASCADE, related_name="flags")
    snapshot = models.ForeignKey(
        "exams.Snapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(_("级别"), choices=Severity.choices)
    at = models.DateTimeField(_("时间"))
    note = models.CharField(max_length=200, blank=True)
    cleared_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("监考提示")
        verbose_name_plural = _("监考提示")
        ordering = ["attempt", "at"]
        indexes = [models.Index(fields=["attempt", "cleared_at"], name="flag_open")]

    def __str__(self):
        return f"{self.attempt_id} {self.kind}"


class Message(models.Model):
    """A proctor's words to one candidate, shown on the exam page."""

    attempt = models.ForeignKey("exams.Attempt", on_delete=models.CASCADE, related_name="messages")
    text = models.CharField(_("内容"), max_length=300)
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "sent_at"]

    def __str__(self):
        return f"{self.attempt_id}: {self.text[:20]}"
