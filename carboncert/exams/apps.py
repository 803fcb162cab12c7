from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "carboncert.exams"
    verbose_name = _("在线考试")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from carboncert.sittings.models import Sitting

        from . import services

        # A sitting saved in this process is read afresh at once; other workers within seconds.
        for signal in (post_save, post_delete):
            signal.connect(services.forget_sitting, sender=Sitting, dispatch_uid=f"exams.{signal}")
