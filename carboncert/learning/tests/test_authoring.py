"""Teachers write, publish and order lessons (课程管理)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles
from carboncert.audit.models import AuditEvent
from carboncert.catalog.models import KnowledgePoint, ModulePoint, Subject
from carboncert.learning import authoring, services
from carboncert.learning.models import Lesson

from .conftest import lesson

WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 2000
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + b"\x00" * 2000
PDF = b"%PDF-1.7\n" + b"x" * 2000


@pytest.fixture
def teacher(client, studying):
    user = testing.staff("teacher", roles.TEACHER)
    client.force_login(user)
    return user


def shared_point():
    """温室气体的影响: in every subject's first module."""
    return KnowledgePoint.objects.get(name="温室气体的影响")


def form_data(**overrides):
    data = {
        "title": "新课程",
        "kind": "reading",
        "knowledge_points": [shared_point().pk],
        "class_hours": "1.0",
        "summary": "",
        "body": "<p>正文</p>",
        "duration_seconds": "",
    }
    data.update(overrides)
    return data


def new_lesson(client, **overrides):
    return client.post(reverse("learning:lesson_new"), form_data(**overrides))


def page(response) -> str:
    return response.content.decode()


# --- creating -------------------------------------------------------------------------


def test_a_teacher_creates_a_video_lesson(client, teacher):
    response = new_lesson(
        client, title="温室效应导论", kind="video", duration_seconds="2700",
        file=SimpleUploadedFile("intro.bin", WEBM, content_type="application/octet-stream"),
    )  # fmt: skip
    made = Lesson.objects.get(title="温室效应导论")
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:lesson_edit", args=[made.pk])
    assert made.kind == "video" and made.content_type == "video/webm"
    assert made.duration_seconds == 2700 and made.class_hours == Decimal("1.0")
    assert made.file.name.startswith("lessons/") and made.file.name.endswith(".webm")
    assert made.file.read() == WEBM
    assert not made.published and made.author == teacher
    assert list(made.knowledge_points.all()) == [shared_point()]
    event = AuditEvent.objects.get(action="learning.lesson.create")
    assert event.actor == teacher and event.object_id == str(made.pk)
    assert event.after["kind"] == "video" and event.after["published"] is False


def test_an_mp4_is_recognised_by_its_ftyp_box(client, teacher):
    new_lesson(
        client, title="MP4", kind="video", duration_seconds="1800", class_hours="0.7",
        file=SimpleUploadedFile("a.webm", MP4),
    )  # fmt: skip
    assert Lesson.objects.get(title="MP4").content_type == "video/mp4"


def test_a_teacher_creates_a_reading_and_a_document_lesson(client, teacher):
    new_lesson(client, title="图文课", body="<h2>边界</h2><table><tr><td>范围一</td></tr></table>")
    reading = Lesson.objects.get(title="图文课")
    assert reading.kind == "reading" and not reading.file and reading.content_type == ""
    assert "<table>" in reading.body and "<h2>边界</h2>" in reading.body

    new_lesson(client, title="指南", kind="document", body="",
               file=SimpleUploadedFile("指南.pdf", PDF))  # fmt: skip
    document = Lesson.objects.get(title="指南")
    assert document.content_type == "application/pdf" and document.file.name.endswith(".pdf")
    assert document.duration_seconds is None
    assert AuditEvent.objects.filter(action="learning.lesson.create").count() == 2


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("video", PDF, "视频文件格式不正确"),
        ("video", b"<html>not a video</html>" * 10, "视频文件格式不正确"),
        ("document", WEBM, "文档必须是 PDF 文件"),
        ("document", b"MZ\x90\x00" + b"\x00" * 100, "文档必须是 PDF 文件"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_by_its_content(client, teacher, kind, data, message):
    name = "lesson.mp4" if kind == "video" else "lesson.pdf"  # the name does not count
    response = new_lesson(client, kind=kind, duration_seconds="600",
                          file=SimpleUploadedFile(name, data))  # fmt: skip
    assert response.status_code == 200
    assert message in page(response)
    assert not Lesson.objects.filter(title="新课程").exists()
    assert not AuditEvent.objects.filter(action__startswith="learning.").exists()


def test_an_oversized_file_is_refused(client, teacher, settings):
    settings.LESSON_MAX_UPLOAD_MB = 1
    big = PDF + b"x" * (1024 * 1024)
    response = new_lesson(client, kind="document", file=SimpleUploadedFile("big.pdf", big))
    assert "文件过大" in page(response) and "1 MB" in page(response)
    assert not Lesson.objects.filter(title="新课程").exists()


def test_a_request_cut_off_at_its_headers_says_the_file_is_too_large(client, teacher, settings):
    settings.MAX_UPLOAD_REQUEST_BYTES = 10_000
    response = new_lesson(client, kind="document", file=SimpleUploadedFile("big.pdf", PDF * 20))
    assert response.status_code == 200
    assert "文件过大" in page(response)
    assert not Lesson.objects.filter(title="新课程").exists()


def test_a_video_needs_its_duration_and_a_file_lesson_its_file(client, teacher):
    response = new_lesson(client, kind="video", file=SimpleUploadedFile("v.webm", WEBM))
    assert "请填写视频时长" in page(response)
    response = new_lesson(client, kind="video", duration_seconds="600")
    assert "请上传视频文件" in page(response)
    response = new_lesson(client, kind="document")
    assert "请上传 PDF 文档" in page(response)
    assert not Lesson.objects.filter(title="新课程").exists()


def test_a_reading_needs_a_body(client, teacher):
    for body in ("", "   ", "<p> </p>", "<script>alert(1)</script>"):
        response = new_lesson(client, body=body)
        assert "图文课必须填写正文" in page(response), body
    assert not Lesson.objects.filter(title="新课程").exists()


def test_class_hours_go_in_tenths_and_a_video_counts_no_more_than_it_lasts(client, teacher):
    for hours in ("0", "20.5", "-1"):
        response = new_lesson(client, class_hours=hours)
        assert "标准课时须在 0.1 至 20 之间" in page(response), hours
    response = new_lesson(client, class_hours="2.0", kind="video", duration_seconds="600",
                          file=SimpleUploadedFile("v.webm", WEBM))  # fmt: skip
    assert "最多可计 0.3 标准课时" in page(response)  # 600 s of 2,700 s, up to a tenth
    assert not Lesson.objects.filter(title="新课程").exists()
    new_lesson(client, class_hours="20", body="<p>长课</p>")
    assert Lesson.objects.get(title="新课程").class_hours == Decimal("20")


def test_points_are_required(client, teacher):
    response = new_lesson(client, knowledge_points=[])
    assert "请至少选择一个考核知识点" in page(response)


# --- the body is sanitised on every path ----------------------------------------------

DIRTY = (
    '<p onclick="steal()">正文<script>alert("x")</script></p>'
    "<style>body{display:none}</style>"
    '<a href="javascript:alert(1)">坏链接</a> <a href="https://example.cn/指南">好链接</a>'
    '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg">'
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="png">'
    '<img src="/admin/" alt="rel"><iframe src="https://evil.example"></iframe>'
    "<table><thead><tr><th>范围</th></tr></thead><tbody><tr><td>一</td></tr></tbody></table>"
)


def check_clean(body):
    assert "<script" not in body and "alert" not in body and "<style" not in body
    assert "onclick" not in body and "javascript:" not in body and "<iframe" not in body
    assert "svg" not in body.replace('alt="svg"', "") and 'src="/admin/"' not in body
    assert '<a href="https://example.cn/指南" rel="noopener noreferrer">好链接</a>' in body
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in body
    assert "<thead><tr><th>范围</th></tr></thead>" in body and "<p>正文</p>" in body


def test_script_in_the_body_is_stripped(client, teacher, studying):
    new_lesson(client, body=DIRTY)
    made = Lesson.objects.get(title="新课程")
    check_clean(made.body)
    # …and the candidate's page shows only what was stored.
    authoring.publish(made, teacher)
    client.force_login(studying["user"])
    shown = page(client.get(reverse("learning:lesson", args=[studying["subject"].code, made.pk])))
    assert "<p>正文</p>" in shown and "steal()" not in shown and 'alert("x")' not in shown


def test_every_write_path_stores_a_clean_body(studying, admin_client):
    row = Lesson.objects.create(title="直接写入", kind="reading", class_hours=1, body=DIRTY)
    row.refresh_from_db()
    check_clean(row.body)
    response = admin_client.post(
        reverse("admin:learning_lesson_add"),
        {
            "title": "后台课程", "kind": "reading", "knowledge_points": [shared_point().pk],
            "class_hours": "1.0", "order": "0", "summary": "", "body": DIRTY,
            "duration_seconds": "",
        },
    )  # fmt: skip
    assert response.status_code == 302, page(response)
    made = Lesson.objects.get(title="后台课程")
    check_clean(made.body)
    assert AuditEvent.objects.get(action="learning.lesson.create").object_id == str(made.pk)


def test_the_admin_checks_files_as_the_authoring_pages_do(studying, admin_client):
    response = admin_client.post(
        reverse("admin:learning_lesson_add"),
        {
            "title": "后台视频", "kind": "video", "knowledge_points": [shared_point().pk],
            "class_hours": "1.0", "order": "0", "summary": "", "body": "",
            "duration_seconds": "1800", "file": SimpleUploadedFile("v.mp4", PDF),
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "视频文件格式不正确" in page(response)
    assert not Lesson.objects.filter(title="后台视频").exists()


# --- editing and publishing -----------------------------------------------------------


def test_editing_keeps_the_file_unless_a_new_one_is_chosen(
    client, teacher, media, django_capture_on_commit_callbacks
):
    document = studying_lesson = Lesson.objects.get(title="指南原文")  # the studying fixture
    url = reverse("learning:lesson_edit", args=[document.pk])
    form = client.get(url)
    assert form.status_code == 200 and "指南原文" in page(form)
    points = list(document.knowledge_points.values_list("pk", flat=True))
    data = form_data(title="指南原文（修订）", kind="document", knowledge_points=points, body="")
    assert client.post(url, data).status_code == 302
    studying_lesson.refresh_from_db()
    assert studying_lesson.title == "指南原文（修订）" and studying_lesson.file
    old_name = studying_lesson.file.name
    event = AuditEvent.objects.get(action="learning.lesson.update")
    assert event.before == {"title": "指南原文"} and event.after == {"title": "指南原文（修订）"}

    data["file"] = SimpleUploadedFile("new.pdf", PDF)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    studying_lesson.refresh_from_db()
    assert studying_lesson.file.name != old_name
    assert studying_lesson.file.read() == PDF
    # The replaced file is deleted once the change is committed.
    assert not (media / old_name).exists()


def test_a_kind_change_needs_a_file_of_the_new_kind(client, teacher, studying):
    document = studying["document"]
    points = list(document.knowledge_points.values_list("pk", flat=True))
    data = form_data(title=document.title, kind="video", knowledge_points=points,
                     duration_seconds="3000")  # fmt: skip
    response = client.post(reverse("learning:lesson_edit", args=[document.pk]), data)
    assert "请上传视频文件" in page(response)
    document.refresh_from_db()
    assert document.kind == "document"


def test_publishing_and_withdrawing_are_audited(client, teacher):
    new_lesson(client, body="<p>内容</p>")
    made = Lesson.objects.get(title="新课程")
    url = reverse("learning:lesson_publish", args=[made.pk])
    client.post(url, {"published": "1"})
    made.refresh_from_db()
    assert made.published
    client.post(url, {"published": "1"})  # already published: nothing to record
    client.post(url, {"published": "0", "next": reverse("learning:manage")})
    made.refresh_from_db()
    assert not made.published
    actions = list(
        AuditEvent.objects.filter(object_type="learning.lesson", object_id=str(made.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "learning.lesson.create", "learning.lesson.publish", "learning.lesson.unpublish",
    ]  # fmt: skip


def test_an_incomplete_lesson_is_not_published(studying):
    teacher = testing.staff("teacher", roles.TEACHER)
    broken = lesson("无文件", "video", [shared_point()], "1.0", duration=2700)
    broken.published = False
    broken.save()
    with pytest.raises(services.Refused, match="请上传视频文件"):
        authoring.publish(broken, teacher)
    broken.refresh_from_db()
    assert not broken.published


# --- ordering -------------------------------------------------------------------------


def course_titles(subject):
    return [row.lesson.title for row in services.course(subject).lessons]


def test_moves_change_the_course_order(client, teacher, studying):
    subject = studying["subject"]
    assert course_titles(subject) == ["温室效应", "核算边界", "指南原文"]
    move = reverse("learning:lesson_move", args=[studying["document"].pk])
    response = client.post(move, {"subject": subject.code, "direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"?subject={subject.code}#lesson-{studying['document'].pk}"
    )
    assert course_titles(subject) == ["温室效应", "指南原文", "核算边界"]
    event = AuditEvent.objects.get(action="learning.lesson.move")
    assert event.after["direction"] == "up" and event.after["subject"] == subject.code

    # At the top of its point already: refused, in Chinese, nothing changes.
    response = client.post(move, {"subject": subject.code, "direction": "up"}, follow=True)
    assert "已经是该知识点下的第一课" in page(response)
    assert course_titles(subject) == ["温室效应", "指南原文", "核算边界"]
    client.post(move, {"subject": subject.code, "direction": "down"})
    assert course_titles(subject) == ["温室效应", "核算边界", "指南原文"]
    assert AuditEvent.objects.filter(action="learning.lesson.move").count() == 2


def test_a_move_reorders_ties_and_holds_in_every_course_sharing_the_point(studying):
    teacher = testing.staff("teacher", roles.TEACHER)
    point = shared_point()
    first = studying["video"]
    assert list(first.knowledge_points.all()) == [point]
    a = lesson("共用二", "reading", [point], body="<p>二</p>")
    b = lesson("共用三", "reading", [point], body="<p>三</p>")  # all three have order 0
    ce1, ct3 = studying["subject"], Subject.objects.get(code="CT-3")
    assert course_titles(ct3)[:3] == ["温室效应", "共用二", "共用三"]
    authoring.move(b, ce1, "up", teacher)
    assert course_titles(ce1)[:3] == ["温室效应", "共用三", "共用二"]
    assert course_titles(ct3)[:3] == ["温室效应", "共用三", "共用二"]
    authoring.move(b, ct3, "up", teacher)
    assert course_titles(ce1)[:3] == ["共用三", "温室效应", "共用二"]
    with pytest.raises(services.Refused):
        authoring.move(b, ce1, "up", teacher)
    assert a.pk  # unchanged lessons keep their rows


def test_set_order_is_audited(studying):
    teacher = testing.staff("teacher", roles.TEACHER)
    authoring.set_order(studying["reading"], 50, teacher)
    assert course_titles(studying["subject"]) == ["温室效应", "指南原文", "核算边界"]
    event = AuditEvent.objects.get(action="learning.lesson.order")
    assert event.before == {"order": 0} and event.after == {"order": 50}
    with pytest.raises(services.Refused):
        authoring.set_order(studying["reading"], -1, teacher)


def test_the_outline_orders_lessons_as_the_course_does(studying):
    point = shared_point()
    lesson("共用二", "reading", [point], order=5, body="<p>二</p>")
    hidden = lesson("未发布", "reading", [point], order=1, body="<p>草稿</p>")
    hidden.published = False
    hidden.save()
    for subject in Subject.objects.all():
        outline = authoring.outline(subject)
        published = [x.title for x in outline.lessons if x.published]
        assert published == course_titles(subject), subject.code
    ce1 = authoring.outline(studying["subject"])
    assert [x.title for x in ce1.modules[0].lessons] == ["温室效应", "未发布", "共用二"]
    assert ce1.modules[0].published_hours == Decimal("2.0")
    assert ce1.modules[0].class_hours == Decimal("3.0")


# --- the pages ------------------------------------------------------------------------


def test_the_manage_page_shows_the_course_in_order_with_hours_and_unplaced_lessons(
    client, teacher, studying
):
    orphan_point = KnowledgePoint.objects.create(name="不在大纲中的知识点")
    lesson("孤立课程", "reading", [orphan_point], body="<p>孤立</p>")
    hidden = lesson("草稿课", "reading", [shared_point()], "0.5", body="<p>草稿</p>")
    hidden.published = False
    hidden.save()
    response = client.get(reverse("learning:manage"), {"subject": studying["subject"].code})
    text = page(response)
    assert response.status_code == 200
    assert (
        text.index("温室效应")
        < text.index("草稿课")
        < text.index("核算边界")
        < text.index("指南原文")
    )
    assert "未发布" in text and "已发布" in text
    assert "最低 36 标准课时" in text  # CE-1 is 初级
    assert text.index("未归入任何大纲的课程") < text.index("孤立课程")
    assert reverse("learning:lesson_edit", args=[hidden.pk]) in text
    assert reverse("learning:lesson_move", args=[hidden.pk]) in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert list(authoring.unplaced_lessons().values_list("title", flat=True)) == ["孤立课程"]


def test_the_lesson_form_groups_points_by_subject_with_shared_points_first(client, teacher):
    text = page(client.get(reverse("learning:lesson_new")))
    shared = shared_point()
    assert text.index("共用知识点") < text.index("CE-1")
    # The shared point: once in the shared list, once per subject.
    assert text.count(f'name="knowledge_points" value="{shared.pk}"') == 1 + Subject.objects.count()
    assert "12 个科目" in text
    assert "URL.createObjectURL" in text and "duration" in text


def test_teachers_preview_unpublished_lessons_that_candidates_cannot_open(
    client, teacher, studying
):
    document = studying["document"]
    document.published = False
    document.save()
    preview = reverse("learning:lesson_preview", args=[document.pk])
    file_url = reverse("learning:lesson_preview_file", args=[document.pk])
    response = client.get(preview)
    assert response.status_code == 200
    assert "未发布" in page(response) and file_url in page(response)
    ranged = client.get(file_url, HTTP_RANGE="bytes=0-4")
    assert ranged.status_code == 206 and b"".join(ranged.streaming_content) == b"%PDF-"

    client.force_login(studying["user"])
    code = studying["subject"].code
    assert client.get(reverse("learning:lesson", args=[code, document.pk])).status_code == 404
    assert client.get(reverse("learning:lesson_file", args=[document.pk])).status_code == 404
    assert client.get(preview).status_code == 403
    assert client.get(file_url).status_code == 403


def test_a_reading_preview_shows_the_sanitised_body(client, teacher, studying):
    response = client.get(reverse("learning:lesson_preview", args=[studying["reading"].pk]))
    assert "<p>边界</p>" in page(response)


@pytest.mark.parametrize("who", ["candidate", "institution", "question_editor"])
def test_other_roles_get_403_on_the_manage_pages(client, studying, who):
    if who == "candidate":
        user = studying["user"]
    elif who == "institution":
        user = testing.staff("inst", roles.INSTITUTION, institution=testing.institution())
    else:
        user = testing.staff("editor", roles.QUESTION_EDITOR)
    client.force_login(user)
    pk = studying["reading"].pk
    for name, args in [("learning:manage", []), ("learning:lesson_new", []),
                       ("learning:lesson_edit", [pk]), ("learning:lesson_preview", [pk]),
                       ("learning:lesson_preview_file", [studying["document"].pk])]:  # fmt: skip
        assert client.get(reverse(name, args=args)).status_code == 403, name
    subject = studying["subject"].code
    move = client.post(reverse("learning:lesson_move", args=[pk]),
                       {"subject": subject, "direction": "down"})  # fmt: skip
    assert move.status_code == 403
    publish = client.post(reverse("learning:lesson_publish", args=[pk]), {"published": "0"})
    assert publish.status_code == 403
    assert client.post(reverse("learning:lesson_new"), form_data()).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="learning.").exists()
    assert Lesson.objects.get(pk=pk).published


def test_strangers_are_sent_to_the_login(client, studying):
    response = client.get(reverse("learning:manage"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_teachers_and_administrators_find_the_page_in_their_navigation(client, studying):
    for user in (testing.staff("teacher", roles.TEACHER), testing.administrator()):
        client.force_login(user)
        home = page(client.get(reverse("accounts:home")))
        assert "课程管理" in home and reverse("learning:manage") in home
        assert client.get(reverse("learning:manage")).status_code == 200
    client.force_login(studying["user"])
    assert "课程管理" not in page(client.get(reverse("accounts:home")))


def test_teachers_hold_the_lesson_permissions(studying):
    user = testing.staff("teacher", roles.TEACHER)
    assert user.has_perm("learning.add_lesson") and user.has_perm("learning.change_lesson")
    assert not user.has_perm("learning.delete_lesson")


def test_shared_points_list_only_points_of_several_subjects(studying):
    from carboncert.learning.forms import LessonForm

    choices = LessonForm().point_choices()
    counts = {p["name"]: p["subjects"] for p in choices["shared"]}
    assert counts["温室气体的影响"] == Subject.objects.count()
    assert all(n > 1 for n in counts.values())
    assert len(choices["subjects"]) == Subject.objects.count()
    assert ModulePoint.objects.filter(point=shared_point()).count() == Subject.objects.count()
