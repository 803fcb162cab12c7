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


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one range of a `Range: bytes=…` header as (first, last) inclusive, or None when
    it is absent, malformed or asks for several ranges (the whole file is sent then).
    Raises ValueError when it lies past the end (416)."""
    if not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[6:].strip().partition("-")
    try:
        if first == "":  # the last N bytes
            count = int(last)
            if count <= 0:
                raise ValueError
            return max(0, size - count), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or start < 0:
        raise ValueError("range not satisfiable")
    if end < start:
        return None
    return start, min(end, size - 1)


RANGE_CHUNK = 256 * 1024


def ranged_file(request, fieldfile, content_type: str):
    """Stream a stored file with HTTP range requests, so a video seeks without loading
    everything before the new position. Object stores that sign URLs (S3) are sent there
    instead, after the caller checked permission: the store serves ranges itself."""
    from django.core.files.storage import default_storage
    from django.http import HttpResponseRedirect, StreamingHttpResponse

    if getattr(default_storage, "querystring_auth", False):
        return HttpResponseRedirect(default_storage.url(fieldfile.name, expire=600))
    size = fieldfile.size
    try:
        wanted = byte_range(request.headers.get("Range", ""), size)
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = wanted or (0, size - 1)
    handle = fieldfile.open("rb")
    handle.seek(first)

    def chunks(left=last - first + 1):
        try:
            while left > 0:
                data = handle.read(min(RANGE_CHUNK, left))
                if not data:
                    break
                left -= len(data)
                yield data
        finally:
            handle.close()

    response = StreamingHttpResponse(chunks(), content_type=content_type,
                                     status=206 if wanted else 200)  # fmt: skip
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
