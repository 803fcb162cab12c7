"""Small pieces every app's pages and admin share."""

from urllib.parse import quote

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name that every browser keeps, never cached by proxies."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through services (or never): the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent in the admin; they change only through services."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


def role_required(*codes):
    """A page for these roles (accounts.roles codes): others get 403, strangers the login."""

    def decorate(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_role(code) for code in codes):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
