from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from . import syllabus
from .models import KnowledgePoint, Level, ModulePoint, Specialty, Subject, SyllabusModule


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "order"]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "min_class_hours"]


class ModuleFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = syllabus.check_weights(self.instance.code, weights)
        if problems:
            raise ValidationError(problems)


class SyllabusModuleInline(admin.TabularInline):
    model = SyllabusModule
    formset = ModuleFormSet
    fields = ["order", "name", "weight"]
    extra = 0


class ModulePointInline(admin.TabularInline):
    model = ModulePoint
    fields = ["order", "point"]
    autocomplete_fields = ["point"]
    extra = 0


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__", "specialty", "level"]
    list_filter = ["specialty", "level"]
    inlines = [SyllabusModuleInline]


@admin.register(SyllabusModule)
class SyllabusModuleAdmin(admin.ModelAdmin):
    list_display = ["subject", "order", "name", "weight"]
    list_filter = ["subject"]
    fields = ["subject", "order", "name"]
    readonly_fields = ["subject"]
    inlines = [ModulePointInline]

    # Weights change only in the subject's editor, where their sum is checked.
    def has_add_permission(self, request):
        return False


@admin.register(KnowledgePoint)
class KnowledgePointAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name"]
