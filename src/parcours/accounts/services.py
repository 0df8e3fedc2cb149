"""Creating users and giving them a role in a project."""

from django.db import transaction

from parcours.accounts.models import Membership, Role, User


@transaction.atomic
def create_user(
    *, username: str, password: str, project, role: Role, first_name="", last_name="", email=""
) -> User:
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if role == Role.ADMINISTRATOR:
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    Membership.objects.create(user=user, project=project, role=role)
    return user


def import_author(project, username: str = "") -> User | None:
    """Who an import from the command line is recorded as: the named member of the project,
    or else its first coordinator; None when there is no such person."""
    people = User.objects.filter(memberships__project=project, memberships__role=Role.COORDINATOR)
    if username:
        people = User.objects.filter(username=username, memberships__project=project)
    return people.order_by("pk").first()
