"""What the family page shows of casework, gathered in a fixed number of queries."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q

from parcours.cases import approvals
from parcours.cases.panels import with_members
from parcours.casework.choices import ActionStatus, ContactKind
from parcours.casework.due import casework_due
from parcours.casework.models import CasePlan, Contact
from parcours.casework.schedule import next_review_due
from parcours.casework.services import CONTACT_STATES, WORK_STATES

RECENT_CONTACTS = 5


def contact_counts(family, today: datetime.date) -> list[dict]:
    """Per kind: contacts in the last 30 days, the last 12 months, and in all."""
    rows = {
        row["kind"]: row
        for row in family.contacts.values("kind").annotate(
            month=Count("id", filter=Q(on__gt=today - datetime.timedelta(days=30))),
            year=Count("id", filter=Q(on__gt=today - datetime.timedelta(days=365))),
            total=Count("id"),
        )
    }
    empty = {"month": 0, "year": 0, "total": 0}
    return [
        {"kind": kind, "label": kind.label, **{k: rows.get(kind, empty)[k] for k in empty}}
        for kind in ContactKind
    ]


def with_present(contacts, family) -> list:
    """The contacts, each with ``present_people``: who of the family was there, in the
    household's order, read from the links alone and matched to the family's members (a
    prefetch read every person again: 1.5 ms of a family page's 35)."""
    contacts = list(contacts)
    links = Contact.present.through.objects.filter(contact_id__in=[c.pk for c in contacts])
    present = defaultdict(set)
    for contact_id, person_id in links.values_list("contact_id", "person_id"):
        present[contact_id].add(person_id)
    household = family.household if present else []
    for contact in contacts:
        there = present.get(contact.pk, ())
        contact.present_people = [p for p in household if p.pk in there]
    return contacts


def contacts_panel(family, today, form=None) -> dict:
    """The counts, the latest contacts and the box to log one: ``form`` when it comes back
    with errors, otherwise fetched when the box is opened."""
    return {
        "recent_contacts": with_present(
            family.contacts.select_related("author").order_by("-on", "-created_at")[
                :RECENT_CONTACTS
            ],
            family,
        ),
        "contact_counts": contact_counts(family, today),
        "may_log_contact": family.status in CONTACT_STATES,
        "contact_form": form,
    }


def actions_panel(family) -> dict:
    actions = list(family.actions.filter(status=ActionStatus.OPEN).order_by("due_on", "created_at"))
    with_members(family, actions, "concerns")
    return {
        "open_actions": actions,
        "may_plan": family.status in WORK_STATES,
    }


def family_panels(family, today: datetime.date) -> dict:
    """Contacts, actions, plan and review, and what of them is due (``due``), worked out
    from what the panels read."""
    last_review = family.reviews.order_by("-held_on").first()
    contacts = contacts_panel(family, today)
    actions = actions_panel(family)
    next_review = next_review_due(
        family,
        last_review.held_on if last_review else None,
        family.status_changes.all(),
        today,
    )
    latest = contacts["recent_contacts"][:1]
    plan = CasePlan.objects.filter(family=family).first()
    return {
        **contacts,
        **actions,
        "plan": plan,
        "plan_approval": (
            approvals.plan_approved_at(family, plan.updated_at)
            if plan is not None and family.project.approvals
            else None
        ),
        "last_review": last_review,
        "next_review": next_review,
        "due": casework_due(
            family,
            today,
            open_actions=actions["open_actions"],
            next_review=next_review,
            last_contact=latest[0].on if latest else None,
        ),
        "today": today,
    }


def consent_section(family, user) -> dict:
    """A folded section of the family page, read when it is opened."""
    return {"consents": family.consents.select_related("provider")}


def services_section(family, user) -> dict:
    """A folded section of the family page, read when it is opened."""
    return {
        "service_referrals": family.service_referrals.select_related("provider")[:10],
        "may_plan": family.status in WORK_STATES,
    }
