"""The cohort report page and its downloads, for coordinators and evaluators."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parcours.accounts.models import Role
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction
from parcours.reports import render as outputs
from parcours.reports.cohort import Cohort, compute
from parcours.reports.forms import ReportForm, reportable_projects
from parcours.reports.render import FORMATS, produce


@require_GET
def report(request):
    if not reportable_projects(request.user).exists():
        raise Http404
    form = ReportForm(request.GET or None, user=request.user)
    context = {"form": form, "formats": list(FORMATS)}
    if form.is_valid():
        projects = list(form.cleaned_data["projects"])
        data = form.cleaned_data
        result = compute(
            Cohort(projects, data["admitted_from"], data["admitted_to"], data["statuses"])
        )
        if not all(request.user.has_role(Role.COORDINATOR, p.pk) for p in projects):
            result.pop("barriers")  # free text stays with the organisation's own staff
        language = (get_language() or "en")[:2]
        title = _("Cohort report") + " · " + ", ".join(p.name for p in projects)
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            for project in projects:
                record(Actor.from_request(request), AuditAction.EXPORT, project)
            content_type, extension = FORMATS[fmt]
            response = HttpResponse(
                produce(result, fmt, title, language), content_type=content_type
            )
            if fmt != "html":
                response["Content-Disposition"] = f'attachment; filename="report.{extension}"'
            return response
        query = request.GET.copy()
        query.pop("format", None)
        context.update(outputs.context(result, title, language), query=query.urlencode())
    return render(request, "reports/report.html", context)
