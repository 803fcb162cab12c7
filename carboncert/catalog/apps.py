from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "carboncert.catalog"
    verbose_name = _("专业与科目")
