from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from parcours.cases.access import visible_family
from parcours.cases.panels import MEMBERS, case_panel
from parcours.casework.due import soonest_first
from parcours.casework.panels import family_panels
from parcours.instruments.panels import instruments_panel
from parcours.legal.panels import legal_panel


@require_GET
def family_page(request, pk):
    """The family's file: household and history (cases), casework, the legal dossier and the
    sheets, each app contributing its panels."""
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
