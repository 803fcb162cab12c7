"""The certificate as a PDF: A4 landscape, the holder's application photo, the fields in
Chinese and English, the statement the handbook requires, and the signed QR code."""

import segno
from django.conf import settings

from carboncert.pdf import data_uri, render_pdf
from carboncert.registration.models import Document

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


def photo_uri(certificate: Certificate) -> str | None:
    photo = certificate.application.documents.filter(kind=Document.Kind.PHOTO).first()
    if photo is None:
        return None
    try:
        with photo.file.open("rb") as f:
            return data_uri(f.read(), photo.content_type)
    except FileNotFoundError:
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
    }


def render(certificate: Certificate) -> bytes:
    return render_pdf("certificates/certificate.html", context(certificate))
