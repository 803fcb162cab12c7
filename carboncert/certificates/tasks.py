"""A certificate's PDF takes about half a second to print: made after issue, off the
request path, so that downloads and an institution's ZIP find it ready."""

from celery import shared_task


@shared_task
def print_certificate(certificate_id: int) -> None:
    from .models import Certificate
    from .services import pdf_of

    certificate = Certificate.objects.filter(pk=certificate_id, revoked_at__isnull=True).first()
    if certificate is not None:
        pdf_of(certificate)
