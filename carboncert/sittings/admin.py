import datetime

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import GenerateForm, SittingAdminForm
from .models import CalendarDay, CalendarYear, Sitting, SittingDefaults
from .timeline import date_warnings


@admin.register(SittingDefaults)
class SittingDefaultsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not SittingDefaults.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect(
            reverse("admin:sittings_sittingdefaults_change", args=[SittingDefaults.load().pk])
        )


@admin.register(Sitting)
class SittingAdmin(admin.ModelAdmin):
    form = SittingAdminForm
    change_list_template = "admin/sittings/sitting/change_list.html"
    actions = ["add_system_test", "add_makeup"]
    list_display = [
        "date",
        "kind",
        "slot",
        "registration_closes_at",
        "results_display",
        "certificates_display",
        "warnings_display",
    ]
    list_filter = ["kind", "slot_year"]
    date_hierarchy = "date"
    filter_horizontal = ["subjects"]
    readonly_fields = [
        "slot_year",
        "slot_month",
        *services.TIMELINE_FIELDS,
    ]
    fieldsets = (
        (None, {"fields": ("date", "slot_year", "slot_month", "subjects", "change_reason")}),
        (
            _("规则"),
            {"fields": Sitting.RULE_FIELDS},
        ),
        (_("时间表（按规则和工作日日历计算）"), {"fields": services.TIMELINE_FIELDS}),
    )

    @admin.display(description=_("批次"))
    def slot(self, obj):
        return f"{obj.slot_year}年{obj.slot_month}月"

    @admin.display(description=_("成绩查询"), ordering="results_on")
    def results_display(self, obj):
        return obj.results_on or _("待录入%(y)s年节假日安排") % {"y": obj.pending_years_text}

    @admin.display(description=_("证书颁发"), ordering="certificates_on")
    def certificates_display(self, obj):
        return obj.certificates_on or _("待录入%(y)s年节假日安排") % {"y": obj.pending_years_text}

    @admin.display(description=_("提醒"))
    def warnings_display(self, obj):
        return "；".join(date_warnings(obj.date, self._calendar)) or "—"

    def get_changelist(self, request, **kwargs):
        self._calendar = services.working_calendar()
        return super().get_changelist(request, **kwargs)

    def has_add_permission(self, request):
        # Sittings come from the programme rule; an exception is a move, not a new row.
        return False

    @admin.action(description=_("为所选考试添加考前测试（按时间表中的考前测试日）"))
    def add_system_test(self, request, queryset):
        for main in queryset.filter(kind=Sitting.Kind.REGULAR):
            try:
                services.add_satellite(
                    main, Sitting.Kind.TEST, main.system_test_on, by=request.user
                )
            except services.SittingMoveError as error:
                messages.error(request, f"{main}：{error}")
            else:
                messages.success(
                    request, f"{main}：已添加 {main.system_test_on:%Y-%m-%d} 考前测试。"
                )

    @admin.action(description=_("为所选考试添加补考（下一个星期六）"))
    def add_makeup(self, request, queryset):
        for main in queryset.filter(kind=Sitting.Kind.REGULAR):
            day = main.date + datetime.timedelta(days=7)
            try:
                services.add_satellite(main, Sitting.Kind.MAKEUP, day, by=request.user)
            except services.SittingMoveError as error:
                messages.error(request, f"{main}：{error}")
            else:
                messages.success(
                    request, f"{main}：已添加 {day:%Y-%m-%d} 补考，可在“补考资格”中批准考生。"
                )

    def get_urls(self):
        return [
            path(
                "generate/",
                self.admin_site.admin_view(self.generate_view),
                name="sittings_sitting_generate",
            ),
            *super().get_urls(),
        ]

    def generate_view(self, request):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        form = GenerateForm(request.POST or None)
        results = None
        if request.method == "POST" and form.is_valid():
            results = services.generate_sittings(form.cleaned_data["year"], by=request.user)
            created = sum(r.created for r in results)
            messages.success(
                request,
                _("%(year)s年：新建%(created)s个考试批次，已存在%(kept)s个。")
                % {
                    "year": form.cleaned_data["year"],
                    "created": created,
                    "kept": len(results) - created,
                },
            )
            for r in results:
                for warning in r.warnings:
                    messages.warning(request, f"{r.sitting}：{warning}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("按规则生成考试批次"),
            "form": form,
            "results": results,
        }
        return TemplateResponse(request, "admin/sittings/sitting/generate.html", context)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "")
        new_date = obj.date
        if change and "date" in form.changed_data:
            obj.date = form.initial["date"]
        services.save_rules(obj, by=request.user, reason=reason)
        if new_date != obj.date:
            try:
                warnings = services.move_sitting(obj, new_date, by=request.user, reason=reason)
            except services.SittingMoveError as error:
                messages.error(request, str(error))
                return
            obj.refresh_from_db()
            for warning in warnings:
                messages.warning(request, warning)


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    fields = ["day", "is_workday", "name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "day_count", "entered_at"]
    inlines = [CalendarDayInline]

    @admin.display(description=_("录入天数"))
    def day_count(self, obj):
        return obj.days.count()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = services.calendar_changed(form.instance, by=request.user)
        if changed:
            messages.info(
                request, _("已按新日历重新计算%(n)s个考试批次的时间表。") % {"n": changed}
            )

    def delete_model(self, request, obj):
        services.delete_calendar_year(obj, by=request.user)

    def has_delete_permission(self, request, obj=None):
        # Bulk deletion would skip the recalculation; delete one year at a time.
        return super().has_delete_permission(request, obj) and obj is not None
