from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy

from . import roles
from .forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# Roles with a panel of their own; the other staff roles share the generic one.
OWN_PANELS = {roles.CANDIDATE, roles.INSTITUTION, roles.ADMINISTRATOR}


@login_required
def home(request):
    """My workbench: what this user's roles let them do, each role its own panel."""
    panels = [
        (role, f"accounts/panels/{role.code if role.code in OWN_PANELS else 'staff'}.html")
        for role in roles.ROLES
        if request.user.has_role(role.code)
    ]
    return render(request, "accounts/home.html", {"panels": panels})
