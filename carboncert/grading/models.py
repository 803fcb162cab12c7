from django.db import models
from django.utils.translation import gettext_lazy as _


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
    items = models.JSONField(default=list)
    multiple_rule = models.CharField(_("多选题计分规则"), max_length=16)
    scored_at = models.DateTimeField(_("评分时间"))

    class Meta:
        verbose_name = _("自动评分")
        verbose_name_plural = _("自动评分")

    def __str__(self):
        return f"{self.attempt_id}: {self.objective_points}/{self.objective_max}"
