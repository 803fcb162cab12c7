"""Upload checks for application documents. Every file is built here, in memory."""

import hashlib
import io
import re
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.annotations import Link
from pypdf.generic import DictionaryObject, NameObject, RectangleObject, TextStringObject

from carboncert.registration import documents
from carboncert.registration.documents import (
    REJECTION_CODES,
    DocumentKind,
    DocumentRejected,
    FileType,
    check_upload,
)

ID_FRONT = DocumentKind.ID_CARD_FRONT
PHOTO = DocumentKind.PHOTO
ID_PHOTO_BLUE = (67, 142, 219)  # the usual 证件照 blue
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def jpeg(size=(60, 40), color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **save)
    return out.getvalue()


def png(size=(60, 40), color=(200, 30, 30), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG", **save)
    return out.getvalue()


def portrait(size=(413, 579), background=ID_PHOTO_BLUE) -> Image.Image:
    photo = Image.new("RGB", size, background)
    w, h = size
    photo.paste((230, 190, 160), (w // 4, h // 5, w * 3 // 4, h))  # a head and shoulders
    return photo


def encode(image: Image.Image, fmt="JPEG", **save) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def pdf(pages=1, build=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def handmade_pdf(*objects: bytes, unlisted: bytes = b"") -> bytes:
    """A PDF with the given objects (1 is the catalog) and a correct xref table.

    `unlisted` goes into the file body without an xref entry, where pypdf never looks.
    """
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    out += unlisted
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png_declaring(width: int, height: int) -> bytes:
    """A valid-looking PNG header for a huge image: a few dozen bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(jpeg((16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def refused(code: str, kind, data: bytes, filename: str, *figures: str) -> str:
    with pytest.raises(DocumentRejected) as caught:
        check_upload(kind, data, filename)
    error = caught.value
    assert error.code == code, error.message
    assert CHINESE.search(error.message), error.message
    for figure in figures:
        assert figure in error.message
    return error.message


def reopened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def assert_clean_jpeg(content: bytes) -> None:
    image = reopened(content)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert not image.getexif()
    for key in ("exif", "icc_profile", "xmp", "comment", "photoshop"):
        assert key not in image.info
    assert b"Exif\x00\x00" not in content
    assert b"http://ns.adobe.com/xap" not in content
    # Nothing after the end-of-image marker.
    assert content.endswith(b"\xff\xd9")


# --- kinds -------------------------------------------------------------------


def test_it_labels_every_kind_in_chinese():
    assert [label for _, label in documents.KIND_CHOICES] == [
        "身份证正面",
        "身份证反面",
        "学历证书",
        "二寸蓝底证件照",
        "工作证明",
        "其他证明",
    ]
    assert PHOTO.rule.max_bytes == 5 * documents.MB
    assert PHOTO.rule.accepts == {FileType.JPEG, FileType.PNG}
    assert DocumentKind.DIPLOMA.rule.max_bytes == 10 * documents.MB
    assert FileType.PDF in DocumentKind.PROOF_OF_WORK.rule.accepts


def test_it_takes_the_kind_as_its_string_value():
    assert check_upload("diploma", jpeg(), "a.jpg").kind is DocumentKind.DIPLOMA


# --- images come out as clean JPEGs -----------------------------------------


def test_it_stores_a_jpeg_as_a_fresh_jpeg():
    data = jpeg((120, 80))
    checked = check_upload(ID_FRONT, data, "身份证.jpg")
    assert (checked.content_type, checked.extension) == ("image/jpeg", ".jpg")
    assert checked.uploaded_type is FileType.JPEG
    assert (checked.width, checked.height) == (120, 80)
    assert checked.page_count is None
    assert checked.warnings == ()
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()
    assert_clean_jpeg(checked.content)


def test_it_strips_gps_exif_comment_xmp_and_icc_from_a_jpeg():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Huawei"
    exif[ExifTags.Base.DateTime] = "2025:03:01 09:30:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (116.0, 23.0, 30.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg(
        exif=exif,
        comment=b"home address",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret</x:xmpmeta>',
        icc_profile=icc,
    )
    uploaded = reopened(data)  # the fixture really carries what we claim to strip
    assert uploaded.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert {"comment", "xmp", "icc_profile"} <= set(uploaded.info)

    checked = check_upload(ID_FRONT, data, "id.jpg")

    assert_clean_jpeg(checked.content)
    assert not reopened(checked.content).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for secret in (b"Huawei", b"home address", b"secret", b"GPS"):
        assert secret not in checked.content


def test_it_turns_a_png_into_a_jpeg_without_its_text_chunks_or_exif():
    info = PngInfo()
    info.add_text("Author", "zhangsan-private")
    info.add_itxt("Comment", "住址", zip=True)
    exif = Image.Exif()
    exif[ExifTags.Base.Software] = "ScanApp-private"
    data = png((90, 50), pnginfo=info, exif=exif)
    assert b"zhangsan-private" in data

    checked = check_upload(DocumentKind.DIPLOMA, data, "diploma.PNG")

    assert checked.uploaded_type is FileType.PNG
    assert (checked.content_type, checked.extension) == ("image/jpeg", ".jpg")
    assert (checked.width, checked.height) == (90, 50)
    assert_clean_jpeg(checked.content)
    assert b"private" not in checked.content


def test_it_flattens_transparency_on_white():
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (20, 0, 40, 40))
    checked = check_upload(ID_FRONT, encode(image, "PNG"), "id.png")
    stored = reopened(checked.content)
    left = stored.getpixel((5, 20))
    right = stored.getpixel((35, 20))
    assert min(left) > 240  # transparent became white, not black
    assert right[2] > 200 and right[0] < 40


def test_it_keeps_the_grey_levels_of_a_16_bit_png():
    image = Image.new("I;16", (40, 40), 0)
    image.paste(Image.new("I;16", (20, 40), 32768))  # mid grey: a plain convert clips it to white
    checked = check_upload(DocumentKind.DIPLOMA, encode(image, "PNG"), "scan.png")
    grey = reopened(checked.content).getpixel((5, 20))
    assert all(110 < channel < 145 for channel in grey)


def test_it_drops_whatever_follows_the_end_of_the_jpeg():
    payload = b"PK\x03\x04" + b"<script>alert(1)</script>" * 20
    checked = check_upload(ID_FRONT, jpeg() + payload, "id.jpg")
    assert b"script" not in checked.content
    assert b"PK\x03\x04" not in checked.content
    assert_clean_jpeg(checked.content)


def test_it_applies_the_exif_orientation():
    # Stored sideways: red on the left, blue on the right; orientation 6 means
    # "turn a quarter clockwise to view", which brings the left side to the top.
    image = Image.new("RGB", (80, 40), (220, 0, 0))
    image.paste((0, 0, 220), (40, 0, 80, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    checked = check_upload(ID_FRONT, encode(image, exif=exif), "id.jpg")
    stored = reopened(checked.content)
    assert stored.size == (40, 80) == (checked.width, checked.height)
    top, bottom = stored.getpixel((20, 10)), stored.getpixel((20, 70))
    assert top[0] > 150 and top[2] < 80
    assert bottom[2] > 150 and bottom[0] < 80
    assert not stored.getexif()


def test_it_scales_a_very_large_image_down_to_3000_px():
    data = jpeg((6400, 400), (250, 250, 250))
    checked = check_upload(DocumentKind.PROOF_OF_WORK, data, "scan.jpg")
    assert (checked.width, checked.height) == (3000, 188)


def test_it_decodes_a_50_mp_phone_photo_at_reduced_scale():
    # 50 MP is over the 40 MP decoding limit; libjpeg's 1/2 scale brings it under.
    data = encode(Image.new("L", (8160, 6144), 200))
    checked = check_upload(DocumentKind.PROOF_OF_WORK, data, "IMG_0001.jpg")
    assert (checked.width, checked.height) == (3000, 2259)


def test_it_scales_a_large_png_down_keeping_its_proportions():
    checked = check_upload(DocumentKind.DIPLOMA, png((900, 4500)), "scan.png")
    assert (checked.width, checked.height) == (600, 3000)


# --- type by content ---------------------------------------------------------


def test_it_refuses_a_png_renamed_pdf():
    message = refused("extension_mismatch", ID_FRONT, png(), "身份证正面.pdf")
    assert message == "文件扩展名与内容不符：文件实际为 PNG 图片，请核对后重新上传"


@pytest.mark.parametrize(
    ("data", "filename", "real"),
    [
        (jpeg(), "id.png", "JPG 图片"),
        (jpeg(), "id.pdf", "JPG 图片"),
        (jpeg(), "id.heic", "JPG 图片"),
        (png(), "id.jpg", "PNG 图片"),
        (png(), "id.txt", "PNG 图片"),
        (pdf(), "proof.jpg", "PDF 文件"),
        (pdf(), "proof.docx", "PDF 文件"),
    ],
    ids=["jpeg.png", "jpeg.pdf", "jpeg.heic", "png.jpg", "png.txt", "pdf.jpg", "pdf.docx"],
)
def test_it_refuses_a_name_that_claims_another_type(data, filename, real):
    refused("extension_mismatch", ID_FRONT, data, filename, f"文件实际为 {real}")


@pytest.mark.parametrize(
    "filename",
    [
        "id.jpg",
        "ID.JPG",
        "id.jpeg",
        "id.jfif",
        "id",
        "张三.身份证正面",
        "C:\\fakepath\\id.jpg",
        " id.jpg ",
    ],
)
def test_it_accepts_a_jpeg_under_any_name_that_does_not_contradict_it(filename):
    assert check_upload(ID_FRONT, jpeg(), filename).uploaded_type is FileType.JPEG


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"just some notes\n", "notes.txt"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "photo.jpg"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "photo.jpg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "photo.jpg"),
        (encode(Image.new("RGB", (8, 8)), "GIF"), "photo.jpg"),
        (b"PK\x03\x04" + b"\x00" * 100, "diploma.pdf"),
        (b" " * 1100 + b"%PDF-1.7\n", "late-header.pdf"),  # header beyond the first 1024 bytes
    ],
    ids=["text", "exe", "html", "svg", "gif", "zip", "late-pdf-header"],
)
def test_it_refuses_anything_that_is_not_jpeg_png_or_pdf(data, filename):
    message = refused("type", ID_FRONT, data, filename)
    assert message == "仅支持 JPG、PNG 或 PDF 格式的文件"


def test_it_finds_a_pdf_header_within_the_first_1024_bytes():
    data = b"\x00" * 500 + pdf()
    assert documents.sniff_type(data) is FileType.PDF


def test_it_refuses_a_pdf_for_the_photo():
    refused("type", PHOTO, pdf(), "photo.pdf", "二寸蓝底证件照仅支持 JPG、PNG 格式", "PDF 文件")


# --- size ----------------------------------------------------------------------


def test_it_refuses_a_30_mb_photo_before_decoding():
    # Valid JPEG magic, then padding: were it decoded, it would be "corrupt".
    data = b"\xff\xd8\xff\xe0".ljust(30 * documents.MB, b"\x00")
    refused("too_large", PHOTO, data, "photo.jpg", "二寸蓝底证件照", "5 MB", "30.0 MB")


def test_it_refuses_a_document_just_over_10_mb():
    data = b"%PDF-1.7\n" + b"\x00" * (10 * documents.MB)
    refused("too_large", DocumentKind.DIPLOMA, data, "d.pdf", "10 MB", "10.1 MB")


def test_it_refuses_an_empty_file():
    refused("empty", ID_FRONT, b"", "id.jpg", "文件为空")


# --- corrupt images and bombs ------------------------------------------------


def test_it_refuses_a_png_declaring_more_pixels_than_pillow_allows():
    refused("too_many_pixels", ID_FRONT, png_declaring(20_000, 20_000), "id.png", "4000 万像素")


def test_it_refuses_a_png_over_40_megapixels_before_decoding_it():
    # 48 MP: under Pillow's own guard, over ours; the body is a few bytes.
    refused(
        "too_many_pixels", ID_FRONT, png_declaring(8000, 6000), "id.png", "8000×6000", "4800 万"
    )


def test_it_refuses_a_jpeg_declaring_a_huge_size():
    refused("too_many_pixels", ID_FRONT, jpeg_declaring(60_000, 60_000), "id.jpg", "4000 万像素")


def test_it_refuses_a_truncated_jpeg():
    data = encode(portrait((300, 400)), quality=95)
    message = refused("corrupt", ID_FRONT, data[: len(data) // 2], "id.jpg")
    assert "图片文件已损坏或不完整" in message


def test_it_refuses_a_truncated_png():
    data = encode(Image.effect_noise((200, 200), 64).convert("RGB"), "PNG")
    refused("corrupt", ID_FRONT, data[: len(data) // 2], "id.png", "图片文件已损坏或不完整")


def test_it_refuses_an_image_that_is_only_a_signature():
    refused("corrupt", ID_FRONT, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "id.png", "无法读取")


# --- the photo -----------------------------------------------------------------


def test_it_accepts_a_2_inch_photo_on_blue_without_warnings():
    checked = check_upload(PHOTO, encode(portrait()), "photo.jpg")
    assert (checked.width, checked.height) == (413, 579)
    assert checked.warnings == ()


def test_it_accepts_the_smallest_photo_it_allows():
    checked = check_upload(PHOTO, encode(portrait((295, 413)), "PNG"), "photo.png")
    assert (checked.width, checked.height) == (295, 413)


def test_it_refuses_a_photo_that_is_too_small():
    refused("too_small", PHOTO, encode(portrait((200, 280))), "photo.jpg", "200×280", "295×413")


def test_it_refuses_a_landscape_photo():
    refused("aspect", PHOTO, encode(portrait((579, 413))), "photo.jpg", "579×413", "1.40", "5:7")


def test_it_refuses_a_square_photo():
    refused("aspect", PHOTO, encode(portrait((600, 600))), "photo.jpg", "600×600", "1.00")


def test_it_judges_the_photo_as_it_will_be_shown():
    # A phone photo stored sideways with orientation 6 is an upright portrait.
    sideways = portrait().rotate(90, expand=True)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    checked = check_upload(PHOTO, encode(sideways, exif=exif), "photo.jpg")
    assert (checked.width, checked.height) == (413, 579)
    assert checked.warnings == ()


@pytest.mark.parametrize(
    "background",
    [(255, 255, 255), (200, 20, 30), (128, 128, 128), (200, 60, 230), (40, 220, 210)],
    ids=["white", "red", "grey", "purple", "teal"],
)
def test_it_warns_when_the_photo_background_is_not_blue(background):
    checked = check_upload(PHOTO, encode(portrait(background=background)), "photo.jpg")
    assert len(checked.warnings) == 1
    assert "不是蓝色" in checked.warnings[0] and "蓝底证件照" in checked.warnings[0]


@pytest.mark.parametrize("blue", [(0, 191, 243), (60, 120, 200), (90, 160, 230)])
def test_it_accepts_the_usual_blues(blue):
    assert check_upload(PHOTO, encode(portrait(background=blue)), "photo.jpg").warnings == ()


def test_it_does_not_look_for_blue_in_other_documents():
    assert check_upload(ID_FRONT, jpeg((413, 579), (255, 255, 255)), "id.jpg").warnings == ()


# --- PDFs ------------------------------------------------------------------------


def test_it_stores_a_clean_pdf_as_given():
    data = pdf(pages=3)
    checked = check_upload(DocumentKind.PROOF_OF_WORK, data, "在职证明.pdf")
    assert checked.content == data
    assert (checked.content_type, checked.extension) == ("application/pdf", ".pdf")
    assert checked.uploaded_type is FileType.PDF
    assert checked.page_count == 3
    assert (checked.width, checked.height) == (None, None)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_it_accepts_a_pdf_with_an_ordinary_web_link():
    def link(writer):
        writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://www.chsi.com.cn/"))

    assert check_upload(DocumentKind.DIPLOMA, pdf(build=link), "学信网.pdf").page_count == 1


def _open_action(writer):
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.launchURL('https://evil.example');"),
        }
    )


def _page_open_script(writer):
    writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert(1);"))


def _launch_annotation(writer):
    launch = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): RectangleObject((50, 50, 200, 80)),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("cmd.exe"),
                }
            ),
        }
    )
    writer.add_annotation(0, launch)


PDF_SCRIPT_MESSAGE = "PDF 文件包含脚本或附件，出于安全原因不能接收，请另存为普通 PDF 或图片后上传"


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda w: w.add_open_action(JavaScript("app.alert(1);")), id="names-tree-js"),
        pytest.param(_open_action, id="open-action-js"),
        pytest.param(_page_open_script, id="page-aa-js"),
        pytest.param(_launch_annotation, id="launch-annotation"),
        pytest.param(lambda w: w.add_attachment("payload.exe", b"MZ..."), id="attachment"),
    ],
)
def test_it_refuses_a_pdf_with_scripts_launch_actions_or_attachments(build):
    data = pdf(build=build)
    message = refused("pdf_script", DocumentKind.OTHER_PROOF, data, "proof.pdf")
    assert message == PDF_SCRIPT_MESSAGE
    # The object walk finds each one on its own, not only the raw byte scan.
    assert documents.find_active_content(PdfReader(io.BytesIO(data))) is not None


def test_it_finds_a_script_hidden_behind_escaped_names():
    # "/J#61vaScript" is the name /JavaScript to every reader, yet not in the bytes.
    data = handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
    )
    assert not documents._RAW_ACTIVE.search(data)
    refused("pdf_script", ID_FRONT, data, "id.pdf")


def test_it_checks_objects_no_page_refers_to():
    data = handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",  # orphan, but listed in the xref
    )
    assert documents.find_active_content(PdfReader(io.BytesIO(data))) == "/JS"


def test_it_refuses_script_names_anywhere_in_the_bytes():
    # An object outside the xref: invisible to pypdf, but a viewer repairing
    # the file by scanning it would find it.
    data = handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        unlisted=b"9 0 obj\n<< /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\n",
    )
    assert documents.find_active_content(PdfReader(io.BytesIO(data))) is None
    refused("pdf_script", ID_FRONT, data, "id.pdf", "脚本或附件")


def test_it_accepts_a_handmade_pdf_without_scripts():
    data = handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    )
    assert check_upload(ID_FRONT, data, "id.pdf").page_count == 1


@pytest.mark.parametrize(
    ("raw", "flagged"),
    [
        (b"<< /S /JavaScript >>", True),
        (b"<< /JS (x) >>", True),
        (b"<< /JS(x) >>", True),
        (b"<< /JS<6162> >>", True),
        (b"<< /JS 5 0 R >>", True),
        (b"<< /S /Launch /F (a.exe) >>", True),
        (b"<< /Type /EmbeddedFile >>", True),
        (b"<< /EmbeddedFiles 7 0 R >>", True),
        (b"<< /BaseFont /JSKQWE+SimSun >>", False),  # a font subset tag is not /JS
        (b"<< /S /URI /URI (https://www.chsi.com.cn/) >>", False),
    ],
)
def test_the_raw_scan_flags_script_names_but_not_font_tags(raw, flagged):
    assert bool(documents._RAW_ACTIVE.search(raw)) is flagged


def test_it_refuses_an_encrypted_pdf():
    def lock(writer):
        writer.encrypt("123456", algorithm="RC4-128")

    message = refused("pdf_encrypted", DocumentKind.DIPLOMA, pdf(build=lock), "d.pdf")
    assert "加密" in message and "取消加密" in message


def test_it_refuses_a_corrupt_pdf():
    data = b"%PDF-1.7\n" + bytes(range(256)) * 40
    refused("corrupt", DocumentKind.DIPLOMA, data, "d.pdf", "PDF 文件已损坏或无法解析")


def test_it_refuses_a_pdf_without_pages():
    refused("corrupt", DocumentKind.DIPLOMA, pdf(pages=0), "d.pdf", "没有任何页面")


def test_it_accepts_20_pages_and_refuses_21():
    assert check_upload(DocumentKind.OTHER_PROOF, pdf(pages=20), "p.pdf").page_count == 20
    refused("too_many_pages", DocumentKind.OTHER_PROOF, pdf(pages=21), "p.pdf", "20 页", "21 页")


def test_every_refusal_code_is_declared():
    with pytest.raises(AssertionError):
        DocumentRejected("no_such_code", "未知")
    assert len(REJECTION_CODES) == 11
