from django.urls import path

from . import views

app_name = "grading"

urlpatterns = [
    path("mark/", views.workbench, name="workbench"),
    path("mark/<int:pk>/", views.mark, name="mark"),
    path("arbitration/", views.arbitration, name="arbitration"),
    path("arbitration/<int:pk>/", views.arbitrate, name="arbitrate"),
    path("progress/", views.progress, name="progress"),
    path("statistics/<int:pk>/", views.statistics, name="statistics"),
    path("key/<int:version_pk>/", views.correct_key, name="correct_key"),
    path("mine/", views.my_results, name="mine"),
    path("mine/<int:pk>/review/", views.request_review, name="request_review"),
    path("lookup/", views.lookup, name="lookup"),
    path("institution/", views.institution_results, name="institution"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review_decide, name="review_decide"),
]
