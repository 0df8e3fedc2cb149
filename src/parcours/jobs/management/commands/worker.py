"""parcours worker: runs the background jobs (imports, exports, report files)."""

import os
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand

from parcours.jobs.daily import Heartbeat, ProviderRecheck, Scheduler
from parcours.jobs.services import WORKER, beat
from parcours.notify.outbox import Sender, deliver_due


class Command(BaseCommand):
    help = (
        "Run the jobs people ask for in the background (large imports and exports, report "
        "files), the daily work of PARCOURS_DAILY (reminders, retention, a backup), send "
        "the outbox's mails and re-check accounts with the single sign-on provider. Start "
        "one or more "
        "beside the web server, on any machine that reaches the database and the file root; "
        "each takes one job at a time. --batch runs what is queued and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument(
            "--worker-id",
            default=os.environ.get("PARCOURS_WORKER_ID", ""),
            help="the name the queue keeps of who ran a task (default: host and process)",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks at the queue"
        )

    def handle(self, *args, **options):
        worker_id = options["worker_id"] or f"{socket.gethostname()}-{os.getpid()}"[:64]
        WORKER["name"] = worker_id
        beat(worker_id)
        if not options["batch"]:
            Scheduler().start()
            Sender(worker_id).start()
            Heartbeat(worker_id).start()
            ProviderRecheck().start()
        # django-tasks-db's worker: it claims each task in a transaction of its own, so
        # several workers on one PostgreSQL never take the same task.
        call_command(
            "db_worker",
            batch=options["batch"],
            interval=options["interval"],
            reload=False,
            startup_delay=not options["batch"],
            verbosity=options["verbosity"],
            worker_id=worker_id,
        )
        if options["batch"]:
            deliver_due(worker_id)  # and what the tasks just queued to go out
