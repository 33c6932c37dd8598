import os
import socket
import time

from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from recruiting.tasks import prune_finished_tasks, recover_lost_work

HOUSEKEEPING_EVERY = 600  # seconds between two prunings of finished tasks


class Command(BaseCommand):
    help = (
        "Run the background worker: deliver the outbox's e-mails (retrying with back-off) "
        "and every other queued task. Any number may run at once, on any instance; each "
        "task runs once. Between rounds it queues again the tasks of a worker that died "
        "(TASK_LEASE_SECONDS) and deletes the records of tasks finished over a day ago. "
        "SIGTERM or Ctrl-C stops it after the current task."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when there is nothing to do (default: 1).",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run every task that is due now, then exit."
        )

    def handle(self, *, interval, batch, **options):
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}"
        pruned_at = None
        while True:
            recover_lost_work()
            if pruned_at is None or time.monotonic() - pruned_at > HOUSEKEEPING_EVERY:
                prune_finished_tasks()
                pruned_at = time.monotonic()
            # django-tasks-db's own worker, in rounds of at most 100 tasks, so that the
            # recovery above also runs while the queue never empties.
            worker = Worker(
                queue_names=["*"],
                excluded_queue_names=[],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=100,
                worker_id=worker_id,
            )
            worker.configure_signals()
            worker.run()
            if not worker.running:  # asked to stop during a task
                return
            if batch:
                if not DBTaskResult.objects.ready().exists():
                    return
            else:
                time.sleep(interval)  # a signal here ends the process (Worker.shutdown)
