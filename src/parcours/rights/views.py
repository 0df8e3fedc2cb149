"""The family's rights, exercised by a coordinator on the family's behalf."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.accounts.models import Role
from parcours.cases.access import posted, visible_family
from parcours.privacy.audit import Actor
from parcours.rights import access, erasure
from parcours.rights.forms import AccessRequestForm, ErasureForm


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


@require_http_methods(["GET", "POST"])
def erase(request, pk):
    """Erasure after a confirmation that says what will go."""
    family = visible_family(request, pk)
    if not request.user.has_role(Role.COORDINATOR, family.project_id):
        raise Http404
    form = ErasureForm(posted(request), family=family)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            done = erasure.erase(
                Actor.from_request(request), family, form.cleaned_data["reason"], person
            )
        except erasure.ErasureError:
            form.add_error(None, _("Close the file before erasing the whole family."))
        else:
            messages.success(
                request,
                _("Erased: %(values)s values and %(files)s files.")
                % {"values": done.values, "files": done.files},
            )
            return redirect(family)
    return render(
        request,
        "rights/erase.html",
        {"family": family, "form": form, "plan": erasure.plan(family)},
    )
