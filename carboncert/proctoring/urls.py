from django.urls import path

from . import views

app_name = "proctoring"
urlpatterns = [
    path("console/", views.console_index, name="console_index"),
    path("console/<int:pk>/", views.sitting_console, name="console"),
    path("console/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("console/<int:pk>/identity/", views.identity_queue, name="identity"),
    path("identity/<int:pk>/decide/", views.decide_identity, name="decide_identity"),
    path("attempts/<int:pk>/", views.candidate, name="candidate"),
    path("attempts/<int:pk>/extra-time/", views.extra_time, name="extra_time"),
    path("attempts/<int:pk>/message/", views.send_message, name="message"),
    path("attempts/<int:pk>/end/", views.end_attempt, name="end"),
    path("attempts/<int:pk>/clear-flags/", views.clear_flags, name="clear_flags"),
    path("attempts/<int:attempt_pk>/open-case/", views.open_case, name="open_case"),
    path("attempts/<int:attempt_pk>/photo.jpg", views.application_photo, name="photo"),
    path("snapshots/<int:pk>.jpg", views.snapshot_image, name="snapshot"),
    path("identity/<int:pk>.jpg", views.identity_image, name="identity_image"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/decide/", views.decide, name="decide"),
]
