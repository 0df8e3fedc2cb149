from django.core.management.base import BaseCommand, CommandError

from parcours.privacy.crypto import DecryptionError
from parcours.privacy.files import rotate as rotate_files
from parcours.privacy.rotation import rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored personal value with the first key of PARCOURS_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then remove the old keys."
    )

    def handle(self, *args, **options):
        try:
            changed = rotate()
            files = rotate_files()
        except DecryptionError as error:
            raise CommandError(f"a stored value cannot be decrypted: {error}") from None
        for label, count in changed.items():
            self.stdout.write(f"{label}: {count} row(s) re-encrypted")
        self.stdout.write(f"files: {files} re-encrypted")
