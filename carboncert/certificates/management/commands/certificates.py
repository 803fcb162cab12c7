import datetime
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from carboncert.certificates import keys, services, signing


class Command(BaseCommand):
    help = (
        "Certificates: `issue-due [--date YYYY-MM-DD]` issues those whose day has come (tick "
        "does it too; several may run at once); `rotate-key` starts signing with a new key "
        "(what the old one signed still verifies); `verify TOKEN-OR-URL [--keys keys.json]` "
        "checks a QR payload's signature offline with the published public keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["issue-due", "rotate-key", "verify"])
        parser.add_argument("token", nargs="?")
        parser.add_argument("--date", type=datetime.date.fromisoformat)
        parser.add_argument("--keys", type=Path, help="keys.json as /verify/keys.json serves it")

    def handle(self, action, token=None, date=None, **options):
        if action == "issue-due":
            issued = services.issue_due(date or timezone.localdate())
            self.stdout.write(f"{issued} certificates issued")
        elif action == "rotate-key":
            self.stdout.write(f"now signing with key {keys.rotate()}")
        else:
            self._verify(token, options["keys"])

    def _verify(self, token, keys_file) -> None:
        if not token:
            raise CommandError("verify needs the QR code's text (its URL or the token in it)")
        token = token.rstrip("/").rsplit("/", 1)[-1]
        if keys_file:
            published = json.loads(keys_file.read_text())["keys"]
            public = {kid: signing.public_key_from_text(text) for kid, text in published.items()}
        else:
            public = keys.public_keys()
        try:
            payload = signing.verify(token, public)
        except signing.BadToken as error:
            self.stdout.write(f"INVALID: {error}")
            sys.exit(1)
        self.stdout.write(
            f"VALID signature by key {payload.kid}: {payload.number} {payload.name} "
            f"{payload.subject} level {payload.level} issued {payload.issued_on.isoformat()}"
        )
