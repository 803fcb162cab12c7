from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from carboncert.catalog.models import KnowledgePoint, ModulePoint

from . import authoring
from .models import Lesson


class LessonForm(forms.Form):
    """A lesson as a teacher writes it. The services save it (authoring.create_lesson /
    update_lesson); this form only puts their checks next to the fields."""

    title = forms.CharField(label=_("课程名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=Lesson.Kind.choices)
    knowledge_points = forms.ModelMultipleChoiceField(
        label=_("考核知识点"),
        queryset=KnowledgePoint.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "课程出现在大纲中列有所选知识点的每个科目里。共用知识点（如背景、基础知识板块）"
            "选一次即用于所有科目。"
        ),
        error_messages={"required": _("请至少选择一个考核知识点。")},
    )
    class_hours = forms.DecimalField(
        label=_("标准课时"),
        min_value=Decimal("0.1"),
        max_value=Decimal("20"),
        step_size=Decimal("0.1"),
        max_digits=4,
        decimal_places=1,
        initial=Decimal("1.0"),
        help_text=_("0.1 至 20，最多一位小数；1 标准课时 = 45 分钟。"),
        error_messages={
            "min_value": _("标准课时须在 0.1 至 20 之间，最多一位小数。"),
            "max_value": _("标准课时须在 0.1 至 20 之间，最多一位小数。"),
            "step_size": _("标准课时须在 0.1 至 20 之间，最多一位小数。"),
        },
    )
    summary = forms.CharField(
        label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("正文（图文课）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text=_(
            "可用段落、标题、加粗、列表、表格、图片（上传、粘贴或拖入编辑器）、链接、引用、代码、上下标；"
            "从 Word 或网页粘贴时保留结构、去掉样式。其他标签、脚本和样式保存时会被删除。"
        ),
    )
    file = forms.FileField(
        label=_("文件（视频或 PDF 文档）"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".mp4,.webm,.mkv,.pdf,video/*,application/pdf"}),
    )
    duration_seconds = forms.IntegerField(
        label=_("视频时长（秒）"),
        required=False,
        min_value=1,
        help_text=_("选择视频文件后自动读取，可修改。"),
    )

    KIND_FIELDS = {  # which kinds each field is for (the page hides the others)
        "body": ("reading",),
        "file": ("video", "document"),
        "duration_seconds": ("video",),
    }

    def __init__(self, *args, lesson: Lesson | None = None, **kwargs):
        self.lesson = lesson
        if lesson is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": lesson.title,
                "kind": lesson.kind,
                "knowledge_points": list(lesson.knowledge_points.values_list("pk", flat=True)),
                "class_hours": lesson.class_hours,
                "summary": lesson.summary,
                "body": lesson.body,
                "duration_seconds": lesson.duration_seconds,
            }
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "视频：MP4 或 WebM；文档：PDF。按文件内容检查格式，不超过 %(mb)s MB。"
        ) % {"mb": settings.LESSON_MAX_UPLOAD_MB}
        if lesson is not None and lesson.file:
            self.fields["file"].help_text += " " + str(_("不选择文件则保留现有文件。"))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        errors, content_type = authoring.problems(
            kind,
            title=cleaned.get("title", ""),
            points=cleaned.get("knowledge_points") or (),
            class_hours=cleaned.get("class_hours"),
            body=cleaned.get("body", ""),
            upload=cleaned.get("file") if kind != Lesson.Kind.READING else None,
            duration=cleaned.get("duration_seconds"),
            lesson=self.lesson,
        )
        for name, message in errors.items():
            if name not in self.fields:
                self.add_error(None, message)
            elif name not in self.errors:  # a field's own error says it already
                self.add_error(name, message)
        self.content_type = content_type
        return cleaned

    def values(self) -> dict:
        """The keyword arguments of authoring.create_lesson / update_lesson."""
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "title": data["title"],
            "kind": kind,
            "knowledge_points": list(data["knowledge_points"]),
            "class_hours": data["class_hours"],
            "summary": data.get("summary", ""),
            "body": data.get("body", ""),
            "upload": data.get("file") if kind != Lesson.Kind.READING else None,
            "duration_seconds": data.get("duration_seconds"),
        }

    def point_choices(self):
        """The knowledge points to tick: first those several subjects share (once each),
        then every subject's syllabus, module by module. A point ticked anywhere is the same
        point everywhere (the page keeps its boxes in step)."""
        raw = self["knowledge_points"].value() or []
        selected = {str(v) for v in raw}
        links = ModulePoint.objects.select_related(
            "point", "module__subject__specialty", "module__subject__level"
        ).order_by(
            "module__subject__specialty__order", "module__subject__level__code", "module__order",
            "order",
        )  # fmt: skip
        subjects: dict[int, dict] = {}
        uses: dict[int, set[int]] = {}
        names: dict[int, str] = {}
        for link in links:
            subject = link.module.subject
            entry = subjects.setdefault(
                subject.pk, {"subject": subject, "modules": {}, "selected": False}
            )
            module = entry["modules"].setdefault(
                link.module_id, {"module": link.module, "points": []}
            )
            checked = str(link.point_id) in selected
            module["points"].append({"pk": link.point_id, "name": link.point.name,
                                     "checked": checked})  # fmt: skip
            entry["selected"] = entry["selected"] or checked
            uses.setdefault(link.point_id, set()).add(subject.pk)
            names.setdefault(link.point_id, link.point.name)
        shared = [
            {"pk": pk, "name": names[pk], "subjects": len(ids), "checked": str(pk) in selected}
            for pk, ids in uses.items()
            if len(ids) > 1
        ]
        shared.sort(key=lambda p: (-p["subjects"], list(names).index(p["pk"])))
        for entry in subjects.values():
            entry["modules"] = list(entry["modules"].values())
            for module in entry["modules"]:
                for point in module["points"]:
                    point["subjects"] = len(uses[point["pk"]])
        outside = [
            {"pk": p.pk, "name": p.name, "checked": True}
            for p in KnowledgePoint.objects.filter(pk__in=[v for v in selected if v.isdigit()])
            if p.pk not in uses
        ]
        return {"shared": shared, "subjects": list(subjects.values()), "outside": outside}
