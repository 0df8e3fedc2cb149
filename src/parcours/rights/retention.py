"""Retention: a closed file is kept for its project's period, then erased (as on request),
unless a coordinator holds it. ``parcours apply-retention`` does it; it is idempotent."""

import datetime
from dataclasses import dataclass

from django.db.models import Max

from parcours.cases.choices import FamilyStatus
from parcours.cases.models import Family, today
from parcours.dates import add_months
from parcours.privacy.audit import Actor
from parcours.rights import erasure
from parcours.rights.models import ErasureReason, Hold

ENDED = (FamilyStatus.CLOSED, FamilyStatus.DECLINED, FamilyStatus.WITHDRAWN)


@dataclass
class Expiry:
    family: Family
    ended_on: datetime.date
    expires_on: datetime.date
    held: bool


def expiries(families=None) -> list[Expiry]:
    """Ended, not yet erased files with the day their retention ends, soonest first."""
    families = (families if families is not None else Family.objects.all()).filter(
        status__in=ENDED, erased_at=None, pooled_from=None
    )
    rows = families.select_related("project").annotate(last_step=Max("status_changes__at"))
    held = set(
        Hold.objects.filter(released_at=None, family__in=families).values_list(
            "family_id", flat=True
        )
    )
    result = []
    for family in rows:
        ended = family.closed_on or (family.last_step and family.last_step.date())
        if ended is None:
            continue
        expires = add_months(ended, 12 * family.project.retention_years)
        result.append(Expiry(family, ended, expires, family.pk in held))
    return sorted(result, key=lambda e: e.expires_on)


def due(on: datetime.date | None = None) -> list[Expiry]:
    """Files past their retention period and not held."""
    on = on or today()
    return [e for e in expiries() if e.expires_on < on and not e.held]


def apply(on: datetime.date | None = None) -> list[Expiry]:
    """Erase every file that is due; returns them."""
    done = due(on)
    for expiry in done:
        erasure.erase(Actor(None), expiry.family, ErasureReason.RETENTION)
    return done
