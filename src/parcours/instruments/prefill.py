"""What the case already holds, offered as answers so nobody types it twice (all editable)."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases.choices import EngagementAtClosure, FamilyStatus, PersonRole, StatusAtEntry
from parcours.dates import completed_months

ROUTES = {"from_detention", "from_community", "referred_by_organisation", "self_referral"}
ENGAGEMENT = {
    EngagementAtClosure.REMAINED_ENGAGED: "case_closed",
    EngagementAtClosure.STOPPED: "stopped",
    EngagementAtClosure.ABSCONDED: "absconded",
    EngagementAtClosure.REMOVED: "case_closed",
    EngagementAtClosure.RE_DETAINED: "re_detained",
}


def client_summary_sheet(family) -> dict:
    today = timezone.localdate()
    members = family.household
    parent = next(
        (p for p in members if p.role == PersonRole.PARENT), members[0] if members else None
    )
    answers: dict = {}
    if parent:
        answers["p01_gender"] = {"female": "female", "male": "male"}.get(parent.sex, "")
        if parent.age is not None:
            answers["p02_age"] = str(parent.age)
        if parent.nationality:
            answers["p03_nationality"] = parent.nationality
    vulnerabilities = []
    if any(p.role == PersonRole.CHILD and not p.is_adult for p in members):
        vulnerabilities.append("child")
    if family.status_at_entry == StatusAtEntry.ASYLUM_SEEKER:
        vulnerabilities.append("refugee_asylum_seeker")
    if any(p.nationality == "stateless" for p in members):
        vulnerabilities.append("stateless")
    if any(p.minority for p in members):
        vulnerabilities.append("minority_at_risk")
    answers["p04_vulnerabilities"] = vulnerabilities
    if family.arrived_on:
        answers["p07_length_of_stay"] = str(completed_months(family.arrived_on, today))
    detentions = family.timeline_events.filter(kind__in=["detention_start", "return_house"]).count()
    if detentions:
        answers["p08_detention"] = _("%(n)s detention or return-house stay(s) on the timeline.") % {
            "n": detentions
        }
    if family.months_supported is not None:
        answers["p09_time_in_project"] = str(family.months_supported)
    counts = dict(family.contacts.values_list("kind").annotate(n=Count("id")))
    if counts:
        from parcours.casework.choices import ContactKind

        answers["p10_interaction"] = ", ".join(
            f"{ContactKind(kind).label}: {n}" for kind, n in sorted(counts.items())
        )
    answers["p11_referral_route"] = (
        family.referral_route if family.referral_route in ROUTES else "other"
    )
    if family.status == FamilyStatus.CLOSED:
        answers["p15_engagement"] = ENGAGEMENT.get(family.engagement_at_closure, "other")
    elif family.status in (FamilyStatus.ACTIVE, FamilyStatus.PAUSED):
        answers["p15_engagement"] = "in_contact"
    return {k: v for k, v in answers.items() if v not in ("", [])}


PREFILL = {"client_summary_sheet": client_summary_sheet}
