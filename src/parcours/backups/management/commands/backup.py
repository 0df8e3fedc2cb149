from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.backups import archive
from parcours.backups.sealing import BackupError


class Command(BaseCommand):
    help = (
        "Write one sealed backup archive: a consistent snapshot of the database (SQLite online "
        "backup, or pg_dump), every sealed file and a manifest of SHA-256 hashes, encrypted for "
        "PARCOURS_BACKUP_KEY. Never the keys. The server keeps running. Audited. Example: "
        "parcours backup -o /var/backups/parcours/$(date +%F).parcours-backup"
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the archive (a new file)")

    def handle(self, *args, output, **options):
        try:
            made = archive.create(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = made.manifest
        files = sum(1 for name in manifest["members"] if name.startswith(archive.FILES))
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Wrote {made.path} ({made.path.stat().st_size:,} bytes): the {manifest['engine']} "
            f"database ({len(manifest['tables'])} tables, {rows:,} rows) and {files} sealed "
            f"file(s).\nSHA-256 {made.sha256}"
        )
