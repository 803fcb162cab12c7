from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from carboncert.accounts import roles
from carboncert.catalog.models import KnowledgePoint, Subject

from . import services
from .forms import QuestionForm
from .items import OPTION_KEYS, QuestionType, evaluate, midpoint_values, render_stem, stem_key
from .models import TYPE_CHOICES, Question

EDITORS = (roles.QUESTION_EDITOR, roles.ADMINISTRATOR)


def editor_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not any(request.user.has_role(r) for r in EDITORS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@editor_required
def question_list(request):
    questions = Question.objects.select_related("knowledge_point", "current")
    subject = Subject.objects.filter(code=request.GET.get("subject", "")).first()
    if subject:
        questions = questions.filter(knowledge_point__modules__subject=subject).distinct()
    filters = {
        "knowledge_point_id": request.GET.get("kp"),
        "type": request.GET.get("type"),
        "difficulty": request.GET.get("difficulty"),
        "status": request.GET.get("status"),
    }
    for field, value in filters.items():
        if value and value.isalnum():
            questions = questions.filter(**{field: value})
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
                form.cleaned_data["knowledge_point"], form.cleaned_item, by=request.user
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
            services.edit_question(
                question,
                form.cleaned_item,
                by=request.user,
                knowledge_point=form.cleaned_data["knowledge_point"],
            )
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
