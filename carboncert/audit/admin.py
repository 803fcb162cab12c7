from django.contrib import admin

from carboncert.web import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
# The log is evidence: nobody edits or deletes it, not even a superuser.
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_repr", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "reason"]
    date_hierarchy = "at"
