from django.core.management.base import BaseCommand

from parcours.privacy.keys import new_key


class Command(BaseCommand):
    help = (
        "Print a new random 256-bit key for PARCOURS_ENCRYPTION_KEYS or "
        "PARCOURS_BLIND_INDEX_KEY, PARCOURS_NETWORK_KEY or PARCOURS_EXPORT_SECRET. Nothing is "
        "stored."
    )

    def handle(self, *args, **options):
        self.stdout.write(new_key())
