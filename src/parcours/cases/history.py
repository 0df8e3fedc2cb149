"""Who has seen a family's file: the audit trail as its coordinators and case managers read it,
filtered by person and period, with unusual access flagged.

Two patterns are flagged, to be looked at, not to be judged by the machine: a person who
opened more than PARCOURS_ACCESS_ALERT different files within one clock hour, and a file opened
by someone who is neither its case manager nor covering it (a coordinator, say).
"""

import datetime

from django import forms
from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.cases.forms import DATE
from parcours.privacy.models import AuditAction, AuditEvent

# The pages of a family's file, by their URL name, as a person reads them.
PAGE_LABELS = {
    "family": _("family page"),
    "cases:family": _("family page"),  # its name in rows written before parcours.pages
    "cases:family_edit": _("editing the family"),
    "cases:screening": _("screening"),
    "cases:step": _("a step of the file"),
    "cases:audit": _("who has seen this file"),
    "cases:assignment": _("case managers and cover"),
    "cases:person": _("a member's page"),
    "cases:person_edit": _("editing a member"),
    "cases:person_create": _("adding a member"),
    "cases:list": _("case list"),
    "cases:caseload": _("my caseload"),
    "casework:my_week": _("my week"),
    "casework:contacts": _("contacts"),
    "casework:contact_create": _("logging a contact"),
    "casework:plan": _("the plan"),
    "casework:action_create": _("adding an action"),
    "casework:action_edit": _("editing an action"),
    "casework:review_create": _("a review"),
    "casework:consent_create": _("recording a consent"),
    "casework:consent_withdraw": _("withdrawing a consent"),
    "casework:service_create": _("a referral to a service"),
    "casework:service_edit": _("a referral to a service"),
    "legal:dossier": _("legal dossier"),
    "legal:pdf": _("dossier PDF for a lawyer"),
    "legal:import": _("importing a history"),
    "legal:event_create": _("adding to the timeline"),
    "legal:procedure_create": _("adding a procedure"),
    "legal:procedure_edit": _("editing a procedure"),
    "legal:document_create": _("adding a document"),
    "legal:document_edit": _("editing a document"),
    "legal:document_file": _("a document's file"),
    "instruments:response": _("an evaluation sheet"),
    "reports:cohort": _("cohort report"),
    "reports:sheets": _("evaluation data"),
    "reports:sheet": _("an evaluation sheet"),
}

# Opening a file (not seeing its name in a list) is what the flags look at.
READS = (AuditAction.VIEW, AuditAction.EXPORT)


class HistoryFilter(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.filter(
            pk__in=events.exclude(user=None).values("user_id")
        ).order_by("first_name", "username")
        self.fields["person"].empty_label = _("everyone")

    def filter(self, events):
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["person"]:
            events = events.filter(user=data["person"])
        if data["start"]:
            events = events.filter(at__date__gte=data["start"])
        if data["end"]:
            events = events.filter(at__date__lte=data["end"])
        return events


def annotate(events: list[AuditEvent], family) -> list[dict]:
    """Rows for the page: each event with its page in words and its flags."""
    managers = set(family.case_managers.values_list("pk", flat=True))
    covers = list(family.covers.values_list("user_id", "starts_on", "ends_on"))
    readers = {e.user_id for e in events if e.user_id and e.action in READS}
    busy = _busy_hours(readers, [e.at for e in events]) if readers else set()
    rows = []
    for event in events:
        flags = []
        if event.user_id and event.action in READS:
            if (event.user_id, _hour(event.at)) in busy:
                flags.append(
                    _("opened more than %(n)s files in that hour")
                    % {"n": settings.PARCOURS_ACCESS_ALERT}
                )
            day = event.at.date()
            covering = any(u == event.user_id and s <= day <= e for u, s, e in covers)
            if event.user_id not in managers and not covering:
                flags.append(_("not the family's case manager"))
        rows.append(
            {
                "event": event,
                "page": PAGE_LABELS.get(event.page, event.page or "—"),
                "flags": flags,
            }
        )
    return rows


def _hour(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def _busy_hours(users, moments) -> set[tuple[int, datetime.datetime]]:
    """(user, hour) where the user read more than the alert's number of different files."""
    low, high = min(moments), max(moments)
    counted = (
        AuditEvent.objects.filter(
            user_id__in=users,
            action__in=READS,
            family_id__isnull=False,
            at__gte=low - datetime.timedelta(hours=1),
            at__lte=high + datetime.timedelta(hours=1),
        )
        .annotate(hour=TruncHour("at", tzinfo=datetime.UTC))
        .values("user_id", "hour")
        .annotate(files=Count("family_id", distinct=True))
        .filter(files__gt=settings.PARCOURS_ACCESS_ALERT)
    )
    return {(row["user_id"], _hour(row["hour"])) for row in counted}
