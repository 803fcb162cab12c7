from django import forms
from django.utils.translation import gettext_lazy as _

from carboncert.accounts.validators import validate_id_number


class ExamLoginForm(forms.Form):
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "inputmode": "text"}
        ),
    )
    password = forms.CharField(
        label=_("密码（身份证号码后四位）"),
        max_length=10,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ExtraTimeForm(forms.Form):
    minutes = forms.IntegerField(label=_("补时（分钟）"), min_value=1, max_value=120)
    reason = forms.CharField(label=_("原因"), max_length=200)


class UnlockForm(forms.Form):
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=30, validators=[validate_id_number]
    )
