from django.contrib import admin

from carboncert.web import ReadOnlyAdmin

from .models import Certificate, SigningKey


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Issued, revoked and re-issued on 证书管理 (audited there); the admin only shows."""

    list_display = ["number", "name", "subject", "issued_on", "revoked_at"]
    list_filter = ["subject", "issued_on"]
    search_fields = ["=number", "name"]
    exclude = ["token"]


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["kid", "created_at"]
