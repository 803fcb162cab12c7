import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carboncert.settings")
django_application = get_wsgi_application()

from carboncert.exams.hotpath import ExamHotPath  # noqa: E402  (needs Django set up)

# Exam-day saves and heartbeats are answered in front of Django's middleware (hotpath.py).
application = ExamHotPath(django_application)
