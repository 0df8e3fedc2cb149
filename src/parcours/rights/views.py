"""The family's rights, exercised by a coordinator on the family's behalf."""

import datetime
import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.accounts.models import Role
from parcours.cases.access import posted, visible_family
from parcours.cases.models import Family
from parcours.downloads import attachment, file_name
from parcours.privacy.audit import Actor, record, record_listed
from parcours.privacy.models import AuditAction
from parcours.rights import access, erasure, retention
from parcours.rights.forms import AccessRequestForm, ErasureForm
from parcours.rights.models import Hold


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
        response["Content-Disposition"] = attachment(
            file_name(family.case_number, "access", extension="zip")
        )
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


@require_http_methods(["GET", "POST"])
def retention_page(request):
    """Coordinators see which ended files their projects will erase, and when, and hold one
    with a reason (a legal procedure still open) or let it go again."""
    projects = request.user.project_ids(Role.COORDINATOR)
    if not projects:
        raise Http404
    families = Family.objects.visible_to(request.user).filter(project_id__in=projects)
    if request.method == "POST":
        family = families.filter(pk=_uuid(request.POST.get("family"))).first()
        if family is None:
            raise Http404
        actor = Actor.from_request(request)
        if request.POST.get("action") == "release":
            for hold in family.holds.filter(released_at=None):
                hold.released_at = timezone.now()
                hold.save(update_fields=["released_at"])
                record(actor, AuditAction.UPDATE, hold, family_id=family.pk)
            messages.success(request, _("The file follows its retention period again."))
        else:
            reason = request.POST.get("reason", "").strip()[:200]
            if not reason:
                messages.error(request, _("Say why the file is held."))
                return redirect("rights:retention")
            hold = Hold.objects.create(family=family, reason=reason, by=request.user)
            record(actor, AuditAction.CREATE, hold, family_id=family.pk)
            messages.success(request, _("The file is held."))
        return redirect("rights:retention")
    horizon = timezone.localdate() + datetime.timedelta(days=365)
    coming = [e for e in retention.expiries(families) if e.expires_on <= horizon]
    record_listed(request, [e.family.pk for e in coming])
    return render(request, "rights/retention.html", {"expiries": coming})


def _uuid(text):
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None
