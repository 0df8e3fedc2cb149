from django.core.management.base import BaseCommand, CommandError

from parcours.privacy import audit


class Command(BaseCommand):
    help = (
        "Check the audit trail's chain from its first row to its last: names the first row "
        "that was changed, or that follows a removed or inserted row, and exits non-zero. "
        "Note the last link it prints somewhere else (a ticket, a notebook): a trail cut short "
        "after that link then shows too."
    )

    def handle(self, *args, **options):
        checked, broken, last = audit.verify()
        if broken is not None:
            raise CommandError(
                f"The audit trail is broken at row {broken.pk} ({broken.at:%Y-%m-%d %H:%M:%S}, "
                f"{broken.action} {broken.object_type}): that row was changed, or a row before "
                f"it was removed or inserted. {checked} row(s) before it are intact; the last "
                f"intact link is {last}."
            )
        self.stdout.write(f"{checked} row(s) checked: the chain is intact. Last link: {last}")
