from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SittingsConfig(AppConfig):
    name = "carboncert.sittings"
    verbose_name = _("考试批次与日历")
