from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from carboncert.web import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .models import Application, Bill, BillLine, Document, Payment, SubjectFee


@admin.register(SubjectFee)
class SubjectFeeAdmin(admin.ModelAdmin):
    list_display = ["subject", "amount"]
    list_editable = ["amount"]


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["kind", "content_type", "size", "uploaded_at"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Read-only here: every change goes through the pages that call the services."""

    list_display = [
        "name",
        "masked_id",
        "subject",
        "sitting",
        "institution",
        "status",
        "ticket_number",
    ]
    list_filter = ["status", "sitting", "subject", "institution"]
    search_fields = ["person__name", "=person__id_number", "=ticket_number"]
    list_select_related = [
        "person",
        "subject__specialty",
        "subject__level",
        "sitting",
        "institution",
    ]
    inlines = [DocumentInline]

    @admin.display(description=_("姓名"), ordering="person__name")
    def name(self, obj):
        return obj.person.name

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return obj.person.masked_id_number


class BillLineInline(ReadOnlyInline):
    model = BillLine
    fields = ["application", "amount", "paid_at"]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["amount", "paid_on", "reference", "recorded_by", "recorded_at"]


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = ["number", "institution", "sitting", "total", "paid", "due"]
    list_filter = ["sitting", "institution"]
    inlines = [BillLineInline, PaymentInline]
    readonly_fields = ["number", "institution", "sitting", "created_at"]

    def _balance(self, obj, key):
        return services.bill_balance(obj)[key]

    @admin.display(description=_("应缴（元）"))
    def total(self, obj):
        return self._balance(obj, "total")

    @admin.display(description=_("已缴（元）"))
    def paid(self, obj):
        return self._balance(obj, "paid")

    @admin.display(description=_("欠缴（元）"))
    def due(self, obj):
        return self._balance(obj, "due")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["bill", "amount", "paid_on", "reference"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("bill"):
            for problem in services.payment_problems(
                cleaned["bill"],
                cleaned.get("amount"),
                cleaned.get("paid_on"),
                cleaned.get("reference"),
            ):
                self.add_error(None, problem)
        return cleaned


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    form = PaymentForm
    list_display = ["bill", "amount", "paid_on", "reference", "recorded_by", "recorded_at"]
    list_filter = ["bill__sitting"]

    def save_model(self, request, obj, form, change):
        # Recording money is a service: it matches the payment to bill lines and admits them.
        payment = services.record_payment(
            obj.bill, obj.amount, obj.paid_on, obj.reference, by=request.user
        )
        obj.pk = payment.pk

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
