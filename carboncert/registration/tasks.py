"""Batch work that may take a while: a worker runs it when one is configured, else it runs inline."""

from celery import shared_task


@shared_task
def check_batch(batch_id: int) -> None:
    from .importing import run_check

    run_check(batch_id)


@shared_task
def import_batch(batch_id: int, only_valid: bool, user_id: int) -> None:
    from carboncert.accounts.models import User

    from .importing import run_import

    run_import(batch_id, only_valid=only_valid, by=User.objects.get(pk=user_id))
