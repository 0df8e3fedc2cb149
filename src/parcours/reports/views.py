"""The cohort report and its downloads, evaluation rounds, and the evaluators' sheet pages."""

import tempfile
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.accounts.models import Role
from parcours.cases.access import posted
from parcours.cases.models import Family
from parcours.downloads import attachment, file_name
from parcours.instruments.models import InstrumentCode
from parcours.instruments.transfer import export_rows
from parcours.jobs import services as jobs
from parcours.privacy.audit import Actor, record, record_listed
from parcours.privacy.models import AuditAction
from parcours.reports import render as outputs
from parcours.reports.cohort import BARRIERS, BARRIERS_SHOWN, barriers_named
from parcours.reports.forms import ReportForm, RoundForm, coordinated_projects, reportable_projects
from parcours.reports.jobs import report_file, sheets_file
from parcours.reports.models import Round
from parcours.reports.readers import read_by, report_file_name, report_for, report_title
from parcours.reports.render import FORMATS, produce
from parcours.reports.sheets import (
    evaluation_sheets,
    may_release,
    release,
    sheet_rows,
)
from parcours.spreadsheets import stream_table


def _language() -> str:
    return (get_language() or "en")[:2]


@require_GET
def report(request):
    if not reportable_projects(request.user).exists():
        raise Http404
    form = ReportForm(request.GET or None, user=request.user)
    context = {"form": form, "formats": list(FORMATS)}
    if form.is_valid():
        cohort = form.cohort()
        projects = cohort.projects
        fmt = request.GET.get("format")
        if fmt in FORMATS and fmt != "html" and _large(projects):
            return _report_in_background(request, projects, fmt)
        # The page shows each cluster's first barriers and links to the rest; a file has all.
        first = None if fmt in FORMATS else BARRIERS_SHOWN
        result, shown = report_for(cohort, request.user, barriers=first)
        record_listed(request, shown)  # families whose free text the report holds
        title = report_title(projects)
        if fmt in FORMATS:
            for project in projects:
                record(Actor.from_request(request), AuditAction.EXPORT, project)
            content_type, extension = FORMATS[fmt]
            response = HttpResponse(
                produce(result, fmt, title, _language()), content_type=content_type
            )
            if fmt != "html":
                response["Content-Disposition"] = attachment(report_file_name(cohort, extension))
            return response
        query = request.GET.copy()
        query.pop("format", None)
        context.update(outputs.context(result, title, _language()), query=query.urlencode())
    context["may_define_rounds"] = coordinated_projects(request.user).exists()
    return render(request, "reports/report.html", context)


BARRIERS_PER_PAGE = 50


@require_GET
def barriers(request):
    """Every barrier named in one cluster of the report, 50 a page and searchable: the report
    page shows the first few of each. The report's choices travel in the query."""
    if not reportable_projects(request.user).exists():
        raise Http404
    cluster = request.GET.get("cluster")
    if cluster not in BARRIERS:
        raise Http404
    form = ReportForm(request.GET, user=request.user)
    report_query = request.GET.copy()
    for key in ("cluster", "q", "page"):
        report_query.pop(key, None)
    if not form.is_valid():
        return redirect(reverse("reports:cohort") + "?" + report_query.urlencode())
    cohort = form.cohort()
    search = request.GET.get("q", "").strip()[:100]
    found = barriers_named(cohort, read_by(cohort, request.user), cluster, search)
    page = Paginator(found, BARRIERS_PER_PAGE).get_page(request.GET.get("page"))
    record_listed(request, {family for family, _text in page.object_list})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/barriers.html",
        {
            "cluster": cluster,
            "cluster_title": outputs.cluster_title(cluster, _language()),
            "title": report_title(cohort.projects),
            "page": page,
            "search": search,
            "query": query.urlencode(),
            "report_query": report_query.urlencode(),
            "cluster_query": urlencode({"cluster": cluster}),
        },
    )


def _large(projects) -> bool:
    """More families than a request should wait for: the file is made in the background."""
    families = Family.objects.filter(project__in=projects)
    return families[: settings.PARCOURS_BACKGROUND_ROWS + 1].count() > (
        settings.PARCOURS_BACKGROUND_ROWS
    )


def _report_in_background(request, projects, fmt):
    query = request.GET.copy()
    query.pop("format", None)
    job, _created = jobs.start(
        request,
        report_file,
        kind="reports.report",
        title=report_title(projects) + f" ({fmt.upper()})",
        key=f"reports.report:{request.user.pk}:{fmt}:{query.urlencode()}"[:200],
        params={
            "query": query.urlencode(),
            "format": fmt,
            "projects": [p.pk for p in projects],
            "roles": [Role.COORDINATOR, Role.EVALUATOR],
        },
    )
    return redirect("jobs:job", job.pk)


@require_http_methods(["GET", "POST"])
def rounds(request):
    """Coordinators name the evaluation rounds of their projects."""
    if not coordinated_projects(request.user).exists():
        raise Http404
    form = RoundForm(posted(request), user=request.user)
    if form.is_valid():
        form.instance.created_by = request.user
        form.save()
        messages.success(request, _("Round “%(name)s” saved.") % {"name": form.instance.name})
        return redirect("reports:rounds")
    listed = Round.objects.filter(project__in=reportable_projects(request.user)).select_related(
        "project"
    )
    return render(request, "reports/rounds.html", {"form": form, "rounds": listed})


@require_POST
def round_delete(request, round_pk):
    chosen = get_object_or_404(Round, pk=round_pk, project__in=coordinated_projects(request.user))
    chosen.delete()
    messages.success(request, _("Round “%(name)s” deleted.") % {"name": chosen.name})
    return redirect("reports:rounds")


@require_GET
def sheets(request):
    """Submitted sheets of the projects the user reports on, under pseudonyms."""
    projects = reportable_projects(request.user)
    if not projects.exists():
        raise Http404
    listed = evaluation_sheets(request.user).select_related("family", "family__project")
    project = request.GET.get("project")
    if project and project.isdigit():
        listed = listed.filter(family__project_id=project)
    instrument = request.GET.get("instrument")
    if instrument in InstrumentCode.values:
        listed = listed.filter(instrument=instrument)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and project and instrument in InstrumentCode.values:
        return _sheets_download(request, projects, project, instrument, fmt)
    page = Paginator(listed.order_by("-submitted_at"), 50).get_page(request.GET.get("page"))
    record_listed(request, [response.family_id for response in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/sheets.html",
        {
            "page": page,
            "projects": projects,
            "instruments": InstrumentCode.choices,
            "chosen_project": project or "",
            "chosen_instrument": instrument or "",
            "query": query.urlencode(),
        },
    )


def _sheets_download(request, projects, project_pk, instrument, fmt):
    """One project's sheets of one instrument as a table: pseudonyms, coded answers only.
    Past PARCOURS_BACKGROUND_ROWS sheets the worker writes it, behind a progress bar."""
    project = get_object_or_404(projects, pk=project_pk)
    count = (
        evaluation_sheets(request.user)
        .filter(family__project=project, instrument=instrument)
        .count()
    )
    if count > settings.PARCOURS_BACKGROUND_ROWS:
        job, _created = jobs.start(
            request,
            sheets_file,
            kind="reports.sheets",
            title=_("%(instrument)s sheets of %(project)s (%(format)s)")
            % {"instrument": instrument, "project": project, "format": fmt.upper()},
            key=f"reports.sheets:{request.user.pk}:{project.pk}:{instrument}:{fmt}",
            project=project,
            params={
                "instrument": instrument,
                "format": fmt,
                "sheets": count,
                "projects": [project.pk],
                "roles": [Role.COORDINATOR, Role.EVALUATOR],
            },
        )
        return redirect("jobs:job", job.pk)
    header, rows = export_rows(instrument, project, pseudonymise=True)
    record(Actor.from_request(request), AuditAction.EXPORT, project)
    content_type, extension = FORMATS[fmt]
    # Written row by row into a file that spills to disk past 8 MB; FileResponse closes it.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    stream_table(fmt, header, rows, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        content_type=content_type,
        as_attachment=True,
        filename=file_name(project.name, instrument, extension=extension),
    )


@require_GET
def sheet(request, response_pk):
    response = get_object_or_404(
        evaluation_sheets(request.user).select_related("family", "version"), pk=response_pk
    )
    releaser = may_release(request.user, response)
    record(Actor.from_request(request), AuditAction.VIEW, response)
    return render(
        request,
        "reports/sheet.html",
        {
            "response": response,
            "pseudonym": response.family.pseudonym,
            "rows": sheet_rows(response, _language(), every_text=releaser),
            "may_release": releaser,
        },
    )


@require_POST
def sheet_release(request, response_pk, code):
    response = get_object_or_404(
        evaluation_sheets(request.user).select_related("family"), pk=response_pk
    )
    if not may_release(request.user, response):
        raise Http404
    answer = get_object_or_404(response.answers.exclude(text=""), code=code)
    released = request.POST.get("release") == "1"
    release(request.user, answer, released)
    record(Actor.from_request(request), AuditAction.UPDATE, answer, family_id=response.family_id)
    messages.success(
        request,
        _("Released to evaluators.") if released else _("No longer shown to evaluators."),
    )
    return redirect("reports:sheet", response_pk=response.pk)
