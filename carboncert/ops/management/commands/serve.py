import os
import shutil
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve the platform: apply migrations, collect static files, then run granian "
        "(or Django's auto-reloading server with --dev)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None,
            help="worker processes (default: one per core, at least 2)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "8")),
            help="threads per worker, each with its own database connection (default 8)",
        )
        parser.add_argument(
            "--no-access-log", action="store_true", help="no access log (the balancer keeps one)"
        )
        parser.add_argument("--dev", action="store_true", help="auto-reloading development server")
        parser.add_argument("--no-migrate", action="store_true", help="skip migrations")

    def handle(self, *args, host, port, workers, threads, no_access_log, dev, no_migrate,
               **options):  # fmt: skip
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        url = f"http://{host}:{port}/"
        # Pages name their static files through the manifest, the development server too.
        call_command("collectstatic", interactive=False, verbosity=0)
        if dev:
            self.stdout.write(f"carboncert (development server): {url}")
            call_command("runserver", f"{host}:{port}")
            return
        workers = workers or max(2, os.cpu_count() or 1)
        self.stdout.write(self.style.SUCCESS(f"carboncert 已启动 / is up: {url}"))
        self.stdout.flush()
        # granian, not gunicorn: its HTTP handling is Rust, and on exam day that was a fifth
        # of a save's cost (bench/exam_day.py, docs/capacity.md). Threads overlap one
        # request's database wait with another's work; a worker per core uses the cores.
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian"
        os.environ["WEB_THREADS"] = str(threads)  # the exam's snapshot writers leave two free
        os.execv(
            granian,
            [
                granian, "--interface", "wsgi", "--host", host, "--port", str(port),
                "--workers", str(workers), "--blocking-threads", str(threads),
                "--respawn-failed-workers", "--workers-kill-timeout", "20",
                "--no-access-log" if no_access_log else "--access-log", "carboncert.wsgi:application",
            ],
        )  # fmt: skip
