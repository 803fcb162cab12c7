from django import forms
from django.utils.translation import gettext_lazy as _


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
