"""Look-ups shared by the management commands."""

from django.core.management.base import CommandError

from parcours.projects.models import Project


def project_or_error(slug: str, option: str = "--project") -> Project:
    try:
        return Project.objects.get(slug=slug)
    except Project.DoesNotExist:
        raise CommandError(f"{option} {slug!r}: no project with this slug") from None
