"""The network page: members export their signed dataset, a network's coordinators load them.
Both run in the worker (a whole project's families, several files checked at once)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parcours.accounts.models import Role
from parcours.jobs import services as jobs
from parcours.network import jobs as work
from parcours.network.forms import PoolForm
from parcours.network.models import PooledSource
from parcours.network.uploads import pack
from parcours.projects.models import Project
from parcours.spreadsheets import SpreadsheetError, read_upload


def _coordinated(request, network: bool):
    return Project.objects.filter(
        pk__in=request.user.project_ids(Role.COORDINATOR), network=network
    )


@require_http_methods(["GET", "POST"])
def network_page(request):
    members, networks = _coordinated(request, False), _coordinated(request, True)
    if not members and not networks:
        raise Http404
    form = PoolForm(request.POST or None, request.FILES or None, projects=networks)
    if request.method == "POST" and networks and form.is_valid():
        project = form.cleaned_data["project"]
        try:
            files = [(f.name, read_upload(f)) for f in form.cleaned_data["files"]]
        except SpreadsheetError as error:
            form.add_error("files", str(error))
        else:
            job, created = jobs.start(
                request,
                work.import_files,
                kind="network.import",
                title=_("Member files into %(project)s") % {"project": project},
                key=f"network.import:{project.pk}",
                project=project,
                params={"projects": [project.pk], "roles": [Role.COORDINATOR]},
                upload=pack(files),
            )
            if not created:
                messages.error(
                    request,
                    _("Files are being loaded into %(project)s: wait for them.")
                    % {"project": project},
                )
                if job.requested_by_id != request.user.pk:
                    return redirect("network:pool")
            return redirect("jobs:job", job.pk)
    sources = PooledSource.objects.filter(project__in=networks).select_related(
        "project", "imported_by"
    )
    return render(
        request,
        "network/pool.html",
        {"members": members, "networks": networks, "form": form, "sources": sources},
    )


@require_POST
def export(request, project_pk):
    project = get_object_or_404(_coordinated(request, False), pk=project_pk)
    job, _created = jobs.start(
        request,
        work.export_file,
        kind="network.export",
        title=_("Evaluation export of %(project)s for the network") % {"project": project},
        key=f"network.export:{request.user.pk}:{project.pk}",
        project=project,
        params={"projects": [project.pk], "roles": [Role.COORDINATOR]},
    )
    return redirect("jobs:job", job.pk)
