from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from carboncert.accounts import roles
from carboncert.catalog.models import KnowledgePoint, Subject, SyllabusModule
from carboncert.web import XLSX, attachment, role_required

from . import assembly, interchange, papers, services, spreadsheet
from .forms import BlueprintForm, ImportForm, QuestionForm
from .items import OPTION_KEYS, QuestionType, evaluate, midpoint_values, render_stem, stem_key
from .models import TYPE_CHOICES, Paper, Question

EDITORS = (roles.QUESTION_EDITOR, roles.ADMINISTRATOR)


editor_required = role_required(*EDITORS)


@editor_required
def question_list(request):
    questions = Question.objects.select_related("knowledge_point", "current")
    subject = Subject.objects.filter(code=request.GET.get("subject", "")).first()
    if subject:
        questions = questions.filter(knowledge_point__modules__subject=subject).distinct()
    module = request.GET.get("module", "")
    if module.isdigit():
        questions = questions.filter(knowledge_point__modules=module).distinct()
    usage = request.GET.get("usage")
    if usage in ("used", "unused"):
        questions = (
            questions.filter(versions__used=True).distinct()
            if usage == "used"
            else questions.exclude(versions__used=True)
        )
    filters = {
        "knowledge_point_id": request.GET.get("kp"),
        "type": request.GET.get("type"),
        "difficulty": request.GET.get("difficulty"),
        "status": request.GET.get("status"),
    }
    for field, value in filters.items():
        if value and value.isalnum():
            questions = questions.filter(**{field: value})
    pool = request.GET.get("pool")
    if pool in ("exam", "practice"):
        questions = questions.filter(practice=pool == "practice")
    text = request.GET.get("q", "").strip()
    if text:
        # The stored key drops spacing and punctuation, so a search ignores them too.
        questions = questions.filter(stem_key__contains=stem_key(text))
    page = Paginator(questions.order_by("-updated_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "bank/question_list.html",
        {
            "page": page,
            "subjects": Subject.objects.select_related("specialty", "level"),
            "modules": SyllabusModule.objects.filter(subject=subject) if subject else [],
            "points": KnowledgePoint.objects.order_by("name"),
            "types": TYPE_CHOICES,
            "statuses": Question.Status.choices,
            "selected": request.GET,
        },
    )


@editor_required
def question_new(request):
    form = QuestionForm(request.POST or None, initial={"knowledge_point": request.GET.get("kp")})
    if request.method == "POST" and form.is_valid():
        try:
            question = services.create_question(
                form.cleaned_data["knowledge_point"],
                form.cleaned_item,
                by=request.user,
                practice=form.cleaned_data["practice"],
            )
        except services.BankError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "试题已保存为草稿。")
            return redirect("bank:question", pk=question.pk)
    return render(request, "bank/question_form.html", {"form": form})


@editor_required
def question_edit(request, pk):
    question = get_object_or_404(Question.objects.select_related("current"), pk=pk)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the content and the pool change together, or neither
                services.edit_question(
                    question,
                    form.cleaned_item,
                    by=request.user,
                    knowledge_point=form.cleaned_data["knowledge_point"],
                )
                services.set_pool(question, form.cleaned_data["practice"], by=request.user)
        except services.BankError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "试题已更新。")
            return redirect("bank:question", pk=question.pk)
    return render(request, "bank/question_form.html", {"form": form, "question": question})


@editor_required
def question_detail(request, pk):
    question = get_object_or_404(
        Question.objects.select_related("knowledge_point", "current", "author", "reviewer"), pk=pk
    )
    item = question.current.item
    values = midpoint_values(item)
    answer = None
    if item.type is QuestionType.NUMERIC:
        answer = evaluate(item.formula, {k: float(v) for k, v in values.items()})
    return render(
        request,
        "bank/question_detail.html",
        {
            "question": question,
            "item": item,
            "stem": render_stem(item, values),
            "options": list(zip(OPTION_KEYS, item.options, strict=False)),
            "values": values,
            "answer": answer,
            "versions": question.versions.order_by("-number"),
            "moves": [(to, Question.Status(to).label) for to in Question.MOVES[question.status]],
        },
    )


@editor_required
@require_POST
def question_move(request, pk):
    question = get_object_or_404(Question, pk=pk)
    try:
        services.move(
            question,
            request.POST.get("to", ""),
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    except (services.BankError, KeyError, ValueError) as error:
        messages.error(
            request, str(error) if isinstance(error, services.BankError) else "无效的操作。"
        )
    else:
        messages.success(request, "试题状态已更新。")
    return redirect("bank:question", pk=pk)


@editor_required
@require_POST
def question_pool(request, pk):
    question = get_object_or_404(Question, pk=pk)
    practice = request.POST.get("practice") == "1"
    try:
        services.set_pool(question, practice, by=request.user)
    except services.BankError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "试题已改为练习题。" if practice else "试题已改为考试题。")
    return redirect("bank:question", pk=pk)


# --- import and export ---------------------------------------------------------------


def _filtered(request):
    questions = Question.objects.select_related("knowledge_point", "current")
    subject = Subject.objects.filter(code=request.GET.get("subject", "")).first()
    if subject:
        questions = questions.filter(knowledge_point__modules__subject=subject).distinct()
    for field, key in (("status", "status"), ("type", "type")):
        value = request.GET.get(key)
        if value and value.isalnum():
            questions = questions.filter(**{field: value})
    return questions.order_by("pk")


@editor_required
def export_xlsx(request):
    rows = [(q.knowledge_point.name, q.current.item, None) for q in _filtered(request)]
    return attachment(spreadsheet.write(rows), "试题导出.xlsx", XLSX)


@editor_required
def template_xlsx(request):
    return attachment(spreadsheet.write([]), "试题导入模板.xlsx", XLSX)


EXPORTS = {
    "moodle": ("试题.xml", "application/xml"),
    "gift": ("试题.gift.txt", "text/plain; charset=utf-8"),
    "qti": ("试题_qti21.zip", "application/zip"),
}


@editor_required
def export_format(request, fmt):
    if fmt not in EXPORTS:
        raise Http404
    questions = [
        interchange.Exchanged(q.current.item, q.knowledge_point.name, name=f"#{q.pk}")
        for q in _filtered(request)
    ]
    if fmt == "moodle":
        content = interchange.write_moodle_xml(questions)
    elif fmt == "gift":
        content = interchange.write_gift(questions)[0].encode()
    else:
        content = interchange.write_qti_package(questions)[0]
    filename, content_type = EXPORTS[fmt]
    return attachment(content, filename, content_type)


def _read_upload(name: str, data: bytes, known_points: set[str]):
    """Any supported file as spreadsheet-style rows and problems, by what the file is."""
    if data[:2] == b"PK" and name.lower().endswith(".xlsx"):
        return spreadsheet.parse(
            data, knowledge_points=known_points, existing_stems=services.bank_stems()
        )
    if name.lower().endswith(".xml"):
        result = interchange.read_moodle_xml(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return spreadsheet.Parsed(
                [], [spreadsheet.Problem(0, "", "", "GIFT 文件应为 UTF-8 编码的文本")]
            )
        result = interchange.read_gift(text)
    rows, problems = [], [spreadsheet.Problem(0, "说明", "", p) for p in result.problems]
    existing = services.bank_stems()
    for n, q in enumerate(result.questions, start=1):
        label = q.name or q.item.stem[:20]
        if q.knowledge_point not in known_points:
            problems.append(
                spreadsheet.Problem(
                    n, "知识点", "", f"「{label}」的知识点“{q.knowledge_point}”不在考试大纲中"
                )
            )
        elif stem_key(q.item.stem) in existing:
            problems.append(
                spreadsheet.Problem(n, "题干", "", f"「{label}」：题库中已有相同题干的试题")
            )
        else:
            rows.append(spreadsheet.QuestionRow(n, q.knowledge_point, q.item, q.points))
    return spreadsheet.Parsed(rows, problems)


@editor_required
def import_xlsx(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if getattr(request, "upload_refused", False):
        messages.error(request, "上传的文件过大。")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        parsed = _read_upload(
            upload.name, upload.read(), set(KnowledgePoint.objects.values_list("name", flat=True))
        )
        imported = []
        # Notes on lossy conversions (column 说明) inform; they do not block an import.
        blocking = [p for p in parsed.problems if p.column != "说明"]
        file_level = any(p.row == 0 for p in blocking)
        if parsed.rows and not file_level and (not blocking or form.cleaned_data["only_valid"]):
            imported = services.import_rows(parsed.rows, by=request.user)
        report = {"parsed": parsed, "imported": imported, "blocking": blocking}
    return render(request, "bank/import.html", {"form": form, "report": report})


# --- blueprints and papers -----------------------------------------------------------


@editor_required
def blueprint_list(request):
    subjects = Subject.objects.select_related("specialty", "level")
    rows = [(subject, papers.readiness(subject)) for subject in subjects]
    return render(request, "bank/blueprint_list.html", {"rows": rows})


@editor_required
def blueprint_detail(request, code):
    subject = get_object_or_404(Subject.objects.select_related("specialty", "level"), code=code)
    row = papers.blueprint_row(subject)
    form = BlueprintForm(request.POST if "sections_text" in request.POST else None, instance=row)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, "组卷方案已保存。")
        return redirect("bank:blueprint", code=code)
    names = papers.module_names(subject)
    bank = papers.bank_of(subject)
    types = [t for t in QuestionType]
    availability = [
        (name, [sum(1 for e in bank if m in e.modules and e.type is t) for t in types])
        for m, name in enumerate(names)
    ]
    problems = papers.readiness(subject)
    if request.method == "POST" and "forms" in request.POST and not problems:
        count = request.POST.get("forms", "")
        made = (
            papers.build_forms(subject, int(count))
            if count.isdigit() and 1 <= int(count) <= 26
            else []
        )
        if made:
            messages.success(request, f"已生成固定试卷 {'、'.join(p.label for p in made)}。")
        else:
            messages.error(request, "固定试卷的份数应为 1 到 26。")
        return redirect("bank:blueprint", code=code)
    report = None
    if not problems:
        built = papers.assembler(subject)
        sample = [built.paper(seed) for seed in range(100)]
        report = assembly.exposure_report(sample, papers.blueprint_of(subject))
    return render(
        request,
        "bank/blueprint_detail.html",
        {
            "subject": subject,
            "form": form,
            "types": types,
            "availability": availability,
            "problems": problems,
            "report": report,
            "names": names,
            "stored": papers.stored_report(subject),
            "forms": Paper.objects.filter(subject=subject, purpose=Paper.Purpose.FORM)[:26],
        },
    )
