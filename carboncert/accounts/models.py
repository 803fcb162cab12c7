from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import idcard
from .fields import IdNumberField
from .roles import ROLE_BY_CODE


class Institution(models.Model):
    """A partner institution (合作机构) that registers candidates and collects fees."""

    code = models.SlugField(_("机构代码"), max_length=32, unique=True)
    name = models.CharField(_("机构名称"), max_length=120, unique=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("合作中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合作机构")
        verbose_name_plural = _("合作机构")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Person(models.Model):
    """A candidate's identity, separate from any login: the ID number is the person."""

    GENDERS = [("M", _("男")), ("F", _("女"))]

    id_number = IdNumberField(_("身份证号码"), unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=GENDERS, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考生身份")
        verbose_name_plural = _("考生身份")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    def save(self, *args, **kwargs):
        # Gender and birth date are facts of the number; they cannot disagree with it.
        self.id_number = idcard.normalize(self.id_number)
        self.gender = idcard.gender(self.id_number)
        self.birth_date = idcard.birth_date(self.id_number)
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return idcard.mask(self.id_number)


class User(AbstractUser):
    """A login. Roles are groups (accounts.roles); a candidate's login points at a Person."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)
    person = models.OneToOneField(
        Person,
        verbose_name=_("考生身份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.get_full_name()

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(group.name for group in self.groups.all())

    def has_role(self, code: str) -> bool:
        return code in self.role_codes

    @property
    def role_labels(self) -> list[str]:
        return [str(ROLE_BY_CODE[c].label) for c in sorted(self.role_codes) if c in ROLE_BY_CODE]
