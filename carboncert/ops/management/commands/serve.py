import os
import shutil
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve the platform: apply migrations, collect static files, then run gunicorn "
        "(or Django's auto-reloading server with --dev)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None,
            help="gunicorn worker processes (default: 2 per core, at least 2)",
        )
        parser.add_argument("--dev", action="store_true", help="auto-reloading development server")
        parser.add_argument("--no-migrate", action="store_true", help="skip migrations")

    def handle(self, *args, host, port, workers, dev, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        url = f"http://{host}:{port}/"
        # Pages name their static files through the manifest, the development server too.
        call_command("collectstatic", interactive=False, verbosity=0)
        if dev:
            self.stdout.write(f"carboncert (development server): {url}")
            call_command("runserver", f"{host}:{port}")
            return
        workers = workers or max(2, 2 * (os.cpu_count() or 1))
        self.stdout.write(self.style.SUCCESS(f"carboncert 已启动 / is up: {url}"))
        self.stdout.flush()
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        os.execv(
            gunicorn,
            [
                gunicorn,
                "carboncert.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                # Two threads a worker overlap one request's database wait with another's
                # work, and keep connections alive (bench/exam_day.py: +10–40% requests/s).
                "--worker-class",
                "gthread",
                "--threads",
                "2",
                "--keep-alive",
                "30",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "20",
            ],
        )
