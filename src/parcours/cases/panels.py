"""What the cases app contributes to the family page: the household and the next steps; and
its folded sections, read when they are opened: the screening, the history and, for a
coordinator, the latest audit rows."""

import datetime
from typing import NamedTuple

from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404

from parcours.accounts.models import Role, User
from parcours.cases import approvals, duplicates
from parcours.cases.choices import FamilyStatus
from parcours.cases.lifecycle import available
from parcours.cases.models import Approval, Family, Flag, Person, PossibleDuplicate, today
from parcours.privacy.models import AuditAction, AuditEvent, object_label

# The members in the order they were recorded: read by many panels, fetched once.
MEMBERS = Prefetch("members", queryset=Person.objects.order_by("created_at"))


def with_members(family, records, field: str = "person") -> None:
    """Each record's member (its ``field``) taken from the family's members the page has read
    (``MEMBERS``): joined, the person's columns were a third of what the ORM built for these
    reads, and a member read twice was decrypted twice."""
    members = {person.pk: person for person in family.members.all()}
    attribute = f"{field}_id"
    for record in records:
        member = members.get(getattr(record, attribute))
        if member is not None:
            setattr(record, field, member)


def case_panel(family, user) -> dict:
    """Before admission the next steps are the main task; after it, only resuming is: pause
    and close wait lower on the page, away from the thumb."""
    is_coordinator = user.has_role(Role.COORDINATOR, family.project_id)
    case_managers = list(family.case_managers.all())
    steps = [s for s in available(family, user) if s.name != "start_screening"]
    admitted = family.status in (FamilyStatus.ACTIVE, FamilyStatus.PAUSED, FamilyStatus.CLOSED)
    held = _held(family)
    return {
        "family": family,
        "household": family.household,
        "case_managers": case_managers,
        "is_own_family": user in case_managers,
        "steps": [s for s in steps if not admitted or s.name == "resume"],
        "status_steps": [s for s in steps if admitted and s.name != "resume"],
        "later_referrals": _later_referrals(family, user) if held["later"] else [],
        **(_flags(family) if held["flags"] else {"flags": [], "earlier_flags": []}),
        **_approvals(family, is_coordinator),
        "earlier_files": (
            duplicates.on_file(user, family) if held["earlier"] else duplicates.OnFile([], 0, [])
        ),
        "may_assign": is_coordinator and family.admitted_on is not None,
        "is_coordinator": is_coordinator,
    }


# The file's rarely filled parts: flags, later referrals, possible earlier files.
HELD = {
    "flags": (Flag, "family_id"),
    "later": (Family, "previous_referral_id"),
    "earlier": (PossibleDuplicate, "family_id"),
}


def _held(family) -> dict[str, bool]:
    """Which of the file's rarely filled parts hold rows, asked in one statement: they are on
    almost no file, and three empty reads cost more than this panel's other work. Written
    out, as the ORM took five times as long to build this one row as the database to give
    it."""
    quote = connection.ops.quote_name
    exists = [  # names from the models, the key a parameter
        f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s)"  # noqa: S608
        for model, column in HELD.values()
    ]
    key = Family._meta.pk.get_db_prep_value(family.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(exists)}", [key] * len(HELD))
        found = cursor.fetchone()
    return {part: bool(held) for part, held in zip(HELD, found, strict=True)}


def history_section(family, user) -> dict:
    return {"history": family.status_changes.select_related("by")[:20]}


def screening_section(family, user) -> dict:
    return {
        "assessments": family.assessments.select_related("criterion").order_by(
            "criterion__position"
        )
    }


def audit_section(family, user) -> dict:
    """The latest audit rows, for the file's coordinators only (others get 404)."""
    if not user.has_role(Role.COORDINATOR, family.project_id):
        raise Http404
    return {"audit": _latest_audit(family)}


class AuditRow(NamedTuple):
    at: datetime.datetime
    user: str  # "" when no one signed in (a phone's token, a command)
    action: str
    object_label: str
    ip_address: str | None


def _latest_audit(family) -> list[AuditRow]:
    """The file's latest ten audit rows as the table prints them, read as values: as events
    with their users and choice labels they cost more than the rest of the page's panels.
    The rows are taken first, by the index in their order, then their people: joined before
    the limit, every row of a file read thousands of times was joined and sorted."""
    events = list(
        AuditEvent.objects.filter(family_id=family.pk).values_list(
            "at", "user_id", "action", "object_type", "ip_address"
        )[:10]
    )
    people = {
        pk: f"{first} {last}".strip() or username
        for pk, first, last, username in User.objects.filter(
            pk__in={user for _at, user, *_rest in events if user}
        ).values_list("pk", "first_name", "last_name", "username")
    }
    actions = dict(AuditAction.choices)
    return [
        AuditRow(
            at,
            people.get(user, ""),
            str(actions.get(action, action)),
            object_label(object_type),
            address,
        )
        for at, user, action, object_type, address in events
    ]


def _approvals(family, is_coordinator: bool) -> dict:
    """What waits for a coordinator's approval on this file, and what was decided."""
    if not family.project.approvals:
        return {"approvals_on": False}
    requests = list(family.approvals.select_related("requested_by", "decided_by")[:10])
    open_kinds = {a.kind for a in requests if not a.decision}
    return {
        "approvals_on": True,
        "approvals": requests,
        "may_decide": is_coordinator,
        "may_ask_closure": (
            not is_coordinator
            and family.status in approvals.CLOSABLE
            and Approval.Kind.CLOSURE not in open_kinds
        ),
        "plan_waiting": Approval.Kind.PLAN in open_kinds,
    }


def _flags(family) -> dict:
    """The file's flags in one read: those that show now, and the earlier ones."""
    on = today()
    flags = list(family.flags.select_related("reason"))
    if flags:  # who raised and removed them, not joined: almost every file has none
        prefetch_related_objects(flags, "raised_by", "removed_by")
    showing = [f for f in flags if f.removed_at is None and (f.ends_on is None or f.ends_on >= on)]
    return {"flags": showing, "earlier_flags": [f for f in flags if f not in showing]}


def _later_referrals(family, user):
    """Later referrals of this family that ``user`` may see. Looked up by their link first:
    SQLite's statistics cannot tell that almost every file has no earlier referral, and
    through the gate's ordered index the lookup read every file of the project (115 ms at
    100 000 families). Unordered, or SQLite walks the list's index for the files' order
    instead of the link's (26 ms)."""
    later = list(family.later_referrals.order_by().values_list("pk", flat=True))
    return list(Family.objects.visible_to(user).filter(pk__in=later)) if later else []
