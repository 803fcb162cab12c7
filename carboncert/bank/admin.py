from django.contrib import admin

from carboncert.web import ReadOnlyInline

from .models import Question, QuestionVersion


class VersionInline(ReadOnlyInline):
    model = QuestionVersion
    fields = ["number", "used", "created_by", "created_at"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Read-only: questions are written in the authoring pages, which keep versions and reviews."""

    list_display = ["__str__", "knowledge_point", "type", "difficulty", "status", "updated_at"]
    list_filter = ["status", "type", "difficulty"]
    search_fields = ["knowledge_point__name"]
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
