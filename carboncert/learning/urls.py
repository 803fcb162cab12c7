from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.home, name="home"),
    path("course/<str:code>/", views.course_page, name="course"),
    path("course/<str:code>/lesson/<int:pk>/", views.lesson_page, name="lesson"),
    path("course/<str:code>/practice/", views.practice_home, name="practice"),
    path("course/<str:code>/practice/<int:point>/", views.practice_point, name="practice_point"),
    path("course/<str:code>/practice/answer/<int:question>", views.practice_answer,
         name="practice_answer"),  # fmt: skip
    path("course/<str:code>/mistakes/", views.mistakes, name="mistakes"),
    path("lesson/<int:pk>/file", views.lesson_file, name="lesson_file"),
    path("lesson/<int:pk>/report", views.report, name="report"),
]
