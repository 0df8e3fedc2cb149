from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from parcours.cases.access import visible_family
from parcours.cases.panels import MEMBERS, case_panel
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
    return render(
        request,
        "pages/family.html",
        {
            **case_panel(family, request.user),
            **family_panels(family, today),
            **legal_panel(family, today),
            **instruments_panel(family),
        },
    )
