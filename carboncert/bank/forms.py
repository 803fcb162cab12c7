import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from carboncert.catalog.models import KnowledgePoint

from . import assembly
from .items import OPTION_KEYS, TYPE_LABELS, Criterion, Item, Option, Parameter, QuestionType
from .models import TYPE_CHOICES, Blueprint

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class QuestionForm(forms.Form):
    """A question as an editor writes it; `item()` gives the content the services store."""

    knowledge_point = forms.ModelChoiceField(
        label=_("考核知识点"), queryset=KnowledgePoint.objects.order_by("name")
    )
    type = forms.ChoiceField(label=_("题型"), choices=TYPE_CHOICES)
    difficulty = forms.TypedChoiceField(
        label=_("难度"), choices=[(n, str(n)) for n in range(1, 6)], coerce=int, initial=3
    )
    stem = forms.CharField(
        label=_("题干"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "计算题用 {参数名} 标出每位考生不同的数值，例如 {fc}。下标可直接输入：CO₂、CH₄、N₂O。"
        ),
    )
    reference_answer = forms.CharField(
        label=_("参考答案（简答题）"), required=False, widget=TEXTAREA
    )
    rubric = forms.CharField(
        label=_("评分标准（简答题）"),
        required=False,
        widget=TEXTAREA,
        help_text=_("每行一条：要点｜分值，例如：说明排放边界｜3"),
    )
    keywords = forms.CharField(label=_("关键词（简答题，用逗号分隔）"), required=False)
    parameters = forms.CharField(
        label=_("参数（计算题）"),
        required=False,
        widget=TEXTAREA,
        help_text=_("每行一个：名称,最小值,最大值,步长,单位，例如：fc,1000,5000,100,t"),
    )
    formula = forms.CharField(
        label=_("答案公式（计算题）"), required=False, help_text=_("例如：fc * ncv * cc * 44 / 12")
    )
    unit = forms.CharField(label=_("答案单位（计算题）"), required=False)
    tolerance_percent = forms.DecimalField(
        label=_("允许误差（%，计算题）"), required=False, min_value=0, max_value=50, initial=1
    )
    explanation = forms.CharField(label=_("解析（练习时显示）"), required=False, widget=TEXTAREA)
    practice = forms.BooleanField(
        label=_("练习题"),
        required=False,
        help_text=_("练习题向考生公开（知识点练习和模拟卷），不会出现在正式考试试卷中。"),
    )
    reference = forms.CharField(label=_("出处"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in OPTION_KEYS:
            self.fields[f"option_{key}"] = forms.CharField(label=_("选项 %s") % key, required=False)
            self.fields[f"correct_{key}"] = forms.BooleanField(
                label=_("%s 为正确答案") % key, required=False
            )

    def option_rows(self):
        return [(key, self[f"option_{key}"], self[f"correct_{key}"]) for key in OPTION_KEYS]

    def _rubric(self, text):
        criteria = []
        for n, line in enumerate(filter(None, (x.strip() for x in text.splitlines())), start=1):
            parts = re.split(r"[|｜]", line, maxsplit=1)
            description, points = parts if len(parts) == 2 else (line, "")
            try:
                criteria.append(Criterion(description.strip(), Decimal(points.strip())))
            except InvalidOperation:
                raise forms.ValidationError(
                    _("评分标准第 %(n)s 行应为“要点｜分值”。") % {"n": n}
                ) from None
        return tuple(criteria)

    def _parameters(self, text):
        parameters = []
        for n, line in enumerate(filter(None, (x.strip() for x in text.splitlines())), start=1):
            parts = [p.strip() for p in re.split(r"[,，]", line)]
            try:
                name, low, high, step = parts[:4]
                unit = parts[4] if len(parts) > 4 else ""
                if not re.fullmatch(r"[A-Za-z_]\w*", name):
                    raise ValueError
                parameters.append(Parameter(name, Decimal(low), Decimal(high), Decimal(step), unit))
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(
                    _("参数第 %(n)s 行应为“名称,最小值,最大值,步长,单位”，名称用英文字母。")
                    % {"n": n}
                ) from None
        return tuple(parameters)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kind = QuestionType(cleaned["type"])
        options = ()
        if kind.is_choice:
            options = tuple(
                Option(cleaned[f"option_{k}"].strip(), cleaned[f"correct_{k}"])
                for k in OPTION_KEYS
                if cleaned.get(f"option_{k}", "").strip()
            )
        try:
            item = Item(
                type=kind,
                stem=cleaned["stem"].strip(),
                options=options,
                reference_answer=cleaned.get("reference_answer", "").strip(),
                rubric=self._rubric(cleaned.get("rubric", "")),
                keywords=tuple(
                    k.strip()
                    for k in re.split(r"[,，、]", cleaned.get("keywords", ""))
                    if k.strip()
                ),
                parameters=self._parameters(cleaned.get("parameters", "")),
                formula=cleaned.get("formula", "").strip(),
                unit=cleaned.get("unit", "").strip(),
                tolerance_percent=cleaned.get("tolerance_percent") or Decimal(1),
                explanation=cleaned.get("explanation", "").strip(),
                difficulty=cleaned["difficulty"],
                reference=cleaned.get("reference", "").strip(),
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
            return cleaned
        for problem in item.problems():
            self.add_error(None, problem)
        self.cleaned_item = item
        return cleaned

    @classmethod
    def initial_for(cls, question) -> dict:
        item = question.current.item
        initial = {
            "knowledge_point": question.knowledge_point_id,
            "type": item.type.value,
            "difficulty": item.difficulty,
            "stem": item.stem,
            "reference_answer": item.reference_answer,
            "rubric": "\n".join(f"{c.description}｜{c.points}" for c in item.rubric),
            "keywords": "，".join(item.keywords),
            "parameters": "\n".join(
                f"{p.name},{p.low},{p.high},{p.step},{p.unit}" for p in item.parameters
            ),
            "formula": item.formula,
            "unit": item.unit,
            "tolerance_percent": item.tolerance_percent,
            "explanation": item.explanation,
            "reference": item.reference,
            "practice": question.practice,
        }
        for key, option in zip(OPTION_KEYS, item.options, strict=False):
            initial[f"option_{key}"] = option.text
            initial[f"correct_{key}"] = option.correct
        return initial


class ImportForm(forms.Form):
    workbook = forms.FileField(
        label=_("试题文件"),
        help_text=_("Excel（.xlsx，使用平台模板）、Moodle XML（.xml）或 GIFT（.txt/.gift）"),
    )
    only_valid = forms.BooleanField(
        label=_("有问题时，仍导入无误的行"),
        required=False,
        help_text=_("不勾选时，文件中只要有问题就不导入任何试题。"),
    )

    def clean_workbook(self):
        workbook = self.cleaned_data["workbook"]
        if workbook.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 20 MB。"))
        return workbook


class BlueprintForm(forms.ModelForm):
    """The mix of types as lines "题型,题数,每题分值", e.g. 单选题,30,1."""

    sections_text = forms.CharField(
        label=_("题型与分值"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一种题型：题型,题数,每题分值，例如：单选题,30,1。合计应为 100 分。"),
    )

    class Meta:
        model = Blueprint
        fields = ["difficulty_target"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections_text"].initial = "\n".join(
            f"{TYPE_LABELS[QuestionType(s['type'])]},{s['count']},{s['points']}"
            for s in self.instance.sections
        )

    def clean_sections_text(self):
        by_label = {label: kind for kind, label in TYPE_LABELS.items()}
        sections = []
        for n, line in enumerate(
            filter(None, (x.strip() for x in self.cleaned_data["sections_text"].splitlines())), 1
        ):
            parts = [p.strip() for p in re.split(r"[,，]", line)]
            if (
                len(parts) != 3
                or parts[0] not in by_label
                or not (parts[1].isdigit() and parts[2].isdigit())
            ):
                raise forms.ValidationError(
                    _("第 %(n)s 行应为“题型,题数,每题分值”，例如：单选题,30,1") % {"n": n}
                )
            sections.append(
                {"type": by_label[parts[0]].value, "count": int(parts[1]), "points": int(parts[2])}
            )
        problems = assembly.Blueprint(
            (100,),
            tuple(
                assembly.Section(QuestionType(s["type"]), s["count"], s["points"]) for s in sections
            ),
        ).problems()
        if problems:
            raise forms.ValidationError(
                [p.replace("各模块合计 100 分", "100 分") for p in problems]
            )
        return sections

    def save(self, commit=True):
        self.instance.sections = self.cleaned_data["sections_text"]
        return super().save(commit)
