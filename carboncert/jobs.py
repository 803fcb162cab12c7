"""Start a long job after the current transaction commits, wherever jobs run here.

Celery workers when a broker is configured; otherwise a thread of the web
process (the embedded default: the page polls the job's progress meanwhile);
inline in tests, so they can look at the result at once.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, transaction

# Many small CPU-bound jobs (a face model run per snapshot) queue for one thread rather than
# each taking a thread of their own and all of the web process's CPU at once.
_serial = ThreadPoolExecutor(max_workers=1, thread_name_prefix="serial-job")


def enqueue(task, *args, serial: bool = False) -> None:
    transaction.on_commit(lambda: _start(task, *args, serial=serial))


def _start(task, *args, serial: bool = False) -> None:
    if settings.TASK_RUNNER == "celery":
        task.delay(*args)
    elif settings.TASK_RUNNER == "inline":
        task.apply(args=args, throw=True)
    elif serial:
        _serial.submit(_in_thread, task, *args)
    else:
        threading.Thread(target=_in_thread, args=(task, *args), daemon=True).start()


def _in_thread(task, *args) -> None:
    close_old_connections()
    try:
        task.apply(args=args, throw=True)
    finally:
        close_old_connections()
