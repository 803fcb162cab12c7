"""Pictures and face descriptors are kept until PROCTORING_RETENTION_DAYS after the results
date, then deleted by the periodic task, and the audit says when and how many."""

import datetime
import io
import os

import pytest
from django.core.management import call_command

from carboncert.audit.models import AuditEvent
from carboncert.exams import api
from carboncert.exams import services as exams
from carboncert.exams.models import Snapshot
from carboncert.proctoring.models import Enrolment, Flag, IdentityCheck, SnapshotLook
from carboncert.sittings.models import CalendarYear
from carboncert.sittings.services import refresh_all_timelines

pytestmark = pytest.mark.django_db


def test_after_the_retention_date_pictures_and_descriptors_are_gone(
    morning, answering, pictures, settings, django_capture_on_commit_callbacks
):
    settings.PROCTORING_RETENTION_DAYS = 60
    sitting, attempt = morning["sitting"], answering
    with django_capture_on_commit_callbacks(execute=True):
        api.snapshot_reply(attempt, pictures["hopper"], "interval")
    snapshot = Snapshot.objects.get()
    files = [snapshot.image.path, IdentityCheck.objects.get().image.path]
    assert Flag.objects.filter(snapshot=snapshot).exists()
    # 2027's holidays are not in the installed calendar: an administrator enters the year
    # (here with no holidays at all), and the sitting has its results date.
    CalendarYear.objects.create(year=2027, source="测试")
    refresh_all_timelines()
    sitting.refresh_from_db()
    assert sitting.results_on
    ends = exams.retention_ends(sitting)
    assert ends == sitting.results_on + datetime.timedelta(days=60)

    morning["time"].move_to(datetime.datetime.combine(ends, datetime.time(12)), tick=False)
    call_command("tick", stdout=io.StringIO())  # on the last day: all still kept
    assert Snapshot.objects.exists() and Enrolment.objects.get().descriptor

    morning["time"].move_to(
        datetime.datetime.combine(ends, datetime.time(12)) + datetime.timedelta(days=1), tick=False
    )
    call_command("tick", stdout=io.StringIO())
    assert not Snapshot.objects.exists() and not SnapshotLook.objects.exists()
    assert all(not os.path.exists(path) for path in files)
    check = IdentityCheck.objects.get()
    assert not check.image and check.outcome == "match"  # the outcome stays, the picture goes
    enrolment = Enrolment.objects.get()
    assert enrolment.descriptor is None and enrolment.problem == "purged"
    flag = Flag.objects.get()
    assert flag.snapshot is None and flag.kind == "other_person"  # the record stays
    purged = AuditEvent.objects.get(action="proctoring.retention.purged")
    assert purged.object_id == str(sitting.pk)
    assert purged.after == {"snapshots": 1, "identity_images": 1, "descriptors": 1,
                            "retention_ends": ends.isoformat()}  # fmt: skip
    assert purged.at.date() == ends + datetime.timedelta(days=1)
    call_command("tick", stdout=io.StringIO())  # nothing left: no second entry
    assert AuditEvent.objects.filter(action="proctoring.retention.purged").count() == 1
