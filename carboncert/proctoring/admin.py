from django.contrib import admin

from carboncert.web import ReadOnlyAdmin

from .models import Assignment, CheatingCase, Flag, IdentityCheck


@admin.register(CheatingCase)
class CheatingCaseAdmin(ReadOnlyAdmin):
    """Cases are opened and decided on the proctor's pages, audited there."""

    list_display = ["attempt", "source", "status", "opened_at", "decided_by", "decided_at"]
    list_filter = ["status", "source"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Who is on duty at which sitting: they see its console and its pictures."""

    list_display = ["sitting", "proctor"]
    list_filter = ["sitting"]
    autocomplete_fields = ["proctor"]


@admin.register(IdentityCheck)
class IdentityCheckAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "at", "outcome", "distance", "decision", "decided_by"]
    list_filter = ["outcome", "decision"]
    exclude = ["image"]  # pictures only on the proctor's pages, for the sitting's proctors


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "at", "kind", "severity", "cleared_by"]
    list_filter = ["kind", "severity"]
    exclude = ["snapshot"]
