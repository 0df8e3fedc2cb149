from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.backups import archive
from parcours.backups.sealing import BackupError


class Command(BaseCommand):
    help = (
        "Check a backup without restoring it: it opens with PARCOURS_BACKUP_KEY (the secret "
        "key), every member matches its SHA-256 in the manifest, and the database dump opens. "
        "Needs no field keys and no database, so it can run on the machine that keeps the copies."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="ARCHIVE")

    def handle(self, *args, path: str, **options):
        try:
            manifest = archive.verify(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{path}: intact. Made {manifest['made_at']} by Parcours {manifest['parcours']} "
            f"({manifest['engine']}); {len(manifest['members'])} member(s) match their hashes; "
            f"{sum(manifest['tables'].values()):,} rows in {len(manifest['tables'])} tables."
        )
