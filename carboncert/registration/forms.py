import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carboncert.accounts import idcard
from carboncert.accounts.models import Institution
from carboncert.accounts.validators import validate_id_number
from carboncert.catalog.models import Subject

from .models import CERT_LEVEL_CHOICES, EDUCATION_CHOICES, Document
from .services import REJECT_REASONS, ApplicantFacts

MOBILE = re.compile(r"^1[3-9]\d{9}$")
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ApplicationForm(forms.Form):
    """One application, as an institution enters it. Parses; services decide."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=30, validators=[validate_id_number]
    )
    phone = forms.CharField(label=_("手机号码"), max_length=20)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    subject = forms.ModelChoiceField(label=_("报考科目"), queryset=Subject.objects.none())
    education = forms.ChoiceField(label=_("学历"), choices=EDUCATION_CHOICES)
    major = forms.CharField(label=_("所学专业"), max_length=100, required=False)
    major_related = forms.BooleanField(
        label=_("所学专业为环境科学与工程、能源等相关专业"), required=False
    )
    graduated_on = forms.DateField(label=_("毕业时间"), widget=DATE_INPUT)
    employer = forms.CharField(label=_("工作单位"), max_length=150, required=False)
    work_years = forms.DecimalField(
        label=_("相关工作年限（年）"),
        min_value=0,
        max_value=60,
        decimal_places=1,
        initial=0,
        help_text=_("取得学历前、后从事相关领域工作的时间总和，计算到本批次规定的截止日期。"),
    )
    is_student = forms.BooleanField(label=_("在校大学生或相关职业院校学生"), required=False)
    dual_carbon_level = forms.TypedChoiceField(
        label=_("已获双碳岗位能力证书"), choices=CERT_LEVEL_CHOICES[:3], coerce=int, initial=0
    )
    dual_carbon_obtained_on = forms.DateField(
        label=_("双碳证书取得日期"), required=False, widget=DATE_INPUT
    )
    other_cert_level = forms.TypedChoiceField(
        label=_("其他职业或技能证书、职称等级"), choices=CERT_LEVEL_CHOICES, coerce=int, initial=0
    )
    other_cert_name = forms.CharField(label=_("其他证书名称"), max_length=100, required=False)
    other_cert_obtained_on = forms.DateField(
        label=_("其他证书取得日期"), required=False, widget=DATE_INPUT
    )

    def __init__(self, *args, sitting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = sitting.subjects.select_related("specialty", "level")

    def clean_id_number(self):
        return idcard.normalize(self.cleaned_data["id_number"])

    def clean_phone(self):
        phone = re.sub(r"[\s-]", "", self.cleaned_data["phone"])
        if not MOBILE.match(phone):
            raise forms.ValidationError(_("请填写11位中国大陆手机号码。"))
        return phone

    def _not_future(self, field):
        value = self.cleaned_data.get(field)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return value

    def clean_graduated_on(self):
        return self._not_future("graduated_on")

    def clean_dual_carbon_obtained_on(self):
        return self._not_future("dual_carbon_obtained_on")

    def clean_other_cert_obtained_on(self):
        return self._not_future("other_cert_obtained_on")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("dual_carbon_level") and not cleaned.get("dual_carbon_obtained_on"):
            self.add_error("dual_carbon_obtained_on", _("请填写双碳证书的取得日期。"))
        if cleaned.get("other_cert_level"):
            if not cleaned.get("other_cert_name"):
                self.add_error("other_cert_name", _("请填写证书或职称名称。"))
            if not cleaned.get("other_cert_obtained_on"):
                self.add_error("other_cert_obtained_on", _("请填写证书或职称的取得日期。"))
        return cleaned

    def facts(self) -> ApplicantFacts:
        c = self.cleaned_data
        return ApplicantFacts(
            id_number=c["id_number"],
            name=c["name"].strip(),
            phone=c["phone"],
            email=c.get("email") or "",
            subject_id=c["subject"].pk,
            education=c["education"],
            major=c.get("major") or "",
            major_related=c.get("major_related", False),
            graduated_on=c.get("graduated_on"),
            employer=c.get("employer") or "",
            work_years=c.get("work_years") or Decimal(0),
            is_student=c.get("is_student", False),
            dual_carbon_level=c.get("dual_carbon_level") or 0,
            dual_carbon_obtained_on=c.get("dual_carbon_obtained_on"),
            other_cert_level=c.get("other_cert_level") or 0,
            other_cert_name=c.get("other_cert_name") or "",
            other_cert_obtained_on=c.get("other_cert_obtained_on"),
        )

    @classmethod
    def initial_from(cls, application) -> dict:
        initial = {f: getattr(application, f) for f in ApplicantFacts.APPLICATION_FIELDS}
        initial.update(
            name=application.person.name,
            id_number=application.person.id_number,
            subject=application.subject_id,
        )
        return initial


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=Document.Kind.choices)
    file = forms.FileField(label=_("文件"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("未通过原因"), choices=list(REJECT_REASONS.items()))
    note = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BatchUploadForm(forms.Form):
    workbook = forms.FileField(label=_("报名表（Excel .xlsx，使用平台模板）"))
    documents = forms.FileField(
        label=_("材料压缩包（ZIP，文件名如 身份证号_照片.jpg）"), required=False
    )

    def clean_workbook(self):
        from .importing import MAX_WORKBOOK_BYTES

        workbook = self.cleaned_data["workbook"]
        if workbook.size > MAX_WORKBOOK_BYTES:
            raise forms.ValidationError(_("报名表不能超过 20 MB。"))
        return workbook

    def clean_documents(self):
        from .importing import MAX_ZIP_BYTES

        archive = self.cleaned_data.get("documents")
        if archive and archive.size > MAX_ZIP_BYTES:
            raise forms.ValidationError(_("材料压缩包不能超过 500 MB，请分批上传。"))
        return archive


class SelfApplicationForm(ApplicationForm):
    """The same application, filled by the candidate, with the institution and documents."""

    institution = forms.ModelChoiceField(
        label=_("合作机构"),
        queryset=Institution.objects.filter(is_active=True),
        help_text=_("报名费由所选机构统一收取。"),
    )
    photo = forms.FileField(label=_("二寸蓝底证件照（JPG 或 PNG）"))
    id_card_front = forms.FileField(label=_("身份证正面"), required=False)
    id_card_back = forms.FileField(label=_("身份证反面"), required=False)
    diploma = forms.FileField(label=_("学历证书"), required=False)
    proof_of_work = forms.FileField(label=_("工作证明"), required=False)
    agree = forms.BooleanField(label=_("本人承诺所填信息及所交材料真实有效"))

    DOCUMENT_FIELDS = ("photo", "id_card_front", "id_card_back", "diploma", "proof_of_work")

    def files_by_kind(self) -> dict[str, tuple[bytes, str]]:
        return {
            field: (upload.read(), upload.name)
            for field in self.DOCUMENT_FIELDS
            if (upload := self.cleaned_data.get(field))
        }
