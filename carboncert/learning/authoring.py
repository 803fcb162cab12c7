"""The teachers' side of the learning centre: writing lessons, publishing them, ordering them.

Every change goes through here and leaves an audit row. A lesson's place in a course is not
stored: it follows from its knowledge points (services.course), so "ordering" moves a lesson
among the lessons on the same first point of a module, through `Lesson.order`.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from PIL import Image, ImageOps, UnidentifiedImageError

from carboncert.audit.services import record
from carboncert.catalog.models import ModulePoint, Subject

from .models import Lesson, LessonImage
from .services import Refused, minutes_per_class_hour

# --- reading bodies -------------------------------------------------------------------

BODY_TAGS = {
    "p", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "table", "thead", "tbody", "tr",
    "th", "td", "img", "a", "blockquote", "code", "pre", "br", "sub", "sup",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "a": {"href", "title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)


def _attribute(tag: str, name: str, value: str) -> str | None:
    address = value.strip()
    lowered = address.lower()
    if tag == "a" and name == "href":
        return address if lowered.startswith(("http://", "https://")) else None
    if tag == "img" and name == "src":
        if lowered.startswith(("http://", "https://")) or _DATA_IMAGE.match(address):
            return address
        if _own_image().fullmatch(address):
            return address  # uploaded from the editor
        return None  # other relative ones, javascript:, data:text/html, data:image/svg+xml …
    return value


@cache
def _own_image() -> re.Pattern:
    """The address of a LessonImage: /learning/images/<token>.<png|jpg|webp>."""
    sample = reverse("learning:image", args=[uuid.UUID(int=0), "png"])
    prefix = sample[: sample.index(str(uuid.UUID(int=0)))]
    return re.compile(
        re.escape(prefix) + r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\.(png|jpg|webp)"
    )


def clean_body(html: str) -> str:
    """A reading lesson's body as it may be stored and shown (`|safe`): the tags of a text
    with images and tables, no scripts, styles, event handlers or foreign URL schemes."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        clean_content_tags={"script", "style"},
        attributes=BODY_ATTRIBUTES,
        attribute_filter=_attribute,
        url_schemes={"http", "https", "data"},
        link_rel="noopener noreferrer",
    ).strip()


def body_is_empty(html: str) -> bool:
    if re.search(r"<(img|table)\b", html or ""):
        return False
    text = nh3.clean(html or "", tags=set()).replace("&nbsp;", " ")
    return not text.strip()


# --- pictures in a reading body -------------------------------------------------------

IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/png"}
IMAGE_LONG_SIDE = 2000  # pixels: plenty for a page, and light on a phone
IMAGE_MAX_PIXELS = 40_000_000  # what is decoded at all (a "bomb" is refused unopened)


def store_image(user, upload) -> LessonImage:
    """A picture for a lesson body (an uploaded file), or Refused. Its size is checked
    before it is read. It is decoded and stored anew — PNG, JPEG or WebP as it came (a GIF
    as a PNG of its first frame), at most IMAGE_LONG_SIDE pixels a side — so that nothing
    but its pixels is kept: no metadata (a phone's GPS), no script hidden in a polyglot
    file."""
    if upload is None or not upload.size:
        raise Refused("image_missing", "没有收到图片文件。")
    if upload.size > settings.LESSON_IMAGE_MAX_MB * 1024 * 1024:
        raise Refused("image_size", f"图片超过 {settings.LESSON_IMAGE_MAX_MB} MB，请压缩后再上传。")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
            if image.width * image.height > IMAGE_MAX_PIXELS:
                raise Refused("image_pixels", "图片尺寸过大（超过 4000 万像素），请缩小后再上传。")
            kind = IMAGE_FORMATS[image.format]
            image.seek(0)
            picture = ImageOps.exif_transpose(image)
            picture.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Refused(
            "not_image", "不是可用的图片文件，请上传 PNG、JPEG、WebP 或 GIF 图片。"
        ) from None
    picture.thumbnail((IMAGE_LONG_SIDE, IMAGE_LONG_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "image/jpeg":
        picture.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif kind == "image/webp":
        picture.save(out, "WEBP", quality=88)
    else:
        if picture.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            picture = picture.convert("RGBA")
        picture.save(out, "PNG", optimize=True)
    stored = LessonImage(
        content_type=kind, width=picture.width, height=picture.height,
        uploaded_by=user if getattr(user, "pk", None) else None,
    )  # fmt: skip
    with transaction.atomic():
        stored.file.save(f"{stored.token}.{stored.extension}", ContentFile(out.getvalue()))
        record(user, "learning.image.uploaded", stored,
               after={"address": stored.address, "bytes": len(out.getvalue()),
                      "width": stored.width, "height": stored.height})  # fmt: skip
    return stored


# --- what a lesson must have ----------------------------------------------------------

VIDEO_TYPES = {"video/webm": "webm", "video/x-matroska": "mkv", "video/mp4": "mp4"}
DOCUMENT_TYPES = {"application/pdf": "pdf"}
MIN_HOURS, MAX_HOURS, HOURS_STEP = Decimal("0.1"), Decimal("20"), Decimal("0.1")
MAX_DURATION = 24 * 3600


def sniff(head: bytes) -> str | None:
    """The content type a file's first bytes prove, whatever its name says."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska, WebM when its DocType says so
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head[4:8] == b"ftyp":  # ISO base media (MP4)
        return "video/mp4"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def max_upload_bytes() -> int:
    return settings.LESSON_MAX_UPLOAD_MB * 1024 * 1024


def too_large_message() -> str:
    return f"文件过大：课程文件不能超过 {settings.LESSON_MAX_UPLOAD_MB} MB。"


def file_type(kind: str, upload) -> tuple[str | None, str | None]:
    """(content type, None) for an upload that fits the kind, else (None, the reason)."""
    if upload.size > max_upload_bytes():
        return None, too_large_message()
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    found = sniff(head)
    if kind == Lesson.Kind.VIDEO and found not in VIDEO_TYPES:
        return None, "视频文件格式不正确：请上传 MP4 或 WebM（Matroska）格式的视频。"
    if kind == Lesson.Kind.DOCUMENT and found not in DOCUMENT_TYPES:
        return None, "文档必须是 PDF 文件。"
    return found, None


def max_video_hours(duration_seconds: int) -> Decimal:
    """The most class hours a video of this length may count: its running time in class
    hours, rounded up to the next tenth (played video is all a candidate is credited)."""
    tenths = -(-int(duration_seconds) * 10 // (minutes_per_class_hour() * 60))
    return Decimal(max(tenths, 1)) / 10


def hours_problem(class_hours) -> str | None:
    try:
        value = Decimal(class_hours)
    except (InvalidOperation, TypeError, ValueError):
        value = None
    if value is None or not (MIN_HOURS <= value <= MAX_HOURS) or value % HOURS_STEP:
        return "标准课时须在 0.1 至 20 之间，最多一位小数。"
    return None


def problems(
    kind, *, title="", points=(), class_hours=None, body="", upload=None, duration=None,
    lesson: Lesson | None = None,
) -> tuple[dict[str, str], str]:  # fmt: skip
    """What stops this lesson from being saved ({field: message}), and the content type of
    its file (the new upload's, or the one it keeps)."""
    errors: dict[str, str] = {}
    if kind not in Lesson.Kind.values:
        errors["kind"] = "请选择课程类型。"
    if not (title or "").strip():
        errors["title"] = "请填写课程名称。"
    if not list(points):
        errors["knowledge_points"] = "请至少选择一个考核知识点。"
    if problem := hours_problem(class_hours):
        errors["class_hours"] = problem
    content_type = ""
    if kind in (Lesson.Kind.VIDEO, Lesson.Kind.DOCUMENT):
        allowed = VIDEO_TYPES if kind == Lesson.Kind.VIDEO else DOCUMENT_TYPES
        if upload is not None:
            found, problem = file_type(kind, upload)
            if problem:
                errors["file"] = problem
            content_type = found or ""
        elif lesson is not None and lesson.file and lesson.content_type in allowed:
            content_type = lesson.content_type  # keeps its file
        else:
            errors["file"] = (
                "请上传视频文件。" if kind == Lesson.Kind.VIDEO else "请上传 PDF 文档。"
            )
    if kind == Lesson.Kind.VIDEO:
        if not duration or int(duration) <= 0:
            errors["duration_seconds"] = (
                "请填写视频时长（秒）。选择视频文件后，浏览器会自动读取时长。"
            )
        elif int(duration) > MAX_DURATION:
            errors["duration_seconds"] = "视频时长不能超过 24 小时。"
        elif "class_hours" not in errors and Decimal(class_hours) > max_video_hours(duration):
            minutes = -(-int(duration) // 60)
            errors["class_hours"] = (
                f"视频时长约 {minutes} 分钟，最多可计 {max_video_hours(duration)} 标准课时"
                f"（1 标准课时 = {minutes_per_class_hour()} 分钟，考生按实际播放计时）。"
            )
    if kind == Lesson.Kind.READING and body_is_empty(clean_body(body)):
        errors["body"] = "图文课必须填写正文。"
    return errors, content_type


class Invalid(Exception):
    """The lesson as given cannot be saved; errors are {field: message}, in Chinese."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


# --- writing lessons ------------------------------------------------------------------


def snapshot(lesson: Lesson) -> dict:
    """What the audit log keeps of a lesson (the body by its size and digest)."""
    body = lesson.body or ""
    return {
        "title": lesson.title,
        "kind": lesson.kind,
        "knowledge_points": sorted(lesson.knowledge_points.values_list("pk", flat=True)),
        "class_hours": str(lesson.class_hours),
        "summary": lesson.summary,
        "body": f"{len(body)} chars sha256:{hashlib.sha256(body.encode()).hexdigest()[:16]}",
        "file": lesson.file.name or "",
        "content_type": lesson.content_type,
        "duration_seconds": lesson.duration_seconds,
        "order": lesson.order,
        "published": lesson.published,
    }


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record_saved(by, lesson: Lesson, before: dict | None) -> None:
    """The audit row of a lesson just created (before None) or changed (only what changed)."""
    after = snapshot(lesson)
    if before is None:
        record(by, "learning.lesson.create", lesson, after=after)
        return
    old, new = _changes(before, after)
    if new:
        record(by, "learning.lesson.update", lesson, before=old, after=new)


def _next_order(points) -> int:
    """A new lesson goes after the lessons already on its points."""
    orders = Lesson.objects.filter(knowledge_points__in=list(points)).values_list(
        "order", flat=True
    )
    return max(orders, default=0) + 10


def _file_name(content_type: str) -> str:
    ext = {**VIDEO_TYPES, **DOCUMENT_TYPES}[content_type]
    return f"{secrets.token_hex(8)}.{ext}"


def _apply(lesson, *, kind, title, class_hours, summary, body, upload, duration_seconds,
           content_type) -> str | None:  # fmt: skip
    """Set the fields; store a new upload. Returns the name of a file the lesson let go."""
    old_file = lesson.file.name or None
    lesson.kind = kind
    lesson.title = title.strip()
    lesson.class_hours = Decimal(class_hours)
    lesson.summary = (summary or "").strip()
    lesson.body = clean_body(body or "")
    lesson.duration_seconds = int(duration_seconds) if kind == Lesson.Kind.VIDEO else None
    if kind == Lesson.Kind.READING:
        lesson.file = ""
        lesson.content_type = ""
    elif upload is not None:
        lesson.file.save(_file_name(content_type), upload, save=False)
        lesson.content_type = content_type
    released = old_file if old_file and old_file != (lesson.file.name or None) else None
    return released


def _forget_file(storage, name: str | None) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def create_lesson(
    by, *, title, kind, knowledge_points, class_hours, summary="", body="", upload=None,
    duration_seconds=None,
) -> Lesson:  # fmt: skip
    """A new, unpublished lesson by this teacher, after its points' existing lessons."""
    points = list(knowledge_points)
    errors, content_type = problems(
        kind, title=title, points=points, class_hours=class_hours, body=body, upload=upload,
        duration=duration_seconds,
    )  # fmt: skip
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        lesson = Lesson(author=by if getattr(by, "pk", None) else None, order=_next_order(points))
        _apply(
            lesson, kind=kind, title=title, class_hours=class_hours, summary=summary,
            body=body, upload=upload, duration_seconds=duration_seconds,
            content_type=content_type,
        )  # fmt: skip
        lesson.save()
        lesson.knowledge_points.set(points)
        record_saved(by, lesson, None)
    return lesson


def update_lesson(
    lesson: Lesson, by, *, title, kind, knowledge_points, class_hours, summary="", body="",
    upload=None, duration_seconds=None,
) -> Lesson:  # fmt: skip
    """Change a lesson (published or not); a new file replaces the old one, which is deleted
    once the change is committed."""
    points = list(knowledge_points)
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        errors, content_type = problems(
            kind, title=title, points=points, class_hours=class_hours, body=body, upload=upload,
            duration=duration_seconds, lesson=lesson,
        )  # fmt: skip
        if errors:
            raise Invalid(errors)
        before = snapshot(lesson)
        released = _apply(
            lesson, kind=kind, title=title, class_hours=class_hours, summary=summary,
            body=body, upload=upload, duration_seconds=duration_seconds,
            content_type=content_type,
        )  # fmt: skip
        lesson.save()
        lesson.knowledge_points.set(points)
        record_saved(by, lesson, before)
        _forget_file(lesson.file.storage, released)
    return lesson


def set_published(lesson: Lesson, by, published: bool) -> Lesson:
    """Publish (candidates whose course lists its points see it) or withdraw a lesson. Only
    a complete lesson is published."""
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if lesson.published == published:
            return lesson
        if published:
            errors, _type = problems(
                lesson.kind, title=lesson.title, points=lesson.knowledge_points.all(),
                class_hours=lesson.class_hours, body=lesson.body,
                duration=lesson.duration_seconds, lesson=lesson,
            )  # fmt: skip
            if errors:
                raise Refused(
                    "incomplete", "课程内容不完整，不能发布：" + "；".join(errors.values())
                )
        lesson.published = published
        lesson.save(update_fields=["published", "updated_at"])
        action = "learning.lesson.publish" if published else "learning.lesson.unpublish"
        record(by, action, lesson, before={"published": not published},
               after={"published": published})  # fmt: skip
    return lesson


def publish(lesson: Lesson, by) -> Lesson:
    return set_published(lesson, by, True)


def unpublish(lesson: Lesson, by) -> Lesson:
    return set_published(lesson, by, False)


# --- a subject's outline, published or not ----------------------------------------------


@dataclass
class PointGroup:
    """The lessons whose first point in this subject is this point, in course order: the
    lessons a teacher can reorder among themselves."""

    point_id: int
    name: str
    lessons: list[Lesson] = field(default_factory=list)


@dataclass
class ModuleOutline:
    module_id: int
    order: int
    name: str
    weight: int
    required_hours: int  # the level's minimum for the whole course
    groups: list[PointGroup] = field(default_factory=list)

    @property
    def lessons(self) -> list[Lesson]:
        return [lesson for group in self.groups for lesson in group.lessons]

    @property
    def class_hours(self) -> Decimal:
        return sum((lesson.class_hours for lesson in self.lessons), Decimal(0))

    @property
    def published_hours(self) -> Decimal:
        return sum((x.class_hours for x in self.lessons if x.published), Decimal(0))

    @property
    def target_hours(self) -> Decimal:
        """The module's share of the level minimum, by its weight in the paper."""
        return (Decimal(self.required_hours) * self.weight / 100).quantize(Decimal("0.1"))


@dataclass
class Outline:
    subject: Subject
    modules: list[ModuleOutline]
    required_hours: int

    @property
    def lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def class_hours(self) -> Decimal:
        return sum((m.class_hours for m in self.modules), Decimal(0))

    @property
    def published_hours(self) -> Decimal:
        return sum((m.published_hours for m in self.modules), Decimal(0))


def outline(subject: Subject) -> Outline:
    """The subject's course as services.course() orders it (each lesson once, in the first
    module that lists one of its points, by that point, then `order`, then pk), with the
    unpublished lessons too."""
    required = subject.level.min_class_hours
    modules = list(subject.modules.order_by("order"))
    rows = {m.pk: ModuleOutline(m.pk, m.order, m.name, m.weight, required) for m in modules}
    groups: dict[tuple[int, int], PointGroup] = {}
    point_first: dict[int, tuple[int, int]] = {}
    module_of_point: dict[int, int] = {}
    links = ModulePoint.objects.filter(module__subject=subject).select_related("point")
    for link in links.order_by("module__order", "order"):
        group = PointGroup(link.point_id, link.point.name)
        rows[link.module_id].groups.append(group)
        groups[(link.module_id, link.point_id)] = group
        if link.point_id not in point_first:
            point_first[link.point_id] = (rows[link.module_id].order, link.order)
            module_of_point[link.point_id] = link.module_id
    lessons = (
        Lesson.objects.filter(knowledge_points__in=point_first)
        .distinct()
        .prefetch_related("knowledge_points")
    )
    placed = []
    for lesson in lessons:
        points = [p.pk for p in lesson.knowledge_points.all() if p.pk in point_first]
        first = min(points, key=lambda p: point_first[p])
        placed.append((point_first[first], lesson.order, lesson.pk, first, lesson))
    for _place, _order, _pk, first, lesson in sorted(placed, key=lambda t: t[:3]):
        groups[(module_of_point[first], first)].lessons.append(lesson)
    return Outline(subject, [rows[m.pk] for m in modules], required)


def unplaced_lessons():
    """Lessons no subject's syllabus reaches: none of their points is in any module."""
    return Lesson.objects.exclude(knowledge_points__modules__isnull=False).order_by("title", "pk")


# --- ordering -------------------------------------------------------------------------


def move(lesson: Lesson, subject: Subject, direction: str, by) -> Lesson:
    """Swap a lesson with its neighbour among the lessons on the same first point of the
    subject's course ("up" or "down"). The group is renumbered 10, 20, …; the order is the
    lesson's own, so it holds in every course that shares the point."""
    if direction not in ("up", "down"):
        raise Refused("direction", "移动方向不正确。")
    with transaction.atomic():
        group = next(
            (
                g
                for m in outline(subject).modules
                for g in m.groups
                if any(x.pk == lesson.pk for x in g.lessons)
            ),
            None,
        )
        if group is None:
            raise Refused("unplaced", "该课程不在本科目的课程目录中。")
        ids = [x.pk for x in group.lessons]
        orders = dict(
            Lesson.objects.select_for_update().filter(pk__in=ids).values_list("pk", "order")
        )
        i = ids.index(lesson.pk)
        j = i - 1 if direction == "up" else i + 1
        if not 0 <= j < len(ids):
            raise Refused(
                "edge",
                "已经是该知识点下的第一课。"
                if direction == "up"
                else "已经是该知识点下的最后一课。",
            )
        ids[i], ids[j] = ids[j], ids[i]
        before, after = {}, {}
        for n, pk in enumerate(ids, start=1):
            if orders[pk] != n * 10:
                Lesson.objects.filter(pk=pk).update(order=n * 10)
                before[str(pk)], after[str(pk)] = orders[pk], n * 10
        moved = Lesson.objects.get(pk=lesson.pk)
        record(
            by, "learning.lesson.move", moved, before={"order": before},
            after={"order": after, "subject": subject.code, "point": group.name,
                   "direction": direction},
        )  # fmt: skip
    return moved


def set_order(lesson: Lesson, order: int, by) -> Lesson:
    """Give a lesson its sort number directly (smaller first among lessons on its point)."""
    try:
        order = int(order)
    except (TypeError, ValueError):
        order = -1
    if order < 0:
        raise Refused("order", "排序须为不小于 0 的整数。")
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if lesson.order == order:
            return lesson
        before = lesson.order
        lesson.order = order
        lesson.save(update_fields=["order", "updated_at"])
        record(by, "learning.lesson.order", lesson, before={"order": before},
               after={"order": order})  # fmt: skip
    return lesson
