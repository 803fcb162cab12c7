from django.contrib import admin

from .models import CheatingCase


@admin.register(CheatingCase)
class CheatingCaseAdmin(admin.ModelAdmin):
    list_display = ["attempt", "source", "status", "opened_at", "decided_by", "decided_at"]
    list_filter = ["status", "source"]
    readonly_fields = [f.name for f in CheatingCase._meta.fields]

    def has_add_permission(self, request):
        return False  # cases are opened on the exam-room page, decisions audited there
