import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

EDUCATION_CHOICES = [
    ("高中", _("高中")),
    ("中专", _("中专")),
    ("大专", _("大专")),
    ("本科", _("本科")),
    ("研究生", _("研究生")),
]
CERT_LEVEL_CHOICES = [(0, _("无")), (1, _("初级")), (2, _("中级")), (3, _("高级"))]


class Application(models.Model):
    """One person's application for one subject at one sitting, through one institution.

    When approved and paid it is an admission: the exam login, the course and
    the certificate all hang on it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("审核通过")
        REJECTED = "rejected", _("审核未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Channel(models.TextChoices):
        INSTITUTION = "institution", _("机构登记")
        BATCH = "batch", _("批量导入")
        SELF = "self", _("考生自行报名")

    # Allowed moves; services.move() refuses the rest and audits every move.
    MOVES = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
        Status.REJECTED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.APPROVED: {Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
    }
    EDITABLE = {Status.DRAFT, Status.REJECTED}

    person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("考生"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    institution = models.ForeignKey(
        "accounts.Institution",
        verbose_name=_("合作机构"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    sitting = models.ForeignKey(
        "sittings.Sitting",
        verbose_name=_("考试批次"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    subject = models.ForeignKey(
        "catalog.Subject",
        verbose_name=_("报考科目"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    channel = models.CharField(
        _("报名方式"), max_length=12, choices=Channel.choices, default=Channel.INSTITUTION
    )

    # What the eligibility rules and the certificate need (SPEC §4, §7).
    phone = models.CharField(_("手机号码"), max_length=20)
    email = models.EmailField(_("电子邮箱"), blank=True)
    education = models.CharField(_("学历"), max_length=8, choices=EDUCATION_CHOICES)
    major = models.CharField(_("所学专业"), max_length=100, blank=True)
    major_related = models.BooleanField(_("相关专业"), default=False)
    graduated_on = models.DateField(_("毕业时间"), null=True, blank=True)
    employer = models.CharField(_("工作单位"), max_length=150, blank=True)
    work_years = models.DecimalField(_("相关工作年限"), max_digits=4, decimal_places=1, default=0)
    work_periods = models.JSONField(
        _("相关工作经历"), default=list, blank=True, help_text=_("[{start, end}]，end 为空表示至今")
    )
    is_student = models.BooleanField(_("在校学生"), default=False)
    dual_carbon_level = models.PositiveSmallIntegerField(
        _("已获双碳证书等级"), choices=CERT_LEVEL_CHOICES[:3], default=0
    )
    dual_carbon_obtained_on = models.DateField(_("双碳证书取得日期"), null=True, blank=True)
    other_cert_level = models.PositiveSmallIntegerField(
        _("其他证书或职称等级"), choices=CERT_LEVEL_CHOICES, default=0
    )
    other_cert_name = models.CharField(_("其他证书名称"), max_length=100, blank=True)
    other_cert_obtained_on = models.DateField(_("其他证书取得日期"), null=True, blank=True)

    # Review.
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submission_count = models.PositiveSmallIntegerField(_("提交次数"), default=0)
    review_due_at = models.DateTimeField(_("审核期限"), null=True, blank=True, db_index=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reject_reason = models.CharField(_("未通过原因"), max_length=32, blank=True)
    reject_note = models.TextField(_("审核意见"), blank=True)
    eligibility_summary = models.TextField(_("资格判断"), blank=True)
    eligible = models.BooleanField(_("符合报名条件"), null=True)
    # 准考证号, given when the application becomes an admission (approved and paid).
    ticket_number = models.CharField(
        _("准考证号"), max_length=20, null=True, blank=True, unique=True
    )

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "sitting"], name="one_application_per_sitting"
            )
        ]
        indexes = [models.Index(fields=["institution", "sitting", "status"])]

    def __str__(self):
        return f"{self.person} · {self.subject.code} · {self.sitting.date:%Y-%m-%d}"

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE

    def photo(self) -> "Document | None":
        """The application photo (二寸照): the admission ticket's, the face check's, the
        certificate's."""
        return self.documents.filter(kind=Document.Kind.PHOTO).first()


class Document(models.Model):
    """An application document, checked and re-encoded on upload, stored privately."""

    # The values are registration.documents.DocumentKind's, whose rules check each upload.
    class Kind(models.TextChoices):
        ID_CARD_FRONT = "id_card_front", _("身份证正面")
        ID_CARD_BACK = "id_card_back", _("身份证反面")
        DIPLOMA = "diploma", _("学历证书")
        PHOTO = "photo", _("二寸蓝底证件照")
        PROOF_OF_WORK = "proof_of_work", _("工作证明")
        OTHER_PROOF = "other_proof", _("其他证明")

    REQUIRED = (Kind.ID_CARD_FRONT, Kind.ID_CARD_BACK, Kind.DIPLOMA, Kind.PHOTO)

    application = models.ForeignKey(
        Application, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("材料"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to="documents/%Y/%m/")
    content_type = models.CharField(_("类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("报名材料")
        verbose_name_plural = _("报名材料")
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_document_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.application.person.name}）"


class SubjectFee(models.Model):
    """The fee for one subject (a programme setting), in yuan."""

    subject = models.OneToOneField(
        "catalog.Subject", verbose_name=_("考试科目"), on_delete=models.CASCADE, related_name="fee"
    )
    amount = models.DecimalField(_("报名费（元）"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("报名费标准")
        verbose_name_plural = _("报名费标准")
        ordering = ["subject"]

    def __str__(self):
        return f"{self.subject.code} ¥{self.amount}"


class Bill(models.Model):
    """An institution's bill for one sitting: a line per approved application."""

    institution = models.ForeignKey(
        "accounts.Institution",
        verbose_name=_("合作机构"),
        on_delete=models.PROTECT,
        related_name="bills",
    )
    sitting = models.ForeignKey(
        "sittings.Sitting",
        verbose_name=_("考试批次"),
        on_delete=models.PROTECT,
        related_name="bills",
    )
    number = models.CharField(_("账单编号"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("机构账单")
        verbose_name_plural = _("机构账单")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "sitting"], name="one_bill_per_sitting")
        ]

    def __str__(self):
        return self.number


class BillLine(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="lines")
    application = models.OneToOneField(
        Application, verbose_name=_("报名"), on_delete=models.PROTECT, related_name="bill_line"
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=8, decimal_places=2)
    paid_at = models.DateTimeField(_("缴费确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("账单明细")
        verbose_name_plural = _("账单明细")
        ordering = ["bill", "created_at", "id"]

    def __str__(self):
        return f"{self.bill.number} {self.application.person.name} ¥{self.amount}"


class Payment(models.Model):
    """Money received from an institution, recorded by an administrator and matched to its bill."""

    bill = models.ForeignKey(
        Bill, verbose_name=_("账单"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("到账日期"))
    reference = models.CharField(_("凭证号"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("缴费记录")
        verbose_name_plural = _("缴费记录")
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["bill", "reference"], name="payment_reference_once")
        ]

    def __str__(self):
        return f"{self.bill.number} ¥{self.amount} {self.reference}"


class ImportBatch(models.Model):
    """An institution's spreadsheet (and ZIP of documents), checked, then imported or not."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("检查中")
        CHECKED = "checked", _("已检查")
        IMPORTING = "importing", _("导入中")
        IMPORTED = "imported", _("已导入")
        CANCELLED = "cancelled", _("已取消")
        FAILED = "failed", _("失败")

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.PROTECT, related_name="import_batches"
    )
    sitting = models.ForeignKey("sittings.Sitting", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    workbook = models.FileField(upload_to="imports/%Y/%m/")
    workbook_name = models.CharField(max_length=200)
    documents = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    documents_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    imported = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("批量导入")
        verbose_name_plural = _("批量导入")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.institution} {self.workbook_name} {self.created_at:%Y-%m-%d %H:%M}"
