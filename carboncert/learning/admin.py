from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import authoring, services
from .models import Lesson


class LessonAdminForm(forms.ModelForm):
    """The admin's lesson form holds a lesson to the authoring pages' rules (file type by
    content, size, duration, body); the model sanitises the body on save."""

    class Meta:
        model = Lesson
        fields = [
            "title", "kind", "knowledge_points", "class_hours", "order", "summary", "body",
            "file", "duration_seconds",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        chosen = cleaned.get("file")
        upload = chosen if isinstance(chosen, UploadedFile) else None
        keeps = self.instance if self.instance.pk and chosen is not False else None
        errors, self.content_type = authoring.problems(
            kind, title=cleaned.get("title", ""), points=cleaned.get("knowledge_points") or (),
            class_hours=cleaned.get("class_hours"), body=cleaned.get("body", ""),
            upload=upload if kind != Lesson.Kind.READING else None,
            duration=cleaned.get("duration_seconds"), lesson=keeps,
        )  # fmt: skip
        for name, message in errors.items():
            if name not in self.fields:
                self.add_error(None, message)
            elif name not in self.errors:
                self.add_error(name, message)
        return cleaned


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonAdminForm
    list_display = ["title", "kind", "class_hours", "order", "published", "author", "updated_at"]
    list_filter = ["published", "kind", "knowledge_points__modules__subject"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["knowledge_points"]
    readonly_fields = ["published", "content_type", "author", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        form.audit_before = (
            authoring.snapshot(Lesson.objects.get(pk=obj.pk)) if change and obj.pk else None
        )
        if not change:
            obj.author = request.user
        if obj.kind == Lesson.Kind.READING:
            obj.file, obj.content_type = "", ""
        elif form.content_type:
            obj.content_type = form.content_type
        if obj.kind != Lesson.Kind.VIDEO:
            obj.duration_seconds = None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        authoring.record_saved(request.user, form.instance, getattr(form, "audit_before", None))

    def _set_published(self, request, queryset, published):
        done = 0
        for lesson in queryset:
            try:
                authoring.set_published(lesson, request.user, published)
                done += 1
            except services.Refused as error:
                self.message_user(request, f"「{lesson.title}」：{error.message}", messages.ERROR)
        if done:
            self.message_user(request, _("已处理 %(n)d 个课程。") % {"n": done})

    @admin.action(description=_("发布所选课程"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("撤回所选课程"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)
