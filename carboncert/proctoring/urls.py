from django.urls import path

from . import views

app_name = "proctoring"
urlpatterns = [
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/decide/", views.decide, name="decide"),
    path("attempts/<int:attempt_pk>/open-case/", views.open_case, name="open_case"),
]
