from django.db import models
from django.utils.translation import gettext_lazy as _


class CheatingCase(models.Model):
    """A suspicion of cheating about one attempt, and the proctor's decision on it.

    Only a confirmed case fails the candidate (不合格（违纪）): the leave limit or a
    flag opens a case, a person decides it."""

    class Source(models.TextChoices):
        LEAVES = "leaves", _("离开考试次数超过上限")
        MANUAL = "manual", _("考场负责人发起")

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

    class Meta:
        verbose_name = _("违纪案件")
        verbose_name_plural = _("违纪案件")
        ordering = ["-opened_at"]

    def __str__(self):
        return f"{self.attempt} · {self.get_status_display()}"
