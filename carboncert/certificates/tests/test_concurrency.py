"""Four issuers at once on PostgreSQL (the row locks are PostgreSQL's; SQLite has one
writer anyway): 200 certificates, 200 distinct numbers, serials 1–200 without a gap."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from carboncert.certificates import keys, numbers
from carboncert.certificates.models import Certificate

from .conftest import enter_2027, passed_candidates

pytestmark = pytest.mark.django_db(transaction=True)

# Each issuer sets Django up, then waits for the same start signal, so that all four really
# issue at the same time instead of the first finishing before the last has started.
ISSUER = """
import os, sys, time, django
django.setup()
from carboncert.certificates import services
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
print(services.issue_due(__import__("datetime").date(2027, 2, 20)))
"""


def test_four_processes_issue_200_certificates_without_a_gap(december, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks under concurrent issuers: run with DATABASE_URL=postgres://… (CI does)"
        )
    sitting, subject = december
    passed_candidates(200, sitting, subject, photos=False)
    enter_2027()
    keys.current()  # the key every issuer will read
    db = connection.settings_dict
    url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
           f"{db['PORT'] or 5432}/{db['NAME']}")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env |= {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "carboncert.settings",
            "CERTIFICATE_KEY_FILE": str(settings.CERTIFICATE_KEY_FILE),
            "CARBONCERT_VAR": str(tmp_path / "var"), "CERTIFICATE_PRINT_ON_ISSUE": "0"}  # fmt: skip
    go = tmp_path / "go"
    issuers = [
        subprocess.Popen(
            [sys.executable, "-c", ISSUER, str(go)],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=Path(settings.BASE_DIR).parent,
        )
        for _ in range(4)
    ]
    time.sleep(3)  # Django set up in all four
    go.touch()
    counts = []
    for issuer in issuers:
        out, err = issuer.communicate(timeout=120)
        assert issuer.returncode == 0, err
        counts.append(int(out.strip().splitlines()[-1]))
    assert sum(counts) == 200
    assert sum(1 for n in counts if n) >= 2, counts  # they did overlap
    issued = list(Certificate.objects.values_list("number", flat=True))
    assert len(issued) == len(set(issued)) == 200
    assert sorted(numbers.serial_of(n) for n in issued) == list(range(1, 201))
    assert {n[:7] for n in issued} == {"2027CE1"}
    assert Certificate.objects.filter(issued_on=datetime.date(2027, 2, 20)).count() == 200
