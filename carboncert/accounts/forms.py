from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import throttle
from .services import login_name

SCOPE = "portal"


class LoginForm(AuthenticationForm):
    """Django's login form, with ID numbers accepted in any case and failures throttled."""

    username = forms.CharField(
        label=_("用户名或身份证号码"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。请注意密码区分大小写。"),
        "locked": _("登录失败次数过多，请 %(minutes)s 分钟后再试。"),
    }

    def clean(self):
        account = login_name(self.cleaned_data.get("username", ""))
        self.cleaned_data["username"] = account
        address = throttle.client_address(self.request)
        if throttle.is_locked(SCOPE, account, address):
            from django.conf import settings

            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(SCOPE, account, address)
            raise
        throttle.clear(SCOPE, account)
        return cleaned
