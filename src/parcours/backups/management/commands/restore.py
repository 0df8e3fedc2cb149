from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.backups import archive
from parcours.backups.sealing import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database and files folder (refused otherwise), then "
        "check it: every table's row count against the manifest, a sample of values and files "
        "decrypted, the audit chain. Needs the secret backup key and the field keys of the "
        "server that made it. Run it for a monthly restore drill too (docs/operators.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="ARCHIVE")

    def handle(self, *args, path: str, **options):
        try:
            done = archive.restore(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for line in done:
            self.stdout.write(line)
