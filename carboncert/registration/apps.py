from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "carboncert.registration"
    verbose_name = _("报名与审核")
