"""The registration's printed papers: admission tickets (准考证) and review forms (报名审核表)."""

import io
import zipfile

from django.utils import timezone

from carboncert.pdf import data_uri, render_pdf

from . import services
from .models import Application


def photo_uri(application: Application) -> str | None:
    """The application photo, embedded, for a printed paper."""
    photo = application.photo()
    if photo is None:
        return None
    with photo.file.open("rb") as f:
        return data_uri(f.read(), photo.content_type)


def _context(application: Application) -> dict:
    return {
        "application": application,
        "person": application.person,
        "sitting": application.sitting,
        "photo": photo_uri(application),
        "documents": application.documents.all(),
        "generated_at": timezone.now(),
    }


def ticket_pdf(application: Application) -> bytes:
    if not services.is_admitted(application):
        raise services.RegistrationError("审核通过并确认缴费后才能生成准考证。")
    return render_pdf("registration/pdf/ticket.html", _context(application))


def review_form_pdf(application: Application) -> bytes:
    return render_pdf("registration/pdf/review_form.html", _context(application))


def tickets_zip(applications) -> tuple[bytes, int]:
    """Every admitted application's ticket in one ZIP, named by ticket number and name."""
    out = io.BytesIO()
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for application in applications:
            if not services.is_admitted(application):
                continue
            name = f"{application.ticket_number}_{application.person.name}.pdf"
            archive.writestr(name, ticket_pdf(application))
            count += 1
    return out.getvalue(), count
