import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carboncert.settings")
django_application = get_wsgi_application()

from carboncert.exams.hotpath import ExamHotPath  # noqa: E402  (needs Django set up)

# Exam-day saves, heartbeats and snapshots are answered in front of Django (hotpath.py).
application = ExamHotPath(django_application)
