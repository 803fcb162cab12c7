import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class Attempt(models.Model):
    """One admission's sitting of the exam: its paper, its time, its answers. One per admission."""

    class Status(models.TextChoices):
        CHECKED_IN = "checked_in", _("已签到")
        ANSWERING = "answering", _("答题中")
        HANDED_IN = "handed_in", _("已交卷")

    MOVES = {
        Status.CHECKED_IN: {Status.ANSWERING, Status.HANDED_IN},
        Status.ANSWERING: {Status.HANDED_IN},
        Status.HANDED_IN: set(),
    }

    class HandIn(models.TextChoices):
        CANDIDATE = "candidate", _("考生交卷")
        TIME = "time", _("考试时间到，自动交卷")
        LEAVES = "leaves", _("离开考试次数超过上限，强制交卷")
        PROCTOR = "proctor", _("考场负责人收卷")
        IDENTITY = "identity", _("人工核验判定非本人，收卷待判定")

    class Identity(models.TextChoices):
        """Who is at the camera: the face check at check-in, or a proctor looking at the
        photo the candidate took when it failed (the handbook's 拍照上传)."""

        UNCHECKED = "unchecked", _("未核验")
        MATCHED = "matched", _("人脸核验通过")
        PENDING = "pending", _("待人工核验")
        ACCEPTED = "accepted", _("人工核验通过")
        REJECTED = "rejected", _("人工核验未通过")

    application = models.ForeignKey(
        "registration.Application", on_delete=models.PROTECT, related_name="attempts"
    )
    # The regular sitting, or its system test (考前测试) or make-up (补考).
    sitting = models.ForeignKey(
        "sittings.Sitting", on_delete=models.PROTECT, related_name="attempts"
    )
    paper = models.ForeignKey("bank.Paper", null=True, on_delete=models.PROTECT, related_name="+")
    # The paper's number of questions, kept here so a save need not read the paper.
    item_count = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.CHECKED_IN, db_index=True
    )
    checked_in_at = models.DateTimeField(_("签到时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始答题"), null=True, blank=True)
    handed_in_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    hand_in_reason = models.CharField(
        _("交卷方式"), max_length=12, choices=HandIn.choices, blank=True
    )
    extra_minutes = models.PositiveSmallIntegerField(_("补时（分钟）"), default=0)
    leave_count = models.PositiveSmallIntegerField(_("离开考试次数"), default=0)
    last_seq = models.BigIntegerField(default=0)  # highest save sequence applied
    needs_decision = models.BooleanField(_("待判定违纪"), default=False)
    identity = models.CharField(
        _("身份核验"), max_length=10, choices=Identity.choices, default=Identity.UNCHECKED
    )
    privacy_accepted_at = models.DateTimeField(_("同意监考告知"), null=True, blank=True)
    # Raised with each proctor's message; the heartbeat carries it, so the page fetches
    # messages only when there is one (no query per heartbeat).
    message_seq = models.PositiveIntegerField(default=0)
    token_nonce = models.CharField(max_length=24, default=new_nonce)  # change it to end sessions

    class Meta:
        verbose_name = _("考试作答")
        verbose_name_plural = _("考试作答")
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "sitting"], name="one_attempt_per_sitting"
            )
        ]

    def __str__(self):
        return f"{self.application} · {self.get_status_display()}"


class Answer(models.Model):
    """The current answer to one item of the paper (the journal keeps every change)."""

    # No index of its own: the unique (attempt, n) serves lookups by attempt, and every
    # save would otherwise update two indexes instead of one.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    n = models.PositiveSmallIntegerField()  # the item's number on the paper, from 1
    value = models.TextField(blank=True)
    seq = models.BigIntegerField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "n"], name="one_answer_per_item")]

    def __str__(self):
        return f"{self.attempt_id} #{self.n}"


class JournalEntry(models.Model):
    """Every save as it arrived, append-only: an attempt's history can be replayed in a dispute."""

    attempt = models.ForeignKey(  # indexed by the unique (attempt, seq), as answers are
        Attempt, on_delete=models.CASCADE, related_name="journal", db_index=False
    )
    seq = models.BigIntegerField()
    n = models.PositiveSmallIntegerField()
    value = models.TextField(blank=True)
    client_time_ms = models.BigIntegerField(null=True)
    server_time = models.DateTimeField()

    class Meta:
        ordering = ["attempt", "seq"]
        constraints = [models.UniqueConstraint(fields=["attempt", "seq"], name="journal_seq_once")]

    def __str__(self):
        return f"{self.attempt_id} seq {self.seq}"


class Event(models.Model):
    """What the page reported: leaves, camera lost/back, copy/paste attempts."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    at = models.DateTimeField()
    client_time_ms = models.BigIntegerField(null=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["attempt", "at"]

    def __str__(self):
        return f"{self.attempt_id} {self.kind}"


class Snapshot(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField()
    reason = models.CharField(max_length=12)
    image = models.FileField(upload_to="snapshots/%Y/%m/%d/")

    class Meta:
        ordering = ["attempt", "taken_at"]

    def __str__(self):
        return f"{self.attempt_id} {self.taken_at:%H:%M:%S}"


class MakeupGrant(models.Model):
    """An administrator's decision that one admission may sit a make-up sitting (补考)."""

    application = models.ForeignKey(
        "registration.Application",
        verbose_name=_("报名"),
        on_delete=models.PROTECT,
        related_name="makeups",
    )
    sitting = models.ForeignKey(
        "sittings.Sitting",
        verbose_name=_("补考批次"),
        on_delete=models.PROTECT,
        related_name="makeup_grants",
        limit_choices_to={"kind": "makeup"},
    )
    reason = models.CharField(_("原因"), max_length=200)
    granted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("补考资格")
        verbose_name_plural = _("补考资格")
        constraints = [
            models.UniqueConstraint(fields=["application", "sitting"], name="one_makeup_grant")
        ]

    def __str__(self):
        return f"{self.application} → {self.sitting}"
