"""Legal dossier pages. Each view: visibility gate (404), form, service call, render."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parcours.accounts.models import Role
from parcours.cases.access import is_case_worker, posted, visible_family
from parcours.casework.models import ServiceProvider
from parcours.casework.services import consent_to_share
from parcours.downloads import attachment, file_name
from parcours.legal import importer, services
from parcours.legal.forms import (
    DeadlineOverrideForm,
    DeadlineRuleForm,
    DocumentForm,
    EventForm,
    HistoryImportForm,
    KindFilter,
    ProcedureForm,
)
from parcours.legal.models import DeadlineOverride, DeadlineRule, Procedure
from parcours.legal.svg import WIDTH, layout
from parcours.legal.timeline import entries
from parcours.pdf import pdf_bytes, svg_style
from parcours.privacy.audit import Actor, record
from parcours.privacy.middleware import allow_camera
from parcours.privacy.models import AuditAction

PRINT_WIDTH = 640  # the timeline's width in the PDF: narrower, so its text prints larger


def _dossier_context(family, today, person_id=None, kinds=None, width=WIDTH) -> dict:
    history = entries(family, today, person_id=person_id, kinds=kinds)
    members = list(family.members.order_by("created_at"))
    return {
        "family": family,
        "history": history,
        "picture": layout(history, members, today, width),
        "procedures": Procedure.objects.filter(family=family).select_related(
            "deadline_rule", "lawyer", "person"
        ),
        "documents": family.documents.select_related("kind", "person"),
        "today": today,
    }


@require_GET
def dossier(request, pk):
    """The family's history as one picture and one list, with the procedures and documents."""
    family = visible_family(request, pk)
    filters = KindFilter(request.GET or None, family=family)
    person_id = kinds = None
    if filters.is_valid():
        person = filters.cleaned_data["person"]
        person_id, kinds = (person.pk if person else None), filters.cleaned_data["kind"]
    context = _dossier_context(family, timezone.localdate(), person_id, kinds)
    lawyers = ServiceProvider.objects.filter(
        consents__family=family,
        consents__withdrawn_on__isnull=True,
        consents__purpose="share_with_provider",
        kind="lawyer",
    ).distinct()
    return render(
        request, "legal/dossier.html", {**context, "filters": filters, "lawyers": lawyers}
    )


def _edit(request, family, form, title, save):
    if request.method == "POST" and form.is_valid():
        save()
        messages.success(request, _("Saved."))
        return redirect("legal:dossier", family.pk)
    return render(request, "legal/form.html", {"family": family, "form": form, "title": title})


@require_http_methods(["GET", "POST"])
def procedure_edit(request, pk, procedure_pk=None):
    family = visible_family(request, pk)
    procedure = (
        get_object_or_404(family.procedures, pk=procedure_pk)
        if procedure_pk
        else Procedure(family=family)
    )
    form = ProcedureForm(posted(request), instance=procedure, family=family)
    return _edit(
        request,
        family,
        form,
        _("Procedure"),
        lambda: services.save_procedure(Actor.from_request(request), form.save(False)),
    )


@require_http_methods(["GET", "POST"])
def event_create(request, pk):
    family = visible_family(request, pk)
    form = EventForm(posted(request), family=family)

    def save():
        event = form.save(commit=False)
        event.family = family
        services.save_event(Actor.from_request(request), event, form.cleaned_data["persons"])

    return _edit(request, family, form, _("Add to the timeline"), save)


@allow_camera
@require_http_methods(["GET", "POST"])
def document_edit(request, pk, document_pk=None):
    family = visible_family(request, pk)
    document = (
        get_object_or_404(family.documents, pk=document_pk)
        if document_pk
        else family.documents.model(family=family)
    )
    form = DocumentForm(posted(request), request.FILES or None, instance=document, family=family)
    return _edit(
        request,
        family,
        form,
        _("Document"),
        lambda: services.save_document(
            Actor.from_request(request), form.save(False), form.cleaned_data.get("upload")
        ),
    )


@require_GET
def document_file(request, pk, document_pk):
    """The attached file, decrypted, only through the gate; never a guessable public URL."""
    family = visible_family(request, pk)
    document = get_object_or_404(family.documents, pk=document_pk)
    if not document.file_key:
        raise Http404
    data = services.read_document_file(Actor.from_request(request), document)
    response = HttpResponse(data, content_type=document.file_type)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + _safe(document.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe(name: str) -> str:
    from urllib.parse import quote

    return quote(name.replace("/", "_").replace("\\", "_"))


@require_http_methods(["GET", "POST"])
def history_import(request, pk):
    family = visible_family(request, pk)
    form = HistoryImportForm(posted(request), request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = importer.validate(
                importer.read_rows(form.cleaned_data["file"]),
                list(family.members.all()),
                timezone.localdate(),
            )
        except importer.HistoryImportError as error:
            errors = error.errors
        else:
            count = services.import_events(Actor.from_request(request), family, rows)
            messages.success(request, _("%(n)s events imported.") % {"n": count})
            return redirect("legal:dossier", family.pk)
    return render(
        request,
        "legal/import.html",
        {"family": family, "form": form, "errors": errors, "columns": importer.COLUMNS},
    )


@require_http_methods(["POST"])
def dossier_pdf(request, pk):
    """The dossier overview for a lawyer: only with a consent to share with that lawyer."""
    family = visible_family(request, pk)
    lawyer = get_object_or_404(
        ServiceProvider,
        pk=request.POST.get("lawyer"),
        kind="lawyer",
        organisation_id=family.project.organisation_id,
    )
    today = timezone.localdate()
    if consent_to_share(family, lawyer, today) is None:
        messages.error(request, _("There is no consent in force to share with this lawyer."))
        return redirect("legal:dossier", family.pk)
    record(Actor.from_request(request), AuditAction.EXPORT, family)
    html = render_to_string(
        "legal/dossier_pdf.html",
        {
            **_dossier_context(family, today, width=PRINT_WIDTH),
            "lawyer": lawyer,
            "household": family.household,
            "prepared_by": request.user,
            "svg_style": svg_style(),
        },
        request=request,
    )
    pdf = pdf_bytes(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = attachment(
        file_name(family.case_number, "dossier", extension="pdf")
    )
    return response


def _coordinated_projects(user):
    from parcours.projects.models import Project

    return Project.objects.filter(pk__in=user.project_ids(Role.COORDINATOR), network=False)


@require_GET
def deadline_rules(request):
    """The deadline table of the user's countries, with their projects' own limits.

    The rules are shared by every organisation: administrators change them; a coordinator
    sets a limit for their own project instead."""
    from parcours.projects.models import Project

    administrator = request.user.is_staff
    if not (administrator or is_case_worker(request.user)):
        raise Http404
    ids = request.user.project_ids(Role.CASE_MANAGER, Role.COORDINATOR)
    projects = Project.objects.filter(pk__in=ids)
    rules = DeadlineRule.objects.prefetch_related("overrides__project")
    if not administrator:
        rules = rules.filter(country__in={p.country for p in projects})
    own = {p.pk for p in projects}
    rows = [(rule, [o for o in rule.overrides.all() if o.project_id in own]) for rule in rules]
    return render(
        request,
        "legal/deadline_rules.html",
        {
            "rows": rows,
            "may_edit": administrator,
            "may_override": {str(p.country) for p in _coordinated_projects(request.user)},
        },
    )


@require_http_methods(["GET", "POST"])
def deadline_rule_edit(request, rule_pk=None):
    """A shared country rule: administrators only."""
    if not request.user.is_staff:
        raise Http404
    rule = get_object_or_404(DeadlineRule, pk=rule_pk) if rule_pk else DeadlineRule()
    form = DeadlineRuleForm(posted(request), instance=rule)
    if request.method == "POST" and form.is_valid():
        services.save_deadline(Actor.from_request(request), form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("legal:deadline_rules")
    return render(request, "legal/deadline_rule_form.html", {"form": form, "rule": rule})


@require_http_methods(["GET", "POST"])
def deadline_override_edit(request, rule_pk, override_pk=None):
    """A coordinator's own limit for one of their projects, or back to the country's rule."""
    projects = _coordinated_projects(request.user)
    rule = get_object_or_404(DeadlineRule, pk=rule_pk, country__in={p.country for p in projects})
    projects = projects.filter(country=rule.country)
    override = (
        get_object_or_404(rule.overrides, pk=override_pk, project__in=projects)
        if override_pk
        else DeadlineOverride(rule=rule, min_days=rule.min_days, max_days=rule.max_days)
    )
    actor = Actor.from_request(request)
    if request.method == "POST" and override.pk and "remove" in request.POST:
        services.remove_deadline_override(actor, override)
        messages.success(request, _("The project follows the country's rule again."))
        return redirect("legal:deadline_rules")
    form = DeadlineOverrideForm(posted(request), instance=override, projects=projects)
    if request.method == "POST" and form.is_valid():
        services.save_deadline(actor, form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("legal:deadline_rules")
    return render(
        request,
        "legal/deadline_override_form.html",
        {"form": form, "rule": rule, "override": override},
    )
