from typing import NamedTuple

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from parcours.cases.access import is_htmx, visible_family
from parcours.cases.panels import (
    MEMBERS,
    audit_section,
    case_panel,
    history_section,
    screening_section,
)
from parcours.casework.due import soonest_first
from parcours.casework.panels import consent_section, family_panels, services_section
from parcours.instruments.panels import instruments_panel, scores_section
from parcours.legal.panels import legal_panel


@require_GET
def family_page(request, pk):
    """The family's file: household and history (cases), casework, the legal dossier and the
    sheets, each app contributing its panels. The parts one looks up rather than works from
    (Baseline scores, consent, services, screening, history, audit) are folded and read when
    opened."""
    family = visible_family(request, pk)
    prefetch_related_objects([family], MEMBERS)  # members, read by many panels
    today = timezone.localdate()
    casework = family_panels(family, today)
    legal = legal_panel(family, today)
    sheets = instruments_panel(family, today)
    # What is due, each app's part worked out from what its panel read.
    due = soonest_first([*casework.pop("due"), *legal.pop("due"), *sheets.pop("due")], today)
    return render(
        request,
        "pages/family.html",
        {
            **case_panel(family, request.user),
            **casework,
            **legal,
            **sheets,
            "due": due,
            "today": today,
        },
    )


class Section(NamedTuple):
    title: str
    template: str
    read: object  # (family, user) -> the template's context


SECTIONS = {
    "consent": Section(_("Consent"), "casework/_consents.html", consent_section),
    "services": Section(_("Referrals to services"), "casework/_services.html", services_section),
    "scores": Section(_("Baseline scores over time"), "instruments/_scores.html", scores_section),
    "screening": Section(_("Screening"), "cases/_screening.html", screening_section),
    "history": Section(_("History"), "cases/_history.html", history_section),
    "audit": Section(_("Audit trail"), "cases/_audit_section.html", audit_section),
}


@require_GET
def family_section(request, pk, name):
    """One folded section of the family's file: its body when the page opens it (htmx), a
    page of its own without script. Read through the gate and audited as the page is."""
    section = SECTIONS.get(name)
    if section is None:
        raise Http404
    family = visible_family(request, pk)
    context = {"family": family, "section": section, **section.read(family, request.user)}
    if is_htmx(request):
        return render(request, section.template, context)
    return render(request, "pages/family_section.html", context)
