from django.urls import path

from . import authoring_views, institution_views, mock_views, views

app_name = "learning"
urlpatterns = [
    path("", views.home, name="home"),
    path("course/<str:code>/", views.course_page, name="course"),
    path("course/<str:code>/lesson/<int:pk>/", views.lesson_page, name="lesson"),
    path("course/<str:code>/practice/", views.practice_home, name="practice"),
    path("course/<str:code>/practice/<int:point>/", views.practice_point, name="practice_point"),
    path("course/<str:code>/answer/<int:question>", views.practice_answer, name="practice_answer"),
    path("course/<str:code>/mistakes/", views.mistakes, name="mistakes"),
    path("course/<str:code>/mocks/", mock_views.mock_list, name="mocks"),
    path("course/<str:code>/mocks/<int:pk>/", mock_views.mock_page, name="mock"),
    path("course/<str:code>/mocks/<int:pk>/result/", mock_views.mock_result, name="mock_result"),
    path("lesson/<int:pk>/file", views.lesson_file, name="lesson_file"),
    path("lesson/<int:pk>/report", views.report, name="report"),
    path("images/<uuid:token>.<str:extension>", views.lesson_image, name="image"),
    path("institution/", institution_views.progress, name="institution"),
    path("institution/export", institution_views.export, name="institution_export"),
    path("institution/remind", institution_views.remind, name="institution_remind"),
    path("manage/", authoring_views.manage, name="manage"),
    path("manage/lesson/new/", authoring_views.lesson_new, name="lesson_new"),
    path("manage/images", authoring_views.image_upload, name="image_upload"),
    path("manage/lesson/<int:pk>/", authoring_views.lesson_edit, name="lesson_edit"),
    path("manage/lesson/<int:pk>/preview/", authoring_views.lesson_preview, name="lesson_preview"),
    path(
        "manage/lesson/<int:pk>/file",
        authoring_views.lesson_preview_file,
        name="lesson_preview_file",
    ),
    path("manage/lesson/<int:pk>/publish", authoring_views.lesson_publish, name="lesson_publish"),
    path("manage/lesson/<int:pk>/move", authoring_views.lesson_move, name="lesson_move"),
]
