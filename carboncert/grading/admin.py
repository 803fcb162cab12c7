from django.contrib import admin

from carboncert.web import ReadOnlyAdmin

from .models import Assignment, KeyCorrection, Result, ReviewRequest


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["sitting", "question", "grader"]
    list_filter = ["sitting", "grader"]
    autocomplete_fields = ["question"]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    """Read-only: results change only through scoring, marking, reviews and corrections."""

    list_display = ["application", "sitting", "total", "outcome", "computed_at", "notified_at"]
    list_filter = ["sitting", "outcome"]
    search_fields = ["application__person__name", "application__ticket_number"]


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ["result", "status", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["result__application__person__name"]


@admin.register(KeyCorrection)
class KeyCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["version", "correct", "reason", "corrected_by", "corrected_at"]
    search_fields = ["reason"]
