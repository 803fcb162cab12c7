from django import forms
from django.contrib import admin, messages

from carboncert.web import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .models import Attempt, Event, MakeupGrant


class EventInline(ReadOnlyInline):
    """What the page reported: leaves, camera lost/back, copy/paste, the device check."""

    model = Event
    fields = ["kind", "at", "detail"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    """Read-only: attempts change through the exam and the exam-room pages."""

    inlines = [EventInline]

    list_display = [
        "application",
        "sitting",
        "status",
        "leave_count",
        "extra_minutes",
        "hand_in_reason",
        "needs_decision",
    ]
    list_filter = ["status", "sitting", "needs_decision"]
    list_select_related = ["application__person", "application__subject", "sitting"]


class MakeupGrantForm(forms.ModelForm):
    class Meta:
        model = MakeupGrant
        fields = ["application", "sitting", "reason"]

    def clean(self):
        cleaned = super().clean()
        application, sitting = cleaned.get("application"), cleaned.get("sitting")
        if application and sitting and sitting.main_id != application.sitting_id:
            raise forms.ValidationError("请选择属于该考生考试批次的补考批次。")
        return cleaned


@admin.register(MakeupGrant)
class MakeupGrantAdmin(admin.ModelAdmin):
    form = MakeupGrantForm
    list_display = ["application", "sitting", "reason", "granted_by", "granted_at"]
    raw_id_fields = ["application"]

    def save_model(self, request, obj, form, change):
        grant = services.grant_makeup(obj.application, obj.sitting, request.user, obj.reason)
        obj.pk = grant.pk
        messages.success(request, "已批准补考。")

    def has_change_permission(self, request, obj=None):
        return False
