"""Approvals: where a project asks for them, closing a file and the case plan (at first and
after each change) wait for a coordinator's decision.

A request carries a note; the coordinator approves it or returns it with a comment; the file
shows what waits and what was decided. A closure takes effect only when approved, as the
coordinator's step. Nobody decides their own request, and only one request per file and kind is
open at a time. Every request and decision is audited and told to whom it concerns.
"""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Role, coordinators
from parcours.cases import figures, services
from parcours.cases.choices import FamilyStatus
from parcours.cases.lifecycle import TransitionError
from parcours.cases.models import Approval, Family
from parcours.database import read
from parcours.notify.models import Kind
from parcours.notify.services import notify
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction

CLOSABLE = (FamilyStatus.ACTIVE, FamilyStatus.PAUSED)


def _has_plan(family: Family) -> bool:
    try:  # the case plan (parcours.casework), read through its link to the file
        return family.plan is not None
    except ObjectDoesNotExist:
        return False


def required(family: Family) -> bool:
    return family.project.approvals


def may_decide(user, family: Family) -> bool:
    return user.has_role(Role.COORDINATOR, family.project_id)


def waiting(user):
    """Open requests the user may decide: of the files they see as a coordinator, not their
    own, oldest first."""
    coordinated = user.project_ids(Role.COORDINATOR)
    if not coordinated:
        return Approval.objects.none()
    # The open requests are few: their files are found first (by the partial index), then put
    # through the gate. Driven by the gate instead, SQLite probed every visible file (39 ms
    # on each case list at 20 000 families).
    # Asked by hand: the ORM's building of this query cost more than the database's answer.
    files = [
        family
        for family, by in read(
            "SELECT family_id, requested_by_id FROM cases_approval WHERE decision = ''"
        )
        if by != user.pk
    ]
    if not files:  # as on most pages: no gate to build and compile (1 ms of a case list)
        return Approval.objects.none()
    return (
        Approval.objects.filter(decision="")
        .exclude(requested_by=user)
        .filter(
            family__in=Family.objects.visible_to(user).filter(
                project_id__in=coordinated, pk__in=files
            ),
        )
        .select_related("family", "requested_by")
        .order_by("requested_at")
    )


@transaction.atomic
def request(
    actor: Actor,
    family: Family,
    kind: str,
    note: str = "",
    *,
    closed_on: datetime.date | None = None,
    resolution: str = "",
    engagement_at_closure: str = "",
) -> Approval:
    """Ask a coordinator to approve ``kind`` (a closure with its values, or the plan as it is
    now), or raise TransitionError saying why not."""
    if not required(family):
        raise TransitionError(_("This project does not ask for approvals."))
    details = {}
    if kind == Approval.Kind.CLOSURE:
        if family.status not in CLOSABLE:
            raise TransitionError(_("Only an active or paused file can be closed."))
        if closed_on is None or not resolution or not engagement_at_closure:
            raise TransitionError(
                _("Closing needs the closing date, the resolution and the engagement at closure.")
            )
        details = {
            "closed_on": closed_on.isoformat(),
            "resolution": resolution,
            "engagement_at_closure": engagement_at_closure,
        }
    elif kind != Approval.Kind.PLAN:
        raise TransitionError(_("There is nothing of that kind to approve."))
    elif not _has_plan(family):
        raise TransitionError(_("Write the case plan first."))
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                family=family,
                kind=kind,
                details=details,
                note=note.strip(),
                requested_by=actor.user,
            )
    except IntegrityError:
        raise TransitionError(_("A request for this is already waiting.")) from None
    record(actor, AuditAction.CREATE, approval)
    figures.refresh([family.pk], part="cases")
    notify(
        Kind.APPROVAL,
        coordinators(family.project_id),
        family=family,
        params={"what": kind, "state": "requested"},
        link=family.get_absolute_url() + "#approvals",
        not_to=actor.user,
    )
    return approval


@transaction.atomic
def decide(actor: Actor, approval: Approval, decision: str, comment: str = "") -> Approval:
    """Approve or return a request; an approved closure closes the file, as the
    coordinator's step."""
    approval = Approval.objects.select_for_update().select_related("family").get(pk=approval.pk)
    family = approval.family
    if not may_decide(actor.user, family):
        raise TransitionError(_("Only a coordinator of the project decides."))
    if approval.decision:
        raise TransitionError(_("This request was decided already."))
    if approval.requested_by_id == actor.user.pk:
        raise TransitionError(_("Someone else decides on your own request."))
    if decision not in Approval.Decision.values:
        raise TransitionError(_("Approve or return the request."))
    if decision == Approval.Decision.RETURNED and not comment.strip():
        raise TransitionError(_("Say why the request is returned."))
    approving_closure = (
        decision == Approval.Decision.APPROVED and approval.kind == Approval.Kind.CLOSURE
    )
    if approving_closure and family.status not in CLOSABLE:
        raise TransitionError(_("The file is no longer open: return the request instead."))
    approval.decision = decision
    approval.decided_by = actor.user
    approval.decided_at = timezone.now()
    approval.comment = comment.strip()
    approval.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    record(actor, AuditAction.UPDATE, approval)
    figures.refresh([family.pk], part="cases")
    if approving_closure:
        services.take_step(actor, family, "close", reason=approval.note, **approval.closure)
    notify(
        Kind.APPROVAL,
        [approval.requested_by],
        family=family,
        params={"what": approval.kind, "state": decision},
        link=family.get_absolute_url() + "#approvals",
        not_to=actor.user,
    )
    return approval


def plan_approved_at(family: Family, plan_changed_at) -> Approval | None:
    """The approval that covers the plan as it is (decided after its last change), if any."""
    return (
        family.approvals.filter(
            kind=Approval.Kind.PLAN,
            decision=Approval.Decision.APPROVED,
            decided_at__gte=plan_changed_at,
        )
        .select_related("decided_by")
        .order_by("-decided_at")
        .first()
    )
