"""The demo's CE-1 course: original lessons from data/demo_lessons.yaml, and some study."""

from decimal import Decimal
from pathlib import Path

import yaml
from django.core.files.base import ContentFile

from carboncert.catalog.models import KnowledgePoint
from carboncert.pdf import PdfUnavailable, render_pdf

from .models import Lesson, Progress

DATA = Path(__file__).parent / "data"
VIDEO = DATA / "demo_lesson.webm"  # a 150-second test pattern (VP8), made with ffmpeg
VIDEO_SECONDS = 150


def load_lessons(author) -> list[Lesson]:
    """Create the demo lessons once (published); returns them."""
    if Lesson.objects.exists():
        return list(Lesson.objects.all())
    points = {p.name: p for p in KnowledgePoint.objects.all()}
    lessons = []
    for raw in yaml.safe_load((DATA / "demo_lessons.yaml").read_text(encoding="utf-8")):
        lesson = Lesson(
            title=raw["title"],
            kind=raw["kind"],
            class_hours=Decimal(str(raw["class_hours"])),
            order=raw.get("order", 0),
            summary=raw.get("summary", ""),
            body=raw.get("body", ""),
            published=True,
            author=author,
        )
        if lesson.kind == Lesson.Kind.VIDEO:
            # The demo's video is short: its class hours are its length, not the YAML's.
            lesson.duration_seconds = VIDEO_SECONDS
            lesson.class_hours = Decimal("0.1")
            lesson.content_type = "video/webm"
            lesson.file.save("demo_lesson.webm", ContentFile(VIDEO.read_bytes()), save=False)
        if lesson.kind == Lesson.Kind.DOCUMENT:
            try:  # the PDF is made from the YAML's HTML (it needs the Chinese font)
                pdf = render_pdf(
                    "learning/pdf/demo_document.html", {"title": lesson.title, "body": lesson.body}
                )
            except PdfUnavailable:
                continue
            lesson.body = ""
            lesson.content_type = "application/pdf"
            lesson.file.save("demo_document.pdf", ContentFile(pdf), save=False)
        lesson.save()
        lesson.knowledge_points.set([points[name] for name in raw["points"]])
        lessons.append(lesson)
    return lessons


def some_study(person, lessons) -> None:
    """A learner part-way through: two readings done, one half read."""
    readings = [lesson for lesson in lessons if lesson.kind == Lesson.Kind.READING]
    for lesson, fraction in zip(readings, (1.0, 1.0, 0.5), strict=False):
        Progress.objects.get_or_create(
            person=person,
            lesson=lesson,
            defaults={
                "fraction": fraction,
                "active_seconds": fraction * float(lesson.class_hours) * 2700,
            },
        )
