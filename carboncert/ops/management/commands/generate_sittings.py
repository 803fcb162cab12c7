from django.core.management.base import BaseCommand, CommandError

from carboncert.sittings.services import generate_sittings


class Command(BaseCommand):
    help = "Create a year's sittings on the third Saturday of the configured months and print warnings."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        if not 2004 <= year <= 2100:
            raise CommandError("年份应在 2004 到 2100 之间 / year must be between 2004 and 2100")
        for g in generate_sittings(year):
            state = "created" if g.created else "exists"
            self.stdout.write(f"{g.sitting.date:%Y-%m-%d} {state}")
            for warning in g.warnings:
                self.stdout.write(self.style.WARNING(f"  ! {warning}"))
