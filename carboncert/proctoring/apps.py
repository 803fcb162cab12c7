from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProctoringConfig(AppConfig):
    name = "carboncert.proctoring"
    verbose_name = _("监考与违纪")

    def ready(self):
        from carboncert.exams.signals import handed_in, snapshot_stored
        from carboncert.registration.signals import approved

        from . import services

        handed_in.connect(services.on_hand_in, dispatch_uid="proctoring.case_on_hand_in")
        snapshot_stored.connect(services.on_snapshot_stored, dispatch_uid="proctoring.analyse")
        approved.connect(services.on_approved, dispatch_uid="proctoring.enrol")
