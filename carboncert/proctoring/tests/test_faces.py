"""faces.py with real faces: one person matches under flip, scale and JPEG, two people do
not, a cat has no face, two people side by side are several faces. No database."""

import io

import pytest
from PIL import Image, ImageOps

from carboncert.proctoring import faces

from .conftest import astronaut_image, cat_image, darkened, hopper_image, jpeg, side_by_side

THRESHOLD = 0.6


@pytest.fixture(scope="module")
def enrolled():
    return faces.look(jpeg(astronaut_image())).descriptor


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda im: ImageOps.mirror(im), id="flipped"),
        pytest.param(lambda im: im.resize((im.width // 2, im.height // 2)), id="half-size"),
        pytest.param(lambda im: im.resize((im.width * 3 // 2, im.height * 3 // 2)), id="larger"),
        pytest.param(lambda im: Image.open(io.BytesIO(jpeg(im, quality=25))), id="jpeg-q25"),
    ],
)
def test_one_person_matches_herself_under_flip_scale_and_recompression(enrolled, variant):
    seen = faces.look(jpeg(variant(astronaut_image())))
    assert seen.faces == 1
    result = faces.verdict(seen, enrolled, THRESHOLD)
    assert result.outcome == "match", result
    assert result.distance < 0.4  # well inside: measured 0.18–0.24


def test_two_people_do_not_match(enrolled):
    seen = faces.look(jpeg(hopper_image()))
    assert seen.faces == 1
    result = faces.verdict(seen, enrolled, THRESHOLD)
    assert result.outcome == "mismatch" and result.distance > 0.6


def test_a_cat_has_no_face(enrolled):
    seen = faces.look(jpeg(cat_image()))
    assert (seen.faces, seen.descriptor) == (0, None)
    assert faces.verdict(seen, enrolled, THRESHOLD).outcome == "no_face"


def test_two_faces_side_by_side_are_several_faces(enrolled):
    seen = faces.look(jpeg(side_by_side(astronaut_image(), hopper_image())))
    assert seen.faces == 2
    assert faces.verdict(seen, enrolled, THRESHOLD).outcome == "several_faces"


def test_a_dark_picture_asks_for_light(enrolled):
    seen = faces.look(jpeg(darkened(astronaut_image(), 0.05)))  # mean grey 5 of 255
    assert seen.dark and seen.faces == 0
    assert faces.verdict(seen, enrolled, THRESHOLD).outcome == "dark"
    dim = faces.look(jpeg(darkened(astronaut_image(), 0.2)))  # dim, but a face: it is judged
    assert dim.dark and faces.verdict(dim, enrolled, THRESHOLD).outcome == "match"
    black = faces.look(jpeg(Image.new("RGB", (640, 480))))
    assert faces.verdict(black, enrolled, THRESHOLD).outcome == "dark"


def test_every_outcome_has_a_chinese_message_and_advice():
    for outcome in ("mismatch", "no_face", "several_faces", "dark", "unreadable"):
        message, advice = faces.MESSAGES[outcome]
        assert message and advice


def test_what_is_not_an_image_is_unreadable():
    for data in (b"", b"\xff\xd8\xff not really", b"<html>"):
        with pytest.raises(faces.Unreadable):
            faces.look(data)


def test_a_frozen_camera_repeats_its_frame_and_a_live_one_does_not():
    still = faces.look(jpeg(astronaut_image()))
    again = faces.look(jpeg(astronaut_image()))
    assert faces.frozen(still.thumbnail, again.thumbnail)
    moved = faces.look(jpeg(astronaut_image().rotate(3)))
    assert not faces.frozen(still.thumbnail, moved.thumbnail)
    assert not faces.frozen(b"", b"")


def test_descriptors_survive_the_database_round_trip(enrolled):
    assert faces.distance(faces.from_bytes(faces.to_bytes(enrolled)), enrolled) == 0
    assert len(faces.to_bytes(enrolled)) == 128 * 4
