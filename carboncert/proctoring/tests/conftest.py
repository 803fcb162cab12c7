"""Real faces shipped inside packages: scikit-image's astronaut (Eileen Collins) and cat
(chelsea), matplotlib's Grace Hopper. As JPEG bytes, the way the exam page sends them."""

import functools
import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from carboncert.exams.tests.conftest import morning as morning  # the fixture


def jpeg(image: Image.Image, quality=85) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


@functools.cache
def astronaut_image() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut())


@functools.cache
def hopper_image() -> Image.Image:
    from matplotlib import cbook

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        return Image.open(f).convert("RGB")


@functools.cache
def cat_image() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.chelsea())


def side_by_side(a: Image.Image, b: Image.Image) -> Image.Image:
    height = 400
    a = a.resize((round(a.width * height / a.height), height))
    b = b.resize((round(b.width * height / b.height), height))
    both = Image.new("RGB", (a.width + b.width, height))
    both.paste(a, (0, 0))
    both.paste(b, (a.width, 0))
    return both


def darkened(image: Image.Image, factor=0.12) -> Image.Image:
    return image.point(lambda v: int(v * factor))


@pytest.fixture
def pictures():
    return {
        "astronaut": jpeg(astronaut_image()),
        "astronaut_flipped": jpeg(ImageOps.mirror(astronaut_image())),
        "hopper": jpeg(hopper_image()),
        "cat": jpeg(cat_image()),
        "both": jpeg(side_by_side(astronaut_image(), hopper_image())),
        "dark": jpeg(darkened(astronaut_image())),
        "black": jpeg(Image.new("RGB", (640, 480))),
    }


def give_photo(application, data: bytes):
    """The application photo as registration stores it."""
    from carboncert.registration.models import Document

    image = Image.open(io.BytesIO(data))
    document = Document(
        application=application, kind=Document.Kind.PHOTO, content_type="image/jpeg",
        size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        width=image.width, height=image.height,
    )  # fmt: skip
    document.file.save("photo.jpg", ContentFile(data), save=False)
    document.save()
    return document


@pytest.fixture
def checking_in(morning, media, pictures):
    """张三 has logged in to a sitting with the face check; her photo is the astronaut's."""
    from carboncert.exams import services as exams
    from carboncert.exams.tests.conftest import ID

    sitting = morning["sitting"]
    sitting.face_check = True
    sitting.save()
    give_photo(morning["zhang"], pictures["astronaut"])
    attempt = exams.exam_login(ID, "107x", "10.0.0.1")
    return {**morning, "attempt": attempt}


@pytest.fixture
def answering(checking_in, pictures):
    """…and has passed the face check and is answering at 09:01."""
    from carboncert.exams import services as exams
    from carboncert.exams.tests.conftest import at
    from carboncert.proctoring import services

    attempt = checking_in["attempt"]
    services.check_identity(attempt, pictures["astronaut"])
    checking_in["time"].move_to(at(9, 1), tick=False)
    attempt.refresh_from_db()
    return exams.start(attempt)
