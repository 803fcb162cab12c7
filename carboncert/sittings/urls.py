from django.urls import path

from . import views

app_name = "sittings"
urlpatterns = [
    path("", views.sitting_list, name="list"),
    path("<str:day>/", views.sitting_detail, name="detail"),
]
