"""The family's rights, exercised by a coordinator on the family's behalf."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from parcours.accounts.models import Role
from parcours.cases.access import posted, visible_family
from parcours.privacy.audit import Actor
from parcours.rights import access
from parcours.rights.forms import AccessRequestForm


@require_http_methods(["GET", "POST"])
def access_request(request, pk):
    """Everything Parcours holds about the family, or one member, as a ZIP (PDF, JSON, files)."""
    family = visible_family(request, pk)
    if not request.user.has_role(Role.COORDINATOR, family.project_id):
        raise Http404
    form = AccessRequestForm(posted(request), family=family, language=get_language()[:2])
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        data = access.export(
            Actor.from_request(request), family, person, form.cleaned_data["language"]
        )
        response = HttpResponse(data, content_type="application/zip")
        name = family.case_number or "file"
        response["Content-Disposition"] = f'attachment; filename="{name}-access.zip"'
        return response
    return render(request, "rights/access_request.html", {"family": family, "form": form})
