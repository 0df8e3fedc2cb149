"""Creating users and giving them roles in projects; every role change is audited.

No administrator gives themselves a role that sees families: another administrator must, or
the operator at the console (``parcours grant-role``), so no single account can quietly open
every file.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from parcours.accounts.models import Membership, Role, User
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction

# Roles that read families' files or their pseudonymised sheets.
SEES_FAMILIES = {Role.CASE_MANAGER, Role.COORDINATOR, Role.EVALUATOR}


class RoleError(ValueError):
    pass


def check_grant(actor: Actor, user: User, role: str) -> None:
    """Refuse an administrator giving themselves a role that sees families."""
    if actor.user is not None and actor.user.pk == user.pk and role in SEES_FAMILIES:
        raise RoleError(
            _(
                "You cannot give yourself a role that sees families. Another administrator "
                "must, or the operator with parcours grant-role."
            )
        )


@transaction.atomic
def grant_role(actor: Actor, user: User, project, role: str) -> Membership:
    """Give ``user`` ``role`` in ``project`` (one role per project: it replaces another)."""
    check_grant(actor, user, role)
    membership, created = Membership.objects.get_or_create(
        user=user, project=project, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    record(actor, AuditAction.ROLE_GRANTED, membership)
    if role == Role.ADMINISTRATOR and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return membership


@transaction.atomic
def revoke_role(actor: Actor, membership: Membership) -> None:
    record(actor, AuditAction.ROLE_REVOKED, membership)
    membership.delete()


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    project,
    role: Role,
    first_name="",
    last_name="",
    email="",
    actor: Actor | None = None,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    grant_role(actor or Actor(None), user, project, role)
    return user


def import_author(project, username: str = "") -> User | None:
    """Who an import from the command line is recorded as: the named member of the project,
    or else its first coordinator; None when there is no such person."""
    people = User.objects.filter(memberships__project=project, memberships__role=Role.COORDINATOR)
    if username:
        people = User.objects.filter(username=username, memberships__project=project)
    return people.order_by("pk").first()
