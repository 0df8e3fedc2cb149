import io
import uuid
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.cases.models import Family
from parcours.privacy.audit import Actor
from parcours.rights import access


class Command(BaseCommand):
    help = (
        "Answer a request for access (GDPR art. 15): writes everything Parcours holds about a "
        "family (or one member with --person) into DIR: subject-access.pdf, subject-access.json "
        "and the dossier's files. Audited. Example: parcours subject-access PT-2026-004 -o out/"
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number")
        parser.add_argument("-o", "--output", required=True, help="a folder (made if need be)")
        parser.add_argument("--person", default="", help="the member's id, from the JSON")
        parser.add_argument("--language", choices=["nl", "fr", "en"], default="en")
        parser.add_argument("--project", default="", help="project slug, if the number repeats")

    def handle(self, *args, case_number, output, person, language, project, **options):
        families = Family.objects.filter(case_number=case_number, pooled_from=None)
        if project:
            families = families.filter(project__slug=project)
        if not families:
            raise CommandError(f"{case_number}: no such case")
        if len(families) > 1:
            raise CommandError(f"{case_number}: in several projects; name one with --project")
        family = families[0]
        member = None
        if person:
            member = family.members.filter(pk=person).first() if _is_uuid(person) else None
            if member is None:
                raise CommandError(f"--person {person}: not a member of {case_number}")
        folder = Path(output)
        if folder.exists() and any(folder.iterdir()):
            raise CommandError(f"{folder}: not empty; choose a new folder")
        data = access.export(Actor(None), family, member, language)
        folder.mkdir(parents=True, exist_ok=True)
        zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
        self.stdout.write(f"Wrote the answer for {case_number} into {folder}.")


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
