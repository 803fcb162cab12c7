"""Study reminders go out off the request path: an SMS gateway may take a second each."""

from celery import shared_task


@shared_task
def send_reminders(reminder_ids: list[int]) -> int:
    from .institution import send

    return send(reminder_ids)
