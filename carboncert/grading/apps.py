from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "carboncert.grading"
    verbose_name = _("评分与成绩")

    def ready(self):
        from carboncert.exams.signals import handed_in, handed_in_many
        from carboncert.proctoring.signals import case_decided

        from . import services

        handed_in.connect(services.on_hand_in, dispatch_uid="grading.score_on_hand_in")
        handed_in_many.connect(services.on_hand_in_many, dispatch_uid="grading.score_many")
        case_decided.connect(services.on_case_decided, dispatch_uid="grading.result_on_decision")
