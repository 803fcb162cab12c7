from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankConfig(AppConfig):
    name = "carboncert.bank"
    verbose_name = _("题库与组卷")
