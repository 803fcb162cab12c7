from django.core.management.base import BaseCommand
from django.utils import timezone

from carboncert.certificates.services import issue_due
from carboncert.exams.services import sweep
from carboncert.grading.services import notify_released, score_unscored, settle_all
from carboncert.learning.institution import send_overdue
from carboncert.proctoring.services import purge_expired
from carboncert.sittings.services import generate_sittings, refresh_all_timelines


class Command(BaseCommand):
    help = (
        "Periodic sweep (run every few minutes from cron or Celery beat): make sure this and "
        "next year's sittings exist and every timeline matches the current calendar; hand in "
        "attempts whose time is over, score any handed-in attempt not scored yet, compute "
        "results (and 缺考), tell candidates and institutions of released results, and delete "
        "camera pictures and face descriptors past their retention date, issue the "
        "certificates whose day has come, and send study reminders a stopped worker left."
    )

    def handle(self, *args, **options):
        year = timezone.localdate().year
        created = sum(g.created for y in (year, year + 1) for g in generate_sittings(y))
        changed = refresh_all_timelines()
        handed_in = sweep()
        scored = score_unscored()
        settled = settle_all()
        notified = notify_released()
        purged = purge_expired()
        certified = issue_due()
        reminded = send_overdue()
        self.stdout.write(
            f"tick: {created} sittings created, {changed} timelines updated, "
            f"{handed_in} attempts handed in at their end, {scored} attempts scored, "
            f"{settled} results computed, {notified} released results notified, "
            f"{purged} pictures deleted after their retention date, "
            f"{certified} certificates issued, {reminded} overdue study reminders handled"
        )
