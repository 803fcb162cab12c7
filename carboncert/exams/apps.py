from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "carboncert.exams"
    verbose_name = _("在线考试")
