"""What casework contributes to the figures kept ready (parcours.cases.figures): open actions
and the earliest due, the last contact, the dates from which a file goes quiet and its review
falls due, by the same rules as the family page (casework.schedule, casework.due), and the
contacts per kind (the cohort report's engagement)."""

import datetime

from django.db.models import Count, Max, Min, Q

from parcours.cases.choices import FamilyStatus
from parcours.cases.models import StatusChange
from parcours.casework.choices import ActionStatus, ConsentPurpose, ContactKind
from parcours.casework.models import Action, Consent, Contact, Review
from parcours.casework.schedule import paused_days


def _grouped(queryset, **aggregates) -> dict:
    return {
        row.pop("family_id"): row
        for row in queryset.order_by().values("family_id").annotate(**aggregates)
    }


def contribute(families: list, on: datetime.date) -> dict:
    ids = [f.pk for f in families]
    actions = _grouped(
        Action.objects.filter(family_id__in=ids, status=ActionStatus.OPEN),
        n=Count("id"),
        first_due=Min("due_on"),
    )
    contacts = _grouped(
        Contact.objects.filter(family_id__in=ids),
        last=Max("on"),
        **{column: Count("id", filter=Q(kind=kind)) for kind, column in KIND_COLUMNS.items()},
    )
    reviews = _grouped(Review.objects.filter(family_id__in=ids), last=Max("held_on"))
    active = {f.pk for f in families if f.status == FamilyStatus.ACTIVE and f.admitted_on}
    changes: dict = {}
    for change in StatusChange.objects.filter(family_id__in=list(active)).only(
        "family_id", "at", "from_status", "to_status"
    ):
        changes.setdefault(change.family_id, []).append(change)
    consents: dict = {}
    for family, given, withdrawn in Consent.objects.filter(
        family_id__in=ids, purpose=ConsentPurpose.EVALUATION
    ).values_list("family_id", "given_on", "withdrawn_on"):
        consents.setdefault(family, []).append((given, withdrawn))
    values = {}
    for family in families:
        in_force, changes_on = _evaluation_consent(consents.get(family.pk, []), on)
        if family.pooled_from_id:  # pooled with their organisation's consent
            in_force, changes_on = True, None
        last_contact = contacts.get(family.pk, {}).get("last")
        quiet_since = review_from = None
        if family.pk in active:
            quiet_since = max(filter(None, [last_contact, family.admitted_on]))
            base = max(filter(None, [reviews.get(family.pk, {}).get("last"), family.admitted_on]))
            paused = paused_days(changes.get(family.pk, []), base, on)
            review_from = base + datetime.timedelta(days=paused)
        open_actions = actions.get(family.pk, {})
        values[family.pk] = {
            "open_actions": open_actions.get("n", 0),
            "first_action_due_on": open_actions.get("first_due"),
            "last_contact_on": last_contact,
            "quiet_since": quiet_since,
            "review_from": review_from,
            "evaluation_consent": in_force,
            "consent_change_on": changes_on,
            **{
                column: contacts.get(family.pk, {}).get(column, 0)
                for column in KIND_COLUMNS.values()
            },
        }
    return values


KIND_COLUMNS = {kind: f"contacts_{kind}" for kind in ContactKind.values}


def _evaluation_consent(periods: list, on: datetime.date) -> tuple[bool, datetime.date | None]:
    """Whether a consent to evaluation is in force on ``on`` (given, not yet withdrawn; the rule
    of ``casework.models.consents_to_evaluation``), and the next day that may change it."""
    in_force = any(
        given <= on and (withdrawn is None or withdrawn > on) for given, withdrawn in periods
    )
    later = [day for period in periods for day in period if day is not None and day > on]
    return in_force, min(later, default=None)
