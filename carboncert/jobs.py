"""Start a long job after the current transaction commits, wherever jobs run here.

Celery workers when a broker is configured; otherwise a thread of the web
process (the embedded default: the page polls the job's progress meanwhile);
inline in tests, so they can look at the result at once.
"""

import threading

from django.conf import settings
from django.db import close_old_connections, transaction


def enqueue(task, *args) -> None:
    transaction.on_commit(lambda: _start(task, *args))


def _start(task, *args) -> None:
    if settings.TASK_RUNNER == "celery":
        task.delay(*args)
    elif settings.TASK_RUNNER == "inline":
        task.apply(args=args, throw=True)
    else:
        threading.Thread(target=_in_thread, args=(task, *args), daemon=True).start()


def _in_thread(task, *args) -> None:
    close_old_connections()
    try:
        task.apply(args=args, throw=True)
    finally:
        close_old_connections()
