import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .timeline import TimelineRules

HANDBOOK_CUTOFF = datetime.date(2022, 12, 31)


def face_check_default() -> bool:
    # A setting, so that the test suite's sittings, most of which test other things, can
    # start without a face; the tests of identity turn it on.
    return settings.FACE_CHECK_NEW_SITTINGS


def default_months():
    return [2, 4, 6, 8, 10, 12]


class SittingRules(models.Model):
    """The per-sitting settings of SPEC §3 and §6. Defaults hold the handbook's values."""

    start_time = models.TimeField(_("开考时间"), default=datetime.time(9, 0))
    duration_minutes = models.PositiveSmallIntegerField(
        _("考试时长（分钟）"), default=120, validators=[MinValueValidator(30)]
    )
    check_in_minutes = models.PositiveSmallIntegerField(_("开考前多少分钟开始签到"), default=30)
    late_entry_minutes = models.PositiveSmallIntegerField(_("开考后多少分钟禁止入场"), default=30)
    earliest_hand_in_minutes = models.PositiveSmallIntegerField(
        _("开考后多少分钟方可交卷"), default=30
    )
    registration_close_days = models.PositiveSmallIntegerField(_("考前多少天截止报名"), default=7)
    system_test_days_before = models.PositiveSmallIntegerField(
        _("考前多少天进行考前测试"), default=3
    )
    results_workdays = models.PositiveSmallIntegerField(_("考后多少个工作日公布成绩"), default=15)
    certificate_workdays = models.PositiveSmallIntegerField(
        _("考后多少个工作日颁发证书"), default=40
    )
    lookup_workdays = models.PositiveSmallIntegerField(
        _("考后多少个工作日开放证书查询"), default=45
    )
    leave_limit = models.PositiveSmallIntegerField(
        _("离开考试次数上限"), default=10, validators=[MinValueValidator(1)]
    )
    leave_countdown_seconds = models.PositiveSmallIntegerField(
        _("离开全屏后的倒计时（秒）"), default=5, validators=[MinValueValidator(1)]
    )
    snapshot_interval_seconds = models.PositiveSmallIntegerField(
        _("监考抓拍间隔（秒）"), default=60, validators=[MinValueValidator(10)]
    )
    face_check = models.BooleanField(
        _("人脸核验与抓拍分析"),
        default=face_check_default,
        help_text=_(
            "勾选后，考生须通过人脸与报名照片比对（或拍照上传待人工核验）才能开始答题，考试中的抓拍也逐张分析。"
        ),
    )
    microphone_required = models.BooleanField(
        _("需要麦克风"),
        default=False,
        help_text=_("勾选后，考前设备检测要求麦克风可用。"),
    )
    multiple_partial_credit = models.BooleanField(
        _("多选题少选得分"),
        default=False,
        help_text=_(
            "不勾选：多选题全部选对才得分。勾选：未选错项时按选对的比例得分（向下取到 0.5 分）。"
        ),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("合格分数线"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    double_mark_threshold = models.DecimalField(
        _("双评分差阈值（分）"),
        max_digits=4,
        decimal_places=1,
        default=2,
        validators=[MinValueValidator(0)],
        help_text=_("两位阅卷员给同一答案的分数相差超过此值时，交阅卷组长仲裁。"),
    )
    final_mark_rule = models.CharField(
        _("简答题最终得分"),
        max_length=8,
        choices=[
            ("mean", _("两评平均；经仲裁的取仲裁分与较接近一评的平均")),
            ("arbiter", _("两评平均；经仲裁的取仲裁分")),
        ],
        default="mean",
    )
    remark_percent = models.PositiveSmallIntegerField(
        _("回评抽查比例（%）"),
        default=5,
        validators=[MaxValueValidator(50)],
        help_text=_("阅卷员已评的答案中按此比例再次（盲评）出现，用来检查评分尺度是否漂移。"),
    )
    review_workdays = models.PositiveSmallIntegerField(
        _("成绩公布后多少个工作日内可申请复核"), default=5
    )
    work_years_cutoff = models.DateField(_("工作年限计算截止日期"), default=HANDBOOK_CUTOFF)
    self_registration = models.BooleanField(
        _("允许考生自行报名"),
        default=False,
        help_text=_(
            "勾选后，考生可在平台上自行填写报名信息并选择合作机构，由该机构收费、审核员审核。"
        ),
    )

    # The learning centre (SPEC §8).
    class_hours_required = models.BooleanField(
        _("达到最低课时方可考试"),
        default=False,
        help_text=_(
            "勾选后，考生的学习课时未达到等级最低标准课时（初级36、中级40、高级48）时不能进入考试；不勾选时仅向机构显示。"
        ),
    )
    sprint_days_before = models.PositiveSmallIntegerField(
        _("考前多少天开放冲刺班与模拟卷"), default=7
    )
    max_playback_rate = models.DecimalField(
        _("视频最高播放倍速"),
        max_digits=3,
        decimal_places=1,
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("超过此倍速的播放不计课时。"),
    )
    idle_seconds = models.PositiveSmallIntegerField(
        _("图文学习无操作多少秒后停止计时"),
        default=120,
        validators=[MinValueValidator(30)],
    )

    RULE_FIELDS = (
        "start_time",
        "duration_minutes",
        "check_in_minutes",
        "late_entry_minutes",
        "earliest_hand_in_minutes",
        "registration_close_days",
        "system_test_days_before",
        "results_workdays",
        "certificate_workdays",
        "lookup_workdays",
        "leave_limit",
        "leave_countdown_seconds",
        "snapshot_interval_seconds",
        "face_check",
        "microphone_required",
        "multiple_partial_credit",
        "pass_mark",
        "double_mark_threshold",
        "final_mark_rule",
        "remark_percent",
        "review_workdays",
        "work_years_cutoff",
        "self_registration",
        "class_hours_required",
        "sprint_days_before",
        "max_playback_rate",
        "idle_seconds",
    )

    class Meta:
        abstract = True

    def timeline_rules(self) -> TimelineRules:
        return TimelineRules(
            start_time=self.start_time,
            duration_minutes=self.duration_minutes,
            check_in_minutes=self.check_in_minutes,
            late_entry_minutes=self.late_entry_minutes,
            earliest_hand_in_minutes=self.earliest_hand_in_minutes,
            registration_close_days=self.registration_close_days,
            system_test_days_before=self.system_test_days_before,
            results_workdays=self.results_workdays,
            certificate_workdays=self.certificate_workdays,
            lookup_workdays=self.lookup_workdays,
        )

    def clean(self):
        super().clean()
        if self.late_entry_minutes >= self.duration_minutes:
            raise ValidationError(_("禁止入场时间必须早于考试结束。"))
        if self.earliest_hand_in_minutes >= self.duration_minutes:
            raise ValidationError(_("最早交卷时间必须早于考试结束。"))
        if not self.results_workdays <= self.certificate_workdays <= self.lookup_workdays:
            raise ValidationError(_("应先公布成绩，再颁发证书，最后开放证书查询。"))


class SittingDefaults(SittingRules):
    """Programme-wide defaults: which months have a sitting, and the rules new sittings copy."""

    months = models.JSONField(
        _("考试月份"),
        default=default_months,
        help_text=_("每年在这些月份的第三个星期六举行考试，手册规定为2、4、6、8、10、12月。"),
    )

    class Meta:
        verbose_name = _("考试批次默认设置")
        verbose_name_plural = _("考试批次默认设置")

    def __str__(self):
        return str(_("考试批次默认设置"))

    def clean(self):
        super().clean()
        months = self.months
        if (
            not isinstance(months, list)
            or not months
            or any(not isinstance(m, int) or not 1 <= m <= 12 for m in months)
            or len(set(months)) != len(months)
        ):
            raise ValidationError({"months": _("请填写1到12之间不重复的月份，例如 [2, 4, 6]。")})

    @classmethod
    def load(cls) -> "SittingDefaults":
        defaults, _ = cls.objects.get_or_create(pk=1)
        return defaults


class Sitting(SittingRules):
    """考试批次: one exam day for every subject it offers, with its stored timeline."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("正式考试")
        TEST = "test", _("考前测试")
        MAKEUP = "makeup", _("补考")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.REGULAR)
    # A system test (考前测试) or make-up sitting belongs to a regular one: its admissions are theirs.
    main = models.ForeignKey(
        "self",
        verbose_name=_("所属考试批次"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="satellites",
    )
    slot_year = models.PositiveSmallIntegerField(_("年份"))
    slot_month = models.PositiveSmallIntegerField(
        _("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    date = models.DateField(_("考试日期"), unique=True)
    subjects = models.ManyToManyField(
        "catalog.Subject", verbose_name=_("考试科目"), related_name="sittings", blank=True
    )

    # The timeline, computed by services.refresh_timeline from the date, the
    # rules and the calendar. Null dates wait for a year's holiday calendar.
    registration_closes_at = models.DateTimeField(_("报名截止"), null=True, editable=False)
    system_test_on = models.DateField(_("考前测试"), null=True, editable=False)
    check_in_at = models.DateTimeField(_("开始签到"), null=True, editable=False)
    starts_at = models.DateTimeField(_("开考"), null=True, editable=False)
    late_entry_closes_at = models.DateTimeField(_("禁止入场"), null=True, editable=False)
    earliest_hand_in_at = models.DateTimeField(_("最早交卷"), null=True, editable=False)
    ends_at = models.DateTimeField(_("考试结束"), null=True, editable=False)
    results_on = models.DateField(_("成绩查询"), null=True, editable=False)
    certificates_on = models.DateField(_("证书颁发"), null=True, editable=False)
    lookup_on = models.DateField(_("证书查询"), null=True, editable=False)
    pending_calendar_years = models.JSONField(
        _("待录入节假日安排的年份"), default=list, editable=False
    )

    class Meta:
        verbose_name = _("考试批次")
        verbose_name_plural = _("考试批次")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot_year", "slot_month"],
                condition=models.Q(kind="regular"),
                name="sitting_slot",
            )
        ]

    def __str__(self):
        if self.kind != self.Kind.REGULAR:
            return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
        return f"{self.date:%Y-%m-%d} {self.slot_year}年{self.slot_month}月考核"

    @property
    def pending_years_text(self) -> str:
        return "、".join(str(y) for y in self.pending_calendar_years)


class CalendarYear(models.Model):
    """A year's holiday arrangement entered by an administrator (国务院办公厅通知).

    For a year the built-in calendar lacks, its existence says: every holiday
    and adjusted working day of the year is in CalendarDay, every other day
    follows the weekday rule. For a year the built-in calendar knows, its days
    correct the built-in calendar one by one.
    """

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2004), MaxValueValidator(2100)]
    )
    source = models.CharField(
        _("依据"), max_length=200, help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知")
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排（年）")
        verbose_name_plural = _("节假日安排（年）")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年节假日安排"


class CalendarDay(models.Model):
    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("年份"), on_delete=models.CASCADE, related_name="days"
    )
    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选：调休上班日；不勾选：放假日。"))
    name = models.CharField(_("节日"), max_length=30, blank=True, help_text=_("例如：春节"))

    class Meta:
        verbose_name = _("节假日或调休日")
        verbose_name_plural = _("节假日或调休日")
        ordering = ["day"]

    def __str__(self):
        kind = _("上班") if self.is_workday else _("放假")
        return f"{self.day:%Y-%m-%d} {self.name} {kind}"

    def clean(self):
        super().clean()
        # In the admin's add form the year is not saved yet: read the object, not the id.
        try:
            year = self.calendar_year.year
        except CalendarYear.DoesNotExist:
            return
        if self.day and year and self.day.year != year:
            raise ValidationError(
                {"day": _("日期 %(day)s 不在 %(year)s 年内。") % {"day": self.day, "year": year}}
            )
