"""The register of processing, as a page for the people who answer for it."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parcours.accounts.models import Role
from parcours.privacy.register import PLAIN_BECAUSE, processing_register


@require_GET
def register_page(request):
    """Coordinators and administrators read what Parcours holds, why, for whom, how kept."""
    if not (request.user.is_staff or request.user.has_role(Role.COORDINATOR)):
        raise Http404
    return render(
        request,
        "privacy/register.html",
        {"register": processing_register(), "plain_because": PLAIN_BECAUSE},
    )
