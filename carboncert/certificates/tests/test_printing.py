"""The printed certificate: one A4 landscape page; the holder's particulars and the statement
the handbook requires as real text (only the masked ID number); every font embedded; the QR
code the signed token's verification URL; and, drawn by poppler, a page that is not blank."""

import datetime
import io
import re
import shutil
import subprocess

import pytest
import segno
from django.conf import settings
from PIL import Image
from pypdf import PdfReader

from carboncert.certificates import printing, services

from .conftest import passed_candidates

pytestmark = pytest.mark.django_db
A4_LANDSCAPE = (841.89, 595.28)  # pt


@pytest.fixture
def certificate(december):
    sitting, subject = december
    [result] = passed_candidates(1, sitting, subject)  # 张三, CE-1 碳排放管理技术 初级
    return services.issue(result, on=datetime.date(2027, 2, 20))


@pytest.fixture
def pdf(certificate) -> bytes:
    return services.pdf_of(certificate)


def fonts_in(resources, seen=None) -> list:
    """Every font a page can use: its own and those of the form XObjects it draws (WeasyPrint
    puts SVG groups with opacity in forms, with resources of their own)."""
    seen = set() if seen is None else seen
    resources = resources.get_object() if resources is not None else {}
    fonts = [ref.get_object() for ref in (resources.get("/Font") or {}).values()]
    for ref in (resources.get("/XObject") or {}).values():
        key = getattr(ref, "idnum", id(ref))
        xobject = ref.get_object()
        if key in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(key)
        fonts += fonts_in(xobject.get("/Resources"), seen)
    return fonts


def embedded(font) -> bool:
    if font["/Subtype"] == "/Type0":
        return all(embedded(d.get_object()) for d in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    files = ("/FontFile", "/FontFile2", "/FontFile3")
    return descriptor is not None and any(f in descriptor.get_object() for f in files)


def test_one_a4_landscape_page_with_the_particulars_as_text(certificate, pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert abs(width - A4_LANDSCAPE[0]) <= 2 and abs(height - A4_LANDSCAPE[1]) <= 2
    assert page.rotation == 0

    text = page.extract_text()
    packed = "".join(text.split())  # the title is letter-spaced: 岗 位 能 力 证 书
    for expected in ["张三", certificate.number, "碳排放管理技术", "初级", "Junior",
                     "岗位能力证书", "双碳（碳达峰和碳中和）岗位能力", "不属于职业资格证书",
                     settings.CERTIFICATE_ISSUER, certificate.masked_id_number, "扫码查验",
                     "2027年2月20日", "2027-02-20", printing.STATEMENT]:  # fmt: skip
        assert expected in packed, expected
    assert "Itisnotavocationalqualificationcertificate" in packed
    full_id = certificate.application.person.id_number
    assert full_id != certificate.masked_id_number
    assert full_id not in packed and full_id.encode() not in pdf
    # The holder's application photo is on it, as an image.
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert any(x.get("/Subtype") == "/Image" for x in images)


def test_every_font_is_embedded_as_a_subset_of_noto_cjk(pdf):
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = fonts_in(page["/Resources"])
    assert fonts
    for font in fonts:
        assert embedded(font), font["/BaseFont"]
    base_names = [str(f["/BaseFont"]).lstrip("/") for f in fonts]
    assert all(re.match(r"[A-Z]{6}\+", name) for name in base_names), base_names  # subsets
    names = {name.split("+", 1)[1] for name in base_names}
    # Two faces, each embedded once (a CJK subset costs ~150 KB: WeasyPrint keeps glyph ids).
    assert names <= {"Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"}, names
    assert len(pdf) < 600_000


def test_the_qr_code_is_the_signed_verification_url(certificate):
    # No QR decoder in the environment (zbar, zxing-cpp): the code must be segno's for the
    # certificate's own URL, made with the error correction that survives a crease.
    url = services.qr_url(certificate.token)
    assert url == f"{settings.PUBLIC_URL}/v/{certificate.token}"
    qr = printing.context(certificate)["qr"]
    expected = segno.make(url, error="m")
    assert qr == expected.svg_data_uri(scale=4, border=0, dark="#0b3d2e")
    assert expected.error == "M" and expected.version <= 15  # modules ≥ 0.4 mm at 31 mm


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="pdftoppm (poppler-utils) is not on PATH: cannot draw the PDF to check the page",
)
def test_the_drawn_page_is_landscape_with_a_title_and_white_margins(pdf, tmp_path):
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", tmp_path / "certificate.pdf",
                    tmp_path / "certificate"], check=True, timeout=120)  # fmt: skip
    with Image.open(tmp_path / "certificate.png") as drawn:
        image = drawn.convert("L")
    width, height = image.size
    assert width > height and abs(width / height - 297 / 210) < 0.02
    title = image.crop((int(width * 0.3), int(height * 0.13), int(width * 0.7), int(height * 0.27)))
    dark = sum(title.histogram()[:120])
    assert dark > 0.03 * title.width * title.height  # 岗位能力证书 in deep green
    # No ink in the outer 5 mm: office printers do not print to the paper's edge.
    edge = round(5 / 25.4 * 60)
    strips = [image.crop((0, 0, width, edge)), image.crop((0, height - edge, width, height)),
              image.crop((0, 0, edge, height)), image.crop((width - edge, 0, width, height))]  # fmt: skip
    assert all(strip.getextrema()[0] > 245 for strip in strips)
