"""Every snapshot is analysed after it is stored: findings become flags, a run of the
candidate missing (or someone else) becomes an alert; the CPU it took is kept."""

import io

import pytest
from PIL import Image

from carboncert.exams import api
from carboncert.exams import services as exams
from carboncert.proctoring import services
from carboncert.proctoring.models import Flag, SnapshotLook

from .conftest import astronaut_image, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def snap(django_capture_on_commit_callbacks):
    """Store a snapshot as the exam API does; its analysis runs once that commits."""

    def store(attempt, data):
        with django_capture_on_commit_callbacks(execute=True):
            status, _ = api.snapshot_reply(attempt, data, "interval")
        assert status == 204
        return SnapshotLook.objects.filter(attempt=attempt).order_by("-snapshot_id").first()

    return store


def test_each_snapshot_says_who_is_there(answering, pictures, snap):
    look = snap(answering, pictures["astronaut"])
    assert (look.faces, look.finding) == (1, "ok") and look.distance < 0.3
    assert 0 < look.cpu_ms < 5000
    assert snap(answering, pictures["hopper"]).finding == "other_person"
    assert snap(answering, pictures["both"]).finding == "several_faces"
    assert snap(answering, pictures["cat"]).finding == "no_face"
    assert snap(answering, pictures["black"]).finding == "dark"
    kinds = list(Flag.objects.filter(attempt=answering).values_list("kind", "severity"))
    assert kinds == [("other_person", 2), ("several_faces", 2), ("no_face", 1), ("dark", 1)]


def test_a_frozen_camera_is_noticed(answering, pictures, snap):
    snap(answering, pictures["astronaut"])
    assert snap(answering, pictures["astronaut"]).finding == "frozen"  # the very same frame
    moved = jpeg(astronaut_image().rotate(2))
    assert snap(answering, moved).finding == "ok"


def test_a_run_of_another_person_raises_one_alert(answering, pictures, snap, settings):
    settings.FACE_ALERT_RUN = 3
    snap(answering, pictures["astronaut"])
    others = [jpeg(Image.open(io.BytesIO(pictures["hopper"])).rotate(r)) for r in range(5)]
    findings = [snap(answering, data).finding for data in others]
    assert findings == ["other_person"] * 5
    flags = list(Flag.objects.filter(attempt=answering).values_list("kind", "severity"))
    # One warning when it starts, one alert at the third in a row, none for the rest.
    assert flags == [("other_person", Flag.Severity.WARNING), ("other_person", Flag.Severity.ALERT)]


def test_a_snapshot_is_analysed_once_and_only_where_the_face_check_is_on(answering, pictures, snap):
    look = snap(answering, pictures["astronaut"])
    assert services.analyse_snapshot(look.snapshot_id) == look  # delivered twice: no second look
    assert SnapshotLook.objects.count() == 1
    sitting = answering.sitting
    sitting.face_check = False
    sitting.save()
    exams.forget_remembered()
    answering.refresh_from_db()
    snap(answering, pictures["hopper"])
    assert SnapshotLook.objects.count() == 1
