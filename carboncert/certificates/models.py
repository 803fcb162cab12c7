from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    """A public key that has signed certificates. The private key of the newest one lives in
    a file (settings.CERTIFICATE_KEY_FILE), never in the database; old rows stay, so that
    certificates signed before a rotation still verify."""

    kid = models.CharField(_("密钥编号"), max_length=20, unique=True)
    public_key = models.CharField(_("公钥"), max_length=64)  # raw Ed25519, base64url
    created_at = models.DateTimeField(_("启用时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证书签名密钥")
        verbose_name_plural = _("证书签名密钥")
        ordering = ["-created_at"]

    def __str__(self):
        return self.kid


class SerialCounter(models.Model):
    """The last serial given to a subject's certificates in a year (numbers.py)."""

    year = models.PositiveSmallIntegerField()
    subject = models.ForeignKey("catalog.Subject", on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "subject"], name="one_counter_per_subject_year")
        ]

    def __str__(self):
        return f"{self.year} {self.subject_id}: {self.last}"


class Certificate(models.Model):
    """One passed result's certificate: what is printed on it, frozen at issue."""

    number = models.CharField(_("证书编号"), max_length=16, unique=True)
    result = models.OneToOneField(
        "grading.Result", verbose_name=_("成绩"), on_delete=models.PROTECT,
        related_name="certificate",
    )  # fmt: skip
    application = models.ForeignKey(
        "registration.Application", verbose_name=_("报名"), on_delete=models.PROTECT,
        related_name="certificates",
    )  # fmt: skip
    sitting = models.ForeignKey("sittings.Sitting", verbose_name=_("考试批次"),
                                on_delete=models.PROTECT, related_name="+")  # fmt: skip
    subject = models.ForeignKey("catalog.Subject", verbose_name=_("科目"),
                                on_delete=models.PROTECT, related_name="+")  # fmt: skip
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1)
    masked_id_number = models.CharField(_("身份证号码"), max_length=18)
    issued_on = models.DateField(_("颁发日期"), db_index=True)
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    issued_by = models.ForeignKey("accounts.User", verbose_name=_("签发人"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")  # fmt: skip
    token = models.CharField(_("签名数据"), max_length=600)  # signing.sign(...), in the QR code
    pdf = models.FileField(_("证书文件"), upload_to="certificates/%Y/", blank=True)
    pdf_version = models.PositiveSmallIntegerField(_("版本"), default=1)  # raised by a re-issue
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey("accounts.User", verbose_name=_("撤销人"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")  # fmt: skip
    revoke_reason = models.TextField(_("撤销原因"), blank=True)

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["-issued_on", "number"]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
