from django.urls import path

from . import views

app_name = "registration"
urlpatterns = [
    path("", views.institution_home, name="institution_home"),
    path("sittings/<str:day>/", views.sitting_dashboard, name="sitting_dashboard"),
    path("sittings/<str:day>/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("applications/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("applications/<int:pk>/ticket.pdf", views.ticket, name="ticket"),
    path("applications/<int:pk>/review-form.pdf", views.review_form, name="review_form"),
    path("sittings/<str:day>/tickets.zip", views.tickets_zip, name="tickets_zip"),
    path("sittings/<str:day>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("documents/<uuid:token>/", views.document_file, name="document_file"),
    path("template.xlsx", views.batch_template, name="batch_template"),
    path("sittings/<str:day>/batch/", views.batch_upload, name="batch_upload"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/import/", views.batch_import, name="batch_import"),
    path("batches/<int:pk>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("mine/", views.my_applications, name="mine"),
    path("apply/", views.self_apply_list, name="self_apply_list"),
    path("apply/<str:day>/", views.self_apply, name="self_apply"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/bulk-approve/", views.review_bulk_approve, name="review_bulk_approve"),
]
