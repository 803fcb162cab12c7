from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/keys.json", views.public_keys, name="keys"),
    path("v/<str:token>", views.scan, name="scan"),
    path("certificates/", views.mine, name="mine"),
    path("certificates/<str:number>.pdf", views.download, name="pdf"),
    path("certificates/<str:number>.json", views.credential, name="credential"),
    path("certificates/institution/", views.institution, name="institution"),
    path("certificates/institution/<int:sitting_pk>.zip", views.institution_zip, name="zip"),
    path("certificates/manage/", views.manage, name="manage"),
    path("certificates/manage/sittings/<int:pk>/issue/", views.issue_sitting, name="issue_sitting"),
    path("certificates/manage/<str:number>/", views.detail, name="detail"),
    path("certificates/manage/<str:number>/revoke/", views.revoke, name="revoke"),
    path("certificates/manage/<str:number>/reissue/", views.reissue, name="reissue"),
]
