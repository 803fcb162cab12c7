from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from carboncert.api import api

admin.site.site_header = _("双碳岗位能力考核平台 · 管理后台")
admin.site.site_title = _("管理后台")
admin.site.index_title = _("管理")

urlpatterns = [
    path("", include("carboncert.catalog.urls")),
    path("sittings/", include("carboncert.sittings.urls")),
    path("accounts/", include("carboncert.accounts.urls")),
    path("registration/", include("carboncert.registration.urls")),
    path("bank/", include("carboncert.bank.urls")),
    path("learning/", include("carboncert.learning.urls")),
    path("exam/", include("carboncert.exams.urls")),
    path("proctoring/", include("carboncert.proctoring.urls")),
    path("results/", include("carboncert.grading.urls")),
    path("", include("carboncert.certificates.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
