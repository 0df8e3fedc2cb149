from django.core.management.base import BaseCommand

from parcours.rights import retention


class Command(BaseCommand):
    help = (
        "Erase every closed, declined or withdrawn file whose project's retention period has "
        "passed and that no coordinator holds (as an erasure on request: personal values and "
        "files go, dates and coded answers stay). Idempotent; audited. --dry-run lists them "
        "only. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, erase nothing")

    def handle(self, *args, dry_run, **options):
        files = retention.due() if dry_run else retention.apply()
        verb = "would erase" if dry_run else "erased"
        for expiry in files:
            family = expiry.family
            self.stdout.write(
                f"{family.case_number or family.pk} ({family.project.slug}): ended "
                f"{expiry.ended_on}, kept until {expiry.expires_on}: {verb}"
            )
        self.stdout.write(f"{len(files)} file(s) {verb}.")
