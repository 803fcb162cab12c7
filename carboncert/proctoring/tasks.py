"""Face work off the request path: a Celery worker when one is configured, else a thread of
the web process (one at a time, jobs.SERIAL), inline in tests."""

from celery import shared_task


@shared_task
def enrol_photo(application_id: int) -> None:
    from carboncert.registration.models import Application

    from .services import enrol

    application = Application.objects.filter(pk=application_id).first()
    if application is not None:
        enrol(application)


@shared_task(acks_late=True)
def analyse_snapshot(snapshot_id: int) -> None:
    from .services import analyse_snapshot as analyse

    analyse(snapshot_id)
