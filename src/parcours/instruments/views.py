"""Filling, reading and correcting instrument sheets. Gate (404), form, service, render."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.cases.access import is_htmx, visible_family
from parcours.instruments import services
from parcours.instruments.models import InstrumentCode, ResponseStatus
from parcours.instruments.rendering import answer_labels, questions
from parcours.jobs import services as jobs
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction
from parcours.spreadsheets import SpreadsheetError, read_upload, row_count


def _language() -> str:
    return (get_language() or "en")[:2]


def _raw(request, definition) -> dict:
    raw = {}
    for q in definition.answerable:
        raw[q.name] = (
            request.POST.getlist(q.name)
            if q.type == "select_multiple"
            else request.POST.get(q.name, "")
        )
    return raw


@require_http_methods(["GET", "POST"])
def start(request, pk, code):
    """A new sheet: the empty form (with what the case already holds), kept as a draft only
    once something is saved in it. The first save makes the draft; the form then carries its
    id, so the saves that follow fill the same draft."""
    family = visible_family(request, pk)
    if code not in InstrumentCode.values:
        raise Http404
    if request.method == "GET":
        response = services.unsaved(Actor.from_request(request), family, code)
        answers = services.prefilled(response)
        return _render(request, family, response, answers, {}, saved=False)
    draft = request.POST.get("draft", "")
    response = (
        family.responses.filter(
            pk=draft, instrument=code, status=ResponseStatus.DRAFT, author=request.user
        ).first()
        if _is_uuid(draft)
        else None
    )
    if response is None:
        response = services.start(Actor.from_request(request), family, code)
    answered = any(q.name in request.POST for q in response.version.definition.answerable)
    if not answered:  # asked to start, nothing typed yet: the draft, prefilled
        return redirect(response.get_absolute_url())
    filled = _fill(request, family, response)
    if is_htmx(request):
        filled["HX-Replace-Url"] = response.get_absolute_url()
        return filled
    if filled.status_code == 200 and request.POST.get("action") != "submit":
        return redirect(response.get_absolute_url())  # saved: the draft's own address
    return filled


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@require_http_methods(["GET", "POST"])
def response_page(request, pk, response_pk):
    family = visible_family(request, pk)
    response = get_object_or_404(
        family.responses.select_related("version", "author"), pk=response_pk
    )
    definition = response.version.definition
    language = _language()
    if response.status != ResponseStatus.DRAFT:
        if request.method == "POST":
            raise Http404
        record(Actor.from_request(request), AuditAction.VIEW, response, family_id=family.pk)
        return render(
            request,
            "instruments/response_read.html",
            {
                "family": family,
                "response": response,
                "corrected_by": family.responses.filter(supersedes=response).first(),
                "rows": answer_labels(definition, services.answers_of(response), language),
            },
        )
    if request.method == "POST":
        return _fill(request, family, response)
    record(Actor.from_request(request), AuditAction.VIEW, response, family_id=family.pk)
    return _render(request, family, response, services.answers_of(response), {})


def _fill(request, family, response):
    """Save what was posted to a draft (or submit it): the page again, or the family's page
    once submitted."""
    definition = response.version.definition
    language = _language()
    raw = _raw(request, definition)
    actor = Actor.from_request(request)
    if request.POST.get("action") == "submit":
        try:
            services.submit(actor, response, raw, language)
        except services.ResponseError as error:
            messages.error(request, str(error))
            return _render(request, family, response, raw, error.errors, submitted=True)
        messages.success(request, _("The sheet is submitted."))
        return redirect(family)
    errors = services.save_draft(actor, response, raw, language)
    return _render(request, family, response, raw, errors)


def _render(request, family, response, answers, errors, *, saved=True, submitted=False):
    definition = response.version.definition
    context = {
        "family": family,
        "response": response,
        "saved": saved,
        "definition": definition,
        "questions": questions(definition, answers, errors, _language()),
        "facts": _facts(family) if response.instrument == "case_study" else None,
        "submitted": submitted,
    }
    template = (
        "instruments/_questions.html" if is_htmx(request) else "instruments/response_form.html"
    )
    return render(request, template, context)


@require_POST
def correct(request, pk, response_pk):
    family = visible_family(request, pk)
    response = get_object_or_404(family.responses, pk=response_pk)
    try:
        draft = services.correct(
            Actor.from_request(request), response, request.POST.get("reason", "")
        )
    except services.ResponseError as error:
        messages.error(request, str(error))
        return redirect("instruments:response", family.pk, response.pk)
    return redirect("instruments:response", family.pk, draft.pk)


def _facts(family) -> dict:
    """What the case holds, beside each phase of a case study."""
    from django.utils import timezone

    from parcours.casework.panels import contact_counts

    return {
        "household": family.household,
        "assessments": family.assessments.select_related("criterion").order_by(
            "criterion__position"
        ),
        "plan": getattr(family, "plan", None),
        "actions": family.actions.order_by("due_on")[:10],
        "contacts": [c for c in contact_counts(family, timezone.localdate()) if c["total"]],
        "reviews": family.reviews.order_by("held_on"),
        "history": family.status_changes.order_by("at"),
    }


def _coordinated(request):
    """The projects whose instruments the user chooses; 404 unless they coordinate one or
    administer the site (administrators keep the shared versions)."""
    from parcours.accounts.models import Role
    from parcours.projects.models import Project

    projects = Project.objects.filter(
        pk__in=request.user.project_ids(Role.COORDINATOR), network=False
    )
    if not projects and not request.user.is_staff:
        raise Http404
    return projects


@require_http_methods(["GET", "POST"])
def versions_page(request):
    """The versions every project shares; administrators upload them and set the default,
    each project's coordinators choose which one their project's new sheets use."""
    from parcours.instruments.models import InstrumentVersion, ProjectInstrument
    from parcours.instruments.versions import VersionError, choose, upload

    projects = _coordinated(request)
    problems = []
    if request.method == "POST" and request.POST.get("action") == "choose":
        project = get_object_or_404(projects, pk=request.POST.get("project") or 0)
        version = get_object_or_404(InstrumentVersion, pk=request.POST.get("version") or 0)
        choose(Actor.from_request(request), project, version)
        messages.success(
            request,
            _("%(project)s now uses %(version)s.") % {"project": project, "version": version},
        )
        return redirect("instruments:versions")
    if request.method == "POST":
        if not request.user.is_staff:
            raise Http404
        code, file = request.POST.get("instrument"), request.FILES.get("file")
        if code not in InstrumentCode.values or file is None:
            problems = [_("Choose the instrument and the XLSX file.")]
        else:
            try:
                version = upload(Actor.from_request(request), code, read_upload(file))
            except SpreadsheetError as error:
                problems = [str(error)]
            except VersionError as error:
                problems = error.problems
            else:
                return redirect("instruments:version", version.pk)
    defaults = {code: InstrumentVersion.objects.active(code) for code in InstrumentCode.values}
    versions = InstrumentVersion.objects.order_by("instrument", "-created_at")
    chosen = {
        (c.project_id, c.instrument): c.version
        for c in ProjectInstrument.objects.filter(project__in=projects).select_related("version")
    }
    choices = [
        {
            "project": project,
            "instrument": label,
            "code": code,
            "current": chosen.get((project.pk, code), defaults[code]),
            "versions": [v for v in versions if v.instrument == code],
        }
        for project in projects
        for code, label in InstrumentCode.choices
    ]
    return render(
        request,
        "instruments/versions.html",
        {
            "versions": versions,
            "codes": InstrumentCode.choices,
            "problems": problems,
            "choices": choices,
            "may_upload": request.user.is_staff,
        },
    )


@require_http_methods(["GET", "POST"])
def version_page(request, version_pk):
    """A version compared with the default; an administrator makes it the default."""
    from parcours.instruments.models import InstrumentVersion
    from parcours.instruments.versions import activate, compare

    projects = _coordinated(request)
    version = get_object_or_404(InstrumentVersion, pk=version_pk)
    if request.method == "POST":
        if not request.user.is_staff or version.active:
            raise Http404
        activate(Actor.from_request(request), version)
        messages.success(request, _("Version %(v)s is now the default.") % {"v": version.version})
        return redirect("instruments:versions")
    current = InstrumentVersion.objects.active(version.instrument)
    return render(
        request,
        "instruments/version.html",
        {
            "version": version,
            "current": current,
            "diff": compare(current.definition, version.definition, _language()),
            "may_activate": request.user.is_staff and not version.active,
            "projects": projects,
        },
    )


@require_http_methods(["GET", "POST"])
def import_page(request):
    """A coordinator imports sheets exported from KoboToolbox or ODK Central (or filled in the
    template): all or nothing unless they choose to leave unknown cases out. A file of more
    rows than PARCOURS_BACKGROUND_ROWS is imported by the worker, behind a progress bar."""
    from parcours.instruments.import_form import ImportForm
    from parcours.instruments.transfer import TransferError, import_responses, summary

    projects = _coordinated(request)
    form = ImportForm(request.POST or None, request.FILES or None, projects=projects)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            content = read_upload(data["file"])
            if row_count(data["file"].name, content) > settings.PARCOURS_BACKGROUND_ROWS:
                return _import_in_background(request, data, content)
            result = import_responses(
                Actor.from_request(request),
                data["instrument"],
                data["project"],
                data["file"].name,
                content,
                skip_unmatched=data["skip_unmatched"],
            )
        except SpreadsheetError as error:
            problems = [str(error)]
        except TransferError as error:
            problems = error.errors
        else:
            for line in summary(result):
                messages.success(request, line)
            return redirect("instruments:import")
    return render(request, "instruments/import.html", {"form": form, "problems": problems})


def _import_in_background(request, data, content):
    from parcours.accounts.models import Role
    from parcours.instruments.jobs import import_sheets

    project, name = data["project"], data["file"].name
    job, created = jobs.start(
        request,
        import_sheets,
        kind="instruments.import",
        title=_("Import of %(file)s into %(project)s") % {"file": name, "project": project},
        key=f"instruments.import:{project.pk}",  # one project's imports, one at a time
        project=project,
        params={
            "instrument": data["instrument"],
            "name": name,
            "skip_unmatched": data["skip_unmatched"],
            "projects": [project.pk],
            "roles": [Role.COORDINATOR],
        },
        upload=content,
    )
    if not created:
        messages.error(
            request,
            _(
                "An import into %(project)s is still running: this file was not imported. "
                "Send it again when that one has ended."
            )
            % {"project": project},
        )
        if job.requested_by_id != request.user.pk:
            return redirect("instruments:import")
    return redirect("jobs:job", job.pk)


@require_GET
def xform_download(request, version_pk):
    """A version's XForm, as pyxform made it, for a team that collects with ODK or Kobo."""
    from parcours.instruments.models import InstrumentVersion

    _coordinated(request)
    version = get_object_or_404(InstrumentVersion, pk=version_pk)
    response = HttpResponse(version.xform_xml(), content_type="text/xml; charset=utf-8")
    name = f"{version.instrument}-{version.version}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
