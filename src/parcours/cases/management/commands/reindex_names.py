from django.core.management.base import BaseCommand

from parcours.cases.services import reindex_names


class Command(BaseCommand):
    help = "Rebuild the name search index; run after changing PARCOURS_BLIND_INDEX_KEY."

    def handle(self, *args, **options):
        self.stdout.write(f"{reindex_names()} person(s) re-indexed")
