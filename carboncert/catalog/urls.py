from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.programme, name="programme"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("specialties/<str:code>/", views.specialty, name="specialty"),
    path("subjects/<str:code>/", views.subject, name="subject"),
]
