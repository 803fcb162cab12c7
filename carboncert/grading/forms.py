from django import forms
from django.utils.translation import gettext_lazy as _

from carboncert.accounts import idcard
from carboncert.accounts.validators import validate_id_number


class LookupForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号码"), max_length=30,
                                validators=[validate_id_number])  # fmt: skip
    name = forms.CharField(label=_("姓名"), max_length=50)

    def clean_id_number(self):
        return idcard.normalize(self.cleaned_data["id_number"])


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("申请理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )


class KeyCorrectionForm(forms.Form):
    correct = forms.MultipleChoiceField(label=_("正确选项"), widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("更正原因"), max_length=200)

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["correct"].choices = [(str(i), label) for i, label in enumerate(options)]
