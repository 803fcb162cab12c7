"""Pictures in reading lessons: uploaded from the editor, stored anew, served by token."""

import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from carboncert import testing
from carboncert.accounts import roles
from carboncert.audit.models import AuditEvent
from carboncert.learning import authoring
from carboncert.learning.models import LessonImage

UPLOAD = reverse("learning:image_upload")


def picture(fmt="PNG", size=(40, 30), **save):
    out = io.BytesIO()
    Image.new("RGB", size, (0, 120, 60)).save(out, fmt, **save)
    return out.getvalue()


@pytest.fixture
def teacher(client, studying, media):
    user = testing.staff("teacher", roles.TEACHER)
    client.force_login(user)
    return user


def upload(client, data, name="图.png"):
    return client.post(UPLOAD, {"image": SimpleUploadedFile(name, data)})


def test_an_uploaded_picture_is_stored_anew_and_its_address_returned(client, teacher):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make; a phone's GPS would sit here too
    reply = upload(client, picture("JPEG", exif=exif.tobytes()), "photo.jpg")
    assert reply.status_code == 200
    body = reply.json()
    assert body["success"] is True and body["data"]["isImages"] == [True]
    (address,) = body["data"]["files"]
    image = LessonImage.objects.get()
    assert address == image.address == f"/learning/images/{image.token}.jpg"
    assert (image.content_type, image.width, image.height) == ("image/jpeg", 40, 30)
    assert image.uploaded_by == teacher
    stored = image.file.read()
    assert stored[:3] == b"\xff\xd8\xff" and b"PhoneMaker" not in stored
    assert AuditEvent.objects.filter(action="learning.image.uploaded").exists()
    # Served to whoever is signed in (a candidate reading the lesson), never changing.
    served = client.get(address)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "immutable" in served["Cache-Control"]
    assert b"".join(served.streaming_content) == stored


def test_a_big_picture_is_scaled_down_and_a_gif_becomes_a_png(teacher):
    big = authoring.store_image(teacher, ContentFile(picture("PNG", size=(4000, 1000))))
    assert (big.width, big.height) == (2000, 500)
    gif = authoring.store_image(teacher, ContentFile(picture("GIF")))
    assert gif.content_type == "image/png" and gif.file.read()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "没有收到图片文件"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "不是可用的图片",
        ),
        (b"%PDF-1.7\n" + b"x" * 100, "不是可用的图片"),
        (picture("PNG")[:60], "不是可用的图片"),  # cut short
        (picture("BMP"), "不是可用的图片"),
    ],
    ids=["empty", "svg", "pdf", "truncated", "bmp"],
)
def test_what_is_not_a_usable_picture_is_refused_and_nothing_stored(client, teacher, data, message):
    reply = upload(client, data)
    assert reply.status_code == 400
    assert reply.json()["success"] is False
    assert message in reply.json()["data"]["messages"][0]
    assert not LessonImage.objects.exists()


def test_a_picture_over_the_limit_is_refused_unread(client, teacher, settings):
    settings.LESSON_IMAGE_MAX_MB = 1
    reply = upload(client, picture("PNG") + b"\0" * (1024 * 1024))
    assert reply.status_code == 413 and "超过 1 MB" in reply.json()["data"]["messages"][0]
    assert not LessonImage.objects.exists()


def test_only_teachers_and_administrators_upload(client, studying, media):
    assert upload(client, picture()).status_code == 403  # signed out
    client.force_login(studying["user"])  # a candidate
    reply = upload(client, picture())
    assert (
        reply.status_code == 403 and "没有上传课程图片的权限" in reply.json()["data"]["messages"][0]
    )
    assert client.get(UPLOAD).status_code == 405
    client.force_login(testing.administrator())
    assert upload(client, picture()).status_code == 200


def test_pictures_are_for_signed_in_users_at_their_exact_address(client, teacher):
    image = authoring.store_image(teacher, ContentFile(picture()))
    client.logout()
    assert client.get(image.address).status_code == 302  # to the login
    client.force_login(teacher)
    assert client.get(image.address.replace(".png", ".jpg")).status_code == 404
    assert client.get(f"/learning/images/{uuid.uuid4()}.png").status_code == 404


def test_a_body_keeps_its_own_pictures_and_drops_other_relative_addresses(teacher):
    image = authoring.store_image(teacher, ContentFile(picture()))
    kept = authoring.clean_body(f'<p>图</p><img src="{image.address}" alt="示意图">')
    assert f'src="{image.address}"' in kept and 'alt="示意图"' in kept
    for address in (
        "/learning/images/../../admin/x.png",
        f"/learning/images/{image.token}.svg",
        f"/elsewhere/{image.token}.png",
        f"{image.address}?x=1",
        "javascript:alert(1)",
    ):
        assert "src=" not in authoring.clean_body(f'<img src="{address}">'), address


def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded(teacher):
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 megapixels in a few kilobytes
    with pytest.raises(authoring.Refused, match="4000 万像素"):
        authoring.store_image(teacher, ContentFile(out.getvalue()))
