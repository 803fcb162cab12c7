from django.urls import path

from . import views

app_name = "exams"
urlpatterns = [
    path("login/", views.exam_login, name="login"),
    path("", views.attempt_page, name="attempt"),
    path("proctor/", views.proctor, name="proctor"),  # an old bookmark
]
