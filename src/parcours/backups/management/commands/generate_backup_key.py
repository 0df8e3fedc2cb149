from django.core.management.base import BaseCommand

from parcours.backups.sealing import new_identity


class Command(BaseCommand):
    help = (
        "Print a new backup key pair for PARCOURS_BACKUP_KEY (age, X25519): the server gets "
        "the public line and can then write backups it cannot read; the secret line stays "
        "offline until verify-backup or restore. Nothing is stored."
    )

    def handle(self, *args, **options):
        secret, public = new_identity()
        self.stdout.write(
            "# PARCOURS_BACKUP_KEY for the server (writes backups, cannot read them):\n"
            f"{public}\n"
            "# The secret key: keep it offline (a password manager, a sealed envelope); "
            "verify-backup and restore need it:\n"
            f"{secret}"
        )
