from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Sitting


class GenerateForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2004, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1


class SittingAdminForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("修改考试日期或规则时必填，记入审计日志。"),
    )

    class Meta:
        model = Sitting
        fields = ["date", "subjects", *Sitting.RULE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.changed_data and not cleaned.get("change_reason", "").strip():
            meaningful = set(self.changed_data) - {"change_reason", "subjects"}
            if meaningful:
                self.add_error("change_reason", _("修改考试日期或规则时必须填写原因。"))
        return cleaned
