from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name_zh


class Specialty(BilingualName):
    """技术专业: CM, CE, CT, CA."""

    code = models.CharField(_("代码"), max_length=4, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    objectives = models.JSONField(_("培养目标"), default=list, blank=True)

    class Meta:
        verbose_name = _("专业")
        verbose_name_plural = _("专业")
        ordering = ["order", "code"]


class Level(BilingualName):
    """初级 / 中级 / 高级."""

    code = models.PositiveSmallIntegerField(_("等级代码"), unique=True)
    min_class_hours = models.PositiveSmallIntegerField(_("最低标准课时"))
    eligibility = models.JSONField(_("报名条件"), default=list, blank=True)

    class Meta:
        verbose_name = _("等级")
        verbose_name_plural = _("等级")
        ordering = ["code"]


class Subject(models.Model):
    """An exam subject: one specialty at one level, e.g. CE-1 碳排放管理技术（初级）."""

    code = models.CharField(_("科目代码"), max_length=8, unique=True)
    specialty = models.ForeignKey(Specialty, verbose_name=_("专业"), on_delete=models.PROTECT)
    level = models.ForeignKey(Level, verbose_name=_("等级"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("考试科目")
        verbose_name_plural = _("考试科目")
        ordering = ["specialty__order", "level__code"]
        constraints = [
            models.UniqueConstraint(fields=["specialty", "level"], name="subject_specialty_level")
        ]

    def __str__(self):
        return gettext("%(specialty)s（%(level)s）") % {
            "specialty": self.specialty.name,
            "level": self.level.name,
        }


class KnowledgePoint(models.Model):
    """考核知识点. One row per distinct point: a question written for it serves every subject."""

    name = models.CharField(_("知识点"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("考核知识点")
        verbose_name_plural = _("考核知识点")
        ordering = ["id"]

    def __str__(self):
        return self.name


class SyllabusModule(models.Model):
    """课程板块: a part of a subject's syllabus and its share of the paper (考核权重)."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("科目"), on_delete=models.CASCADE, related_name="modules"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("课程板块"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("考核权重（%）"))
    points = models.ManyToManyField(
        KnowledgePoint, through="ModulePoint", verbose_name=_("考核知识点"), related_name="modules"
    )

    class Meta:
        verbose_name = _("课程板块")
        verbose_name_plural = _("课程板块")
        ordering = ["subject", "order"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "order"], name="module_subject_order")
        ]

    def __str__(self):
        return f"{self.subject.code} {self.name}"


class ModulePoint(models.Model):
    module = models.ForeignKey(SyllabusModule, on_delete=models.CASCADE)
    point = models.ForeignKey(
        KnowledgePoint, verbose_name=_("考核知识点"), on_delete=models.PROTECT
    )
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("板块知识点")
        verbose_name_plural = _("板块知识点")
        ordering = ["module", "order"]
        constraints = [
            models.UniqueConstraint(fields=["module", "point"], name="modulepoint_unique")
        ]

    def __str__(self):
        return self.point.name
