from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "carboncert.certificates"
    verbose_name = _("证书")

    def ready(self):
        from carboncert.proctoring.signals import case_decided

        from . import services

        # After grading's own receiver (its app comes first), which settles the result.
        case_decided.connect(services.on_case_decided, dispatch_uid="certificates.revoke")
