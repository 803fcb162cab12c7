from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import idcard
from .models import Institution, Person, User


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "contact_name", "contact_phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_id", "gender", "birth_date", "phone"]
    search_fields = ["name", "=id_number", "phone"]
    readonly_fields = ["gender", "birth_date", "created_at"]

    @admin.display(description=_("身份证号码"), ordering="id_number")
    def masked_id(self, obj):
        return obj.masked_id_number

    def get_search_results(self, request, queryset, search_term):
        # Staff type a lower-case x as often as an upper-case one.
        return super().get_search_results(
            request, queryset, idcard.normalize(search_term) or search_term
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username_masked", "full_name", "institution", "roles", "is_active"]
    list_filter = ["groups", "institution", "is_staff", "is_active"]
    search_fields = ["=username", "full_name", "phone"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email", "institution", "person")}),
        (
            _("角色与权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    raw_id_fields = ["person"]

    @admin.display(description=_("用户名"), ordering="username")
    def username_masked(self, obj):
        # Candidates log in with their ID number; lists show it masked.
        try:
            return idcard.mask(idcard.validate(obj.username))
        except idcard.IdNumberError:
            return obj.username

    @admin.display(description=_("角色"))
    def roles(self, obj):
        return "、".join(obj.role_labels)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
