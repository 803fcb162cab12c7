"""The certificate as a PDF: A4 landscape, the holder's application photo, the fields in
Chinese and English, the statement the handbook requires, and the signed QR code."""

import math
from functools import cache

import segno
from django.conf import settings

from carboncert.pdf import render_pdf
from carboncert.registration import printing as registration_printing

from .models import Certificate
from .services import qr_url

GENDERS = {"M": ("男", "Male"), "F": ("女", "Female")}
# 第三部分 八: the certificate proves training and assessment; it is no vocational qualification.
STATEMENT = "本证书证明持证人参加双碳（碳达峰和碳中和）岗位能力培训并通过考核，可作为个人学习和更新知识的依据，不属于职业资格证书。"
STATEMENT_EN = (
    "This certifies that the holder completed the training and passed the assessment of the "
    "programme. It is not a vocational qualification certificate."
)


def qr_svg(text: str) -> str:
    """An SVG QR code (error correction M: survives a crease or a stain)."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=0, dark="#0b3d2e")


def _wave(start, length, period, amplitude, centre, shift, vertical=False) -> str:
    """A sine wave along one side of the frame, as cubic Béziers through its quarter points
    (Hermite: within 2 % of the amplitude), in mm to 0.01 mm."""
    step, k = period / 4, 2 * math.pi / period

    def xy(x):
        y = centre + amplitude * math.sin(k * (x - shift))
        return x, y

    def slope(x):
        return amplitude * k * math.cos(k * (x - shift))

    def fmt(x, y):
        return f"{y:.2f} {x:.2f}" if vertical else f"{x:.2f} {y:.2f}"

    d = ["M" + fmt(*xy(start))]
    for n in range(round(length / step)):
        x0, x1 = start + n * step, start + (n + 1) * step
        (_, y0), (_, y1) = xy(x0), xy(x1)
        d.append("C" + " ".join((
            fmt(x0 + step / 3, y0 + slope(x0) * step / 3),
            fmt(x1 - step / 3, y1 - slope(x1) * step / 3),
            fmt(x1, y1),
        )))  # fmt: skip
    return "".join(d)


@cache
def ornament() -> dict:
    """The guilloche of the frame, in the template's page units (mm): in the 6 mm band
    between the rules, four interlaced sine waves and two finer ones out of phase, whose
    period divides each side exactly so the waves meet the corner knots at the same phase;
    and the angles of the rosette watermark's circles. Plain paths, not SVG patterns: PDF
    viewers draw hairline seams between pattern tiles."""
    band, left, top, width, height = 6.0, 16.5, 16.5, 264.0, 177.0  # inside the corner knots
    paths = []
    sides = [(left, width, 10.5 + band / 2, False), (left, width, 193.5 + band / 2, False),
             (top, height, 10.5 + band / 2, True), (top, height, 280.5 + band / 2, True)]  # fmt: skip
    for start, length, centre, vertical in sides:
        period = length / round(length / 6)
        for i in range(4):
            shift = start + period * i / 4
            paths.append(("strong", _wave(start, length, period, 2.35, centre, shift, vertical)))
        for i in range(2):
            shift = start + period * (2 * i + 1) / 4
            paths.append(("fine", _wave(start, length, period, 1.0, centre, shift, vertical)))
    return {
        "strong": [d for kind, d in paths if kind == "strong"],
        "fine": [d for kind, d in paths if kind == "fine"],
        "rosette": [f"{360 * i / 48:.2f}" for i in range(48)],
    }


@cache
def seal_letters(issuer: str) -> list[dict]:
    """The issuer's name round the upper arc of the decorative mark (viewBox 0 0 40 40,
    inner ring r = 17.4), letter by letter: WeasyPrint's SVG has no textPath. Up to 16
    letters share 250°, more spread to 300° and get smaller."""
    n = max(len(issuer), 1)
    step = min(24.0, (250.0 if n <= 16 else 300.0) / max(n - 1, 1))
    size = min(4.4, 14.6 * math.radians(step) * 0.95)  # the arc's share at the glyphs' middle
    radius = 17.4 - 0.6 - 0.88 * size  # the baseline, so the glyphs' tops clear the ring
    letters = []
    for i, char in enumerate(issuer):
        angle = (i - (n - 1) / 2) * step
        x = 20 + radius * math.sin(math.radians(angle))
        y = 20 - radius * math.cos(math.radians(angle))
        letters.append({"char": char, "transform": f"translate({x:.3f} {y:.3f}) rotate({angle:.2f})",
                        "x": f"{-size / 2:.3f}", "size": f"{size:.2f}"})  # fmt: skip
    return letters


def photo_uri(certificate: Certificate) -> str | None:
    try:
        return registration_printing.photo_uri(certificate.application)
    except FileNotFoundError:  # an empty frame rather than no certificate at all
        return None


def context(certificate: Certificate) -> dict:
    subject = certificate.subject
    gender_zh, gender_en = GENDERS.get(certificate.gender, ("", ""))
    return {
        "c": certificate,
        "specialty_zh": subject.specialty.name_zh,
        "specialty_en": subject.specialty.name_en,
        "level_zh": subject.level.name_zh,
        "level_en": subject.level.name_en,
        "gender_zh": gender_zh,
        "gender_en": gender_en,
        "photo": photo_uri(certificate),
        "qr": qr_svg(qr_url(certificate.token)),
        "verify_url": settings.PUBLIC_URL + "/verify/",
        "issuer": settings.CERTIFICATE_ISSUER,
        "issuer_en": settings.CERTIFICATE_ISSUER_EN,
        "statement": STATEMENT,
        "statement_en": STATEMENT_EN,
        "ornament": ornament(),
        "seal_letters": seal_letters(settings.CERTIFICATE_ISSUER),
    }


def render(certificate: Certificate) -> bytes:
    return render_pdf("certificates/certificate.html", context(certificate))
