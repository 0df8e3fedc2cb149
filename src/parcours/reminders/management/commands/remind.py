"""parcours remind: the day's reminders and digests, now."""

from django.core.management.base import BaseCommand
from django.db import transaction

from parcours.reminders.remind import digests, remind


class Command(BaseCommand):
    help = (
        "Run the day's reminders (legal deadlines, overdue reviews and actions, quiet files, "
        "access alerts) and queue the daily digests, as the worker does each day at "
        "PARCOURS_REMIND_AT and PARCOURS_DIGEST_AT; say how many were queued, for whom, by case "
        "number. Twice the same day queues nothing twice. `parcours worker` sends the mails."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be queued; queue nothing"
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            told = remind()
            queued = digests()
            if options["dry_run"]:
                transaction.set_rollback(True)
        would = "would be " if options["dry_run"] else ""
        count = sum(len(v) for v in told.notifications.values())
        self.stdout.write(
            f"{count} notification(s) {would}queued, {told.mails} e-mail(s) at once, "
            f"{len(queued)} digest(s)."
        )
        for username, items in sorted(told.notifications.items()):
            self.stdout.write(f"  {username}: {', '.join(sorted(items))}")
        for username, n in sorted(queued.items()):
            self.stdout.write(f"  digest for {username}: {n} item(s)")
