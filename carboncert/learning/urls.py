from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.home, name="home"),
    path("course/<str:code>/", views.course_page, name="course"),
    path("course/<str:code>/lesson/<int:pk>/", views.lesson_page, name="lesson"),
    path("lesson/<int:pk>/file", views.lesson_file, name="lesson_file"),
    path("lesson/<int:pk>/report", views.report, name="report"),
]
