from django.urls import path

from . import views

app_name = "bank"
urlpatterns = [
    path("", views.question_list, name="questions"),
    path("new/", views.question_new, name="question_new"),
    path("<int:pk>/", views.question_detail, name="question"),
    path("<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("<int:pk>/move/", views.question_move, name="question_move"),
    path("<int:pk>/pool/", views.question_pool, name="question_pool"),
    path("import/", views.import_xlsx, name="import"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("template.xlsx", views.template_xlsx, name="template_xlsx"),
    path("export/<str:fmt>/", views.export_format, name="export"),
    path("blueprints/", views.blueprint_list, name="blueprints"),
    path("blueprints/<str:code>/", views.blueprint_detail, name="blueprint"),
]
