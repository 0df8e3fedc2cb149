"""Look-ups shared by the management commands."""

from django.core.management.base import CommandError

from parcours.accounts.services import import_author
from parcours.projects.models import Project


def project_or_error(slug: str, option: str = "--project") -> Project:
    try:
        return Project.objects.get(slug=slug)
    except Project.DoesNotExist:
        raise CommandError(f"{option} {slug!r}: no project with this slug") from None


def author_or_error(project: Project, as_user: str, option: str = "--project"):
    """Who a command's work is recorded as: ``--as-user``, or the project's first coordinator."""
    user = import_author(project, as_user)
    if user is None:
        raise CommandError(
            f"--as-user {as_user!r}: not a member of {project.slug}"
            if as_user
            else f"{option} {project.slug}: it has no coordinator to record; use --as-user"
        )
    return user
