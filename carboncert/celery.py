"""Celery application. With no REDIS_URL (the embedded default) tasks run inline."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carboncert.settings")

app = Celery("carboncert")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
